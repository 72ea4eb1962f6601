#!/usr/bin/env bash
# tests/lab/t_epoch.sh: routes that change while a trace runs (issue 13's
# path epochs, mtr's #361), IPv4, each against the change the test itself
# makes in the ECMP lab (r2 -> r3|r3b -> r4; r2 pinned to r3 first, so hop
# 3 is stable until the test moves it), CHANGE_AFTER seconds into the run:
#   grow         r4 starts sending what came from r3 back over r3b (ip rule
#                iif l4): the path grows from 6 to 8 hops (r1 r2 r3 r4 r3b
#                r4 r5 server); the new hop 6 is r4 again, made silent (its
#                Time Exceeded for TTL-1 probes from l4b dropped), so the old
#                end TTL only times out (mtr shows false loss there). The
#                target must end the report at hop 8, the earlier epoch at 6;
#   grow-answering  the same with r4 answering at the new hop 6;
#   shrink       the same detour from the start, removed: 8 to 6 hops; the
#                target ends the report at 6 (no ghost hops 7 and 8; hop 6
#                does not carry the silent hop's timeouts), the earlier
#                epoch at 8;
#   replaced     r2 pinned to r3b instead: hop 3 is r3 alone in the earlier
#                epoch and r3b alone in the current one;
#   flap         the answering detour comes and goes 6 times, each change
#                timed about 0.07 s into a round: the round in flight is
#                then likely answered partly by each path (its low TTLs by
#                the old, its high ones by the new), which must count in
#                neither epoch: every epoch shows one host per hop;
#   alternation  UDP probes with a new port each (--flows 0, mtr's layout;
#                hopdoc's constant flows would keep to one branch) over the
#                unpinned ECMP pair: hop 3 shows r3 and r3b, and that is one
#                epoch.
# Each changed run must give two epochs and a route-change finding, and none
# of them a loss finding.
# Env: EP_CYCLES (60), EP_INTERVAL (0.1), HOPDOC. Needs root and jq.
# The setups and changes are called by name (run_change SETUP CHANGE).
# shellcheck disable=SC2317
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" epoch
CYCLES=${EP_CYCLES:-60}
INTERVAL=${EP_INTERVAL:-0.1}
CHANGE_AFTER=2.5 # seconds into the run; a third of the default run

# r4's detour: traffic to the server that came from r3 goes to r3b, which
# hands it back to r4 (over l4b, where the main table applies).
detour_on() {
	lab_exec r4 ip route replace 203.0.113.0/24 via "$(_lab_addr 4b l 4)" dev l4b table 100 &&
		lab_exec r4 ip rule add iif l4 lookup 100 priority 100
}
detour_off() { lab_exec r4 ip rule del iif l4 lookup 100 priority 100; }

# r4 answers no probe that expires on it coming back from r3b (the new hop 6).
silent_second_pass() {
	lab_exec r4 nft -f - <<'NFT'
table inet labsilent { chain c { type filter hook prerouting priority 0; iifname "l4b" ip ttl 1 drop; }; }
NFT
}

# RUN-JSON: "finding hop" lines, host-* left out.
findings() {
	jq -r '.report.diagnosis[] | select(.finding | startswith("host-") | not) | "\(.finding) \(.hop)"' "$1"
}
# RUN-JSON [EPOCH]: the last hop's count and its hosts, of the report or of
# an earlier epoch (0-based).
last_hop() {
	jq -r --argjson e "${2:--1}" '(if $e < 0 then .report.hubs else .report.epochs[$e].hubs end)[-1] |
		"\(.count) \([.hosts[]?.host] | join(","))"' "$1"
}
# RUN-JSON TTL [EPOCH]: the hosts at one hop, sorted, comma-separated.
hosts_at() {
	jq -r --argjson t "$2" --argjson e "${3:--1}" '(if $e < 0 then .report.hubs else .report.epochs[$e].hubs end)[] |
		select(.count == $t) | [.hosts[]?.host] | sort | join(",")' "$1"
}
n_epochs() { jq -r '.report.epochs // [] | length' "$1"; }
hubs_brief() { jq -c '[.report.hubs[] | [.count, ([.hosts[]?.host] | join(",")), .["Loss%"]]]' "$1"; }
epochs_brief() { jq -c '[.report.epochs[]? | [.first_round, .last_round, .change_ttl, ([.hubs[]? | .count] | max)]]' "$1"; }

# The checks of one run: the JSON, the findings, what must hold. Each
# "want" is "WHAT EXPECTED GOT" (one word, then strings to compare).
judge() { # NAME JSON FINDINGS WANT...
	local name=$1 json=$2 out=$3 what want got
	shift 3
	for spec in "$@"; do
		IFS='|' read -r what want got <<<"$spec"
		if [ "$want" != "$got" ]; then
			fail "$name" "$what: expected '$want', got '$got'" "findings: $(tr '\n' ';' <<<"$out")" \
				"hubs: $(hubs_brief "$json")" "epochs: $(epochs_brief "$json")"
			return 1
		fi
	done
	if grep -q '^loss ' <<<"$out"; then
		fail "$name" "a loss finding after the route change:" "$out" "hubs: $(hubs_brief "$json")"
		return 1
	fi
	return 0
}

