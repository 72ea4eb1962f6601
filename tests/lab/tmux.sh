# tests/lab/tmux.sh: driving hopdoc's view through a tmux server of the
# test's own, as a user at a terminal would. Sourced after check.sh; the test
# sets TMUX_SOCK (its server, so cleanup kills that one alone) and GUARD (the
# seconds before a wait counts as a hang), and defines screen NAME (how it
# reads a pane). No check here is timed: each polls until the text appears.

T() { tmux -L "$TMUX_SOCK" "$@"; }

# wait_for NAME REGEX: polls the screen until a line matches; 1 after GUARD s.
wait_for() {
	local i
	for ((i = 0; i < GUARD * 5; i++)); do
		screen "$1" | grep -Eq -- "$2" && return 0
		sleep 0.2
	done
	return 1
}

# check NAME REGEX TEST: a PASS, or a FAIL with the screen as it was.
check() {
	if wait_for "$1" "$2"; then pass "$3"; else fail "$3" "no /$2/ on the screen:" "$(screen "$1")"; fi
}

key() { T send-keys -t "$1" "$2"; }
