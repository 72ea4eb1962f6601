#!/usr/bin/env bash
# tests/lab/t_flows.sh: constant flows (Paris probing), --flows N and a lossy
# ECMP member, against the lab's truth and beside mtr.
#
# ecmp (r3 and r3b in parallel at hop 3, layer-4 hashing), UDP and TCP:
#   - mtr's rows at hop 3 list both r3 and r3b (its ports change per probe);
#   - hopdoc's default single flow has exactly one responder at every hop
#     (the trace follows one path), and --flows 0 (mtr's per-probe ports)
#     brings the second responder back, so the check can fail;
#   - --flows 16 finds both members, each with figures of its own, and probes
#     hop 3 with at least 11 flows per round (MDA: 2 seen, rule out a 3rd);
#   - -P and -L keep their meaning: every UDP probe on the wire goes from -L
#     to -P (tcpdump).
# ICMP is not checked for branches: Linux hashes no field of an echo request
# beyond addresses and protocol, so every ICMP probe takes one branch anyway.
# flows/ecmp-lossy (r2 -> r3b loses 30% outbound, r3 clean), UDP --flows 16:
#   - r3b's own Loss% is the injected 30% (three binomial sigmas, at least 10
#     points), r3's is 0;
#   - --diagnose names r3b with its own loss (a loss finding at hop 3), not
#     the hop's merged loss; mtr's merged row is printed beside it.
# Loss is random: a loss check that misses is run once more (as t_probe);
# so is a --flows run whose first 6 flows all took one branch (the MDA
# rule's own 1 in 32 at 95% confidence).
# Prints PASS:/FAIL: lines and a TABLE: block. Needs root, jq, mtr, tcpdump.
# Env: FLOWS_CYCLES (20).
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" flows
CYCLES=${FLOWS_CYCLES:-20}
R3=198.51.100.6 R3B=198.51.100.134
TMP=$(mktemp -d)
cleanup() { lab_down; rm -rf "$TMP"; }

proto_args() { case $1 in udp) echo -u ;; tcp) echo -T ;; esac; }

hopdoc_json() { # OUT ARGS... (in the client namespace, the lab's target)
	local out=$1; shift
	lab_client "$HOPDOC" -n -j -c "$CYCLES" -G 0.5 -m "$LAB_MAXTTL" -4 "$@" "$LAB_TARGET4" >"$out"
}

# IPv6, UDP: mtr's rows at hop 3 list both members, hopdoc's one flow one.
one_path6() {
	local n
	lab_client mtr -n -r -c "$CYCLES" -i 0.1 -u -6 "$LAB_TARGET6" >"$TMP/mtr-udp6.txt"
	lab_client "$HOPDOC" -n -j -c "$CYCLES" -i 0.1 -G 0.5 -u -6 "$LAB_TARGET6" >"$TMP/one-udp6.json"
	n=$(most_hosts "$TMP/one-udp6.json")
	if [ "$n" = 1 ] && [ "$(mtr_hosts_at "$TMP/mtr-udp6.txt" 3)" -ge 2 ]; then
		pass "udp6/one-flow-one-responder-per-hop (mtr: $(mtr_hosts_at "$TMP/mtr-udp6.txt" 3) at hop 3)"
	else
		fail "udp6/one-flow-one-responder-per-hop" "hopdoc: a hop had $n responders" "$(cat "$TMP/mtr-udp6.txt")"
	fi
}

# Responders of hop TTL in hopdoc's JSON, comma-separated.
hosts_at() { jq -r --argjson t "$2" '.report.hubs[] | select(.count == $t) | [.hosts[]?.ip] | join(",")' "$1"; }

# The largest number of responders any hop has in hopdoc's JSON.
most_hosts() { jq '[.report.hubs[] | (.hosts // []) | length] | max' "$1"; }

# Responders mtr's report lists at hop TTL (the hop's row and the bare
# names under it).
mtr_hosts_at() {
	awk -v t="$2" '$1 ~ /^[0-9]+\.\|--$/ { cur = $1 + 0; if (cur == t) n++; next }
		NF == 1 && cur == t { n++ } END { print n + 0 }' "$1"
}

# One member's figure: FILE TTL IP KEY
member() { jq -r --argjson t "$2" --arg ip "$3" --arg k "$4" \
	'.report.hubs[] | select(.count == $t) | .hosts[] | select(.ip == $ip) | .[$k] // "none"' "$1"; }