# NAME SETUP CHANGE [HOPDOC-ARGS...]: runs the trace in the ECMP lab, r2
# pinned to r3 unless SETUP unpins it, and makes CHANGE mid-run; leaves the
# JSON in $work/run.json and the findings in $work/findings. Sets R3, R3B.
run_change() {
	local name=$1 setup=$2 change=$3
	shift 3
	if ! lab_up "$ROOT/tests/lab/scenarios/ecmp.scn" >"$work/up.log" 2>&1; then
		fail "$name/lab" "lab_up failed: $(tail -3 "$work/up.log")"
		return 1
	fi
	R3=$(_lab_addr 3 r 4) R3B=$(_lab_addr 3b r 4)
	lab_exec r2 ip route replace 203.0.113.0/24 via "$R3" dev l3
	$setup
	lab_client timeout 120 "$HOPDOC" -n -j -c "$CYCLES" -i "$INTERVAL" --diagnose "$@" "$LAB_TARGET4" \
		>"$work/run.json" 2>"$work/err" &
	local pid=$!
	sleep "$CHANGE_AFTER"
	$change
	wait "$pid"
	if ! jq -e .report "$work/run.json" >/dev/null 2>&1; then
		fail "$name" "run failed: $(head -3 "$work/err")"
		return 1
	fi
	findings "$work/run.json" >"$work/findings"
}

detour_silent() { silent_second_pass && detour_on; }
pin_r3b() { lab_exec r2 ip route replace 203.0.113.0/24 via "$R3B" dev l3b; }
unpin() {
	lab_exec r2 ip route replace 203.0.113.0/24 nexthop via "$R3" dev l3 nexthop via "$R3B" dev l3b
}

# Each scenario in its own subshell and lab.
check_grow() {
	local work j
	work=$(mktemp -d /tmp/hlep.XXXXXX) j=$work/run.json
	if run_change grow silent_second_pass detour_on &&
		judge grow "$j" "$(cat "$work/findings")" \
			"the last hop now|8 $LAB_TARGET4|$(last_hop "$j")" \
			"epochs (earlier ones)|1|$(jq -r '.report.epochs | length - 1' "$j")" \
			"the earlier epoch's last hop|6 $LAB_TARGET4|$(last_hop "$j" 0)" \
			"a route-change finding|1|$(grep -c '^route-change ' "$work/findings")"; then
		pass "grow (6 -> 8 hops, new hop 6 silent; last hop: $(last_hop "$j"); epochs: $(epochs_brief "$j"); verdict: $(head -1 "$work/findings"); hubs: $(hubs_brief "$j"))"
	fi
	lab_down
	rm -rf "$work"
}

# The same growth with r4 answering at the new hop 6: a router where the
# target was, which the engine takes as the path having grown at once.
check_grow_answering() {
	local work j
	work=$(mktemp -d /tmp/hlep.XXXXXX) j=$work/run.json
	if run_change grow-answering : detour_on &&
		judge grow-answering "$j" "$(cat "$work/findings")" \
			"the last hop now|8 $LAB_TARGET4|$(last_hop "$j")" \
			"epochs (earlier ones)|1|$(jq -r '.report.epochs | length - 1' "$j")" \
			"the earlier epoch's last hop|6 $LAB_TARGET4|$(last_hop "$j" 0)" \
			"hop 6 now (r4 again, as at hop 4)|$(hosts_at "$j" 4)|$(hosts_at "$j" 6)"; then
		pass "grow-answering (6 -> 8 hops, r4 answering at hop 6; epochs: $(epochs_brief "$j"); verdict: $(head -1 "$work/findings"); hubs: $(hubs_brief "$j"))"
	fi
	lab_down
	rm -rf "$work"
}

check_shrink() {
	local work j
	work=$(mktemp -d /tmp/hlep.XXXXXX) j=$work/run.json
	if run_change shrink detour_silent detour_off &&
		judge shrink "$j" "$(cat "$work/findings")" \
			"the last hop now|6 $LAB_TARGET4|$(last_hop "$j")" \
			"epochs (earlier ones)|1|$(jq -r '.report.epochs | length - 1' "$j")" \
			"the earlier epoch's last hop|8 $LAB_TARGET4|$(last_hop "$j" 0)" \
			"hop 6 now|$LAB_TARGET4|$(hosts_at "$j" 6)"; then
		pass "shrink (8 -> 6 hops; last hop: $(last_hop "$j"); epochs: $(epochs_brief "$j"); verdict: $(head -1 "$work/findings"); hubs: $(hubs_brief "$j"))"
	fi
	lab_down
	rm -rf "$work"
}

