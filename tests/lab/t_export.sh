#!/usr/bin/env bash
# tests/lab/t_export.sh: --export-text and --export-html on a live run in the
# lab (issue 8), on a path with a known fault (loss-out: 30% loss from hop 4).
#
#   - a report run (-r -c N) writes both files; the text export reads back
#     through `hopdoc analyze` with the same hops and figures as the report
#     printed, and those match the lab's truth (addresses, loss, delay);
#   - the page names the fault as --diagnose does, loads nothing (no URL but
#     data:, no src=, href=, url(, @import), and headless Chromium, in a
#     network namespace of its own with no interface but lo, shows its table
#     rows and one SVG chart per hop (--dump-dom); its screenshot goes to
#     build/logs/lab-export.png, the page to build/logs/lab-export.html;
#   - a run stopped by SIGINT still writes both files, with what it gathered;
#   - a file that cannot be written fails the run (exit 1) with the reason,
#     before probing; under sudo a new file goes to the sudo user; `hopdoc analyze --export-html` writes a page without
#     charts; two targets with an export are refused.
# Prints PASS:/FAIL: lines. Needs root, chromium (scripts/install-deps.sh).
# Env: EXPORT_CYCLES (50), HOPDOC, CHROMIUM (chromium).
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" export
CYCLES=${EXPORT_CYCLES:-50}
CHROMIUM=${CHROMIUM:-chromium}
SCN=$ROOT/tests/lab/scenarios/loss-out.scn
LOGDIR=$ROOT/build/logs
WORK=$(mktemp -d /tmp/hdexport.XXXXXX)
mkdir -p "$LOGDIR"

# Per hop of `hopdoc analyze --summary`: TTL HOST LOSS SNT LAST AVG BEST WRST.
figures() { # FILE
	lab_client "$HOPDOC" analyze --summary "$1" |
		awk '$1 == "outbound" && $2 == "hop" { out = $3 " " $4
			for (i = 5; i <= NF; i++) { split($i, kv, "=")
				if (kv[1] ~ /^(loss|snt|last|avg|best|wrst)$/) out = out " " $i }
			print out }'
}

# Headless Chromium on a local file, in a namespace with no network at all
# (unshare -n: only a down lo), with everything that phones home switched off
# and a hang guard.
chromium_run() { # ARGS...
	local profile rc
	profile=$(mktemp -d /tmp/hdexport-chrome.XXXXXX)
	timeout -k 5 120 unshare -n "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" "$@" 2>>"$WORK/chromium.err"
	rc=$?
	rm -rf "$profile"
	return "$rc"
}

