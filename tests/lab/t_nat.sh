#!/usr/bin/env bash
# tests/lab/t_nat.sh: NAT detection (issue 12, Dublin traceroute's method:
# the quoted probe of an ICMP error shows the UDP checksum, or the source,
# rewritten on the way).
# 1. nat.scn: r1 masquerades the client's LAN (nftables). Linux's NAT
#    restores the quoted addresses, ports and the UDP checksum of the ICMP
#    errors it passes back, so no quote shows it: hopdoc must not claim a NAT
#    it cannot see (no "nat" for any hop, UDP and ICMP).
# 2. A NAT in the middle that restores addresses and ports but not the
#    checksum (as many do), played by build/lab/mplstun behind a TUN device
#    in r1 (plain routers 192.0.2.1-4, nat=3: from router 3 on the quotes
#    carry the rewritten checksum, and so does the target's port
#    unreachable). The truth: the NAT lies before client hop 4 (r1 is hop 1,
#    router k is hop k+1). With -u the JSON marks hops 4 to 6 and no other,
#    the report says "a NAT lies before hop 4"; ICMP probes carry no
#    checksum to compare and mark nothing.
# mtr -u runs alongside for the closing note (it has no NAT detection).
# Prints PASS:/FAIL: lines; exits non-zero on any failure. Needs root.
LAB_PREFIX=${LAB_PREFIX:-hnat$$}
LAB_PREFIX=${LAB_PREFIX:0:8}
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" nat

WORK=$(mktemp -d /tmp/hnat.XXXXXX)
NET=192.0.2
TARGET=$NET.100

cleanup() {
	[ -n "${LAB_TUN_PID:-}" ] && kill "$LAB_TUN_PID" 2>/dev/null && wait "$LAB_TUN_PID" 2>/dev/null
	lab_down
	rm -rf "$WORK"
}
trap 'cleanup' EXIT
trap 'exit 1' INT TERM

# The hops JSON marks: "TTL" per hub whose hosts carry "nat": true.
nat_hops() { jq -r '.report.hubs[] | select(any(.hosts[]?; .nat == true)) | .count' | tr '\n' ' '; }

# 1. Linux's masquerade, at the client's edge.
lab_up "$ROOT/tests/lab/scenarios/nat.scn" || { fail setup "nat.scn"; exit 1; }
u=$(lab_client timeout 60 "$HOPDOC" -n -j -u -c 5 -i 0.1 "$LAB_TARGET4" 2>&1)
i=$(lab_client timeout 60 "$HOPDOC" -n -j -c 5 -i 0.1 "$LAB_TARGET4" 2>&1)
n_u=$(jq '.report.hubs | length' <<<"$u" 2>/dev/null)
if [ -z "$(nat_hops <<<"$u")" ] && [ -z "$(nat_hops <<<"$i")" ] && [ "${n_u:-0}" -ge 6 ]; then
	pass "linux-masquerade (r1's NAT restores every quote: none claimed, $n_u hops)"
else
	fail linux-masquerade "UDP marks: $(nat_hops <<<"$u")" "ICMP marks: $(nat_hops <<<"$i")" "$u"
fi
lab_down

# 2. A checksum-keeping NAT in the middle.
cat >"$WORK/mid.scn" <<'EOF'
name natmid
desc one router, then routers played by build/lab/mplstun with a NAT before the third
routers 1
family 4
ipv6 no
EOF
lab_up "$WORK/mid.scn" || { fail setup "mid.scn"; exit 1; }
lab_tunnel "$WORK/mid.scn" "$NET" "$TARGET" 2 120 nat=3 "$NET.1:0" "$NET.2:0" "$NET.3:0" "$NET.4:0" 2>"$WORK/tun.err" ||
	{ fail setup "$(cat "$WORK/tun.err")"; exit 1; }

run() { lab_client timeout 60 "$HOPDOC" -n -c 5 -i 0.1 "$@" "$TARGET" 2>&1; }
got=$(run -j -u | nat_hops)
if [ "$got" = "4 5 6 " ]; then pass "middle-json (hops 4 5 6 marked, as injected)"
else fail middle-json "want '4 5 6 ', got '$got'"; fi

out=$(run -r -u)
marks=$(grep -c '\[NAT: ' <<<"$out")
if [ "$marks" -eq 1 ] && grep -q 'a NAT lies before hop 4\]' <<<"$out"; then
	pass "middle-report (one mark: before hop 4)"
else
	fail middle-report "$marks marks" "$out"
fi
echo "$out" >"$WORK/hopdoc-u.txt"

got=$(run -j | nat_hops)
if [ -z "$got" ]; then pass "middle-icmp (ICMP probes: nothing to compare, nothing marked)"
else fail middle-icmp "marked '$got'"; fi

mout=$(lab_client mtr -n -r -u -c 5 -i 0.1 "$TARGET" 2>&1)
echo "# mtr -u (no NAT detection):"
sed 's/^/#   mtr: /' <<<"$mout"
sed 's/^/#   hopdoc: /' "$WORK/hopdoc-u.txt"
check_done
