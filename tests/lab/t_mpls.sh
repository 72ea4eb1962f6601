#!/usr/bin/env bash
# tests/lab/t_mpls.sh: MPLS label stacks (-e) and the diagnosis of a tunnel
# (issue 12). This kernel has no mpls_router module (no modprobe, no
# /proc/sys/net/mpls), so the tunnel is build/lab/mplstun behind a TUN
# device in r1: it answers a probe arriving with TTL k as the k-th LSR of a
# tunnel with ICMP tunnelling would (time exceeded with an RFC 4950 label
# stack, sent DELAY ms late: the far end's time), and the target behind it.
# The truth is what the tool was told: LSR k answers from 192.0.2.k with
# label 16000+k; the target 192.0.2.100 answers; hops 2.. show the same time.
#     client -- r1 -- [mt0: LSR 192.0.2.1, .2, .3 -> target 192.0.2.100]
# Checks: the report with -e has each LSR's "[MPLS: Lbl N TC 0 S 1 TTL 1]"
# line under its hop and none elsewhere; without -e none; JSON has the
# labels; raw has m lines with -e only; --diagnose names the tunnel and
# calls none of its hops slow. mtr -e runs alongside for the closing note.
# Prints PASS:/FAIL: lines; exits non-zero on any failure. Needs root.
LAB_PREFIX=${LAB_PREFIX:-hmp$$}
LAB_PREFIX=${LAB_PREFIX:0:8}
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" mpls

WORK=$(mktemp -d /tmp/hmpls.XXXXXX)
NET=192.0.2
TARGET=$NET.100
DELAY=20
N_LSR=3

cleanup() {
	[ -n "${LAB_TUN_PID:-}" ] && kill "$LAB_TUN_PID" 2>/dev/null && wait "$LAB_TUN_PID" 2>/dev/null
	lab_down
	rm -rf "$WORK"
}

cat >"$WORK/mpls.scn" <<'EOF'
name mpls
desc one router, then an MPLS tunnel played by build/lab/mplstun
routers 1
family 4
ipv6 no
EOF

lab_up "$WORK/mpls.scn" || { fail setup; exit 1; }
trap 'cleanup' EXIT
trap 'exit 1' INT TERM

lsrs=()
for k in $(seq "$N_LSR"); do lsrs+=("$NET.$k:$((16000 + k))"); done
lab_tunnel "$WORK/mpls.scn" "$NET" "$TARGET" "$DELAY" 120 "${lsrs[@]}" 2>"$WORK/tun.err" ||
	{ fail setup "$(cat "$WORK/tun.err")"; exit 1; }

run() { lab_client timeout 60 "$HOPDOC" -n -c 10 -i 0.2 "$@" "$TARGET" 2>&1; }

# The report's MPLS lines as "TTL LABEL TC S LTTL", the hop each sits under.
labels_of() {
	awk '$1 ~ /^[0-9]+\.\|--$/ { sub(/\..*/, "", $1); hop = $1 }
	     /\[MPLS: Lbl/ { gsub(/[][]/, ""); print hop, $3, $5, $7, $9 }'
}
want_labels() { for k in $(seq "$N_LSR"); do echo "$((k + 1)) $((16000 + k)) 0 1 1"; done; }

out=$(run -r -e)
got=$(labels_of <<<"$out")
if [ "$got" = "$(want_labels)" ] && grep -q "^ *$((N_LSR + 2))\.|-- $TARGET " <<<"$out"; then
	pass "report-e (labels 16001-1600$N_LSR under hops 2-$((N_LSR + 1)), target at hop $((N_LSR + 2)))"
else
	fail report-e "want:" "$(want_labels)" "got:" "$got" "$out"
fi
echo "$out" >"$WORK/hopdoc-e.txt"

out=$(run -r)
if [ -z "$(labels_of <<<"$out")" ] && grep -q "^ *2\.|-- $NET.1 " <<<"$out"; then
	pass "report-no-e (no MPLS lines without -e)"
else
	fail report-no-e "$out"
fi

out=$(run -j)
got=$(jq -r '.report.hubs[] | .count as $c | .hosts[]? | select(.mpls) | .mpls[] |
	"\($c) \(.label) \(.tc) \(.s) \(.ttl)"' <<<"$out" 2>&1)
if [ "$got" = "$(want_labels)" ]; then pass "json (mpls of hops 2-$((N_LSR + 1)))"
else fail json "want:" "$(want_labels)" "got:" "$got"; fi

raw_e=$(run -l -e | grep -c '^m ')
raw_n=$(run -l | grep -c '^m ')
if [ "$raw_e" -ge "$N_LSR" ] && [ "$raw_n" -eq 0 ]; then pass "raw (m lines: $raw_e with -e, none without)"
else fail raw "m lines: $raw_e with -e, $raw_n without"; fi

# The tunnel's hops all show the far end's time: the diagnosis says so and
# calls none of them slow (no deprioritized-hop, no latency at hop 2 alone).
out=$(run -r --diagnose --no-follow-up)
if grep -q "hops 2 to $((N_LSR + 1)) are an MPLS tunnel\|Hops 2 to $((N_LSR + 1)) are an MPLS tunnel" <<<"$out" &&
	! grep -q "deprioritized" <<<"$out"; then
	pass "diagnose (tunnel hops 2-$((N_LSR + 1)) named, none called slow)"
else
	fail diagnose "$out"
fi

# mtr for the closing note (informational: Debian's mtr prints a lone
# responder's labels only together with -z, which would ask a real DNS
# server, so it is not run with -z).
mout=$(lab_client mtr -n -r -e -c 10 -i 0.2 "$TARGET" 2>&1)
echo "# mtr -e: $(grep -c 'MPLS' <<<"$mout") MPLS lines; hopdoc -e: $N_LSR"
sed 's/^/#   mtr: /' <<<"$mout"
sed 's/^/#   hopdoc: /' "$WORK/hopdoc-e.txt"
check_done
