#!/usr/bin/env bash
# Golden tests: runs every suite tests/golden/<suite>/run.sh with the hopdoc
# binary's path. Each suite prints "PASS: golden/<suite>/<case>" or
# "FAIL: golden/<suite>/<case>" (with a diff) per case and exits non-zero on
# any failure. Add a suite by adding a directory with its own run.sh.
set -u
hopdoc=$(realpath -m "${1:-build/hopdoc}") # before the cd: it may be relative
cd "$(dirname "$0")/../.."
rc=0 suites=0
for suite in tests/golden/*/run.sh; do
	[ -x "$suite" ] || continue
	suites=$((suites + 1))
	"$suite" "$hopdoc" || rc=1
done
if [ "$suites" -eq 0 ]; then
	echo "FAIL: golden (no suites)"
	exit 1
fi
exit "$rc"
