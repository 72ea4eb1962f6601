#!/usr/bin/env bash
# Runs each cmocka test binary in its own process and reports one line per binary.
set -u
pass=0 fail=0
for t in "$@"; do
	if out=$("$t" 2>&1); then
		pass=$((pass + 1)); echo "PASS: unit/$(basename "$t")"
	else
		fail=$((fail + 1)); echo "FAIL: unit/$(basename "$t")"; echo "$out" | sed 's/^/    /'
	fi
	echo "$out" | grep -E '^\[  (PASSED|FAILED)  \]' | sed "s|^|    $(basename "$t"): |"
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
