#!/usr/bin/env bash
# The link emulator on its own, judged by ping from the client (independent
# of the emulator's own counters): a 500-ping burst 2 ms apart through
# client - r1 - server with 2 ms each way on link 1 and 1 ms each way plus
# 20% outbound loss on link 2.
#   order:   without jitter, replies come back in sequence order (0 inversions);
#            the control run with 8 ms of jitter must show reordering;
#   delay:   ping's min within 0.3 ms above the injected 6 ms, the median
#            within 0.5 ms (not the average: on a shared machine a few frames
#            the emulator released late, which it counts and reports, would
#            move an average but not the median);
#   loss:    within 4 binomial standard deviations of 20%.
# Also reports the emulator's own mean lateness from its exit counters.
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" linkemu
cd "$ROOT" || exit 1

work=$(mktemp -d)
cleanup() { lab_down; rm -rf "$work"; }

# Runs the burst in SCENARIO; prints "inversions loss_pct min avg median".
burst() {
	lab_up "$1" || return 1
	trap 'cleanup' EXIT
	lab_client chrt -f 5 ping -n -c 500 -i 0.002 -W 1 "$LAB_TARGET4" >"$work/ping" 2>&1
	LAB_KEEP_EMU_LOG=$work/emu.log lab_down
	awk '/icmp_seq=/ { split($0, a, "icmp_seq="); s = a[2] + 0; if (s < last) inv++; last = s
			split($0, t, "time="); rtt[++n] = t[2] + 0 }
		/packet loss/ { for (i = 1; i <= NF; i++) if ($i ~ /%$/) loss = $i + 0 }
		/^rtt/ { split($4, r, "/"); min = r[1]; avg = r[2] }
		END { for (i = 2; i <= n; i++) { v = rtt[i]; for (j = i - 1; j >= 1 && rtt[j] > v; j--) rtt[j + 1] = rtt[j]; rtt[j + 1] = v }
			med = n ? (n % 2 ? rtt[(n + 1) / 2] : (rtt[n / 2] + rtt[n / 2 + 1]) / 2) : -1
			printf "%d %.1f %s %s %.3f\n", inv, loss, min, avg, med }' "$work/ping"
}

main() {
	[ "$(id -u)" = 0 ] || { fail "(needs root)"; return 1; }
	printf 'routers 1\nipv6 no\nlink 1 delay 2ms/2ms\nlink 2 delay 1ms/1ms loss 20/0\n' >"$work/plain.scn"
	printf 'routers 1\nipv6 no\nlink 1 delay 2ms/2ms jitter 0/8ms\nlink 2 delay 1ms/1ms\n' >"$work/jitter.scn"
	local plain jit
	plain=$(burst "$work/plain.scn") || { fail "(lab_up)"; return 1; }
	local late
	# shellcheck disable=SC2046 # fields are words
	late="emulator lateness $(_lab_lateness_text $(_lab_lateness_fields "$work/emu.log"))"
	jit=$(burst "$work/jitter.scn") || { fail "(lab_up)"; return 1; }
	read -r inv loss min avg med <<<"$plain"
	read -r jinv _ <<<"$jit"
	local why=
	[ "$inv" = 0 ] || why+=" $inv replies out of order without jitter;"
	[ "$jinv" -gt 0 ] || why+=" control: no reordering seen with 8 ms jitter;"
	awk -v m="$min" 'BEGIN { exit !(m >= 6 && m <= 6.3) }' || why+=" min RTT $min not in [6, 6.3];"
	awk -v m="$med" 'BEGIN { exit !(m >= 6 && m <= 6.5) }' || why+=" median RTT $med not in [6, 6.5];"
	awk -v l="$loss" 'BEGIN { sd = 100 * sqrt(0.2 * 0.8 / 500); exit !(l >= 20 - 4 * sd && l <= 20 + 4 * sd) }' ||
		why+=" loss $loss% not 20% +- 4 sd;"
	if [ -n "$why" ]; then
		mapfile -t lines < <(tail -5 "$work/ping")
		fail "($why)" "${lines[@]}"
		return 1
	fi
	pass "(500 pings: 0 reordered, $jinv with jitter; min $min median $med avg $avg ms for 6 ms injected; loss $loss% for 20%; $late)"
}

main "$@"
