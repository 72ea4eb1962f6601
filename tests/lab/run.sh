#!/usr/bin/env bash
# Runs every tests/lab/t_*.sh in its own process with a time limit (so one
# hang cannot stall the rest), forwards its PASS:/FAIL:/SKIP: lines and the
# indented detail under them, and exits non-zero when any test failed.
# After each test file, an informational line "# linkemu lateness (...)"
# sums up how late the link emulator released frames in that file's labs
# (lib.sh collects it from every lab's emulator; see docs/lab.md).
# Usage: tests/lab/run.sh [t_NAME.sh...]   Env: LAB_TEST_TIMEOUT (seconds, 600; a hang guard, not a timing check)
set -u
cd "$(dirname "$0")/../.." || exit 1
limit=${LAB_TEST_TIMEOUT:-600}
[ "$(id -u)" = 0 ] || { echo "FAIL: lab (the lab tests need root: sudo make check)"; exit 1; }
mkdir -p build/logs
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(tests/lab/t_*.sh)
failed=0 start=$SECONDS

# The emulator figures of one test file's labs (lib.sh's LAB_EMU_REPORT
# lines: NAME FRAMES MEAN_US P99_US MAX_US OVER1MS WAKEP99_US WAKEMAX_US),
# summed up: the worst lab's max and p99, the mean over every frame.
lateness_summary() { # NAME REPORTFILE
	[ -s "$2" ] || return 0
	awk -v name="$1" 'BEGIN { max = -1 } { labs++; n += $2; sum += $2 * $3; over += $6
		if ($5 > max) { max = $5; maxlab = $1 } if ($4 > p99) p99 = $4 }
		END { printf "# linkemu lateness (%s, labs %d): max %.3f ms (%s), worst p99 %.3f ms, mean %.1f us, n=%d, over 1 ms: %d\n",
			name, labs, max / 1000, maxlab, p99 / 1000, n ? sum / n : 0, n, over }' "$2"
}

for t in "${tests[@]}"; do
	[ -f "$t" ] || t=tests/lab/$t
	name=$(basename "$t" .sh)
	log=build/logs/lab-$name.log
	t0=$SECONDS
	emu=$PWD/build/logs/lab-$name.emu
	rm -f "$emu"
	LAB_EMU_REPORT=$emu timeout -k 20 "$limit" bash "$t" >"$log" 2>&1 </dev/null
	rc=$?
	grep -E '^(PASS|FAIL|SKIP): |^    ' "$log"
	lateness_summary "$name" "$emu"
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
