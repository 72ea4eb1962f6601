#!/usr/bin/env bash
# tests/lab/t_tui_followup.sh: --diagnose's follow-up probes in the
# interactive view (issue 13), driven through tmux as t_tui.sh does, over
# ICMP alone against the truth the lab injected:
#   cutfar (as t_followup.sh's) the link after hop 5 of 7 is cut. Over ICMP
#          alone the live verdict reads destination-filtered at hop 6 and
#          says `f` can settle it; `f` pauses the trace, probes TCP 443, TCP
#          80 and UDP to the target (none answers: the path is cut) and the
#          panel then reads path-interrupted at hop 5 with the follow-up's
#          evidence; the verdict printed after `q` and --export-html's
#          file carry it too.
#          While the panel says the follow-ups run, hop 1's Snt stands still
#          (read from the same screen). With --no-follow-up, `f` says why
#          not and the panel offers nothing.
#   ratelimit r3 limits its Time Exceeded to 2/s: the live verdict reads
#          rate-limited-hop 3; `f` probes hop 3 slower and faster and the
#          panel says the loss moves with the rate: rate limiting confirmed.
# Every check polls the screen under a generous hang guard (no timed
# assertions). Prints PASS:/FAIL: lines; exits non-zero on any failure.
# Needs root and tmux.
LAB_PREFIX=${LAB_PREFIX:-f$$}
LAB_PREFIX=${LAB_PREFIX:0:8}
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" tui-followup
# shellcheck source=tests/lab/tmux.sh
source "$(dirname "$0")/tmux.sh"

TMUX_SOCK=hopdoc-tuifu-$$ # a tmux server of our own: cleanup kills it alone
GUARD=${TUI_GUARD:-60} # seconds before a wait counts as a hang
WORK=$(mktemp -d /tmp/hltuifu.XXXXXX)
OUT=$WORK/out
mkdir -m 1777 "$OUT"
chmod 711 "$WORK"

cleanup() {
	T kill-server 2>/dev/null
	lab_down
	rm -rf "$WORK"
}

screen() { T capture-pane -p -J -S -200 -t "$1" 2>/dev/null; }

# start NAME COLS ROWS -- HOPDOC-ARGS...: hopdoc in the client namespace.
start() {
	local name=$1 cols=$2 rows=$3 cmd
	shift 4
	cmd="cd $WORK && ip netns exec $LAB_CLIENT $HOPDOC $*; echo HOPDOC-EXIT=\$?; sleep 600"
	T new-session -d -s "$name" -x "$cols" -y "$rows" "$cmd"
}

# joined NAME REGEX TEST: the same, the screen read as one line (the panel
# wraps its evidence over several).
joined() {
	local i m
	for ((i = 0; i < GUARD * 5; i++)); do
		m=$(screen "$1" | tr -s ' \n' '  ' | grep -Eo -- "$2") && { pass "$3 ($m)"; return; }
		sleep 0.2
	done
	fail "$3" "no /$2/ on the screen:" "$(screen "$1")"
}

cat >"$WORK/cutfar.scn" <<'SCN'
desc link cut after hop 5, past the client's provider
routers 7
cut 6
SCN
lab_up "$WORK/cutfar.scn" || { fail setup; exit 1; }
trap 'cleanup' EXIT
trap 'exit 1' INT TERM
T new-session -d -s keep "sleep 3600"

# ---- f settles what ICMP alone cannot ---------------------------------------
start v 100 40 -- -n -t -i 0.2 --diagnose --export-html "$OUT/end.html" "$LAB_TARGET4"
check v "^ 1\. (critical|warning): destination-filtered at hop 6" before-icmp-alone
check v "^f: follow-up probes can settle this \(at most 50 a finding\)" offers-follow-up
key v f
# One capture: the frame that says they run shows the Snt of that moment.
s1='' s2='' i=''
for ((i = 0; i < GUARD * 5; i++)); do
	shot=$(screen v)
	if grep -q "^follow-up probes running" <<<"$shot"; then
		s1=$(awk '$1 == "1." && $3 ~ /%$/ { print $4; exit }' <<<"$shot")
		break
	fi
	grep -q "^follow-up probes done" <<<"$shot" && break
	sleep 0.2
