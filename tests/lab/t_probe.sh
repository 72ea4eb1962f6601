#!/usr/bin/env bash
# tests/lab/t_probe.sh: the probe engine against the lab's truth, and against
# the wire.
#
# For every scenario, protocol (ICMP, UDP, TCP) and family the scenario
# checks: hopdoc's hop list (responders), per-hop Best (within 0.5 ms of the
# injected round trip, plus the path's jitter bound), Avg (within 2 ms, plus
# half the jitter bound) and Loss% (exact when the truth says 0, else within
# three binomial standard deviations, at least 10 points; or inside a LO-HI
# range; a run failing on loss alone is repeated once, see check_truth) must
# match `lab_truth`. Scenarios whose truth only holds for ICMP
# (a firewall dropping echo, rate-limited ICMP) are checked with ICMP only.
#
# Accuracy: one run with tcpdump on the client's interface (nanosecond kernel
# stamps); build/lab/wirepair pairs every probe with its reply. hopdoc's Avg
# minus the wire's average per hop is hopdoc's own error; it must be under
# 0.1 ms and above -0.05 ms per hop (both of hopdoc's stamps are the kernel's,
# taken within microseconds of where the capture stamps, so scheduling delays
# of a loaded machine cannot reach them; anything near these bounds is a bug).
#
# Prints PASS:/FAIL: lines; exits 1 when any check failed. Needs root.
# Usage: t_probe.sh [SCENARIO_FILE...]   (default: every scenario)
# Env: PROBE_CYCLES (20), PROBE_INTERVAL (0.1), HOPDOC, PROBE_RUNNER=dump to
# use build/tools/probe_dump instead of hopdoc (the engine alone).
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" probe
DUMP=$ROOT/build/tools/probe_dump
WIREPAIR=$ROOT/build/lab/wirepair
CYCLES=${PROBE_CYCLES:-20}
INTERVAL=${PROBE_INTERVAL:-0.1}
RUNNER=${PROBE_RUNNER:-hopdoc}

proto_args() { # PROTO -> hopdoc/probe_dump arguments
	case $1 in icmp) ;; udp) echo -u ;; tcp) echo -T ;; esac
}

# measure PROTO FAMILY TARGET -> one line per hop: TTL LOSS SNT AVG BEST HOSTS
# (HOSTS: every responder seen, comma-separated; ??? when none).
measure() {
	local proto=$1 fam=$2 target=$3
	if [ "$RUNNER" = dump ]; then
		measure_dump "$@"
		return
	fi
	# shellcheck disable=SC2046
	lab_client "$HOPDOC" -n -j -c "$CYCLES" -i "$INTERVAL" -G 0.5 -m "${LAB_MAXTTL:-30}" -"$fam" \
		$(proto_args "$proto") ${EXTRA_ARGS:-} "$target" | jq -r '.report.hubs[] | [.count, ."Loss%", .Snt, .Avg, .Best,
			(if (.hosts // []) | length > 0 then (.hosts | map(.ip // .host) | join(","))
			 else .host end)] | @tsv'
}

# The engine alone: the same figures computed from probe_dump's events, up to
# the first TTL the target answered (as mtr shows the path).
measure_dump() {
	local proto=$1 fam=$2 target=$3
	# shellcheck disable=SC2046
	lab_client "$DUMP" -c "$CYCLES" -i "$INTERVAL" -G 0.5 -m "${LAB_MAXTTL:-30}" -"$fam" \
		$(proto_args "$proto") "$target" |
		awk '$1 == "sent" { snt[$2]++; if ($2 > maxs) maxs = $2 }
		$1 == "timeout" { lost[$2]++ }
		$1 == "reply" { n[$2]++; s[$2] += $6; if (!($2 in b) || $6 < b[$2]) b[$2] = $6
			if (!index("," h[$2] ",", "," $5 ",")) h[$2] = h[$2] (h[$2] == "" ? "" : ",") $5
			if ($7 == "target" && (!last || $2 < last)) last = $2 }
		END { if (!last) last = maxs
			for (t = 1; t <= last; t++) {
				d = snt[t] - (n[t] + lost[t])
				loss = (snt[t] - d) > 0 ? 100 * lost[t] / (snt[t] - d) : 0
				printf "%d\t%.1f\t%d\t%.3f\t%.3f\t%s\n", t, loss, snt[t],
					n[t] ? s[t] / n[t] : 0, n[t] ? b[t] : 0, h[t] == "" ? "???" : h[t] } }'
}

