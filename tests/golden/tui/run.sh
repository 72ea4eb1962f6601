#!/usr/bin/env bash
# The interactive view's golden screens: NAME.args (an .events file of this
# folder, then tui_golden's options) and NAME.expected (the screen: text,
# then its attributes). See README.md.
# usage: run.sh BUILD/hopdoc   (uses BUILD/tools/tui_golden)
#        UPDATE=1 run.sh ...   rewrites the .expected files (review the diff!)
set -u
here=$(cd "$(dirname "$0")" && pwd)
tool=$(cd "$(dirname "${1:-build/hopdoc}")" && pwd)/tools/tui_golden
if [ ! -x "$tool" ]; then
	echo "FAIL: golden/tui (no $tool; run make tools)"
	exit 1
fi
export TZ=UTC LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for args in "$here"/*.args; do
	name=$(basename "$args" .args)
	read -r input opts <"$args"
	read -r -a argv <<<"$opts"
	if ! "$tool" "${argv[@]}" "$here/$input" >"$tmp/out" 2>"$tmp/err"; then
		fail=$((fail + 1)); echo "FAIL: golden/tui/$name"
		sed 's/^/    /' "$tmp/err"; continue
	fi
	[ "${UPDATE:-}" = 1 ] && cp "$tmp/out" "$here/$name.expected"
	if diff -u "$here/$name.expected" "$tmp/out" >"$tmp/diff"; then
		pass=$((pass + 1)); echo "PASS: golden/tui/$name"
	else
		fail=$((fail + 1)); echo "FAIL: golden/tui/$name"
		head -60 "$tmp/diff" | sed 's/^/    /'
	fi
done
echo "golden/tui: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
