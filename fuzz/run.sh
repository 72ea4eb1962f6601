#!/usr/bin/env bash
# Fuzzing with libFuzzer (clang). Every fuzz/fuzz_*.c defining
# LLVMFuzzerTestOneInput is a harness; `make fuzz-build` links each with the
# sockets-free core (ASan+UBSan) into build/fuzz/.
#
#   fuzz/run.sh smoke            build every harness, run each ~20 s
#   fuzz/run.sh run NAME [SECS]  run one harness longer (default 600 s)
#
# Seeds live in fuzz/corpus/NAME/ (committed, small); inputs libFuzzer finds
# go to build/fuzz/corpus/NAME/, crashes to build/fuzz/artifacts/NAME/.
set -uo pipefail
cd "$(dirname "$0")/.."

OUT=build/fuzz
SECS_SMOKE=${FUZZ_SECS:-20}

die() { echo "fuzz: $*" >&2; exit 2; }

# The Makefile builds every harness (`make fuzz-build`), linked with the core.
build() { make --no-print-directory -s fuzz-build >/dev/null; }

# Runs harness NAME for SECS seconds; prints PASS/FAIL and returns 0/1.
run_harness() { # NAME SECS
	local name=$1 secs=$2 log="$OUT/$1.log"
	mkdir -p "$OUT/corpus/$name" "$OUT/artifacts/$name" "fuzz/corpus/$name"
	"$OUT/$name" -max_total_time="$secs" -print_final_stats=1 -max_len=4096 \
		-artifact_prefix="$OUT/artifacts/$name/" \
		"$OUT/corpus/$name" "fuzz/corpus/$name" >"$log" 2>&1
	local rc=$?
	local execs
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ $rc -eq 0 ] && [ -n "$execs" ] && [ "$execs" -gt 0 ]; then
		echo "PASS: fuzz/$name ($execs execs)"
		return 0
	fi
	echo "FAIL: fuzz/$name (exit $rc, ${execs:-0} execs; log $log)"
	grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -5 | sed 's/^/    /'
	return 1
}

harnesses() {
	local f
	for f in fuzz/fuzz_*.c; do
		[ -e "$f" ] || continue
		grep -q LLVMFuzzerTestOneInput "$f" && basename "${f%.c}"
	done
}

smoke() {
	command -v clang >/dev/null || die "clang not found (apt-get install clang libclang-rt-14-dev)"
	build || { echo "FAIL: fuzz (harnesses do not build)"; return 1; }
	local name fail=0 n=0
	for name in $(harnesses); do
		n=$((n + 1))
		run_harness "$name" "$SECS_SMOKE" || fail=$((fail + 1))
	done
	echo "fuzz: $((n - fail)) passed, $fail failed"
	[ $fail -eq 0 ]
}

case "${1:-smoke}" in
smoke) smoke ;;
run)
	[ -n "${2:-}" ] && [ -e "fuzz/$2.c" ] || die "usage: fuzz/run.sh run NAME [SECS]"
	build && run_harness "$2" "${3:-600}"
	;;
*) die "usage: fuzz/run.sh smoke | run NAME [SECS]" ;;
esac
