#!/usr/bin/env bash
# t_return.sh: --return-via ssh:// live in the lab. An OpenSSH server runs in
# the server namespace (listening on the lab address only, a throwaway host
# key and client key in a temp dir; the client's ssh gets its own config
# through a wrapper first on PATH, so the machine's ~/.ssh is never read or
# written). Each scenario runs hopdoc with --return-via in the client
# namespace and checks the combined verdict's direction and hop against the
# injected fault; the outbound trace alone is run too, for the report's
# table. The one-way UDP stream runs alongside (the server's hopdoc reflects
# it): on loss-out, loss-ret and loss-both it must name the direction, with
# the measured one-way loss within binomial bounds of the injected one; with
# UDP dropped at r3 the direction must read `unknown`, saying why. On
# latency-ret and latency-out the stream's one-way delays (both ends on one
# kernel, so one clock: detected from boot_id, not assumed) must place the
# +40 ms step exactly (`return`, `outbound`), the medians no lower than the
# injected one-way delays.
# Also: the server without hopdoc (mtr fallback), without either,
# an ssh that fails, a remote that prints garbage; the extra wall time.
# Env: RET_CYCLES (60), RET_INTERVAL (0.1), HOPDOC, SSHD.
# 60 rounds: at 30, a 30% lossy hop loses 3 or fewer of its 30 probes in
# about 1% of runs (binomial), and a hop that shows so little loss may
# rightly not be where the loss starts (seen once, loss-ret: "from hop 5");
# at 60 the same share (6 or fewer) is about 1 in 5,000.
source "$(dirname "$0")/check.sh" return
SSHD=${SSHD:-/usr/sbin/sshd}
CYCLES=${RET_CYCLES:-60}
INTERVAL=${RET_INTERVAL:-0.1}
SCN=$ROOT/tests/lab/scenarios
RSCN=$ROOT/tests/lab/return
TMP=
SSHD_PID=
TABLE=()

for tool in "$SSHD" ssh ssh-keygen jq mtr tmux; do
	command -v "$tool" >/dev/null || { fail setup "$tool missing: run scripts/install-deps.sh"; exit 1; }
done

