#!/usr/bin/env bash
# tests/lab/t_tui.sh: the interactive view, driven through tmux as a user
# would drive it: hopdoc -t runs in a tmux pane inside the lab's client
# namespace; send-keys presses keys, capture-pane reads the screen. Every
# check polls the screen until the expected text appears, under a generous
# hang guard (no timed assertions). Covers every key, resizing and a
# terminal too small, the display modes, a 40-hop path (the loop scenario
# with -m 40) scrolled with +/-, a fault switched on mid-run (an nftables
# drop at r3) changing the verdict panel, an unknown TERM, NO_COLOR and a
# monochrome terminal, no terminal at all, and a stalled terminal.
# Prints PASS:/FAIL: lines; exits non-zero on any failure. Needs root.
# One letter and the whole pid (at most 8 characters): unique among
# concurrent runs, which a cut pid was not.
LAB_PREFIX=${LAB_PREFIX:-v$$}
LAB_PREFIX=${LAB_PREFIX:0:8}
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" tui
# shellcheck source=tests/lab/tmux.sh
source "$(dirname "$0")/tmux.sh"

TMUX_SOCK=hopdoc-tui-$$ # a tmux server of our own: cleanup kills it alone
GUARD=${TUI_GUARD:-40} # seconds before a wait counts as a hang
WORK=$(mktemp -d /tmp/hl7tui.XXXXXX)
OUT=$WORK/out
mkdir -m 1777 "$OUT"
chmod 711 "$WORK"
ETC_NETNS=

cleanup() {
	T kill-server 2>/dev/null
	[ -n "$ETC_NETNS" ] && rm -rf "$ETC_NETNS"
	lab_down
	rm -rf "$WORK"
}

screen() { T capture-pane -p -t "$1" 2>/dev/null; }

# start NAME COLS ROWS ENV... -- HOPDOC-ARGS...: hopdoc in the client namespace.
start() {
	local name=$1 cols=$2 rows=$3 envs=() cmd
	shift 3
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	# in OUT, where the user hopdoc drops to may write the view's `e` files
	cmd="cd $OUT && env ${envs[*]} ip netns exec $LAB_CLIENT $HOPDOC $*; echo HOPDOC-EXIT=\$?; sleep 600"
	T new-session -d -s "$name" -x "$cols" -y "$rows" "$cmd"
}

snt_of() { screen "$1" | awk -v hop="$2." '$1 == hop && $3 ~ /%$/ { print $4; exit }'; }

# wait_snt NAME HOP OP VALUE: polls until hop's Snt compares (-gt, -lt) with VALUE.
wait_snt() {
	local i s
	for ((i = 0; i < GUARD * 5; i++)); do
		s=$(snt_of "$1" "$2")
		[ -n "$s" ] && [ "$s" "$3" "$4" ] && return 0
		sleep 0.2
	done
	return 1
}

cat >"$WORK/chain.scn" <<'SCN'
desc the view's path: five routers, 1 ms per link each way
routers 5
family 4
ipv6 no
SCN
lab_up "$WORK/chain.scn" || { fail setup; exit 1; }
trap 'cleanup' EXIT
trap 'exit 1' INT TERM
last=$LAB_HOPS

# A session that lives as long as the test: killing the last session stops a
# tmux server, and the next new-session would race with its exit.
T new-session -d -s keep "sleep 3600"

# ---- the table, the verdict and the keys ------------------------------------
start v 80 24 -- -n -t -i 0.1 --export-text "$OUT/at-end.txt" "$LAB_TARGET4"
check v "^ ?$last\. $LAB_TARGET4 +0\.0%" table
check v "^ 1\. ok: healthy" "verdict-healthy"

key v d; check v "Latency, newest right" "key-d-strip"
key v d; check v "^ Scale: " "key-d-scale"
key v d; check v "Loss history \(x lost\)" "key-d-history"
key v d; check v "^ Host +Loss% +Snt +Last" "key-d-back-to-statistics"

key v j; check v "^ Host +Drop +Rcv +Avg Gmean Jttr Javg Jmax Jint" key-j-jitter
key v j; check v "^ Host +Loss% +Snt +Last" key-j-back

key v o; check v "^Fields \(now LS NABWV\): _" key-o-prompt
key v L; key v S; key v D; key v Enter
check v "^ Host +Loss% +Snt Drop$" key-o-applied
key v o; key v L; key v S; key v ' '; key v N; key v A; key v B; key v W; key v V; key v Enter
check v "^ Host +Loss% +Snt +Last +Avg +Best +Wrst StDev$" key-o-restored

