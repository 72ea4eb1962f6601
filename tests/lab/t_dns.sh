#!/usr/bin/env bash
# tests/lab/t_dns.sh: hopdoc's reverse DNS against a DNS server the lab runs
# itself. dnsmasq in the server namespace serves PTR records for every hop of
# a small chain; the client namespace's resolv.conf points at it (ip netns
# exec bind-mounts /etc/netns/NAME/resolv.conf). A one-cycle report (-r -c 1)
# must name every hop, with the server answering at once and through a
# forwarder in the client namespace (build/lab/dnsdelay on 127.0.0.1) that
# answers 1.5 s late: the report waits for the names (issue 14; mtr runs
# alongside for the closing note). Then the same run with the server's udp/53
# dropped: the report comes with addresses, at most the names' wait (3 s
# after the last name) later than with names.
# Prints PASS:/FAIL: lines; exits non-zero on any failure. Needs root.
# One letter and the whole pid (at most 8 characters): unique among
# concurrent runs, which a cut pid was not.
LAB_PREFIX=${LAB_PREFIX:-d$$}
LAB_PREFIX=${LAB_PREFIX:0:8}
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" dns

WORK=$(mktemp -d /tmp/hl7dns.XXXXXX)
DELAY_PID=

cleanup() {
	[ -n "$DELAY_PID" ] && kill "$DELAY_PID" 2>/dev/null
	lab_down
	rm -rf "$WORK"
}

# A chain of 3 routers, 1 ms per link each way, IPv4.
cat >"$WORK/dns.scn" <<'EOF'
name dns
desc reverse DNS test chain, served by dnsmasq in the server namespace
routers 3
family 4
ipv6 no
EOF

lab_up "$WORK/dns.scn" || { fail setup; exit 1; }
trap 'cleanup' EXIT
trap 'exit 1' INT TERM

# PTR records: hop N's address is named hopN.lab.test (the server too).
ptr_args=()
declare -A want_name
while read -r _ ttl addr _; do
	case $addr in '*' | *'|'*) continue ;; esac
	IFS=. read -r a b c d <<<"$addr"
	ptr_args+=("--ptr-record=$d.$c.$b.$a.in-addr.arpa,hop$ttl.lab.test")
	want_name[$ttl]=hop$ttl.lab.test
done < <(lab_truth "$WORK/dns.scn" 4 | awk '$1 == "hop"')

lab_dns server "$LAB_TARGET4" "$WORK" "${ptr_args[@]}" || { fail setup "dnsmasq did not answer"; exit 1; }

