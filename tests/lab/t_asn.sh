#!/usr/bin/env bash
# tests/lab/t_asn.sh: AS numbers (-z) and mtr's other ipinfo fields (-y N)
# against a DNS server the lab runs itself (issue 12). dnsmasq in r1's
# namespace serves, for every hop of a small chain, a PTR record and the
# origin TXT record Team Cymru's servers would (N.origin.asn.cymru.com:
# "ASN | prefix | CC | registry | date"); the client namespace's resolv.conf
# points at it (ip netns exec bind-mounts /etc/netns/NAME/resolv.conf), so no
# query ever leaves the lab. The truth is the records we wrote: hop k is in
# AS 64500+k except the last two hops, which share AS 64599 (the server's
# network), and hop k's country is "Dk".
# Checks: -r -w -z shows "AS6450k" before each hop's name; -y 2 the country;
# -j -z has "ASN"; -C -z has an Asn column; with -n no query is made (AS???
# everywhere, dnsmasq's log shows none); --diagnose with loss injected on the
# server's link names the network (AS64599) that owns the fault. mtr runs
# alongside with -z for the closing note.
# Prints PASS:/FAIL: lines; exits non-zero on any failure. Needs root.
LAB_PREFIX=${LAB_PREFIX:-hasn$$}
LAB_PREFIX=${LAB_PREFIX:0:8}
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" asn

WORK=$(mktemp -d /tmp/hasn.XXXXXX)
cleanup() {
	lab_down
	rm -rf "$WORK"
}

# 3 routers; 20% loss on link 3 (r2 -> r3), outbound: hops 3 and 4 lose (the fault the
# diagnosis must place in the server's network).
cat >"$WORK/asn.scn" <<'EOF'
name asn
desc AS lookups test chain, served by dnsmasq in the server namespace
routers 3
family 4
ipv6 no
link 3 delay 1ms/1ms loss 20/0
EOF

lab_up "$WORK/asn.scn" || { fail setup; exit 1; }
trap 'cleanup' EXIT
trap 'exit 1' INT TERM

mapfile -t hops < <(lab_truth "$WORK/asn.scn" 4 | awk '$1 == "hop" && $3 != "*" { print $2, $3 }')
n_hops=${#hops[@]}
dns_args=()
declare -A want_as want_cc
for line in "${hops[@]}"; do
	read -r ttl addr <<<"$line"
	IFS=. read -r a b c d <<<"$addr"
	as=$((64500 + ttl))
	[ "$ttl" -ge $((n_hops - 1)) ] && as=64599
	want_as[$ttl]=$as
	want_cc[$ttl]=D$ttl
	dns_args+=("--ptr-record=$d.$c.$b.$a.in-addr.arpa,hop$ttl.lab.test"
		"--txt-record=$d.$c.$b.$a.origin.asn.cymru.com,$as | $a.$b.$c.0/24 | D$ttl | lab | 2026-12-03")
done

# The server sits in r1, before the lossy link, so no query is lost.
DNS_ADDR=$(awk '$1 == 1 { print $2 }' <<<"$(printf '%s\n' "${hops[@]}")")
lab_dns r1 "$DNS_ADDR" "$WORK" "${dns_args[@]}" || { fail setup "dnsmasq did not answer"; exit 1; }

run() { lab_client timeout 60 "$HOPDOC" -c 5 -i 0.1 "$@" "$LAB_TARGET4" 2>&1; }
# " 2. AS64502  hop2.lab.test  0.0% ..." -> "2 AS64502 hop2.lab.test"
info_rows() { awk '$1 ~ /^[0-9]+\.$/ { sub(/\./, "", $1); print $1, $2, $3 }'; }
want_rows() { # PREFIX ARRAY_NAME
	local -n w=$2
	for ttl in $(printf '%s\n' "${!w[@]}" | sort -n); do echo "$ttl $1${w[$ttl]} hop$ttl.lab.test"; done
}
txt_queries() { grep -c 'query\[TXT\]' "$WORK/dnsmasq.log" 2>/dev/null; }

out=$(run -r -w -z)
if [ "$(info_rows <<<"$out")" = "$(want_rows AS want_as)" ]; then
	pass "report-z ($n_hops hops: $(info_rows <<<"$out" | awk '{ printf "%s%s", s, $2; s = " " }'))"
else
	fail report-z "want:" "$(want_rows AS want_as)" "got:" "$out"
fi
echo "$out" >"$WORK/hopdoc-z.txt"

out=$(run -r -w -y 2)
if [ "$(info_rows <<<"$out")" = "$(want_rows "" want_cc)" ]; then pass "report-y2 (countries D1..D$n_hops)"
else fail report-y2 "want:" "$(want_rows "" want_cc)" "got:" "$out"; fi

out=$(run -j -z)
got=$(jq -r '.report.hubs[] | "\(.count) \(.ASN) \(.host)"' <<<"$out" 2>&1)
if [ "$got" = "$(want_rows AS want_as)" ]; then pass "json-z (\"ASN\" per hub)"
else fail json-z "want:" "$(want_rows AS want_as)" "got:" "$got"; fi

out=$(run -C -z)
got=$(awk -F, 'NR > 1 { print $5, $7, $6 }' <<<"$out")
if head -1 <<<"$out" | grep -q '^Mtr_Version,Start_Time,Status,Host,Hop,Ip,Asn,' &&
	[ "$got" = "$(want_rows AS want_as)" ]; then pass "csv-z (Asn column)"
else fail csv-z "want:" "$(want_rows AS want_as)" "got:" "$out"; fi

# -n: no DNS at all, AS lookups included.
before=$(txt_queries)
out=$(run -r -n -z)
after=$(txt_queries)
unknown=$(grep -c '^ *[0-9]*\. AS??? ' <<<"$out")
if [ "$unknown" -eq "$n_hops" ] && [ "$before" = "$after" ] && [ "$before" -gt 0 ]; then
	pass "no-dns (-n -z: $unknown rows AS???, TXT queries stay at $after)"
else
	fail no-dns "AS??? rows $unknown of $n_hops, TXT queries $before -> $after" "$out"
fi

# R9: the lossy link is the server's, so the fault belongs to AS64599.
out=$(lab_client timeout 90 "$HOPDOC" -r -z -c 60 -i 0.05 --diagnose --no-follow-up "$LAB_TARGET4" 2>&1)
if grep -q "is in AS64599's network" <<<"$out" && grep -q "R9: hop [0-9]*'s origin AS is AS64599" <<<"$out"; then
	pass "diagnose-owner (the fault is named AS64599's)"
else
	fail diagnose-owner "$out"
fi

mout=$(lab_client mtr -r -w -z -c 5 -i 0.1 "$LAB_TARGET4" 2>&1)
echo "# mtr -rwz through the lab's DNS server:"
sed 's/^/#   mtr: /' <<<"$mout"
sed 's/^/#   hopdoc: /' "$WORK/hopdoc-z.txt"
check_done