key v p; check v "ICMP, paused" key-p-pause
s1=$(snt_of v 1)
sleep 1 # paused: no probe may go out meanwhile
s2=$(snt_of v 1)
if [ -n "$s1" ] && [ "$s1" = "$s2" ]; then pass key-p-nothing-sent; else fail key-p-nothing-sent "Snt $s1 then $s2"; fi
key v ' '
if wait_snt v 1 -gt "$s2" && ! screen v | grep -q paused; then pass key-space-resume
else fail key-space-resume "$(screen v)"; fi

wait_snt v 1 -gt 30
key v r
if wait_snt v 1 -lt 20 && screen v | grep -q "statistics reset"; then pass key-r-reset
else fail key-r-reset "$(screen v)"; fi

key v u; check v "UDP  .*[0-9]{4}-" key-u-udp
check v "^ ?$last\. $LAB_TARGET4 " key-u-udp-reaches-target
key v u; check v "ICMP  .*[0-9]{4}-" key-u-back-to-icmp
key v t; check v "TCP  .*[0-9]{4}-" key-t-tcp
check v "^ ?$last\. $LAB_TARGET4 " key-t-tcp-reaches-target
key v t; check v "ICMP  .*[0-9]{4}-" key-t-back-to-icmp

key v '?'; check v "keys of the interactive view" key-help
key v x; check v "^ Host +Loss%" key-help-closes
key v h; check v "keys of the interactive view" key-h-help
key v x
key v e; check v "^exported hopdoc-$LAB_TARGET4-[0-9]{8}-[0-9]{6}\.txt and \.html here" key-e-export
# What `e` wrote is the run so far: the text export reads back with the path.
exported=$(find "$OUT" -name 'hopdoc-*.txt' | head -n 1)
if [ -n "$exported" ] && [ -s "${exported%.txt}.html" ] &&
	"$HOPDOC" analyze --summary "$exported" 2>&1 | grep -q "^outbound hop $last $LAB_TARGET4 "; then
	pass key-e-files-read-back
else
	fail key-e-files-read-back "files: $(ls -l "$OUT")" "$("$HOPDOC" analyze --summary "$exported" 2>&1 | head -n 12)"
fi

# Scrolling has nothing to move on six hops: + leaves hop 1 in place.
key v +; key v Down; check v "^ 1\. [0-9]" key-plus-short-path

# ---- resizing ---------------------------------------------------------------
T resize-window -t v -x 120 -y 30
check v "^.{100,}[0-9]{4}$" resize-wider
T resize-window -t v -x 40 -y 10
check v "^terminal too small" resize-too-small
check v "^40x10, need 50x12" resize-too-small-size
T resize-window -t v -x 80 -y 24
check v "^ Host +Loss%" resize-back

# ---- a fault mid-run: r3 drops half of what it forwards ----------------------
key v r
check v "^ 1\. ok: healthy" fault-before
lab_exec r3 nft 'table inet tuifault { chain c { type filter hook forward priority 0; numgen random mod 100 < 50 drop; }; }'
if wait_for v "^ 1\. (warning|critical): loss at hop 4 "; then
	pass fault-changes-verdict
	screen v >"$ROOT/build/logs/tui-fault-screen.txt" 2>/dev/null || true
else
	fail fault-changes-verdict "$(screen v)"
fi
lab_exec r3 nft delete table inet tuifault

# ---- a stalled terminal: the tmux server stopped for a while ------------------
s1=$(snt_of v 1)
tpid=$(T display-message -p '#{pid}')
kill -STOP "$tpid"; sleep 3; kill -CONT "$tpid"
# 3 s at -i 0.1 are 30 rounds; probing must have gone on (10 is a wide margin).
if wait_snt v 1 -gt $((s1 + 10)); then pass stalled-terminal-probing-goes-on
else fail stalled-terminal-probing-goes-on "Snt $s1 before; screen:" "$(screen v)"; fi

key v q
check v "^HOPDOC-EXIT=0" key-q-quit
# --export-text is written when the view ends, as when a report run ends.
if "$HOPDOC" analyze --summary "$OUT/at-end.txt" 2>&1 | grep -q "^outbound hop $last $LAB_TARGET4 "; then
	pass export-text-when-view-ends
else
	fail export-text-when-view-ends "$("$HOPDOC" analyze --summary "$OUT/at-end.txt" 2>&1 | head -n 8)"
fi
if screen v | grep -q "Loss%"; then fail key-q-prints-nothing "$(screen v)"; else pass key-q-prints-nothing; fi
T kill-session -t v