cleanup() {
	tmux -L "hopdoc-ret-$$" kill-server 2>/dev/null
	[ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null
	SSHD_PID=
	lab_down
	[ -n "$TMP" ] && rm -rf "$TMP"
	TMP=
}

# Keys, the client's ssh config and wrapper, and the server's PATHs.
make_keys() {
	TMP=$(mktemp -d /tmp/hd_return.XXXXXX)
	ssh-keygen -q -t ed25519 -N '' -C lab-host -f "$TMP/host_key" &&
	ssh-keygen -q -t ed25519 -N '' -C lab-client -f "$TMP/client_key" || return 1
	cp "$TMP/client_key.pub" "$TMP/authorized_keys"
	cat >"$TMP/ssh_config" <<-CONF
	Host *
	  IdentityFile $TMP/client_key
	  IdentitiesOnly yes
	  StrictHostKeyChecking no
	  UserKnownHostsFile /dev/null
	  GlobalKnownHostsFile /dev/null
	  LogLevel ERROR
	  User root
	CONF
	mkdir "$TMP/cbin" "$TMP/with-hopdoc" "$TMP/with-mtr" "$TMP/bare" "$TMP/garbage"
	printf '#!/bin/sh\nexec %s -F %s "$@"\n' "$(command -v ssh)" "$TMP/ssh_config" >"$TMP/cbin/ssh"
	chmod 755 "$TMP/cbin/ssh"
	for d in with-hopdoc with-mtr bare garbage; do ln -s /bin/sh "$TMP/$d/sh"; done
	ln -s "$HOPDOC" "$TMP/with-hopdoc/hopdoc"
	ln -s "$(command -v mtr)" "$TMP/with-mtr/mtr"
	[ -x /usr/bin/mtr-packet ] && ln -s /usr/bin/mtr-packet "$TMP/with-mtr/mtr-packet"
	printf '#!/bin/sh\necho "this is not a report"\n' >"$TMP/garbage/hopdoc"
	chmod 755 "$TMP/garbage/hopdoc"
	mkdir -p /run/sshd # sshd's privilege separation directory (Debian's tmpfiles makes it)
}

# start_sshd PATHDIR: sshd in the server namespace, on the lab address only,
# whose sessions see PATH=PATHDIR (what the server has installed).
start_sshd() {
	cat >"$TMP/sshd_config" <<-CONF
	ListenAddress $LAB_TARGET4:22
	HostKey $TMP/host_key
	AuthorizedKeysFile $TMP/authorized_keys
	PidFile none
	StrictModes no
	UsePAM no
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	PermitRootLogin prohibit-password
	SetEnv PATH=$1
	CONF
	lab_server "$SSHD" -D -e -f "$TMP/sshd_config" 2>>"$TMP/sshd.log" &
	SSHD_PID=$!
	local i
	for ((i = 0; i < 50; i++)); do
		lab_server bash -c "exec 3<>/dev/tcp/$LAB_TARGET4/22" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

stop_sshd() { [ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null; wait "$SSHD_PID" 2>/dev/null; SSHD_PID=; }

# up FILE PATHDIR: the lab and its sshd; then $AFTER_UP, when set.
up() {
	lab_up "$1" || return 1
	# lab_up's own traps would leave sshd's temp dir behind: ours do both.
	trap cleanup EXIT
	trap 'cleanup; trap - EXIT; exit 130' INT
	trap 'cleanup; trap - EXIT; exit 143' TERM
	[ -z "${AFTER_UP:-}" ] || "$AFTER_UP" || return 1
	start_sshd "$2"
}

# asym.scn's routes: out through r3 (198.51.100.6), back through r3b (.137).
pin_asym() {
	local net
	for net in 198.51.100.8/30 198.51.100.12/30 203.0.113.0/24; do
		lab_exec r2 ip route replace "$net" via 198.51.100.6 dev l3 || return 1
	done
	for net in 192.168.1.0/24 198.51.100.0/30 198.51.100.4/30; do
		lab_exec r4 ip route replace "$net" via 198.51.100.137 dev l4b || return 1
	done
}

down() { stop_sshd; lab_down; }

# hd OUT ERR ARGS...: hopdoc in the client namespace, our ssh first on PATH.
hd() {
	local out=$1 err=$2
	shift 2
	lab_client env PATH="$TMP/cbin:$PATH" timeout 120 "$HOPDOC" -n -c "$CYCLES" -i "$INTERVAL" "$@" \
		>"$out" 2>"$err"
}

# The findings of a -j document as "finding direction hop", one a line.
findings() { jq -r '.diagnosis[] | "\(.finding) \(.direction) \(.hop)"' "$1" 2>/dev/null; }

# verdict FILE: the combined verdict in one phrase, "loss 4 both; ..." (info
# findings left out), or "healthy".
verdict() {
	local v
	v=$(jq -r '[.diagnosis[] | select(.severity != "info") | "\(.finding) \(.hop) \(.direction)"]
		| join("; ")' "$1" 2>/dev/null)
	echo "${v:-none}"
}

# alone FILE: the outbound trace's own verdict, by hopdoc analyze on its -j.
alone() {
	jq '.outbound' "$1" >"$1.out" 2>/dev/null &&
		"$HOPDOC" analyze --json "$1.out" >"$1.alone" 2>/dev/null && verdict "$1.alone"
}

# has FILE FINDING HOP DIRECTIONS: a warning or worse of that kind at that
# outbound hop, in one of DIRECTIONS ("return" or "outbound|both").
has() {
	jq -e --arg f "$2" --argjson h "$3" --arg d "^($4)\$" \
		'[.diagnosis[] | select(.finding == $f and .hop == $h and (.direction | test($d))
			and .severity != "info")] | length > 0' "$1" >/dev/null 2>&1
}

# others FILE FINDING DIRECTION: a warning or worse of that kind in another direction.
others() {
	jq -e --arg f "$2" --arg d "$3" '[.diagnosis[] | select(.finding == $f and .direction != $d
		and .severity != "info")] | length > 0' "$1" >/dev/null 2>&1
}

