#!/usr/bin/env bash
# Golden suite: every diagnostic example of the seeds (../shared/seeds) as
# input listings, each with the findings hopdoc must reach. A case is
# NAME.case: comment lines (#), one "args:" line (hopdoc analyze arguments,
# files relative to this directory) and the expected findings, one per line,
# as `hopdoc analyze --summary` prints them:
#   finding KIND SEVERITY SEGMENT DIRECTION hop=N
# in order (most important first). Prints PASS/FAIL per case.
set -u
here=$(cd "$(dirname "$0")" && pwd)
hopdoc=$(cd "$(dirname "${1:-build/hopdoc}")" && pwd)/$(basename "${1:-build/hopdoc}")
rc=0 n=0
for c in "$here"/*.case; do
	name=$(basename "$c" .case)
	n=$((n + 1))
	args=$(sed -n 's/^args:[[:space:]]*//p' "$c")
	want=$(grep '^finding ' "$c")
	# shellcheck disable=SC2086 # args are words by design
	got=$(cd "$here" && "$hopdoc" analyze --summary $args 2>&1 | grep '^finding \|rror')
	if [ -n "$args" ] && [ -n "$want" ] && [ "$got" = "$want" ]; then
		echo "PASS: golden/seeds/$name"
	else
		rc=1
		echo "FAIL: golden/seeds/$name"
		diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
	fi
done
if [ "$n" -eq 0 ]; then
	echo "FAIL: golden/seeds (no cases)"
	exit 1
fi
exit "$rc"