# ---- --diagnose: the verdict as it stood, printed after q --------------------
# Two targets: q ends the run, not just the first target's view.
start d 80 24 -- -n --diagnose -i 0.1 "$LAB_TARGET4" "$LAB_TARGET4"
check d "^ 1\. ok: healthy" diagnose-view-opens
key d q
check d "^HOPDOC-EXIT=0" diagnose-quit-ends-every-target
check d "^Diagnosis" diagnose-prints-verdict
T kill-session -t d

# ---- names: n and b (hosts file; the resolver is the namespace's own loopback)
ETC_NETNS=/etc/netns/$LAB_CLIENT
mkdir -p "$ETC_NETNS"
printf 'nameserver 127.0.0.1\n' >"$ETC_NETNS/resolv.conf"
printf '%s gw.tui.lab\n%s server.tui.lab\n' "$LAB_CLIENT4" "$LAB_TARGET4" >"$ETC_NETNS/hosts"
first=$(lab_truth "$WORK/chain.scn" 4 | awk '$1 == "hop" && $2 == 1 { print $3 }')
printf '%s gw.tui.lab\n' "$first" >>"$ETC_NETNS/hosts"
start names 80 24 -- -t -i 0.1 "$LAB_TARGET4"
check names "^ 1\. gw\.tui\.lab " names-shown
key names b; check names "^ 1\. gw\.tui\.lab \($first\)" key-b-both
key names n; check names "^ 1\. $first " key-n-addresses
key names n; key names b; check names "^ 1\. gw\.tui\.lab +[0-9]" key-n-names-again
key names q; check names "^HOPDOC-EXIT=0" names-quit
T kill-session -t names

# ---- terminals: unknown TERM, NO_COLOR, monochrome, none at all -------------
start bad 80 24 TERM=nosuchterminal -- -n -t -i 0.1 "$LAB_TARGET4"
check bad "unknown terminal type 'nosuchterminal'" unknown-term-message
check bad "^HOPDOC-EXIT=1" unknown-term-exit-1
T kill-session -t bad

start color 80 24 -- -n -t -i 0.1 "$LAB_TARGET4"
start nocolor 80 24 NO_COLOR=1 -- -n -t -i 0.1 "$LAB_TARGET4"
start mono 80 24 TERM=vt100 -- -n -t -i 0.1 "$LAB_TARGET4"
for s in color nocolor mono; do check "$s" "^ 1\. ok: healthy" "$s-draws"; done
if T capture-pane -e -p -t color | grep -q $'\e\[[0-9;]*3[0-7]m'; then pass colors-by-default
else fail colors-by-default "no colour in the healthy verdict"; fi
for s in nocolor mono; do
	if T capture-pane -e -p -t "$s" | grep -q $'\e\[[0-9;]*3[0-7]m'; then fail "$s-has-no-colour"
	else pass "$s-has-no-colour"; fi
done
for s in color nocolor mono; do key "$s" q; done
T kill-session -t color; T kill-session -t nocolor; T kill-session -t mono

out=$(lab_client "$HOPDOC" -n -c 2 -i 0.1 "$LAB_TARGET4" </dev/null 2>"$WORK/err")
if [ "$(cat "$WORK/err")" = "hopdoc: not a terminal: printing a report instead of the interactive view" ] &&
	grep -q "^HOST: " <<<"$out"; then pass no-terminal-prints-report
else fail no-terminal-prints-report "stderr: $(cat "$WORK/err")" "$out"; fi

# ---- a 40-hop path: the loop scenario probed to TTL 40 ----------------------
lab_down
LAB_PREFIX=${LAB_PREFIX}
lab_up "$LAB_SCENARIO_DIR/loop.scn" || { fail setup-loop; check_done; exit; }
trap 'cleanup' EXIT
trap 'exit 1' INT TERM
start long 80 24 -- -n -t -i 0.1 -m 40 "$LAB_TARGET4"
check long "^ 1\. [0-9]" long-first-hop
for _ in $(seq 40); do key long +; done
check long "^40\. " long-scrolls-to-hop-40
if screen long | grep -q "^ 1\. [0-9]"; then fail long-hop-1-scrolled-off "$(screen long)"; else pass long-hop-1-scrolled-off; fi
for _ in $(seq 40); do key long -; done
check long "^ 1\. [0-9]" long-scrolls-back
key long PageDown; check long "^1[1-9]\. " long-page-down
key long PageUp; check long "^ 1\. [0-9]" long-page-up
key long q; check long "^HOPDOC-EXIT=0" long-quit

check_done