# oneway FILE: the one-way stream's figures, as the combined verdict's loss
# finding quotes them: "OUTLOST OUTSENT RETLOST RETSENT", or nothing.
oneway() {
	jq -r '[.diagnosis[] | select(.finding == "loss") | .evidence
		| capture("One-way stream: to the server (?<ol>[0-9]+) of (?<os>[0-9]+) lost [(][^)]*[)], back (?<rl>[0-9]+) of (?<rs>[0-9]+)")]
		| first | select(. != null) | "\(.ol) \(.os) \(.rl) \(.rs)"' "$1" 2>/dev/null
}

# near LOST SENT PCT: LOST of SENT is within the 99.9% binomial bounds of
# PCT% (for 0%: those of 1%, so a clean direction may lose a datagram or
# two to the machine); at least 50 sent.
near() {
	awk -v l="$1" -v n="$2" -v p="$3" 'BEGIN { p /= 100; q = p > 0 ? p : 0.01
		s = 3.29 * sqrt(q * (1 - q) / n); exit !(n >= 50 && l / n >= p - s && l / n <= p + s) }'
}

# stream_near NAME FILE OUTPCT RETPCT: the stream measured about the injected
# one-way loss each way (a check of its own, and the table's figures).
stream_near() {
	local f
	f=$(oneway "$2")
	set -- "$1" "$2" "$3" "$4" $f
	if [ $# -eq 8 ] && near "$5" "$6" "$3" && near "$7" "$8" "$4"; then
		pass "$1-stream (to the server $5 of $6 lost, want ~$3%; back $7 of $8, want ~$4%)"
	else
		fail "$1-stream" "one-way stream: '${*:5}' (want ~$3% out, ~$4% back)"
	fi
	STREAM="lost out ${5:-?}/${6:-?}, back ${7:-?}/${8:-?}"
}

# owdelay FILE: the one-way delays the latency finding quotes, "OUT BACK" (ms).
owdelay() {
	jq -r '[.diagnosis[] | select(.finding == "latency") | .evidence
		| capture("one-way delay to the server (?<o>-?[0-9.]+) ms, back (?<r>-?[0-9.]+) ms [(]clocks: (?<c>[a-z ]+)")]
		| first | select(. != null) | "\(.o) \(.r) \(.c)"' "$1" 2>/dev/null
}