# compare NAME TRUTHFILE MEASUREFILE: prints problems, one per line.
compare() {
	[ -s "$1" ] || { echo "no truth file"; return; }
	awk -v cycles="$CYCLES" '
	function abs(x) { return x < 0 ? -x : x }
	FNR == NR { if ($1 == "hop") { addr[$2] = $3; rtt[$2] = $4; loss[$2] = $5; jit[$2] = $6
			if ($2 > nt) nt = $2 }
		next }
	{ seen[$1] = 1; if ($1 > nm) nm = $1
	  t = $1; l = $2 + 0; snt = $3; avg = $4; best = $5; hosts = $6
	  if (!(t in addr)) { printf "hop %d answered (%s) but the truth has no such hop\n", t, hosts; next }
	  if (addr[t] == "*") {
		if (hosts != "???") printf "hop %d: expected no reply, got %s\n", t, hosts
		next }
	  n = split(hosts, hs, ","); okh = (hosts != "???")
	  for (i = 1; i <= n; i++) if (!index("|" addr[t] "|", "|" hs[i] "|")) okh = 0
	  if (!okh) printf "hop %d: responders %s, expected %s\n", t, hosts, addr[t]
	  if (loss[t] ~ /-/) { split(loss[t], r, "-")
		if (l < r[1] || l > r[2]) printf "hop %d: loss %.1f%% outside %s%%\n", t, l, loss[t] }
	  else { p = loss[t] / 100; tol = 300 * sqrt(p * (1 - p) / (snt > 0 ? snt : 1))
		if (tol < 10) tol = 10
		if (p == 0) tol = 0
		if (abs(l - loss[t]) > tol) printf "hop %d: loss %.1f%%, expected %s%% (+-%.1f)\n", t, l, loss[t], tol }
	  if (rtt[t] != "-" && l < 100) {
		if (abs(best - rtt[t]) > 0.5 + jit[t])
			printf "hop %d: Best %.3f ms, injected %.3f ms (+-%.3f)\n", t, best, rtt[t], 0.5 + jit[t]
		if (abs(avg - rtt[t]) > 2 + jit[t] / 2)
			printf "hop %d: Avg %.3f ms, injected %.3f ms (+-%.3f)\n", t, avg, rtt[t], 2 + jit[t] / 2 } }
	END { for (t = 1; t <= nt; t++) if (!(t in seen)) printf "hop %d missing\n", t
		if (nt == 0) print "no truth"
		if (nm == 0) print "no hops measured" }' "$1" "$2"
}

icmp_only() { # SCENARIO -> true when its truth is about ICMP only
	grep -Eq '^(firewall|ratelimit|slowicmp)([[:space:]]|$)' "$1"
}

# Why a failed truth check gets one more, independent run (empty: it does
# not). Loss is random: a 3-sigma miss happens about once in a few hundred
# checks. And a link emulator that stalled (frames released over 1 ms late:
# the machine did not run it, e.g. a kernel without preemption busy on its
# CPU) voids the run's timing: the lab, not the prober, was off. A real fault
# fails the second run too; the line says why there was one.
second_run_reason() { # PROBLEMS STALLS_BEFORE STALLS_AFTER
	local problems=$1 first
	[ -n "$problems" ] || return 0
	first=$(tr '\n' ';' <<<"$problems")
	if ! grep -qv ': loss ' <<<"$problems"; then
		echo "loss only, first: $first"
	elif [ -n "$2" ] && [ -n "$3" ] && [ "$3" -gt "$2" ]; then
		echo "the link emulator released $(($3 - $2)) frames over 1 ms late during the first, which failed: $first"
	fi
}