# Runs hopdoc with names on (-c 5 -i 0.1 unless told); sets OUT and SECS.
run_hopdoc() {
	local t0 t1
	t0=$(date +%s.%N)
	local args=("$@")
	[ ${#args[@]} -gt 0 ] || args=(-c 5 -i 0.1)
	OUT=$(lab_client "$HOPDOC" -r "${args[@]}" "$LAB_TARGET4" 2>&1)
	RC=$?
	t1=$(date +%s.%N)
	SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
}

# Hop TTL's host column in a report ("  2.|-- hop2.lab.test  0.0% ...").
host_of() { awk -v t="$1" '$1 == t ".|--" { print $2 }' <<<"$OUT"; }

run_hopdoc
named_secs=$SECS
missing=()
for ttl in "${!want_name[@]}"; do
	[ "$(host_of "$ttl")" = "${want_name[$ttl]}" ] || missing+=("hop $ttl: want ${want_name[$ttl]}, got '$(host_of "$ttl")'")
done
if [ "$RC" -eq 0 ] && [ ${#missing[@]} -eq 0 ] && [ ${#want_name[@]} -ge 4 ]; then
	pass "names (${#want_name[@]} hops named, ${named_secs}s)"
else
	fail names "exit $RC" "${missing[@]}" "$OUT"
fi

# Hops without their name in OUT, one per line.
missing_names() {
	local ttl
	for ttl in "${!want_name[@]}"; do
		[ "$(host_of "$ttl")" = "${want_name[$ttl]}" ] || echo "hop $ttl: want ${want_name[$ttl]}, got '$(host_of "$ttl")'"
	done
}

# One cycle: the run is over in a few tens of milliseconds, before the last
# names are in; the report must wait for them.
run_hopdoc -c 1
mapfile -t missing < <(missing_names)
if [ "$RC" -eq 0 ] && [ ${#missing[@]} -eq 0 ]; then
	pass "one-cycle (-r -c 1: ${#want_name[@]} hops named, ${SECS}s)"
else
	fail one-cycle "exit $RC" "${missing[@]}" "$OUT"
fi

# A resolver that answers 1.5 s late: dnsdelay on the client's loopback,
# forwarding to dnsmasq.
lab_client "$ROOT/build/lab/dnsdelay" 127.0.0.1 53 "$LAB_TARGET4" 53 1500 120 &
DELAY_PID=$!
lab_resolver 127.0.0.1
sleep 0.5
run_hopdoc -c 1
mapfile -t missing < <(missing_names)
if [ "$RC" -eq 0 ] && [ ${#missing[@]} -eq 0 ]; then
	pass "slow-resolver (-r -c 1, answers 1.5 s late: ${#want_name[@]} hops named, ${SECS}s)"
else
	fail slow-resolver "exit $RC, ${SECS}s" "${missing[@]}" "$OUT"
fi
# mtr the same way, for the closing note (its names are counted, not checked).
t0=$(date +%s.%N)
MOUT=$(lab_client mtr -r -c 1 "$LAB_TARGET4" 2>&1)
t1=$(date +%s.%N)
mnamed=$(grep -c 'hop[0-9]*\.lab\.test' <<<"$MOUT")
echo "# mtr -r -c 1 with the 1.5 s resolver: $mnamed of ${#want_name[@]} hops named, $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')s"
lab_resolver "$LAB_TARGET4"
kill "$DELAY_PID" 2>/dev/null
wait "$DELAY_PID" 2>/dev/null
DELAY_PID=

# The server goes silent on port 53: no answer, no refusal.
lab_server nft -f - <<'EOF'
table inet hl7dns {
	chain input {
		type filter hook input priority 0; policy accept;
		udp dport 53 drop
		tcp dport 53 drop
	}
}
EOF
run_hopdoc
wrong=()
for ttl in "${!want_name[@]}"; do
	host=$(host_of "$ttl")
	[[ $host =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || wrong+=("hop $ttl: want an address, got '$host'")
done
# The report waits for names at most 3 s after the last one came (none here).
slower=$(awk -v a="$SECS" -v b="$named_secs" 'BEGIN { print (a > b + 3.0 + 1.0) ? 1 : 0 }')
if [ "$RC" -eq 0 ] && [ ${#wrong[@]} -eq 0 ] && [ "$slower" -eq 0 ]; then
	pass "dead-server (addresses shown, ${SECS}s vs ${named_secs}s with names)"
else
	fail dead-server "exit $RC, ${SECS}s vs ${named_secs}s" "${wrong[@]}" "$OUT"
fi

# -n asks nothing: the server's log sees no new query.
before=$(grep -c 'query\[PTR\]' "$WORK/dnsmasq.log" 2>/dev/null)
lab_server nft delete table inet hl7dns
OUT=$(lab_client "$HOPDOC" -n -r -c 2 -i 0.1 "$LAB_TARGET4" 2>&1)
after=$(grep -c 'query\[PTR\]' "$WORK/dnsmasq.log" 2>/dev/null)
if [ "$before" = "$after" ] && [ -n "$(host_of 1)" ]; then
	pass "no-dns (no PTR query with -n)"
else
	fail no-dns "PTR queries before $before, after $after" "$OUT"
fi

check_done
