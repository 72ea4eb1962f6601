#!/usr/bin/env bash
# bench/tui.sh: the cost of the interactive view. hopdoc's view and mtr's
# curses view (Debian mtr-tiny) run side by side in the same lab, both in
# the lab's client namespace (no route out) with -n at -i 0.1, each in a tmux
# pane of 80x24, for BENCH_TUI_SECONDS (60). Prints the CPU seconds (user +
# sys from /proc/PID/stat, over each prober's processes: mtr's mtr-packet
# helper included) and their ratio; the goal is hopdoc <= 0.5 x mtr.
# Not a test: it prints figures (also to build/bench/tui.txt). Needs root.
#
# Environment: BENCH_TUI_SECONDS (60), BENCH_TUI_INTERVAL (0.1),
# BENCH_PREFIX (lab namespace prefix, hl5tui).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_RUN=${BENCH_TUI_SECONDS:-60}
INTERVAL=${BENCH_TUI_INTERVAL:-0.1}
OUT=$ROOT/build/bench
SOCK=hopdoc-bench-tui-$$
die() { echo "bench/tui: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces, raw sockets, -i below 1 s)"
for t in mtr tmux; do command -v $t >/dev/null || die "$t missing (make deps)"; done
[ -x build/hopdoc ] || die "build/hopdoc missing (make all labtools)"
mkdir -p "$OUT"

LAB_PREFIX=${BENCH_PREFIX:-hl5tui}
# shellcheck source=../tests/lab/lib.sh
source tests/lab/lib.sh
scn=$(mktemp /tmp/hl5tui.XXXXXX.scn)
printf 'desc the view benchmark: five routers\nrouters 5\nfamily 4\nipv6 no\n' >"$scn"
lab_up "$scn" || die "cannot build the lab"
cleanup() { tmux -L "$SOCK" kill-server 2>/dev/null; lab_down; rm -f "$scn"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

# CPU ticks (utime + stime) of PID and every process below it.
ticks_of() {
	local pid=$1 sum=0 child
	[ -r "/proc/$pid/stat" ] || { echo 0; return; }
	sum=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat")
	for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
		sum=$((sum + $(ticks_of "$child")))
	done
	echo "$sum"
}

pane_pid() { tmux -L "$SOCK" display-message -p -t "$1" '#{pane_pid}'; }

tmux -L "$SOCK" new-session -d -s hopdoc -x 80 -y 24 \
	"exec ip netns exec $LAB_CLIENT $ROOT/build/hopdoc -n -t -i $INTERVAL $LAB_TARGET4"
tmux -L "$SOCK" new-session -d -s mtr -x 80 -y 24 \
	"exec ip netns exec $LAB_CLIENT mtr -n -t -i $INTERVAL $LAB_TARGET4"
sleep 1
hpid=$(pane_pid hopdoc) mpid=$(pane_pid mtr)
h0=$(ticks_of "$hpid") m0=$(ticks_of "$mpid")
sleep "$SECONDS_RUN"
h1=$(ticks_of "$hpid") m1=$(ticks_of "$mpid")
tmux -L "$SOCK" capture-pane -p -t hopdoc >"$OUT/tui-hopdoc-screen.txt"
tmux -L "$SOCK" capture-pane -p -t mtr >"$OUT/tui-mtr-screen.txt"
hz=$(getconf CLK_TCK)
awk -v h=$((h1 - h0)) -v m=$((m1 - m0)) -v hz="$hz" -v s="$SECONDS_RUN" -v i="$INTERVAL" 'BEGIN {
	printf "bench/tui: %d s at -i %s, both views 80x24 under tmux, same lab\n", s, i
	printf "  hopdoc view: %.2f CPU s\n  mtr curses:  %.2f CPU s\n", h / hz, m / hz
	if (m > 0) printf "  ratio hopdoc/mtr: %.2f (goal <= 0.50)\n", h / m
	else print "  ratio: mtr used no measurable CPU"
}' | tee "$OUT/tui.txt"
