#!/usr/bin/env bash
# tests/lab/t_followup.sh: the follow-up probes of a live --diagnose run
# (issue 13), over ICMP alone, IPv4, each against the truth its lab injected:
#   cut        r3 drops everything onward: the target answers no follow-up
#              (TCP 443, TCP 80, UDP): path-interrupted 3, evidence "0 of";
#   cutfar     (made here) the same cut after hop 5 of 7, past the client's
#              provider: ICMP alone reads destination-filtered 6 (R4), the
#              follow-up finds no target: path-interrupted 5;
#   firewall   the server drops ICMP echo only: TCP answers (RST), so
#              destination-filtered 6 with "TCP 443 answered";
#   ratelimit  r3 limits its Time Exceeded to 2/s: hop 3's loss grows with
#              the rate, "rate limiting confirmed";
#   icmploss   (made here) r3 drops a steady 15% of its Time Exceeded: the
#              loss does not move with the rate, "not rate limiting".
# Each also runs with --no-follow-up: no follow-up evidence, and the verdict
# the main run gives alone. Every PASS line records the verdict before
# (--no-follow-up) and after, and the probes the follow-up cost (from its
# evidence: at most 50 per finding).
# Env: FU_CYCLES (50), FU_INTERVAL (0.2), HOPDOC. Needs root and jq.
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" followup
CYCLES=${FU_CYCLES:-50}
# 0.2 s: hop 3 of ratelimit then gets 5 probes/s into its 2/s limit; the
# follow-up's slower rate (x2, 2.5/s) loses little, its faster (/4, 20/s) most.
INTERVAL=${FU_INTERVAL:-0.2}

diagnosis() { # OUT [ARGS...]: JSON findings, host-* left out (t_host.sh checks them)
	local out=$1
	shift
	lab_client timeout 120 "$HOPDOC" -n -j -c "$CYCLES" -i "$INTERVAL" --diagnose "$@" \
		"$LAB_TARGET4" >"$out.json" 2>"$out.err" || return 1
	jq -c '.report.diagnosis[] | select(.finding | startswith("host-") | not)' \
		"$out.json" >"$out"
}

first() { jq -r '"\(.finding) \(.hop)"' "$1" | head -1; }
# The evidence of the first finding of KIND.
evidence_of() { jq -r --arg k "$2" 'select(.finding == $k) | .evidence' "$1" | head -1; }
# "; N probes." of a follow-up's evidence.
probes_in() { sed -n 's/.*; \([0-9]*\) probes\..*/\1/p' <<<"$1" | head -1; }

# SCENARIO-FILE NAME WANT-BEFORE WANT-AFTER KIND-WITH-EVIDENCE EVIDENCE-PATTERN
check_scenario() {
	local scn=$1 name=$2 want0=$3 want=$4 kind=$5 pattern=$6 work before after ev probes
	work=$(mktemp -d /tmp/hlfu.XXXXXX)
	if ! lab_up "$scn" >"$work/up.log" 2>&1; then
		fail "$name/lab" "lab_up failed: $(tail -3 "$work/up.log")"
		rm -rf "$work"
		return
	fi
	if ! diagnosis "$work/off" --no-follow-up || ! diagnosis "$work/on"; then
		fail "$name" "run failed: $(cat "$work"/*.err | head -3)"
		lab_down
		rm -rf "$work"
		return
	fi
	before=$(first "$work/off")
	after=$(first "$work/on")
	ev=$(evidence_of "$work/on" "$kind")
	probes=$(probes_in "$ev")
	if grep -q 'follow-up:' "$work/off"; then
		fail "$name/no-follow-up" "--no-follow-up still probed:" "$(cat "$work/off")"
	elif [ "$before" != "$want0" ]; then
		fail "$name/no-follow-up" "expected the old verdict $want0, got $before" "$(cat "$work/off")"
	else
		pass "$name/no-follow-up (verdict with ICMP alone: $before)"
	fi
	if [ "$after" != "$want" ]; then
		fail "$name" "expected first finding $want, got $after" "$(cat "$work/on")"
	elif ! grep -Eq "$pattern" <<<"$ev"; then
		fail "$name" "the $kind evidence lacks /$pattern/:" "$ev"
	elif [ -z "$probes" ] || [ "$probes" -gt 50 ] || [ "$probes" -lt 1 ]; then
		fail "$name" "follow-up probe count '$probes' not within 1..50:" "$ev"
	else
		pass "$name (before: $before; after: $after; follow-up cost $probes probes: ${ev#*follow-up: })"
	fi
	lab_down
	rm -rf "$work"
}