# The export's hops against the lab's truth: the responder, loss near the
# injected rate (50 probes at 30%: sd 6.5 points, so 8..60 is over 3 sd each
# way), and no less delay than was injected.
check_truth() { # FIGURES-FILE
	local bad=() ttl addr rtt loss jit host got_loss avg
	while read -r _ ttl addr rtt loss jit; do
		read -r host got_loss avg < <(awk -v t="$ttl" '$1 == t { sub("loss=", "", $3); sub("avg=", "", $6); print $2, $3, $6 }' "$1")
		if [ "$host" != "$addr" ]; then
			bad+=("hop $ttl: $host, the lab says $addr")
		elif ! awk -v g="$got_loss" -v w="$loss" -v a="$avg" -v r="$rtt" 'BEGIN {
			ok = (w == 0) ? g <= 5 : (g >= 8 && g <= 60); exit !(ok && a >= r - 0.5) }'; then
			bad+=("hop $ttl: loss $got_loss% avg $avg ms; the lab injected $loss% and $rtt ms")
		fi
	done < <(lab_truth "$SCN" 4 | awk '$1 == "hop"')
	[ ${#bad[@]} -eq 0 ] && return 0
	printf '%s\n' "${bad[@]}"
	return 1
}

report_run() {
	if ! lab_client timeout 120 "$HOPDOC" -n -r -c "$CYCLES" -i 0.1 --export-text "$WORK/run.txt" \
		--export-html "$WORK/run.html" "$LAB_TARGET4" >"$WORK/report.txt" 2>"$WORK/report.err" ||
		[ ! -s "$WORK/run.txt" ] || [ ! -s "$WORK/run.html" ]; then
		fail report-run "the run or its exports failed:" "$(cat "$WORK/report.err")"
		return 1
	fi
	cp "$WORK/run.html" "$LOGDIR/lab-export.html"
	pass "report-run (-r -c $CYCLES wrote $(wc -c <"$WORK/run.txt") bytes of text, $(wc -c <"$WORK/run.html") of HTML)"
}

check_round_trip() {
	figures "$WORK/report.txt" >"$WORK/report.fig"
	figures "$WORK/run.txt" >"$WORK/text.fig"
	local n why
	n=$(wc -l <"$WORK/text.fig")
	if [ "$n" -lt "$LAB_HOPS" ] || ! cmp -s "$WORK/report.fig" "$WORK/text.fig"; then
		fail round-trip "the text export read back differs from the report (or has under $LAB_HOPS hops):" \
			"$(diff "$WORK/report.fig" "$WORK/text.fig")"
	elif ! why=$(check_truth "$WORK/text.fig"); then
		fail truth "the export disagrees with the lab:" "$why" "$(cat "$WORK/text.fig")"
	else
		pass "round-trip ($n hops, the same figures as the report, matching the lab's truth)"
		pass "truth ($(awk '{ print $1 ":" $3 }' "$WORK/text.fig" | tr '\n' ' '))"
	fi
}

check_page_source() {
	local urls verdict
	urls=$(grep -Eio '(src|href)[[:space:]]*=|url[[:space:]]*\(|@import|https?:|<script|<link|<iframe|<object' \
		"$WORK/run.html" | sort | uniq -c)
	verdict=$(grep -o 'critical: loss at hop [0-9]* (segment [a-z]*, direction [a-z]*' "$WORK/run.html" | head -1)
	if [ -n "$urls" ]; then
		fail self-contained "the page refers to something outside it:" "$urls"
	else
		pass "self-contained (no src=, href=, url(, @import, http, script or link)"
	fi
	if [ "$verdict" = "critical: loss at hop 4 (segment transit, direction outbound" ]; then
		pass "verdict ($verdict, as the lab injected)"
	else
		fail verdict "expected 'critical: loss at hop 4 (segment transit, direction outbound'; got '$verdict'" \
			"$(grep -o '<p class="head">[^<]*' "$WORK/run.html")"
	fi
}

check_chromium() {
	if ! command -v "$CHROMIUM" >/dev/null; then
		fail chromium "$CHROMIUM is missing (scripts/install-deps.sh installs it)"
		return
	fi
	chromium_run --dump-dom "file://$WORK/run.html" >"$WORK/dom.html"
	local rows charts hops png
	hops=$(wc -l <"$WORK/text.fig")
	rows=$(grep -c '^<tr class="[a-z]*"><td>[0-9]*</td>' "$WORK/dom.html")
	charts=$(grep -c '<svg class="chart"' "$WORK/dom.html")
	if [ "$rows" -eq "$hops" ] && [ "$charts" -eq "$hops" ] && grep -q '<rect class="lost"' "$WORK/dom.html"; then
		pass "chromium-dom ($rows table rows, $charts SVG charts with loss marks, for $hops hops)"
	else
		fail chromium-dom "expected $hops rows and charts; the DOM has $rows rows, $charts charts" \
			"$(head -5 "$WORK/chromium.err")"
	fi
	png=$LOGDIR/lab-export.png
	rm -f "$png"
	chromium_run --hide-scrollbars --window-size=1280,1700 --screenshot="$png" "file://$WORK/run.html" >/dev/null
	if [ -s "$png" ] && [ "$(head -c 4 "$png" | tail -c 3)" = PNG ]; then
		pass "chromium-screenshot ($(wc -c <"$png") bytes in build/logs/lab-export.png)"
	else
		fail chromium-screenshot "no PNG written" "$(tail -5 "$WORK/chromium.err")"
	fi
}

# -c 1000 at -i 0.1 would take 100 s: SIGINT after 3 s ends it, and both
# files hold what was gathered (fewer rounds than asked, every hop).
check_sigint() {
	lab_client timeout --preserve-status -s INT 3 "$HOPDOC" -n -r -c 1000 -i 0.1 \
		--export-text "$WORK/int.txt" --export-html "$WORK/int.html" "$LAB_TARGET4" >"$WORK/int.out" 2>&1
	local rc=$? hops rounds
	hops=$(figures "$WORK/int.txt" 2>/dev/null | wc -l)
	rounds=$(grep -o 'aria-label="hop 1: [0-9]* rounds' "$WORK/int.html" 2>/dev/null | grep -o '[0-9]* rounds' | cut -d' ' -f1)
	if [ "$rc" -eq 0 ] && [ "$hops" -ge "$LAB_HOPS" ] && [ -n "$rounds" ] && [ "$rounds" -gt 0 ] &&
		[ "$rounds" -lt 1000 ]; then
		pass "sigint (both files written: $hops hops, $rounds rounds charted of 1000 asked)"
	else
		fail sigint "exit $rc, $hops hops, '${rounds:-no}' rounds charted" "$(cat "$WORK/int.out")"
	fi
}

check_failures() {
	lab_client "$HOPDOC" -n -r -c 1 -i 0.1 --export-html /nonexistent-dir/x.html "$LAB_TARGET4" \
		>"$WORK/bad.out" 2>"$WORK/bad.err"
	local rc=$?
	# The file is made before the probing (as the user who ran hopdoc), so
	# a path that cannot be written fails at once, without a report.
	if [ "$rc" -eq 1 ] && [ ! -s "$WORK/bad.out" ] &&
		[ "$(cat "$WORK/bad.err")" = "hopdoc: cannot write /nonexistent-dir/x.html: No such file or directory" ]; then
		pass "unwritable (exit 1 before probing: '$(cat "$WORK/bad.err")')"
	else
		fail unwritable "exit $rc" "$(cat "$WORK/bad.err" "$WORK/bad.out")"
	fi
	lab_client "$HOPDOC" -n -r -c 1 --export-text "$WORK/two.txt" "$LAB_TARGET4" "$LAB_TARGET4" \
		>/dev/null 2>"$WORK/two.err"
	rc=$?
	if [ "$rc" -eq 1 ] && [ ! -e "$WORK/two.txt" ]; then
		pass "two-targets (refused: $(cat "$WORK/two.err"))"
	else
		fail two-targets "exit $rc (want 1: a usage error, as mtr's)" "$(cat "$WORK/two.err")"
	fi
	# Under sudo a new file goes to the user who typed the command (as a
	# shell redirection would); one that was there keeps its owner.
	: >"$WORK/kept.txt"
	lab_client env SUDO_UID=4242 SUDO_GID=4243 "$HOPDOC" -n -r -c 1 -i 0.1 --export-text "$WORK/new.txt" \
		--export-html "$WORK/kept.txt" "$LAB_TARGET4" >/dev/null 2>"$WORK/own.err"
	rc=$?
	local owners
	owners="$(stat -c %u:%g "$WORK/new.txt" 2>/dev/null) $(stat -c %u:%g "$WORK/kept.txt")"
	if [ "$rc" -eq 0 ] && [ "$owners" = "4242:4243 0:0" ] && [ -s "$WORK/new.txt" ] && [ -s "$WORK/kept.txt" ]; then
		pass "owner (under sudo: a new file is the user's, an existing one keeps its owner: $owners)"
	else
		fail owner "exit $rc, owners '$owners' (want '4242:4243 0:0'), both written" "$(cat "$WORK/own.err")"
	fi
	if lab_client "$HOPDOC" analyze --export-html "$WORK/imported.html" "$WORK/run.txt" >/dev/null 2>&1 &&
		grep -q 'No per-round data' "$WORK/imported.html" &&
		grep -q 'critical: loss at hop 4' "$WORK/imported.html"; then
		pass "analyze-export-html (the page of an import: table and verdict, no charts)"
	else
		fail analyze-export-html "no page, or one without the verdict"
	fi
}

main() {
	if ! lab_up "$SCN" >"$WORK/up.log" 2>&1; then
		fail lab "lab_up failed: $(tail -3 "$WORK/up.log")"
		rm -rf "$WORK"
		exit 1
	fi
	if report_run; then
		check_round_trip
		check_page_source
		check_chromium
		check_failures
	fi
	check_sigint
	lab_down
	rm -rf "$WORK"
	check_done
}

main "$@"