check_truth() { # SCENARIO
	local scn=$1 fam proto name problems work=$2
	for fam in $LAB_FAMILIES; do
		lab_truth "$scn" "$fam" >"$work/truth$fam"
		for proto in icmp udp tcp; do
			[ "$proto" != icmp ] && icmp_only "$scn" && continue
			name="$LAB_NAME/$proto/ipv$fam"
			local stalls0 stalls1 why note=
			stalls0=$(lab_emu_stalls)
			if ! measure "$proto" "$fam" "$(target_of "$fam")" >"$work/m" 2>"$work/err"; then
				fail "$name" "run failed: $(head -3 "$work/err")"
				continue
			fi
			problems=$(compare "$work/truth$fam" "$work/m")
			stalls1=$(lab_emu_stalls)
			why=$(second_run_reason "$problems" "$stalls0" "$stalls1")
			if [ -n "$why" ] &&
				measure "$proto" "$fam" "$(target_of "$fam")" >"$work/m" 2>"$work/err"; then
				problems=$(compare "$work/truth$fam" "$work/m")
				note=" (passed on a second run: $why)"
			fi
			if [ -z "$problems" ]; then
				pass "$name $(awk '{printf "%s%s:%s/%s", (NR > 1 ? " " : ""), $1, $5, $4}' "$work/m")$note"
			else
				mapfile -t lines <<<"$problems"
				fail "$name" "${lines[@]}" "measured (ttl loss snt avg best hosts):" \
					"$(sed 's/^/  /' "$work/m")"
			fi
		done
	done
}

# ICMP without privileges: datagram ICMP sockets, allowed by ping_group_range
# (a per-namespace sysctl), hopdoc run as nobody. -i below 1 s needs root.
check_unpriv() { # WORK FAMILY
	local work=$1 fam=$2 name="$LAB_NAME/unpriv/icmp/ipv$2" problems try stalls0 why= note=
	lab_client sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	for try in 1 2; do # check_truth's one second run, for the same reasons
		stalls0=$(lab_emu_stalls)
		lab_client setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$HOPDOC" -n -j -c 3 -i 1 -G 1 -"$fam" "$(target_of "$fam")" 2>"$work/err" |
			jq -r '.report.hubs[] | [.count, ."Loss%", .Snt, .Avg, .Best, .host] | @tsv' >"$work/m"
		problems=$(compare "$work/truth$fam" "$work/m")
		[ "$try" = 2 ] && note=" (passed on a second run: $why)"
		why=$(second_run_reason "$problems" "$stalls0" "$(lab_emu_stalls)")
		[ -n "$why" ] || break
	done
	lab_client sysctl -qw net.ipv4.ping_group_range="1 0"
	if [ -s "$work/m" ] && [ -z "$problems" ]; then
		pass "$name$note"
	else
		mapfile -t lines <<<"$problems"
		fail "$name" "${lines[@]}" "stderr: $(head -3 "$work/err")" "$(cat "$work/m")"
	fi
}