done
if [ -z "$s1" ]; then
	fail running "the panel never said the follow-ups run:" "$(screen v)"
else
	pass "running (hop 1 Snt $s1)"
	sleep 1
	shot=$(screen v)
	s2=$(awk '$1 == "1." && $3 ~ /%$/ { print $4; exit }' <<<"$shot")
	if ! grep -q "^follow-up probes running" <<<"$shot"; then
		pass "trace-paused (not judged: the follow-ups ended within the second)"
	elif [ "$s1" = "$s2" ]; then
		pass "trace-paused (hop 1 Snt $s1, then $s2 while they run)"
	else
		fail trace-paused "hop 1 Snt $s1, then $s2 while the follow-ups run" "$shot"
	fi
fi
check v "^follow-up probes done" follow-ups-done
check v "^ 1\. critical: path-interrupted at hop 5" after-follow-up
check v "follow-up: TCP 443 no answer from the target \(0 of 3\); TCP 80 no answer" evidence-in-panel
if wait_for v "[0-9]+ probes\." && probes=$(screen v | grep -Eo '; [0-9]+ probes\.' | grep -Eo '[0-9]+' | head -1) &&
	[ "$probes" -ge 1 ] && [ "$probes" -le 50 ]; then
	pass "budget (the follow-up cost $probes probes)"
else
	fail budget "follow-up probe count '${probes:-}' not within 1..50" "$(screen v)"
fi
# Once: a second f says so.
key v f; check v "the follow-up probes ran already" once
# The trace goes on after them.
a=$(screen v | awk '$1 == "1." && $3 ~ /%$/ { print $4; exit }')
for ((i = 0; i < GUARD * 5; i++)); do
	b=$(screen v | awk '$1 == "1." && $3 ~ /%$/ { print $4; exit }')
	[ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ] && break
	sleep 0.2
done
if [ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ]; then pass "resumes (hop 1 Snt $a, then $b)"
else fail resumes "hop 1 Snt $a, then ${b:-}" "$(screen v)"; fi
key v q
check v "HOPDOC-EXIT=0" quits
if screen v | grep -q "path-interrupted" && screen v | grep -q "follow-up: TCP 443 no answer"; then
	pass printed-verdict
else
	fail printed-verdict "the verdict printed after q lacks the follow-up:" "$(screen v)"
fi
# --export-html, written as the view ends, carries the same verdict.
if grep -q "path-interrupted" "$OUT/end.html" && grep -q "follow-up: TCP 443 no answer" "$OUT/end.html"; then
	pass export-html
else
	fail export-html "the export lacks the follow-up:" "$(cat "$OUT/end.html" 2>&1)"
fi

# ---- --no-follow-up: nothing offered, f says why ----------------------------
start n 100 40 -- -n -t -i 0.2 --diagnose --no-follow-up "$LAB_TARGET4"
check n "^ 1\. (critical|warning): destination-filtered at hop 6" no-follow-up-verdict
if screen n | grep -q "^f: follow-up"; then fail no-follow-up-offer "$(screen n)"; else pass no-follow-up-offer; fi
key n f; check n "follow-up probes need --diagnose \(without --no-follow-up\)" no-follow-up-key
key n q
check n "HOPDOC-EXIT=0" no-follow-up-quits
if screen n | grep -q "follow-up:"; then fail no-follow-up-printed "$(screen n)"; else pass no-follow-up-printed; fi

# ---- ratelimit: the rate follow-up confirms the limit -------------------------
lab_down
lab_up "$ROOT/tests/lab/scenarios/ratelimit.scn" || { fail ratelimit/setup; check_done; exit; }
start r 100 40 -- -n -t -i 0.2 --diagnose "$LAB_TARGET4"
check r "^ ?[0-9]+\. [a-z]+: rate-limited-hop at hop 3" ratelimit-before
check r "^f: follow-up probes can settle this" ratelimit-offers
key r f
joined r "follow-up: hop 3 at one probe per [0-9.]+ s lost [0-9]+ of 20 .*rate limiting confirmed" \
	ratelimit-confirmed
key r q
check r "HOPDOC-EXIT=0" ratelimit-quits
check_done
