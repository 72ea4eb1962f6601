#!/usr/bin/env bash
# Renderer golden cases: NAME.model (a model) or NAME.events (engine events
# replayed through the collector), NAME.args (render_golden's arguments) and
# NAME.expected (the exact output). See README.md for the file formats.
# usage: run.sh BUILD/hopdoc   (uses BUILD/tools/render_golden)
set -u
here=$(cd "$(dirname "$0")" && pwd)
tool=$(cd "$(dirname "${1:-build/hopdoc}")" && pwd)/tools/render_golden
if [ ! -x "$tool" ]; then
	echo "FAIL: golden/render (no $tool; run make)"
	exit 1
fi
export TZ=UTC LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for args in "$here"/*.args; do
	name=$(basename "$args" .args)
	input="$here/$name.model"
	[ -f "$input" ] || input="$here/$name.events"
	read -r -a argv <"$args"
	# files, not $(...): a missing or extra final newline must fail too
	if "$tool" "${argv[@]}" "$input" >"$tmp/out" 2>"$tmp/err" &&
		diff -u "$here/$name.expected" "$tmp/out" >"$tmp/diff"; then
		pass=$((pass + 1)); echo "PASS: golden/render/$name"
	else
		fail=$((fail + 1)); echo "FAIL: golden/render/$name"
		cat "$tmp/err" "$tmp/diff" | head -60 | sed 's/^/    /'
	fi
done
echo "golden/render: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
