#!/usr/bin/env bash
# `make demo`: builds a lab path with a fault (30% loss from link 4, which
# persists to the server), shows what the prober sees from the client, what
# was injected, and tears the lab down. Well under 30 seconds.
# Env: DEMO_SCENARIO (a name in tests/lab/scenarios, default loss-out),
#      DEMO_CMD (the prober; the target address is appended).
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lab/lib.sh

DEMO_SCENARIO=${DEMO_SCENARIO:-loss-out}
DEMO_CMD=${DEMO_CMD:-build/hopdoc -n -r -c 10 -i 0.2 --diagnose}
scn=tests/lab/scenarios/$DEMO_SCENARIO.scn

[ "$(id -u)" = 0 ] || { echo "demo: needs root (sudo make demo)" >&2; exit 1; }
start=$SECONDS
lab_up "$scn" || exit 1
echo "Lab '$LAB_NAME': $(awk '$1 == "desc" { $1 = ""; print substr($0, 2) }' "$scn")"
echo "client $LAB_CLIENT4 -> $((LAB_HOPS - 1)) routers -> server $LAB_TARGET4 (namespaces $LAB_PREFIX-*)"
echo "\$ $DEMO_CMD $LAB_TARGET4   (inside the client namespace)"
# shellcheck disable=SC2086 # DEMO_CMD is a command line
lab_client $DEMO_CMD "$LAB_TARGET4"
rc=$?
echo
echo "Injected truth (hop address RTT_ms loss_%), and the right diagnosis:"
lab_truth "$scn" 4 | awk '$1 == "hop" { printf "  %2d  %-15s %7.1f %5s\n", $2, $3, $4, $5 }
	$1 == "expect" { print "  expect: " $2 " at hop " $3 " (" $4 ", " $5 ")" }'
lab_down
echo "lab torn down; demo took $((SECONDS - start)) s"
exit $rc