one_path() { # PROTO
	local p=$1 a n
	a=$(proto_args "$p")
	# shellcheck disable=SC2086
	lab_client mtr -n -r -c "$CYCLES" -i 0.1 $a "$LAB_TARGET4" >"$TMP/mtr-$p.txt"
	n=$(mtr_hosts_at "$TMP/mtr-$p.txt" 3)
	if [ "$n" -ge 2 ]; then pass "$p/mtr-hop3-both-branches"
	else fail "$p/mtr-hop3-both-branches" "mtr listed $n responders at hop 3" "$(cat "$TMP/mtr-$p.txt")"; fi
	# shellcheck disable=SC2086
	hopdoc_json "$TMP/one-$p.json" -i 0.1 $a
	n=$(most_hosts "$TMP/one-$p.json")
	if [ "$n" = 1 ]; then pass "$p/one-flow-one-responder-per-hop"
	else fail "$p/one-flow-one-responder-per-hop" "a hop had $n responders" "hop 3: $(hosts_at "$TMP/one-$p.json" 3)"; fi
	# shellcheck disable=SC2086
	hopdoc_json "$TMP/zero-$p.json" -i 0.1 --flows 0 $a
	n=$(hosts_at "$TMP/zero-$p.json" 3)
	if [ "${n//[^,]/}" = , ]; then pass "$p/flows0-alternates-as-mtr"
	else fail "$p/flows0-alternates-as-mtr" "hop 3: $n"; fi
	echo "TABLE: ecmp $p | mtr hop 3: $(mtr_hosts_at "$TMP/mtr-$p.txt" 3) responders | hopdoc: 1 flow, $(hosts_at "$TMP/one-$p.json" 3) | truth: $R3 or $R3B by the flow's hash"
}

# Whether hop 3 of a JSON report lists both members.
both_members() { local h; h=$(hosts_at "$1" 3); [[ ,$h, == *,$R3,* && ,$h, == *,$R3B,* ]]; }

# The MDA rule itself misses a second branch 1 time in 32 (6 flows all
# hashed one way: 2 / 2^6); such a run is repeated once, saying so.
flows16() { # OUT ARGS...
	local out=$1; shift
	hopdoc_json "$out" -i 0.2 --flows 16 "$@"
	if ! both_members "$out"; then
		echo "# second run: the first run's 6 flows all took one branch ($(hosts_at "$out" 3))"
		hopdoc_json "$out" -i 0.2 --flows 16 "$@"
	fi
}

many_flows() { # PROTO
	local p=$1 a hosts snt s3 s3b
	a=$(proto_args "$p")
	# shellcheck disable=SC2086
	flows16 "$TMP/many-$p.json" $a
	hosts=$(hosts_at "$TMP/many-$p.json" 3)
	snt=$(jq --argjson t 3 '.report.hubs[] | select(.count == $t) | .Snt' "$TMP/many-$p.json")
	s3=$(member "$TMP/many-$p.json" 3 "$R3" Snt) s3b=$(member "$TMP/many-$p.json" 3 "$R3B" Snt)
	if [[ ,$hosts, == *,$R3,* && ,$hosts, == *,$R3B,* ]] && [ "$s3" != none ] && [ "$s3b" != none ] &&
		[ "$s3" -gt 0 ] && [ "$s3b" -gt 0 ] && [ "$snt" -ge $((11 * (CYCLES - 1))) ]; then
		pass "$p/flows16-both-members ($R3 Snt $s3, $R3B Snt $s3b, hop Snt $snt)"
	else
		fail "$p/flows16-both-members" "hop 3: $hosts; Snt $snt (want >= $((11 * (CYCLES - 1)))); $R3 Snt $s3, $R3B Snt $s3b"
	fi
}