# t_followup's route change, now split: r3 alone at hop 3, then r3b alone.
check_replaced() {
	local work j
	work=$(mktemp -d /tmp/hlep.XXXXXX) j=$work/run.json
	if run_change replaced : pin_r3b &&
		judge replaced "$j" "$(cat "$work/findings")" \
			"epochs (earlier ones)|1|$(jq -r '.report.epochs | length - 1' "$j")" \
			"hop 3 in the earlier epoch|$R3|$(hosts_at "$j" 3 0)" \
			"hop 3 now|$R3B|$(hosts_at "$j" 3)" \
			"a route-change finding|1|$(grep -c '^route-change ' "$work/findings")"; then
		pass "replaced (r2 pinned to r3, then r3b; epochs: $(epochs_brief "$j"); verdict: $(head -1 "$work/findings"); hubs: $(hubs_brief "$j"))"
	fi
	lab_down
	rm -rf "$work"
}

# The rounds start every INTERVAL from the run's start, about CHANGE_AFTER
# (a whole number of rounds) before this is called; each change is timed
# FLAP_PHASE into a round, FLAP_EVERY apart, whatever the commands took.
FLAPS=6 FLAP_EVERY=3.5 FLAP_PHASE=0.07
flap_changes() {
	local t0=${EPOCHREALTIME/./} i wait_us
	for ((i = 0; i < FLAPS; i++)); do
		wait_us=$(awk -v t0="$t0" -v now="${EPOCHREALTIME/./}" -v i="$i" -v e="$FLAP_EVERY" -v p="$FLAP_PHASE" \
			'BEGIN { w = t0 + (p + i * e) * 1e6 - now; print (w > 0 ? int(w) : 0) }')
		sleep "$(awk -v w="$wait_us" 'BEGIN { printf "%.6f", w / 1e6 }')"
		if ((i % 2 == 0)); then detour_on; else detour_off; fi
	done
}
# RUN-JSON: the most hosts at one hop in any epoch, and how many epochs
# start later than the round after the one before ended (straddles left out).
most_hosts() {
	jq -r '[(.report.epochs[]? | select(.hubs) | .hubs[]), .report.hubs[] | [.hosts[]?] | length] | max' "$1"
}
gaps() {
	jq -r '.report.epochs // [] | . as $e | [range(1; length) | select($e[.].first_round > $e[. - 1].last_round + 1)] | length' "$1"
}

check_flap() {
	local work j
	work=$(mktemp -d /tmp/hlep.XXXXXX) j=$work/run.json
	CYCLES=$(awk -v n="$FLAPS" -v e="$FLAP_EVERY" -v a="$CHANGE_AFTER" -v i="$INTERVAL" \
		'BEGIN { print int((a + n * e + 2) / i) }')
	if run_change flap : flap_changes &&
		judge flap "$j" "$(cat "$work/findings")" \
			"epochs (earlier ones)|$FLAPS|$(jq -r '.report.epochs | length - 1' "$j")" \
			"the most hosts at one hop in any epoch|1|$(most_hosts "$j")" \
			"the last hop now (the detour gone)|6 $LAB_TARGET4|$(last_hop "$j")"; then
		pass "flap ($FLAPS changes mid-round; straddling rounds left out: $(gaps "$j"); epochs: $(epochs_brief "$j"); verdict: $(head -1 "$work/findings"))"
	fi
	lab_down
	rm -rf "$work"
}

# UDP probes change port with each probe (--flows 0), so r2 spreads them
# over r3 and r3b all along: alternation, not a change.
check_alternation() {
	local work j
	work=$(mktemp -d /tmp/hlep.XXXXXX) j=$work/run.json
	if run_change alternation unpin : -u --flows 0 &&
		judge alternation "$j" "$(cat "$work/findings")" \
			"hop 3 (both branches)|$(printf '%s\n' "$R3" "$R3B" | sort | paste -sd,)|$(hosts_at "$j" 3)" \
			"epochs|0|$(n_epochs "$j")" \
			"route-change findings|0|$(grep -c '^route-change ' "$work/findings")"; then
		pass "alternation (UDP over ECMP: hop 3 $(hosts_at "$j" 3); one epoch; verdict: $(head -1 "$work/findings"))"
	fi
	lab_down
	rm -rf "$work"
}

main() {
	local rc=0
	command -v jq >/dev/null || { fail setup "jq is missing"; exit 1; }
	(check_grow; check_done) || rc=1
	(check_grow_answering; check_done) || rc=1
	(check_shrink; check_done) || rc=1
	(check_replaced; check_done) || rc=1
	(check_flap; check_done) || rc=1
	(check_alternation; check_done) || rc=1
	exit "$rc"
}

main "$@"
