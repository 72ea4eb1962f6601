#!/usr/bin/env bash
# bench/run.sh: hopdoc against Debian's mtr, in one run, in one lab
# (bench/bench.scn built by tests/lab/lib.sh; the prober runs in the lab's
# client namespace, which has no route out). Not a test: it prints figures.
#
#   1. error: per hop, a prober's Avg minus the wire's average round trip
#      (client interface captured by tcpdump, probes paired by wirepair),
#      over BENCH_CYCLES cycles at -i 0.05;
#   2. from the same run, Avg at the jittery hop 2 against the average of a
#      ping to the same router running at the same time (BENCH_CYCLES pings
#      at -i 0.05), so both see the same path and the same machine stalls;
#   3. CPU time (user+sys, every process of the prober) per 1,000 probes at
#      -i 0.05 and peak RSS (sum over its processes), BENCH_CPU_CYCLES cycles;
#   4. wall time to a complete `-r -c 10` report (default interval).
# hopdoc is measured when build/hopdoc's live mode works in the lab; until
# then the figures are mtr's alone. Results also go to build/bench/results.txt.
#
# Environment: BENCH_CYCLES (1500), BENCH_CPU_CYCLES (400), BENCH_REPORT_CYCLES
# (10), BENCH_PREFIX (lab namespace prefix, hl2bench), BENCH_PROTO (icmp, udp
# or tcp: the probers' -u / -T -P 80), BENCH_FAMILY (4 or 6).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build/bench
CYCLES=${BENCH_CYCLES:-1500}
CPU_CYCLES=${BENCH_CPU_CYCLES:-400}
REPORT_CYCLES=${BENCH_REPORT_CYCLES:-10}
FAMILY=${BENCH_FAMILY:-4}
case ${BENCH_PROTO:-icmp} in
icmp) PROTO_ARGS=() ;;
udp) PROTO_ARGS=(-u) ;;
tcp) PROTO_ARGS=(-T -P 80) ;;
*) echo "bench: BENCH_PROTO is icmp, udp or tcp" >&2; exit 1 ;;
esac
[ "$FAMILY" = 4 ] || [ "$FAMILY" = 6 ] || { echo "bench: BENCH_FAMILY is 4 or 6" >&2; exit 1; }
WARN=(-std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
	-Wmissing-prototypes -Wcast-qual -Wformat=2 -Wpointer-arith -Wundef -Wvla -O2)

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "bench: $*" >&2; }

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, raw sockets)"
for t in mtr tcpdump ping cc; do command -v $t >/dev/null || die "$t missing (make deps)"; done
mkdir -p "$OUT"
cc "${WARN[@]}" -o "$OUT/runstat" bench/runstat.c || die "cannot build runstat"
cc "${WARN[@]}" -o "$OUT/hubs" bench/hubs.c -ljansson || die "cannot build hubs"
make -s build/lab/wirepair build/lab/linkemu || die "cannot build the lab tools"

# shellcheck source=../tests/lab/lib.sh
source tests/lab/lib.sh
LAB_PREFIX=${BENCH_PREFIX:-hl2bench}
lab_up bench/bench.scn || die "lab did not come up"
if [ "$FAMILY" = 6 ]; then T=$LAB_TARGET6; else T=$LAB_TARGET4; fi
[ -n "$T" ] || die "the lab has no IPv$FAMILY target"
CLIENT_IF=l1
JHOP=$(lab_truth bench/bench.scn "$FAMILY" | awk '$1 == "hop" && $2 == 2 { print $3 }')
[ -n "$JHOP" ] || die "no hop 2 in the scenario's truth"

# ---- measuring one prober ----------------------------------------------------

# Runs CMD in the client namespace under runstat; stats go to FILE.
measured() { # FILE CMD...
	local f=$1; shift
	ip netns exec "$LAB_CLIENT" "$OUT/runstat" "$f" "$@"
}

stat_of() { # FILE KEY
	awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' "$1"
}

capture_start() { # PCAP
	ip netns exec "$LAB_CLIENT" tcpdump -U -Z root --time-stamp-precision=nano -i "$CLIENT_IF" \
		-w "$1" 'icmp or icmp6 or udp or tcp' 2>"$1.log" &
	CAP_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q 'listening on' "$1.log" 2>/dev/null && return 0
		sleep 0.05
	done
	die "tcpdump did not start: $(cat "$1.log")"
}

capture_stop() {
	sleep 0.2 # the last replies
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
}

# Per hop: "HOP HOST AVG WIRE EXCESS", from the prober's JSON and the capture.
excess_table() { # JSON PCAP
	"$OUT/hubs" <"$1" >"$1.hubs" || return 1
	"$ROOT/build/lab/wirepair" "$2" >"$2.wire" 2>"$2.wire.log" || return 1
	awk 'NR == FNR { wire[$2] = $6; next }
	     ($1 in wire) { printf "%d %s %.3f %.3f %.3f\n", $1, $2, $3, wire[$1], $3 - wire[$1] }' \
		"$2.wire" "$1.hubs"
}

