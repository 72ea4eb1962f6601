#!/usr/bin/env bash
# tests/lab/t_dns.sh: hopdoc's reverse DNS against a DNS server the lab runs
# itself. dnsmasq in the server namespace serves PTR records for every hop of
# a small chain; the client namespace's resolv.conf points at it (ip netns
# exec bind-mounts /etc/netns/NAME/resolv.conf). Then the same run with the
# server's udp/53 dropped: the report must come as fast, with addresses.
# Prints PASS:/FAIL: lines; exits non-zero on any failure. Needs root.
LAB_PREFIX=${LAB_PREFIX:-hl7d$$}
LAB_PREFIX=${LAB_PREFIX:0:8}
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" dns

WORK=$(mktemp -d /tmp/hl7dns.XXXXXX)
DNS_PID=
RESOLV_DIR=

cleanup() {
	[ -n "$DNS_PID" ] && kill "$DNS_PID" 2>/dev/null
	[ -n "$RESOLV_DIR" ] && rm -rf "$RESOLV_DIR"
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

lab_server dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
	--bind-interfaces --listen-address="$LAB_TARGET4" --port=53 --user=root \
	--pid-file="$WORK/dnsmasq.pid" --log-queries --log-facility="$WORK/dnsmasq.log" \
	"${ptr_args[@]}" &
DNS_PID=$!

RESOLV_DIR=/etc/netns/$LAB_CLIENT
mkdir -p "$RESOLV_DIR"
printf 'nameserver %s\n' "$LAB_TARGET4" >"$RESOLV_DIR/resolv.conf"

# dnsmasq is up when it answers a PTR query from the client namespace.
ready=
for _ in $(seq 50); do
	if lab_client getent hosts "$LAB_TARGET4" >/dev/null 2>&1; then ready=yes; break; fi
	sleep 0.1
done
[ -n "$ready" ] || { fail setup "dnsmasq did not answer"; exit 1; }

# Runs hopdoc with names on; sets OUT and SECS.
run_hopdoc() {
	local t0 t1
	t0=$(date +%s.%N)
	OUT=$(lab_client "$HOPDOC" -r -c 5 -i 0.1 "$LAB_TARGET4" 2>&1)
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
slower=$(awk -v a="$SECS" -v b="$named_secs" 'BEGIN { print (a > b + 1.0) ? 1 : 0 }')
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
