#!/usr/bin/env bash
# bench/import.sh: wall time and peak RSS of `hopdoc analyze` on hostile
# inputs (bench/import_gen.sh) of each shape at several sizes: each must be
# refused or parsed within a few seconds, with memory bounded. `analyze` only
# reads files; nothing is probed. Not a test: it prints figures.
#
#   bench/import.sh [HOPDOC] [SHAPE...]
#
# Environment: IMPORT_BENCH_SIZES (MB, default "5 cap 50 500"; "cap" is the
# largest input accepted, 16 MiB), IMPORT_BENCH_TIMEOUT (seconds before a run
# is killed and shown as such, default 60), IMPORT_BENCH_DIR (where inputs
# are generated, one at a time and deleted, default /tmp).
# Columns: shape, size in bytes, wall seconds, peak RSS in MiB, exit status
# (0 parsed, 2 refused, "killed" past the timeout), and the first words of
# the verdict or of the error.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HOPDOC=${1:-$ROOT/build/hopdoc}
shift $(($# > 0 ? 1 : 0))
SIZES=${IMPORT_BENCH_SIZES:-5 cap 50 500}
TIMEOUT=${IMPORT_BENCH_TIMEOUT:-60}
CAP=$((16 * 1024 * 1024))
[ -x "$HOPDOC" ] || { echo "import bench: no $HOPDOC (make all)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "import bench: needs /usr/bin/time (GNU time)" >&2; exit 2; }
WORK=$(mktemp -d "${IMPORT_BENCH_DIR:-/tmp}/hdimport.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

shapes=("$@")
[ ${#shapes[@]} -gt 0 ] || mapfile -t shapes < <("$ROOT/bench/import_gen.sh" list)

bytes_of() { # SIZE
	if [ "$1" = cap ]; then echo $((CAP - 65536)); else echo $(($1 * 1000 * 1000)); fi
}

measure() { # SHAPE BYTES
	local in=$WORK/input out=$WORK/out tv=$WORK/time rc wall rss
	"$ROOT/bench/import_gen.sh" "$1" "$2" >"$in" || return 1
	/usr/bin/time -v -o "$tv" timeout "$TIMEOUT" "$HOPDOC" analyze --summary "$in" >"$out" 2>&1
	rc=$?
	[ $rc -eq 124 ] && rc=killed
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tv" |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tv" | awk '{ printf "%.1f", $1 / 1024 }')
	printf '%-17s %10d %8s %8s %6s  %s\n' "$1" "$(stat -c %s "$in")" "$wall" "$rss" "$rc" \
		"$(head -1 "$out" | sed "s|$in|FILE|" | cut -c1-70)"
	rm -f "$in" "$out" "$tv"
}

printf '%-17s %10s %8s %8s %6s  %s\n' shape bytes wall_s rss_MiB exit first-line
for size in $SIZES; do
	for s in "${shapes[@]}"; do
		measure "$s" "$(bytes_of "$size")"
	done
done
