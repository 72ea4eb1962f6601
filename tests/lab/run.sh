#!/usr/bin/env bash
# Runs every tests/lab/t_*.sh in its own process with a time limit (so one
# hang cannot stall the rest), forwards its PASS:/FAIL:/SKIP: lines and the
# indented detail under them, and exits non-zero when any test failed.
# Usage: tests/lab/run.sh [t_NAME.sh...]   Env: LAB_TEST_TIMEOUT (seconds, 600; a hang guard, not a timing check)
set -u
cd "$(dirname "$0")/../.." || exit 1
limit=${LAB_TEST_TIMEOUT:-600}
[ "$(id -u)" = 0 ] || { echo "FAIL: lab (the lab tests need root: sudo make check)"; exit 1; }
mkdir -p build/logs
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(tests/lab/t_*.sh)
failed=0 start=$SECONDS
for t in "${tests[@]}"; do
	[ -f "$t" ] || t=tests/lab/$t
	name=$(basename "$t" .sh)
	log=build/logs/lab-$name.log
	t0=$SECONDS
	timeout -k 20 "$limit" bash "$t" >"$log" 2>&1 </dev/null
	rc=$?
	grep -E '^(PASS|FAIL|SKIP): |^    ' "$log"
	nfail=$(grep -c '^FAIL: ' "$log")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "FAIL: lab/${name#t_} (timed out after $limit s; log $log)"
		nfail=$((nfail + 1))
	elif [ "$rc" -ne 0 ] && [ "$nfail" -eq 0 ]; then
		echo "FAIL: lab/${name#t_} (exit $rc; log $log)"
		tail -n 15 "$log" | sed 's/^/    /'
		nfail=1
	fi
	[ "$nfail" -gt 0 ] && failed=$((failed + 1))
	echo "lab: $name took $((SECONDS - t0)) s"
done
echo "lab: ${#tests[@]} test files, $failed failed, $((SECONDS - start)) s"
[ "$failed" -eq 0 ]
