#!/usr/bin/env bash
# Function lengths in src/: one "LINES FILE:LINE NAME" row per function
# definition (from its opening brace at column 0 to the closing one, both
# counted), then the count, median, 90th percentile and maximum.
# usage: scripts/funclen.sh [DIR]   (default src)
set -u
dir=${1:-src}
find "$dir" -name '*.c' | sort | xargs awk '
	FNR == 1 { prev = ""; sig = "" }
	/^[A-Za-z_]/ && /\(/ { sig = $0 }
	/^\{/ && prev ~ /\)[[:space:]]*$/ {
		start = FNR; name = sig; sub(/\(.*/, "", name); sub(/.*[ *]/, "", name)
	}
	/^\}/ && start { printf "%d %s:%d %s\n", FNR - start + 1, FILENAME, start - 1, name; start = 0 }
	{ prev = $0 }
' | sort -n >/tmp/funclen.$$
n=$(wc -l </tmp/funclen.$$)
cat /tmp/funclen.$$ | tail -5
awk -v n="$n" '{ a[NR] = $1; s += $1 } END {
	printf "functions %d, median %d, p90 %d, mean %.1f, max %d\n", n, a[int((n + 1) / 2)], a[int(n * 0.9)], s / n, a[n]
}' /tmp/funclen.$$
rm -f /tmp/funclen.$$
