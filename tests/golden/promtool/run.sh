#!/usr/bin/env bash
# promtool (Debian's `prometheus` package) reads every Prometheus golden
# output (tests/golden/render/prom-*.expected) and must accept it: the text
# format's syntax and the exporter lint rules (_total counters, units,
# snake_case, help texts). A deliberately broken copy must be refused, so the
# check cannot pass by not running. Reading files only: nothing is probed.
# usage: run.sh BUILD/hopdoc; prints PASS:/FAIL: golden/promtool/NAME.
set -u
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0
if ! command -v promtool >/dev/null; then
	echo "FAIL: golden/promtool (no promtool: scripts/install-deps.sh installs prometheus)"
	exit 1
fi
for f in "$here"/../render/prom-*.expected; do
	name=$(basename "$f" .expected)
	if out=$(promtool check metrics <"$f" 2>&1) && [ -z "$out" ]; then
		pass=$((pass + 1)); echo "PASS: golden/promtool/$name"
	else
		fail=$((fail + 1)); echo "FAIL: golden/promtool/$name"
		printf '%s\n' "$out" | head -20 | sed 's/^/    /'
	fi
done
# A counter without _total and a histogram missing its +Inf bucket.
bad=$(sed -e 's/hopdoc_replies_total/hopdoc_replies/g' -e '/le="+Inf"/d' \
	"$here/../render/prom-path.expected")
if ! printf '%s\n' "$bad" | promtool check metrics >/dev/null 2>&1; then
	pass=$((pass + 1)); echo "PASS: golden/promtool/refuses-broken"
else
	fail=$((fail + 1)); echo "FAIL: golden/promtool/refuses-broken (promtool accepted a broken exposition)"
fi
echo "golden/promtool: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
