#!/usr/bin/env bash
# bench/pacing.sh [HOPDOC_BEFORE]: what spreading a round's probes over the
# interval costs in accuracy (issue 14). Not a test: it prints figures.
#
# In the lab of tests/lab/scenarios/loss-out.scn (6 hops, 1 ms per link each
# way, 30% outbound loss from link 4 on: the truth is lab_truth's), each
# prober runs `-n -r -c CYCLES -i INTERVAL` in the client namespace (which
# has no route out): build/hopdoc (paced), HOPDOC_BEFORE when given (a build
# from before the change: bursts), and Debian's mtr. Per prober: hops shown
# against the truth's, and the mean absolute error over the hops of Loss%
# (percentage points), Best and Avg (ms). Then the ratios paced / mtr and
# paced / before (1.00: the same; below 1: better). Figures also go to
# build/bench/pacing.txt.
#
# Environment: BENCH_CYCLES (200), BENCH_INTERVAL (0.1), BENCH_PREFIX (hl14bp),
# BENCH_SCENARIO (tests/lab/scenarios/loss-out.scn).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build/bench
CYCLES=${BENCH_CYCLES:-200}
INTERVAL=${BENCH_INTERVAL:-0.1}
SCN=${BENCH_SCENARIO:-tests/lab/scenarios/loss-out.scn}
BEFORE=${1:-}
LAB_PREFIX=${BENCH_PREFIX:-hl14bp}

die() { echo "bench: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces, raw sockets)"
command -v mtr >/dev/null || die "mtr missing (make deps)"
[ -x build/hopdoc ] || die "build/hopdoc missing (make all)"
[ -z "$BEFORE" ] || [ -x "$BEFORE" ] || die "$BEFORE is not executable"
make -s build/lab/linkemu || die "cannot build the lab tools"
mkdir -p "$OUT"

# shellcheck source=../tests/lab/lib.sh
source tests/lab/lib.sh
lab_up "$SCN" || die "lab setup failed"
lab_truth "$SCN" 4 >"$OUT/pacing.truth"

# score NAME REPORT: "NAME HOPS TRUTH_HOPS LOSS_ERR BEST_ERR AVG_ERR"
score() {
	awk -v name="$1" 'function abs(x) { return x < 0 ? -x : x }
	FNR == NR { if ($1 == "hop") { loss[$2] = $5; rtt[$2] = $4; n = $2 } next }
	$1 ~ /^[0-9]+\.\|--$/ { t = $1 + 0; shown++; if (t > n) next
		l = $3; sub(/%/, "", l); el += abs(l - loss[t]); eb += abs($7 - rtt[t]); ea += abs($6 - rtt[t]); k++ }
	END { printf "%s %d %d %.2f %.3f %.3f\n", name, shown, n, k ? el / k : -1, k ? eb / k : -1, k ? ea / k : -1 }' \
		"$OUT/pacing.truth" "$2"
}

run() { # NAME PROBER
	lab_client "$2" -n -r -c "$CYCLES" -i "$INTERVAL" "$LAB_TARGET4" >"$OUT/pacing.$1.txt" 2>&1
	score "$1" "$OUT/pacing.$1.txt"
}

{
	echo "# $(basename "$SCN" .scn): -n -r -c $CYCLES -i $INTERVAL $LAB_TARGET4 (IPv4, ICMP)"
	echo "# prober hops_shown truth_hops loss_err_pp best_err_ms avg_err_ms"
	run paced build/hopdoc
	[ -n "$BEFORE" ] && run before "$BEFORE"
	run mtr mtr
} >"$OUT/pacing.raw"
lab_down

awk 'function r(a, b) { return b > 0 ? sprintf("%.2f", a / b) : (a > 0 ? "inf" : "1.00") }
	/^#/ { print; next }
	{ row[$1] = $0; hops[$1] = $2; th = $3; le[$1] = $4; be[$1] = $5; ae[$1] = $6; print }
	END {
		for (o = 1; o <= 2; o++) {
			other = o == 1 ? "mtr" : "before"
			if (!(other in row)) continue
			printf "ratio paced/%s: hops %s, loss error %s, Best error %s, Avg error %s\n", other,
				r(hops["paced"], hops[other]), r(le["paced"], le[other]), r(be["paced"], be[other]),
				r(ae["paced"], ae[other])
		}
		printf "ratio paced/truth: hops %s\n", r(hops["paced"], th) }' "$OUT/pacing.raw" | tee "$OUT/pacing.txt"