# Figures of one prober NAME run as CMD...; prints "NAME KEY VALUE" lines.
bench_prober() { # NAME CMD...
	local name=$1; shift
	local base=$OUT/$name
	log "$name: $CYCLES cycles at -i 0.05 with the wire captured"
	capture_start "$base.pcap"
	ip netns exec "$LAB_CLIENT" ping -"$FAMILY" -n -q -c "$CYCLES" -i 0.05 "$JHOP" >"$base.ping.txt" &
	local ping_pid=$!
	measured "$base.long.stat" "$@" -n -j -c "$CYCLES" -i 0.05 "$T" >"$base.long.json"
	wait "$ping_pid"
	capture_stop
	awk -F'[/ =]+' -v n="$name" '/^rtt/ { print n, "ping_avg_ms", $7 }' "$base.ping.txt"
	if excess_table "$base.long.json" "$base.pcap" >"$base.excess"; then
		sed "s/^/$name hop /" "$base.excess" >&2
		awk -v n="$name" '{ s += $5; a += ($5 < 0 ? -$5 : $5); k++ }
			END { if (k) printf "%s excess_mean_ms %.4f\n%s excess_abs_ms %.4f\n", n, s / k, n, a / k }' \
			"$base.excess"
		awk -v n="$name" '$1 == 2 { printf "%s jitter_hop_avg_ms %.3f\n", n, $3 }' "$base.long.json.hubs"
	else
		log "$name: no JSON report or no pairs; error figures skipped"
	fi
	log "$name: $CPU_CYCLES cycles at -i 0.05 for CPU and memory"
	measured "$base.cpu.stat" "$@" -n -j -c "$CPU_CYCLES" -i 0.05 "$T" >"$base.cpu.json"
	local probes cpu
	probes=$("$OUT/hubs" <"$base.cpu.json" | awk '{ s += $4 } END { print s + 0 }')
	cpu=$(awk '{ print $4 + $6 }' "$base.cpu.stat")
	awk -v n="$name" -v p="$probes" -v c="$cpu" 'BEGIN {
		printf "%s probes %d\n%s cpu_s %.4f\n", n, p, n, c
		if (p > 0) printf "%s cpu_ms_per_1000 %.2f\n", n, c * 1e6 / p }'
	echo "$name peak_rss_kb $(stat_of "$base.cpu.stat" peak_rss_kb)"
	log "$name: a -r -c $REPORT_CYCLES report"
	measured "$base.report.stat" "$@" -n -r -c "$REPORT_CYCLES" "$T" >"$base.report.txt"
	echo "$name report_wall_s $(stat_of "$base.report.stat" wall_s)"
	cat "$base.report.txt" >&2
}

# hopdoc counts only when its live mode produces a report in the lab.
hopdoc_live() {
	[ -x build/hopdoc ] || return 1
	local out
	out=$(ip netns exec "$LAB_CLIENT" timeout 20 build/hopdoc "${PROTO_ARGS[@]}" -n -r -c 1 -i 0.2 "$T" \
		2>/dev/null) || return 1
	grep -q -- "|-- *$T" <<<"$out"
}

# ---- the run -------------------------------------------------------------------

RES=$OUT/results.raw
: >"$RES"
log "lab $LAB_NAME, target $T, probes: ${BENCH_PROTO:-icmp} ${PROTO_ARGS[*]}"
bench_prober mtr mtr "${PROTO_ARGS[@]}" | tee -a "$RES"
if hopdoc_live; then
	bench_prober hopdoc "$ROOT/build/hopdoc" "${PROTO_ARGS[@]}" | tee -a "$RES"
else
	log "hopdoc: live mode not working in the lab yet; measuring mtr alone"
fi
lab_down

# ---- summary ---------------------------------------------------------------------

awk -v cycles="$CYCLES" -v cpu_cycles="$CPU_CYCLES" -v rc="$REPORT_CYCLES" '
	{ v[$1 " " $2] = $3 }
	function get(p, k) { return (p " " k) in v ? v[p " " k] : "" }
	function jerr(p, a) { a = get(p, "jitter_hop_avg_ms"); if (a == "" || get(p, "ping_avg_ms") == "") return ""
		return sprintf("%.3f", a - get(p, "ping_avg_ms")) }
	function ab(x) { return x < 0 ? -x : x }
	function row(label, m, h, absolute) {
		r = (m != "" && h != "" && m + 0 != 0) ? sprintf("%.2f", (absolute ? ab(h) / ab(m) : h / m)) : "-"
		printf "%-44s %12s %12s %10s\n", label, (m == "" ? "-" : m), (h == "" ? "-" : h), r }
	END {
		printf "%-44s %12s %12s %10s\n", "metric", "mtr", "hopdoc", "hopdoc/mtr"
		row("mean |Avg - wire| per hop, ms (" cycles " cyc)", get("mtr", "excess_abs_ms"), get("hopdoc", "excess_abs_ms"), 1)
		row("mean (Avg - wire) per hop, ms", get("mtr", "excess_mean_ms"), get("hopdoc", "excess_mean_ms"), 1)
		row("jittery hop 2: Avg - concurrent ping avg, ms", jerr("mtr"), jerr("hopdoc"), 1)
		row("jittery hop 2: Avg, ms", get("mtr", "jitter_hop_avg_ms"), get("hopdoc", "jitter_hop_avg_ms"), 0)
		row("jittery hop 2: concurrent ping avg, ms", get("mtr", "ping_avg_ms"), get("hopdoc", "ping_avg_ms"), 0)
		row("CPU ms per 1000 probes (-i 0.05)", get("mtr", "cpu_ms_per_1000"), get("hopdoc", "cpu_ms_per_1000"), 0)
		row("peak RSS, kB (all processes)", get("mtr", "peak_rss_kb"), get("hopdoc", "peak_rss_kb"), 0)
		row("wall time to -r -c " rc " report, s", get("mtr", "report_wall_s"), get("hopdoc", "report_wall_s"), 0)
	}' "$RES" | tee "$OUT/results.txt"
