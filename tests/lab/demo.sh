#!/usr/bin/env bash
# `make demo`: builds a lab path with a fault (30% loss from link 4, which
# persists to the server), shows what the prober sees from the client, what
# was injected and whether the verdict named it, and tears the lab down. Well
# under 30 seconds. 50 rounds: with 10, a hop behind the lossy link lost none
# of its probes to the 30% loss in about 3% of runs (0.7^10), and the verdict
# then rightly followed the data, not the truth.
# Env: DEMO_SCENARIO (a name in tests/lab/scenarios, default loss-out),
#      DEMO_CMD (the prober; the target address is appended).
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/lab/lib.sh

DEMO_SCENARIO=${DEMO_SCENARIO:-loss-out}
DEMO_CMD=${DEMO_CMD:-build/hopdoc -n -r -c 50 -i 0.1 --diagnose}
scn=tests/lab/scenarios/$DEMO_SCENARIO.scn

[ "$(id -u)" = 0 ] || { echo "demo: needs root (sudo make demo)" >&2; exit 1; }
start=$SECONDS
lab_up "$scn" || exit 1
echo "Lab '$LAB_NAME': $(awk '$1 == "desc" { $1 = ""; print substr($0, 2) }' "$scn")"
echo "client $LAB_CLIENT4 -> $((LAB_HOPS - 1)) routers -> server $LAB_TARGET4 (namespaces $LAB_PREFIX-*)"
echo "\$ $DEMO_CMD $LAB_TARGET4   (inside the client namespace)"
# shellcheck disable=SC2086 # DEMO_CMD is a command line
out=$(lab_client $DEMO_CMD "$LAB_TARGET4")
rc=$?
echo "$out"
echo
echo "Injected truth (hop address RTT_ms loss_%), and the right diagnosis:"
lab_truth "$scn" 4 | awk '$1 == "hop" { printf "  %2d  %-15s %7.1f %5s\n", $2, $3, $4, $5 }
	$1 == "expect" && $3 == 0 { print "  expect: " $2 }
	$1 == "expect" && $3 != 0 { print "  expect: " $2 " at hop " $3 " (" $4 ", " $5 ")" }'
# The verdict's first finding, "1. critical: loss at hop 4 (segment transit,
# direction outbound, ...", against the scenario's expect line.
want=$(lab_truth "$scn" 4 | awk '$1 == "expect" { print $2 ($3 ? " at hop " $3 : "") " (segment " $4 ", direction " $5; exit }')
got=$(awk '/^ 1\. [a-z]+: / { sub(/^ 1\. [a-z]+: /, ""); sub(/, loss .*|\)$/, ""); print; exit }' <<<"$out")
if [ -n "$want" ] && [ "$got" = "$want" ]; then
	echo "verdict: right: $got)"
else
	echo "verdict: not the injected fault (said: ${got:-nothing}; injected: $want)"
	rc=1
fi
lab_down
echo "lab torn down; demo took $((SECONDS - start)) s"
exit $rc