# A steady share of r3's Time Exceeded lost, whatever the rate: R2 reads it
# as a hop dropping probes, the follow-up must not call it rate limiting.
icmploss_scenario() { # FILE
	cat >"$1" <<'SCN'
desc r3 drops a steady 15% of its own Time Exceeded (not a rate limit)
routers 5
nft r3 table inet labicmploss { chain c { type filter hook output priority 0; icmp type time-exceeded numgen random mod 100 < 15 drop; }; }
SCN
}

# A cut deeper in the path, past the client's own network and provider:
# over ICMP alone one silent hop after hop 5 reads as the target dropping
# echo (R4); only the follow-up can tell it is a cut.
cutfar_scenario() { # FILE
	cat >"$1" <<'SCN'
desc link cut after hop 5, past the client's provider
routers 7
cut 6
SCN
}

# Issue 13's least for path epochs: a route replaced mid-run must not read
# as loss. In the ECMP lab, r2 is pinned to r3 and then to r3b while the
# trace runs: the report must show r3b (the change happened; with path
# epochs hop 3 is r3b alone, and t_epoch.sh checks the split) and no loss
# finding may come of it.
check_route_change() {
	local work r3 r3b out first
	work=$(mktemp -d /tmp/hlfurc.XXXXXX)
	if ! lab_up "$ROOT/tests/lab/scenarios/ecmp.scn" >"$work/up.log" 2>&1; then
		fail route-change/lab "lab_up failed: $(tail -3 "$work/up.log")"
		rm -rf "$work"
		return
	fi
	r3=$(_lab_addr 3 r 4) r3b=$(_lab_addr 3b r 4)
	lab_client timeout 120 "$HOPDOC" -n -j -c 60 -i 0.1 --diagnose "$LAB_TARGET4" \
		>"$work/on.json" 2>"$work/err" &
	local pid=$!
	sleep 1.5
	lab_exec r2 ip route replace 203.0.113.0/24 via "$r3" dev l3
	sleep 2
	lab_exec r2 ip route replace 203.0.113.0/24 via "$r3b" dev l3b
	wait "$pid"
	out=$(jq -r '.report.diagnosis[] | select(.finding | startswith("host-") | not) | "\(.finding) \(.hop)"' \
		"$work/on.json" 2>/dev/null)
	first=$(head -1 <<<"$out")
	local hop3
	hop3=$(jq -c '.report.hubs[] | select(.count == 3) | [.hosts[]?.host]' "$work/on.json" 2>/dev/null)
	if [ -z "$out" ]; then
		fail route-change "run failed: $(head -3 "$work/err")"
	elif ! grep -q "$r3b" <<<"$(jq -c . "$work/on.json")"; then
		fail route-change "hop 3 never showed $r3b: the route did not change" "$hop3"
	elif grep -q '^loss ' <<<"$out"; then
		fail route-change "a loss finding after the route change:" "$out"
	else
		pass "route-change (r2 pinned to $r3, then $r3b mid-run; hop 3: $hop3; verdict: $first)"
	fi
	lab_down
	rm -rf "$work"
}

main() {
	local dir=$ROOT/tests/lab/scenarios tmp rc=0
	command -v jq >/dev/null || { fail setup "jq is missing"; exit 1; }
	tmp=$(mktemp -d /tmp/hlfuscn.XXXXXX)
	icmploss_scenario "$tmp/icmploss.scn"
	cutfar_scenario "$tmp/cutfar.scn"
	# Each lab in its own subshell (its traps end with it); a subshell
	# counts its own failures, so each reports its status.
	(check_scenario "$dir/cut.scn" cut "path-interrupted 3" "path-interrupted 3" path-interrupted \
		'TCP 443 no answer from the target \(0 of 3\); TCP 80 no answer.*UDP no answer'; check_done) || rc=1
	(check_scenario "$tmp/cutfar.scn" cutfar "destination-filtered 6" "path-interrupted 5" \
		path-interrupted 'TCP 443 no answer from the target \(0 of 3\)'; check_done) || rc=1
	(check_scenario "$dir/firewall.scn" firewall "destination-filtered 6" "destination-filtered 6" destination-filtered \
		'TCP 443 answered in [0-9.]+ ms \([1-3] of 3\)'; check_done) || rc=1
	(check_scenario "$dir/ratelimit.scn" ratelimit "rate-limited-hop 3" "rate-limited-hop 3" rate-limited-hop \
		'hop 3 at one probe per .*rate limiting confirmed'; check_done) || rc=1
	(check_scenario "$tmp/icmploss.scn" icmploss "rate-limited-hop 3" "rate-limited-hop 3" rate-limited-hop \
		'hop 3 at one probe per .*does not move with the rate'; check_done) || rc=1
	(check_route_change; check_done) || rc=1
	rm -rf "$tmp"
	exit "$rc"
}

main "$@"
