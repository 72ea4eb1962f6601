#!/usr/bin/env bash
# `make check`: every stage in turn, each line of the form "PASS: name" or
# "FAIL: name", then one total. Stages: build (gcc and clang), unit tests,
# the same under ASan+UBSan, golden files, lab tests (root), fuzz smoke runs;
# first the layer check (scripts/layers.sh) and the test map
# (scripts/check-tests.sh), and after the build the check that the core
# archive makes no socket calls (scripts/nm-core.sh).
set -u
cd "$(dirname "$0")/.."
mkdir -p build/logs
start=$(date +%s)
stages=(layers test-map all nm-core clang unit unit-san golden lab fuzz-smoke)
total_pass=0 total_fail=0
for s in "${stages[@]}"; do
	log=build/logs/$s.log
	echo "== $s"
	make --no-print-directory -j2 "$s" >"$log" 2>&1
	rc=$?
	grep -E '^(PASS|FAIL|SKIP): |^# linkemu lateness' "$log" || true
	p=$(grep -c '^PASS: ' "$log"); f=$(grep -c '^FAIL: ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1; echo "FAIL: stage $s (exit $rc)"; tail -n 30 "$log" | sed 's/^/    /'
	elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		p=1; echo "PASS: stage $s"
	fi
	[ "$f" -gt 0 ] && grep -A40 '^FAIL: ' "$log" | head -80 | sed 's/^/    /'
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
done
echo "make check took $(( $(date +%s) - start )) s"
echo "check: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
