#!/usr/bin/env bash
# tests/lab/t_pace.sh: a round's probes are spread over the interval and stop
# near the path length (issue 14). A 6-hop chain; the client's link is
# captured with tcpdump while hopdoc runs -c 4 (default interval, 1 s), ICMP
# over IPv4 and IPv6 and UDP over IPv4. From the wire: the most probes that
# left within any 10 ms, and the highest TTL sent in the first round and in
# the later ones. Before the fix the first round left as a burst one
# millisecond apart up to TTL 17 or more (until the target's reply came
# back); mtr spaces its probes by interval / hops and stops one TTL past the
# target. mtr's figures are measured the same way and printed for the
# closing note (not checked: they are mtr's). Prints PASS:/FAIL: lines; exits
# non-zero on any failure. Needs root.
# One letter and the whole pid (at most 8 characters): unique among
# concurrent runs, which a cut pid was not.
LAB_PREFIX=${LAB_PREFIX:-a$$}
LAB_PREFIX=${LAB_PREFIX:0:8}
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" pace

WORK=$(mktemp -d /tmp/hl14pace.XXXXXX)
CAP_PID=
cleanup() {
	[ -n "$CAP_PID" ] && kill "$CAP_PID" 2>/dev/null
	lab_down
	rm -rf "$WORK"
}

lab_up "$ROOT/tests/lab/scenarios/chain.scn" || { fail setup; exit 1; }
trap 'cleanup' EXIT
trap 'exit 1' INT TERM
HOPS=$LAB_HOPS
MARGIN=2 # TTLs past the target a first round may send before its reply is in

# capture FAMILY PROTO FILE CMD...: runs CMD in the client namespace while
# tcpdump records the probes it sends on the client's link.
capture() {
	local fam=$1 proto=$2 file=$3 filter
	shift 3
	if [ "$proto" = udp ]; then filter="udp and dst host $(target_of "$fam")"
	elif [ "$fam" = 6 ]; then filter="icmp6 and ip6[40] == 128"
	else filter="icmp and icmp[icmptype] == icmp-echo"; fi
	# tcpdump's own pid (lab_client is a function: $! would be a subshell's).
	lab_client sh -c 'echo $$ >"$1"; exec tcpdump -U -n -i l1 -Q out -w "$2" "$3"' sh \
		"$WORK/cap.pid" "$file" "$filter" 2>/dev/null &
	local job=$!
	sleep 1 # tcpdump is listening
	CAP_PID=$(cat "$WORK/cap.pid")
	"$@" >/dev/null 2>&1
	sleep 0.5
	kill "$CAP_PID" 2>/dev/null
	wait "$job"
	CAP_PID=
}

# figures FILE: "BURST FIRST_MAX LATER_MAX": the most probes within any
# 10 ms, and the highest TTL (hop limit) sent in the first second and after
# it (the first round and the later ones at -i 1).
figures() {
	tcpdump -tt -n -v -r "$1" 2>/dev/null | awk '
	/ (ttl|hlim) [0-9]+/ { for (i = 1; i <= NF; i++) if ($i == "ttl" || $i == "hlim") { v = $(i + 1); sub(/,/, "", v) }
		t[n++] = $1 + 0; ttl[n - 1] = v + 0 }
	END { burst = 0; j = 0
		for (i = 0; i < n; i++) { while (t[i] - t[j] >= 0.010) j++; if (i - j + 1 > burst) burst = i - j + 1 }
		first = 0; later = 0
		for (i = 0; i < n; i++) if (t[i] - t[0] < 0.9) { if (ttl[i] > first) first = ttl[i] }
		                        else if (ttl[i] > later) later = ttl[i]
		printf "%d %d %d %d\n", burst, first, later, n }'
}

for run in icmp4 icmp6 udp4; do
	fam=${run: -1} proto=${run%?} flag=()
	[ "$proto" = udp ] && flag=(-u)
	target=$(target_of "$fam")
	capture "$fam" "$proto" "$WORK/$run.pcap" lab_client "$HOPDOC" -n -r -c 4 "${flag[@]}" "$target"
	read -r burst first later sent <<<"$(figures "$WORK/$run.pcap")"
	capture "$fam" "$proto" "$WORK/$run.mtr.pcap" lab_client mtr -n -r -c 4 "${flag[@]}" "$target"
	read -r mburst mfirst mlater msent <<<"$(figures "$WORK/$run.mtr.pcap")"
	figs="hopdoc: $sent probes, at most $burst within 10 ms, highest TTL $first in round 1, $later after;"
	figs+=" mtr: $msent probes, $mburst, $mfirst, $mlater; path $HOPS hops"
	if [ "${sent:-0}" -ge $((4 * HOPS)) ] && [ "$burst" -le 2 ] && [ "$first" -le $((HOPS + MARGIN)) ] &&
		[ "$later" -le "$HOPS" ]; then
		pass "$run ($figs)"
	else
		fail "$run" "want >= $((4 * HOPS)) probes, <= 2 within 10 ms, TTL <= $((HOPS + MARGIN)) in round 1 and <= $HOPS after" "$figs"
	fi
done

check_done