# Accuracy against the wire, ICMP, on the first scenario given.
check_wire() {
	local work=$1 fam=$2 name="$LAB_NAME/wire/icmp/ipv$2"
	lab_capture "$(lab_client_iface)" "$work/cap.pcap" "icmp or icmp6"
	measure icmp "$fam" "$(target_of "$fam")" >"$work/m" 2>"$work/err"
	lab_capture_stop
	"$WIREPAIR" "$work/cap.pcap" >"$work/wire" 2>"$work/wire.err"
	local report
	report=$(awk 'FNR == NR { if ($1 == "ttl") wire[$2] = $6; next }
		$4 + 0 > 0 && ($1 in wire) { e = $4 - wire[$1]; n++
			printf "%s%d:%+.3f", (n > 1 ? " " : ""), $1, e
			if (e > 0.1 || e < -0.05) bad = 1 }
		END { if (!n) { print "nothing paired"; exit 1 } if (bad) exit 1 }' "$work/wire" "$work/m")
	if [ $? -eq 0 ]; then
		pass "$name excess_ms $report"
	else
		fail "$name" "excess per hop (hopdoc Avg - wire avg, ms): $report" \
			"wire: $(tr '\n' ';' <"$work/wire")" "hopdoc: $(tr '\n' ';' <"$work/m")"
	fi
}

count_packets() { # PCAP FILTER
	tcpdump -r "$1" -n "$2" 2>/dev/null | wc -l
}

# The options that shape probes, checked on the wire: every probe hopdoc
# counted must carry the option (GOOD filter) and none may lack it (BAD).
# The run must also match the truth, with check_truth's one second run.
check_option() { # WORK NAME PROTO "ARGS" GOOD BAD
	local work=$1 name="$LAB_NAME/option/$2" proto=$3 args=$4 good bad snt problems
	local try stalls0 why= note=
	for try in 1 2; do
		stalls0=$(lab_emu_stalls)
		lab_capture "$(lab_client_iface)" "$work/cap.pcap" "src host $LAB_CLIENT4"
		CYCLES=5 EXTRA_ARGS=$args measure "$proto" 4 "$LAB_TARGET4" >"$work/m" 2>"$work/err"
		lab_capture_stop
		problems=$(compare "$work/truth4" "$work/m")
		[ "$try" = 2 ] && note=" (passed on a second run: $why)"
		why=$(second_run_reason "$problems" "$stalls0" "$(lab_emu_stalls)")
		[ -n "$why" ] || break
	done
	snt=$(awk '{ s += $3 } END { print s + 0 }' "$work/m")
	good=$(count_packets "$work/cap.pcap" "$5")
	bad=$(count_packets "$work/cap.pcap" "$6")
	if [ -z "$problems" ] && [ "$snt" -gt 0 ] && [ "$good" -ge "$snt" ] && [ "$bad" -eq 0 ]; then
		pass "$name ($args: $good probes on the wire, $snt counted)$note"
	else
		mapfile -t lines <<<"$problems"
		fail "$name" "$args: probes counted $snt, with the option $good, without $bad" \
			"${lines[@]}" "stderr: $(head -3 "$work/err")"
	fi
}

# -Z shorter than the deeper hops' round trip: their replies must come back
# as late (JSON "Late"), not vanish as loss; nearer hops answer in time; and
# late answers still map the path, so every hop up to the target is shown.
# With "stall", hopdoc is also stopped for 20 ms of every 30 (SIGSTOP), as a
# busy machine does to it: then it reads replies after their -Z ran out but
# before its timeout timer ran, and they must still count as late (their
# kernel stamps say so).
check_late() { # WORK [stall]
	local work=$1 stall=${2:-} name="$LAB_NAME/late/icmp/ipv4" report try stalls0 stalls1 note=
	[ -s "$work/truth4" ] || return 0
	[ -n "$stall" ] && name="$LAB_NAME/late-stalled/icmp/ipv4"
	# A frame the emulator released over 1 ms late can push a 4 ms hop past
	# -Z: that run's timing was the lab's, not hopdoc's; one more run then.
	for try in 1 2; do
		stalls0=$(lab_emu_stalls)
		report=$(late_run "$work" "$stall")
		stalls1=$(lab_emu_stalls)
		[ -n "$report" ] && [ "$try" = 1 ] && [ -n "$stalls0" ] && [ -n "$stalls1" ] &&
			[ "$stalls1" -gt "$stalls0" ] || break
		note=" (passed on a second run: the link emulator released $((stalls1 - stalls0)) frames over 1 ms late during the first, which failed:$report)"
	done
	if [ -z "$report" ]; then
		pass "$name (-Z 5 ms: $(awk '{ printf "%s%s:%s/%s", (NR > 1 ? " " : ""), $1, $3, $4 }' "$work/late") recv/late)$note"
	else
		fail "$name" "$report" "$(tr '\n' ';' <"$work/late") $(head -2 "$work/err")"
	fi
}

# One -Z run for check_late; prints what was wrong (nothing: right).
late_run() { # WORK [stall]
	local work=$1 stall=${2:-} pid=
	local args=(-n -j -c 9 -i 0.1 -Z 0.005 -G 0.5 -4 "$LAB_TARGET4")
	lab_client "$HOPDOC" "${args[@]}" >"$work/late.json" 2>"$work/err" &
	local runner=$!
	if [ -n "$stall" ]; then
		for _ in $(seq 100); do
			pid=$(pgrep -f -- "${args[*]}" | head -1)
			[ -n "$pid" ] && break
			sleep 0.01
		done
		while [ -n "$pid" ] && kill -0 "$runner" 2>/dev/null; do
			kill -STOP "$pid" 2>/dev/null; sleep 0.02; kill -CONT "$pid" 2>/dev/null; sleep 0.01
		done
	fi
	wait "$runner"
	jq -r '.report.hubs[] | [.count, .Snt, (.Recv // -1), (.Late // -1)] | @tsv' "$work/late.json" >"$work/late"
	[ -n "$stall" ] && [ -z "$pid" ] && { echo "hopdoc's process was not found to stall it"; return; }
	awk 'FNR == NR { if ($1 == "hop") { rtt[$2] = $4; hops++ }; next }
		{ n++; t = $1; snt = $2; recv = $3; late = $4
		  if (rtt[t] + 0 < 4.5 && (recv != snt || late != 0)) bad = bad sprintf(" hop %d (%.0f ms): recv %d late %d of %d;", t, rtt[t], recv, late, snt)
		  if (rtt[t] + 0 > 5.5 && (late != snt || recv != 0)) bad = bad sprintf(" hop %d (%.0f ms): recv %d late %d of %d;", t, rtt[t], recv, late, snt)
		  if (rtt[t] + 0 > 5.5) deep++ }
		END { if (!n || !deep) bad = bad " no hop beyond the timeout was shown"
		      if (n != hops) bad = bad sprintf(" %d hops shown, the path has %d;", n, hops)
		      printf "%s", bad }' \
		"$work/truth4" "$work/late"
}

check_options() { # WORK
	local w=$1 c=$LAB_CLIENT4
	[ -s "$w/truth4" ] || return 0 # the options are checked over IPv4
	check_option "$w" tos icmp "-Q 32" "icmp[icmptype] == 8 and ip[1] == 32" \
		"icmp[icmptype] == 8 and ip[1] != 32"
	check_option "$w" size icmp "-s 200" "icmp[icmptype] == 8 and ip[2:2] == 200" \
		"icmp[icmptype] == 8 and ip[2:2] != 200"
	check_option "$w" udp-ports udp "-P 53 -L 40002" "udp and src port 40002 and dst port 53" \
		"udp and not (src port 40002 and dst port 53)"
	check_option "$w" udp-dport udp "-P 53" "udp and dst port 53" "udp and not dst port 53"
	# -L is for UDP only, as in mtr-packet: TCP probes keep their own source
	# ports (t_cli.sh checks the same against mtr on the wire).
	check_option "$w" tcp-ports tcp "-P 443 -L 40001" \
		"tcp[tcpflags] == tcp-syn and not src port 40001 and dst port 443" \
		"tcp[tcpflags] & tcp-syn != 0 and (src port 40001 or not dst port 443)"
	check_option "$w" source icmp "-a $c -I $(lab_client_iface) -M 7" \
		"icmp[icmptype] == 8 and src host $c" "icmp[icmptype] == 8 and not src host $c"
}

run_scenario() { # SCENARIO EXTRAS(0|1)
	local scn=$1 work
	work=$(mktemp -d /tmp/hl3probe.XXXXXX)
	if ! lab_up "$scn" >"$work/up.log" 2>&1; then
		fail "$(basename "$scn" .scn)/lab" "lab_up failed: $(tail -3 "$work/up.log")"
		rm -rf "$work"
		return
	fi
	check_truth "$scn" "$work"
	if [ "$2" = 1 ]; then
		for fam in $LAB_FAMILIES; do check_wire "$work" "$fam"; done
		if [ "$RUNNER" = hopdoc ]; then
			for fam in $LAB_FAMILIES; do check_unpriv "$work" "$fam"; done
			check_options "$work"
			check_late "$work"
			check_late "$work" stall
		fi
	fi
	lab_down
	rm -rf "$work"
}

# A scenario where every hop answers every probe: the wire, unprivileged and
# option checks run on the first such scenario (few cycles, so no loss may
# blur them).
lossless() { # SCENARIO
	local f
	f=$(awk '$1 == "family" { print $2; exit }' "$1")
	lab_truth "$1" "${f:-4}" | awk '$1 == "hop" { n++; if ($3 == "*" || $5 + 0 != 0 || $5 ~ /-/) bad = 1 }
		END { exit !(n > 0 && !bad) }'
}

main() {
	local scns=("$@") n=1 extras=1 s
	[ ${#scns[@]} -gt 0 ] || mapfile -t scns < <(lab_scenarios)
	if [ "$RUNNER" = hopdoc ] && ! command -v jq >/dev/null; then
		fail setup "jq is missing (scripts/install-deps.sh installs it)"
		exit 1
	fi
	for s in "${scns[@]}"; do
		local this=0
		if [ "$extras" = 1 ] && lossless "$s"; then this=1 extras=0; fi
		# Each scenario in its own subshell: its lab and traps end with it.
		# The pid keeps concurrent runs (other checkouts, CI) apart.
		(LAB_PREFIX=p$$_$n run_scenario "$s" "$this")
		n=$((n + 1))
	done
}

main "$@" | tee /tmp/hl3probe.$$.out
grep -q '^FAIL' /tmp/hl3probe.$$.out && rc=1 || rc=0
rm -f /tmp/hl3probe.$$.out
exit $rc
