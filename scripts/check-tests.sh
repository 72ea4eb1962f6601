#!/usr/bin/env bash
# `make test-map`: tests mirror src. Every module src/<dir>/<m>.c has its own
# tests/unit/<dir>/test_<m>.c, or its header (the .c when it has none) names
# the tests that cover it on a line "Tests: PATH..." whose paths all exist.
# Prints the modules that break the rule, then PASS/FAIL.
set -u
cd "$(dirname "$0")/.."
bad=0
for c in src/*/*.c; do
	dir=$(basename "$(dirname "$c")") mod=$(basename "${c%.c}")
	[ -e "tests/unit/$dir/test_$mod.c" ] && continue
	hdr=${c%.c}.h
	[ -e "$hdr" ] || hdr=$c
	paths=$(sed -n 's/^[ /*]*Tests: *//p' "$hdr" | head -1 | sed 's|[[:space:]]*\*/[[:space:]]*$||; s/[.,;]*$//')
	if [ -z "$paths" ]; then
		echo "test-map: $c has no tests/unit/$dir/test_$mod.c and no \"Tests:\" line in $hdr"
		bad=$((bad + 1)); continue
	fi
	for p in $paths; do
		p=${p%,}
		[ -e "$p" ] || { echo "test-map: $hdr names $p, which does not exist"; bad=$((bad + 1)); }
	done
done
if [ "$bad" -eq 0 ]; then echo "PASS: test-map"; else echo "FAIL: test-map ($bad)"; exit 1; fi