ports_kept() {
	local pcap=$TMP/ports.pcap bad
	lab_capture "$(lab_client_iface)" "$pcap" udp
	lab_client "$HOPDOC" -n -r -c 2 -i 0.2 -G 0.5 -u -P 3000 -L 4000 "$LAB_TARGET4" >/dev/null
	lab_capture_stop
	bad=$(tcpdump -n -r "$pcap" 'udp and src host '"$LAB_CLIENT4" 2>/dev/null |
		awk '{ if ($3 !~ /\.4000$/ || $5 !~ /\.3000:$/) bad++; n++ } END { print n + 0, bad + 0 }')
	if [ "${bad#* }" = 0 ] && [ "${bad% *}" -gt 0 ]; then pass "udp/P-and-L-keep-their-meaning (${bad% *} probes from 4000 to 3000)"
	else fail "udp/P-and-L-keep-their-meaning" "probes, off: $bad"; fi
}

# The member check of one run: prints problems, one per line. The finding's
# loss_pct is the member's Loss% to within the last printed digit: Loss% is
# cut to three decimals (mtr's rule) where loss_pct is rounded, so 30.6569
# is 30.656 in one and 30.657 in the other.
lossy_problems() { # JSON
	local f=$1 l3 l3b n3b tol
	l3=$(member "$f" 3 "$R3" 'Loss%') l3b=$(member "$f" 3 "$R3B" 'Loss%') n3b=$(member "$f" 3 "$R3B" Snt)
	[ "$l3" = none ] || [ "$l3b" = none ] && { echo "members at hop 3: $(hosts_at "$f" 3)"; return; }
	tol=$(awk -v n="$n3b" 'BEGIN { t = 300 * sqrt(0.3 * 0.7 / n); print (t < 10 ? 10 : t) }')
	awk -v l="$l3" 'BEGIN { exit !(l == 0) }' || echo "$R3 Loss% $l3, injected 0"
	awk -v l="$l3b" -v t="$tol" 'BEGIN { d = l - 30; exit !(d <= t && d >= -t) }' ||
		echo "$R3B Loss% $l3b of $n3b, injected 30 (+-$tol)"
	jq -e --arg ip "$R3B" --argjson l "$l3b" '[.report.diagnosis[] | select(.finding == "loss" and .hop == 3
		and (.summary | contains($ip)) and ((.loss_pct - $l) | if . < 0 then -. else . end) < 0.0015)]
		| length == 1' "$f" >/dev/null ||
		echo "no loss finding at hop 3 naming $R3B with its $l3b%: $(jq -c '[.report.diagnosis[] | {finding, hop, loss_pct}]' "$f")"
}

lossy_member() {
	local problems
	lab_client mtr -n -r -c "$CYCLES" -i 0.1 -u "$LAB_TARGET4" >"$TMP/mtr-lossy.txt"
	flows16 "$TMP/lossy.json" -u --diagnose --no-follow-up
	problems=$(lossy_problems "$TMP/lossy.json")
	if [ -n "$problems" ]; then
		echo "# second run (loss is random), first: $(tr '\n' ';' <<<"$problems")"
		flows16 "$TMP/lossy.json" -u --diagnose --no-follow-up
		problems=$(lossy_problems "$TMP/lossy.json")
	fi
	if [ -z "$problems" ]; then pass "udp/lossy-member-named"
	else fail "udp/lossy-member-named" "$problems"; fi
	echo "TABLE: ecmp-lossy udp | mtr hop 3: $(awk '$1 == "3.|--" { print $2, $3 }' "$TMP/mtr-lossy.txt") (one row, both members) |" \
		"hopdoc: $R3 $(member "$TMP/lossy.json" 3 "$R3" 'Loss%')%, $R3B $(member "$TMP/lossy.json" 3 "$R3B" 'Loss%')%;" \
		"verdict: $(jq -r '.report.diagnosis[0] | "\(.finding) at hop \(.hop), \(.loss_pct)%"' "$TMP/lossy.json") |" \
		"truth: $R3B loses 30% (r2 -> r3b), $R3 0%"
	sed 's/^/# mtr: /' "$TMP/mtr-lossy.txt"
}

lab_up "$ROOT/tests/lab/scenarios/ecmp.scn" || { fail lab-up; exit 1; }
trap cleanup EXIT INT TERM
for p in udp tcp; do
	one_path "$p"
	many_flows "$p"
done
[ -n "$LAB_TARGET6" ] && one_path6
command -v tcpdump >/dev/null && ports_kept
lab_down
lab_up "$ROOT/tests/lab/flows/ecmp-lossy.scn" || { fail lab-up-lossy; exit 1; }
trap cleanup EXIT INT TERM
lossy_member
check_done
