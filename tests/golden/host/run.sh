#!/usr/bin/env bash
# Golden tests of `hopdoc host` over fake /proc and /sys trees: each case
# NAME.args holds the arguments (--replay DIR takes DIR/0 and DIR/1 as the
# two samples), NAME.expected the output (stdout and stderr) and the exit
# status. The trees: quiet (nothing moves), moving (every counter moves),
# wrap (a 32-bit wrap and a reset), appear (an interface appears, one goes),
# container (most files missing), ctfull (conntrack 95% full). root-* cases
# read one tree twice with --root, really waiting: their window's length
# is printed as "W".
# Reading files only: nothing is probed.
# Usage: run.sh BUILD/hopdoc [--update]; prints PASS:/FAIL: golden/host/NAME.
set -u
hopdoc=$(realpath "${1:-build/hopdoc}")
update=${2:-}
cd "$(dirname "$0")" || exit 1
pass=0 fail=0
for a in *.args; do
	name=${a%.args}
	# shellcheck disable=SC2046 # the args file is a word list
	actual=$("$hopdoc" host $(cat "$a") 2>&1 </dev/null; echo "exit: $?")
	case $name in root-*) actual=$(printf '%s\n' "$actual" | sed -E 's/(over|Over) [0-9.]+ s/\1 W s/g') ;; esac
	[ "$update" = --update ] && printf '%s\n' "$actual" >"$name.expected"
	if [ "$actual" = "$(cat "$name.expected" 2>/dev/null)" ]; then
		pass=$((pass + 1)); echo "PASS: golden/host/$name"
	else
		fail=$((fail + 1)); echo "FAIL: golden/host/$name"
		diff <(cat "$name.expected" 2>/dev/null) <(printf '%s\n' "$actual") | sed 's/^/    /' | head -20
	fi
done
# The JSON documents parse, and name the counter and rate of each finding.
if jq -e '.diagnosis | length == 6 and all(.counter != null and .rate_per_s != null)' \
	<(sed '$d' moving-json.expected) >/dev/null 2>&1; then
	pass=$((pass + 1)); echo "PASS: golden/host/json-parses"
else
	fail=$((fail + 1)); echo "FAIL: golden/host/json-parses"
fi
echo "golden/host: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
