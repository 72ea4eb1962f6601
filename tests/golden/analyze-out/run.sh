#!/usr/bin/env bash
# Golden tests of `hopdoc analyze`'s own output (the text report and the
# --json document; --summary is the analyze suite's): NAME.args holds the
# arguments (inputs are the analyze suite's, ../analyze/inputs/), NAME.expected
# stdout and stderr, then "exit: STATUS".
# Usage: run.sh BUILD/hopdoc [--update]; prints PASS:/FAIL: golden/analyze-out/NAME.
set -u
hopdoc=$(realpath "${1:-build/hopdoc}")
update=${2:-}
cd "$(dirname "$0")"
export TZ=UTC LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for a in *.args; do
	name=${a%.args}
	read -r -a argv <"$a"
	# files, not $(...): a missing or extra final newline must fail too
	{ "$hopdoc" analyze "${argv[@]}" </dev/null 2>&1; echo "exit: $?"; } >"$tmp/out"
	[ "$update" = --update ] && cp "$tmp/out" "$name.expected"
	if diff -u "$name.expected" "$tmp/out" >"$tmp/diff" 2>&1; then
		pass=$((pass + 1)); echo "PASS: golden/analyze-out/$name"
	else
		fail=$((fail + 1)); echo "FAIL: golden/analyze-out/$name"
		head -40 "$tmp/diff" | sed 's/^/    /'
	fi
done
echo "golden/analyze-out: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