# delay_near NAME FILE OUTMS BACKMS: the stream's median one-way delays are
# no lower than the injected ones (less 0.5 ms: one clock, and the emulator
# never releases a frame early) nor more than 20 ms above (a generous bound
# for a busy machine: medians, not single datagrams), and the clocks were
# found to be one host's.
delay_near() {
	local f
	f=$(owdelay "$2")
	set -- "$1" "$2" "$3" "$4" $f
	if [ $# -ge 7 ] && [ "$7 $8" = "same host" ] && awk -v o="$5" -v r="$6" -v to="$3" -v tr="$4" \
		'BEGIN { exit !(o >= to - 0.5 && o <= to + 20 && r >= tr - 0.5 && r <= tr + 20) }'; then
		pass "$1-delay (one-way to the server $5 ms, want >= $3; back $6 ms, want >= $4; clocks: same host)"
	else
		fail "$1-delay" "one-way delays: '${*:5}' (want ~$3 ms out, ~$4 ms back, clocks: same host)"
	fi
	STREAM="one-way delay out ${5:-?} ms, back ${6:-?} ms"
}

# scenario NAME FILE FINDING HOP TRUEDIR DIRECTIONS TRUTH: one live pair run,
# passed when the combined verdict has FINDING at HOP in one of DIRECTIONS;
# the table row says "right" only when that direction is TRUEDIR (round
# trips cannot split a one-way fault on a symmetric route: "both" is then
# the most they can prove). EXACT=1: TRUEDIR with no other-direction
# finding of that kind, else a failure.
scenario() {
	local name=$1 file=$2 finding=$3 hop=$4 truedir=$5 dirs=$6 truth=$7 o=$TMP/$1.json a c right
	up "$file" "$TMP/with-hopdoc:/usr/bin:/bin" || { fail "$name" "lab or sshd did not start"; down; return; }
	hd "$o" "$o.err" -j --return-via "ssh://$LAB_TARGET4" "$LAB_TARGET4"
	local rc=$?
	down
	if [ "$rc" -ne 0 ] || ! jq -e '.return.report' "$o" >/dev/null 2>&1; then
		fail "$name" "exit $rc, no return trace" "$(head -3 "$o.err")"; return
	fi
	a=$(alone "$o") c=$(verdict "$o")
	if has "$o" "$finding" "$hop" "$truedir" && ! others "$o" "$finding" "$truedir"; then
		pass "$name"; right=right
	elif has "$o" "$finding" "$hop" "$truedir" && [ -z "${EXACT:-}" ]; then
		pass "$name"; right="partly: $truedir named at the right hop, but the same loss also stays an other-direction finding (R10 does not link them)"
	elif has "$o" "$finding" "$hop" "$dirs"; then
		pass "$name"; right="partly: hop right, direction $truedir needs the one-way stream"
	else
		fail "$name" "expected $finding at hop $hop, direction $dirs; got: $c" \
			"$(jq -r '.diagnosis[] | select(.severity != "info") | "\(.finding): \(.summary)"' "$o" 2>/dev/null)"
		right=WRONG
	fi
	STREAM=
	[ -z "${STREAM_PCT:-}" ] || stream_near "$name" "$o" $STREAM_PCT
	[ -z "${DELAY_TRUTH:-}" ] || delay_near "$name" "$o" $DELAY_TRUTH
	TABLE+=("$name | truth: $truth | outbound alone: $a | combined: $c | $right${STREAM:+ | stream: $STREAM}")
}

# seedpair NAME FILE CASE: seed 000's two-direction example CASE
# (tests/golden/seeds/CASE.case, the golden verdict of `hopdoc analyze` on the
# seed's two listings) built live: the combined verdict must have the golden
# findings (kind, severity, direction, hop); the segment is shown, not
# judged (the lab's addresses are not the seed's).
seedpair() {
	local name=$1 o=$TMP/$1.json want got miss=
	want=$(awk '$1 == "finding" {print $2, $3, $5, $6}' "$ROOT/tests/golden/seeds/$3.case" | sort)
	up "$2" "$TMP/with-hopdoc:/usr/bin:/bin" || { fail "$name" "lab or sshd did not start"; down; return; }
	hd "$o" "$o.err" -j --return-via "ssh://$LAB_TARGET4" "$LAB_TARGET4"
	down
	got=$(jq -r '.diagnosis[] | "\(.finding) \(.severity) \(.direction) hop=\(.hop)"' "$o" 2>/dev/null | sort)
	[ -n "$want" ] && [ "$got" = "$want" ] && pass "$name" ||
		fail "$name" "golden ($3): $(echo $want)" "live: $(echo $got)"
	TABLE+=("$name | golden: $(echo $want) | live: $(jq -r '[.diagnosis[] | "\(.finding) \(.severity) \(.segment) \(.direction) hop=\(.hop)"] | join("; ")' "$o" 2>/dev/null)")
}

# failure NAME PATHDIR URLPORT WANT: the return side fails; the outbound report
# and its verdict must still come, with one line saying why, and exit 1.
failure() {
	local name=$1 o=$TMP/$1.txt rc
	up "$SCN/chain.scn" "$2" || { fail "$name" "lab or sshd did not start"; down; return; }
	hd "$o" "$o.err" --return-via "ssh://$LAB_TARGET4$3" "$LAB_TARGET4"
	rc=$?
	down
	if [ "$rc" -eq 1 ] && [ "$(wc -l <"$o.err")" -eq 1 ] && grep -q "$4" "$o.err" &&
		grep -q '^Outbound: ' "$o" && grep -q '^Diagnosis' "$o" && ! grep -q '^Return: ' "$o"; then
		pass "$name"
	else
		fail "$name" "exit $rc (want 1); stderr:" "$(cat "$o.err")" "stdout: $(head -2 "$o")"
	fi
}

# The server's own host checks (R13) over its return trace: a veth pair in the
# server namespace is flooded with broadcast frames nobody takes (as
# t_host.sh's nic check), so the server drops packets itself; the combined
# verdict must carry its host-nic-drops, segment destination, worded as the
# server's. Before the flood, the same server must give no host finding
# (machine-wide softnet_stat may move on a busy machine: tolerated, as
# t_host.sh's idle check does).
LOAD=$ROOT/build/lab/hostload
host_lines() { jq -r '.diagnosis[] | select(.finding | startswith("host-")) |
	"\(.finding) \(.counter) \(.rate_per_s) \(.severity) \(.segment)"' "$1" 2>/dev/null; }
server_host() {
	local o=$TMP/srvhost.json h=$TMP/srvhealthy.json pid n=0 line bad
	up "$SCN/chain.scn" "$TMP/with-hopdoc:/usr/bin:/bin" || { fail server-host "lab or sshd did not start"; down; return; }
	hd "$h" "$h.err" -j --return-via "ssh://$LAB_TARGET4" "$LAB_TARGET4"
	bad=$(host_lines "$h" | awk '$1 != "host-softnet-drops"')
	if jq -e '.return.report' "$h" >/dev/null 2>&1 && [ -z "$bad" ]; then
		pass "server-host-healthy (no host finding from the server${bad:+: }$(host_lines "$h" | head -1))"
	else
		fail server-host-healthy "a healthy server must give no host finding:" "$bad" "$(head -3 "$h.err")"
	fi
	lab_server ip link add hdr0 type veth peer name hdr1 && lab_server ip link set hdr0 up &&
		lab_server ip link set hdr1 up || { fail server-host "cannot make the veth pair"; down; return; }
	hd "$o" "$o.err" -j --return-via "ssh://$LAB_TARGET4" "$LAB_TARGET4" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 600 ]; do
		lab_server "$LOAD" eth hdr0 2000 >/dev/null 2>&1
		n=$((n + 1))
		sleep 0.1
	done
	wait "$pid"
	down
	line=$(host_lines "$o" | awk '$1 == "host-nic-drops" && $5 == "destination"' | head -1)
	if [ -n "$line" ] && jq -e '[.diagnosis[] | select(.finding == "host-nic-drops")][0].summary
		| startswith("The server drops them itself: ")' "$o" >/dev/null 2>&1; then
		pass "server-host ($line; $(jq -r '[.diagnosis[] | select(.finding == "host-nic-drops")][0].summary' "$o" | cut -c1-80))"
	else
		fail server-host "expected the server's host-nic-drops, segment destination, in the combined verdict:" \
			"$(jq -r '.diagnosis[] | "\(.finding) \(.segment)"' "$o" 2>/dev/null)" "$(head -3 "$o.err")"
	fi
}

# The live view with --return-via (tmux, as t_tui.sh drives the view): two
# tables, "Outbound:" then "Return: ssh://...", the return one filling in as
# the server's raw stream comes (its hop 1's Snt seen growing), the verdict
# panel showing the combined verdict (a pair's healthy is "direction both",
# one trace's "unknown"); after the rounds, the combined verdict printed and
# exit 0. Checks poll the screen under a hang guard; no timed assertions.
TSOCK=hopdoc-ret-$$
tscreen() { tmux -L "$TSOCK" capture-pane -p -t v 2>/dev/null; }
# tsnt WHICH: Snt of hop 1 in the outbound (o) or the return (r) table.
tsnt() { tscreen | awk -v w="$1" '/^Return:/ { r = 1; next }
	$1 == "1." && $3 ~ /%$/ && ((w == "r") == (r == 1)) { print $4; exit }'; }
twait() { # REGEX: 1 after 60 s without it
	local i
	for ((i = 0; i < 300; i++)); do tscreen | grep -Eq -- "$1" && return 0; sleep 0.2; done
	return 1
}
view_two_way() {
	local first= later= i ok=1 why=
	up "$SCN/chain.scn" "$TMP/with-hopdoc:/usr/bin:/bin" || { fail view "lab or sshd did not start"; down; return; }
	tmux -L "$TSOCK" new-session -d -s v -x 100 -y 40 "ip netns exec $LAB_CLIENT env PATH=$TMP/cbin:$PATH \
		$HOPDOC -n -t -c 40 -i 0.25 --return-via ssh://$LAB_TARGET4 $LAB_TARGET4; rc=\$?; echo; echo HOPDOC-EXIT=\$rc; sleep 600"
	twait '^Outbound: ' && twait '^Return: ssh://' || { ok=0; why="no two headers"; }
	for ((i = 0; ok && i < 300; i++)); do first=$(tsnt r); [ -n "$first" ] && break; sleep 0.2; done
	[ -n "$first" ] || { ok=0; why="the return table never showed a hop"; }
	for ((i = 0; ok && i < 300; i++)); do
		later=$(tsnt r)
		[ -n "$later" ] && [ "$later" -gt "$first" ] && break
		sleep 0.2
	done
	[ $ok = 1 ] && ! { [ -n "$later" ] && [ "$later" -gt "$first" ]; } && { ok=0; why="the return table did not fill in ($first -> $later)"; }
	[ $ok = 1 ] && ! twait 'healthy \(segment [a-z]+, direction both\)' && { ok=0; why="no combined verdict in the panel"; }
	local shown; shown=$(tscreen)
	[ $ok = 1 ] && ! twait 'HOPDOC-EXIT=0' && { ok=0; why="no exit 0 after the rounds"; }
	local after; after=$(tscreen)
	tmux -L "$TSOCK" kill-server 2>/dev/null
	down
	if [ $ok = 1 ] && echo "$after" | grep -q 'healthy'; then
		pass "view (two tables; return hop 1 Snt $first -> $later while live; combined verdict in the panel and printed at the end)"
	else
		fail view "$why" "$shown" "$after"
	fi
}

# ---- main
make_keys || { fail setup "cannot make the throwaway keys"; exit 1; }
trap cleanup EXIT
trap 'cleanup; trap - EXIT; exit 130' INT
trap 'cleanup; trap - EXIT; exit 143' TERM

# The one-way stream tells the direction where round trips cannot: the same
# route both ways, loss on one direction of link 4.
STREAM_PCT="30 0" scenario loss-out "$SCN/loss-out.scn" loss 4 outbound outbound "loss link 4 outbound"
STREAM_PCT="0 30" scenario loss-ret "$SCN/loss-ret.scn" loss 4 return return "loss link 4 return"
STREAM_PCT="20 20" scenario loss-both "$SCN/loss-both.scn" loss 4 both both "loss link 4 both ways"
# r3 drops every UDP datagram it forwards: the stream cannot pass, so the
# direction of loss-out's loss is unknown, and the verdict says why.
drop_udp() { echo 'table ip noudp { chain c { type filter hook forward priority 0; meta l4proto udp drop; }; }' | lab_exec r3 nft -f -; }
AFTER_UP=drop_udp scenario loss-out-udp-blocked "$SCN/loss-out.scn" loss 4 unknown unknown "loss link 4 outbound, UDP dropped at r3"
if jq -e '[.diagnosis[] | select(.finding == "loss" and .direction == "unknown")
	| select(.summary | test("unknown: the one-way stream could not pass [(]UDP .* never answered"))] | length > 0' \
	"$TMP/loss-out-udp-blocked.json" >/dev/null 2>&1; then
	pass "loss-out-udp-blocked-why"
else
	fail "loss-out-udp-blocked-why" "no 'unknown ... could not pass (UDP ... never answered' in the loss finding"
fi
# +40 ms on one direction of link 3 (chain of 5 routers, 1 ms per link
# otherwise): one-way 6 ms out and 45 ms back, or the mirror image.
EXACT=1 DELAY_TRUTH="6 45" scenario latency-ret "$RSCN/latency-ret.scn" latency 3 return return "+40 ms link 3 return"
EXACT=1 DELAY_TRUTH="45 6" scenario latency-out "$RSCN/latency-out.scn" latency 3 outbound outbound "+40 ms link 3 outbound"
scenario ret-policy "$RSCN/ret-policy.scn" loss 4 return return "loss at r3, server->client only"
scenario ret-policy-nat "$RSCN/ret-policy-nat.scn" loss 4 return return "NAT + loss at r3, server->client only"
AFTER_UP=pin_asym scenario asym "$RSCN/asym.scn" loss 4 return return "return-only router r3b loses 30%"
server_host
view_two_way

# Seed 000's two-direction examples that the lab can build (the others, and
# why not, in docs/return.md): 5 (client X, healthy both ways), 6 (outbound
# rate limiting), 7 (return rate limiting); 5 (client Y: rate limiting at
# three hops and a slow-answering one).
seedpair seed-ex5x "$SCN/chain.scn" en_ex5_x_pair
seedpair seed-ex5y "$RSCN/seed-ex5y.scn" en_ex5_y_pair
seedpair seed-ex6 "$RSCN/seed-ex6.scn" en_ex6_pair
seedpair seed-ex7 "$RSCN/seed-ex7.scn" en_ex7_pair

# Behind NAT the server must trace to the address it sees: r1's on link 2.
up "$SCN/nat.scn" "$TMP/with-hopdoc:/usr/bin:/bin" && {
	hd "$TMP/nat.json" "$TMP/nat.err" -j --return-via "ssh://$LAB_TARGET4" "$LAB_TARGET4"
	dst=$(jq -r '.return.report.mtr.dst' "$TMP/nat.json" 2>/dev/null)
	[ "$dst" = 198.51.100.1 ] && [ "$(verdict "$TMP/nat.json")" = "healthy 0 both" ] && pass nat ||
		fail nat "return trace to '$dst' (want 198.51.100.1, r1's NAT address); $(verdict "$TMP/nat.json")"
	TABLE+=("nat | truth: healthy | outbound alone: $(alone "$TMP/nat.json") | combined: $(verdict "$TMP/nat.json") | return traced to $dst")
}
down

# The server without hopdoc: its mtr, said so on stderr.
up "$SCN/loss-both.scn" "$TMP/with-mtr:/usr/bin:/bin" && {
	hd "$TMP/mtr.json" "$TMP/mtr.err" -j --return-via "ssh://$LAB_TARGET4" "$LAB_TARGET4"
	rc=$?
	# mtr reflects no stream: the direction is unknown, and the verdict says
	# why; nor does it check the server's host.
	if [ "$rc" -eq 0 ] && grep -q "server's mtr" "$TMP/mtr.err" && has "$TMP/mtr.json" loss 4 unknown &&
		jq -e '[.diagnosis[] | select(.summary | test("mtr, which has no one-way reflector"))] | length > 0' \
			"$TMP/mtr.json" >/dev/null 2>&1 &&
		grep -q "host checks were not available" "$TMP/mtr.err" && [ -z "$(host_lines "$TMP/mtr.json")" ]; then
		pass mtr-fallback
	else
		fail mtr-fallback "exit $rc; $(cat "$TMP/mtr.err"); $(verdict "$TMP/mtr.json")"
	fi
	TABLE+=("loss-both, server has only mtr | truth: loss 4 both (no stream: unknown) | outbound alone: $(alone "$TMP/mtr.json") | combined: $(verdict "$TMP/mtr.json") | $(grep -q "server's mtr" "$TMP/mtr.err" && echo 'mtr used, said so')")
}
down

failure neither "$TMP/bare" '' 'neither hopdoc nor mtr: install'
failure garbage "$TMP/garbage:/usr/bin:/bin" '' "hopdoc -j output cannot be read"
failure ssh-refused "$TMP/with-hopdoc:/usr/bin:/bin" :2222 'ssh failed: .*refused'

# Extra wall time of --return-via over the outbound trace alone (a figure,
# not a check: no timed assertions on a shared machine). Best of 3 each.
wall() { local t0 t1; t0=$(date +%s%N); hd /dev/null /dev/null "$@"; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }
up "$SCN/chain.scn" "$TMP/with-hopdoc:/usr/bin:/bin" && {
	best_a=999999 best_p=999999
	for _ in 1 2 3; do
		a=$(CYCLES=10 INTERVAL=1 wall "$LAB_TARGET4")
		p=$(CYCLES=10 INTERVAL=1 wall --return-via "ssh://$LAB_TARGET4" "$LAB_TARGET4")
		[ "$a" -lt "$best_a" ] && best_a=$a
		[ "$p" -lt "$best_p" ] && best_p=$p
	done
	pass "(wall time, -c 10 -i 1, best of 3: outbound alone $best_a ms, with --return-via $best_p ms, extra $((best_p - best_a)) ms; one round is 1000 ms)"
}
down

for row in "${TABLE[@]}"; do pass "(table: $row)"; done
cleanup
check_done
