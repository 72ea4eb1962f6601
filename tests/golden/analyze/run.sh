#!/usr/bin/env bash
# Golden tests of `hopdoc analyze`: each case NAME.args holds the arguments
# (input files are under inputs/), NAME.expected the output of
# `hopdoc analyze --summary ARGS` (stdout and stderr) and its exit status;
# NAME.stdin, when present, is fed to standard input.
# When the expected file has no "finding" lines the case checks the import
# only, so diagnosis changes do not break format cases.
# Usage: run.sh BUILD/hopdoc [--update]; prints PASS:/FAIL: golden/analyze/NAME.
set -u
hopdoc=$(realpath "${1:-build/hopdoc}")
update=${2:-}
cd "$(dirname "$0")"
pass=0 fail=0
run_case() {
	local args
	args=$(cat "$1.args")
	# shellcheck disable=SC2086 # the args file is a word list
	local in=/dev/null
	[ -f "$1.stdin" ] && in="$1.stdin"
	"$hopdoc" analyze --summary $args <"$in" 2>&1
	echo "exit: $?"
}
for a in *.args; do
	name=${a%.args}
	actual=$(run_case "$name")
	if [ "$update" = --update ]; then
		printf '%s\n' "$actual" >"$name.expected"
	fi
	if ! grep -q '^finding ' "$name.expected" 2>/dev/null; then
		actual=$(printf '%s\n' "$actual" | grep -v '^finding ')
	fi
	if [ "$actual" = "$(cat "$name.expected" 2>/dev/null)" ]; then
		pass=$((pass + 1)); echo "PASS: golden/analyze/$name"
	else
		fail=$((fail + 1)); echo "FAIL: golden/analyze/$name"
		diff <(cat "$name.expected" 2>/dev/null) <(printf '%s\n' "$actual") | sed 's/^/    /' | head -20
	fi
done
# Output that cannot be written is an error with a message, not a silent 1.
full=$("$hopdoc" analyze inputs/seed000-ex1-out.txt 2>&1 >/dev/full; echo "exit: $?")
if [ "$full" = "$(printf 'hopdoc analyze: cannot write the output\nexit: 1')" ]; then
	pass=$((pass + 1)); echo "PASS: golden/analyze/dev-full"
else
	fail=$((fail + 1)); echo "FAIL: golden/analyze/dev-full"; echo "$full" | sed 's/^/    /'
fi
echo "golden/analyze: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
