#!/usr/bin/env bash
# t_agent.sh: `hopdoc agent` and --return-via http(s):// in the lab. The agent
# listens on the server's lab address only. Checks: the combined verdict
# through the agent (loss-ret, ret-policy); the agent runs as nobody with
# CAP_NET_RAW alone; refusals (target-like parameters, forwarding headers,
# bodies, bounds) with 400; NDJSON, one line per round; a bounded flood of malformed, oversized,
# truncated and slow requests, after which (and during which) a good request
# is served at once; N concurrent clients from N lab addresses, each served
# or told 429, none hanging (each from its own /24, routed in the lab
# only); the one-way stream reflected for the asking peer, and (agents on
# 0.0.0.0 and [::]) from the address asked, by a thread without capabilities;
# tcpdump in the server namespace: the agent
# probes no address but the peers that asked; token and TLS enforced.
# Figures: requests tried/served/refused, the agent's memory peak (VmHWM).
# Env: AGENT_CYCLES (40: the pairs' return traces then outlast the one-way
# stream's own deadline, the case in which the client lost the stream's
# verdict until retoneway read its pipe past that deadline; and a 30% lossy
# hop shows its loss more surely than at 20), AGENT_CLIENTS (100), HOPDOC.
source "$(dirname "$0")/check.sh" agent
CYCLES=${AGENT_CYCLES:-40}
NCLI=${AGENT_CLIENTS:-100}
SCN=$ROOT/tests/lab/scenarios
RSCN=$ROOT/tests/lab/return
PORT=8080
TMP=$(mktemp -d /tmp/hd_agent.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
AGENT_PID=
TRIED=0 SERVED=0 REFUSED=0

[ -x "$ROOT/build/lab/owhello" ] || { fail setup "build/lab/owhello missing: make labtools"; exit 1; }
for tool in curl openssl tcpdump jq; do
	command -v "$tool" >/dev/null || { fail setup "$tool missing: run scripts/install-deps.sh"; exit 1; }
done

cleanup() { tmux -L "hopdoc-agt-$$" kill-server 2>/dev/null; stop_agent; stop_wild; lab_down; rm -rf "$TMP"; }

# start_agent ARGS...: the agent in the server namespace; waits for health.
start_agent() {
	ip netns exec "$LAB_SERVER" "$HOPDOC" agent --listen "$LAB_TARGET4:$PORT" --timeout 3 "$@" 2>>"$TMP/agent.err" &
	AGENT_PID=$!
	local i scheme=http
	[[ " $* " == *" --tls-cert "* ]] && scheme=https
	for ((i = 0; i < 50; i++)); do
		lab_client curl -sk -o /dev/null -m 2 -H "Authorization: Bearer $(cat "$TMP/token" 2>/dev/null)" \
			"$scheme://$LAB_TARGET4:$PORT/v1/health" && return 0
		sleep 0.1
	done
	return 1
}

# The agent's own pid (ip netns exec execs it) for /proc figures.
agent_proc() { echo "$AGENT_PID"; }

stop_agent() { [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null; wait "$AGENT_PID" 2>/dev/null; AGENT_PID=; }

# lab_up's own traps would leave the temp dir behind: ours do both.
traps() { trap cleanup EXIT; trap 'cleanup; trap - EXIT; exit 130' INT; trap 'cleanup; trap - EXIT; exit 143' TERM; }
up() { lab_up "$1" && traps && start_agent "${@:2}"; }
down() { stop_agent; lab_down; }

url() { echo "http://$LAB_TARGET4:$PORT$1"; }

# code PATH [CURL ARGS...]: the HTTP status of one request from the client.
code() {
	local path=$1
	shift
	lab_client curl -s -o /dev/null -m 60 -w '%{http_code}' "$@" "$(url "$path")"
}

# verdict_has FILE FINDING HOP DIRECTIONS
verdict_has() {
	jq -e --arg f "$2" --argjson h "$3" --arg d "^($4)\$" \
		'[.diagnosis[] | select(.finding == $f and .hop == $h and (.direction | test($d)))] | length > 0' \
		"$1" >/dev/null 2>&1
}

# pair NAME FILE FINDING HOP DIRECTIONS: one --return-via run through the agent.
pair() {
	local name=$1 o=$TMP/$1.json rc
	up "$2" || { fail "$name" "lab or agent did not start" "$(cat "$TMP/agent.err")"; down; return; }
	lab_client timeout 120 "$HOPDOC" -n -j -c "$CYCLES" --return-via "$(url /)" "$LAB_TARGET4" \
		>"$o" 2>"$o.err"
	rc=$?
	down
	if [ "$rc" -eq 0 ] && verdict_has "$o" "$3" "$4" "$5"; then
		pass "$name"
	else
		fail "$name" "exit $rc; want $3 $4 $5, got $(jq -c '[.diagnosis[] | [.finding, .hop, .direction]]' "$o" 2>/dev/null);" \
			"$(jq -r '.diagnosis[0].evidence' "$o" 2>/dev/null | grep -o 'One-way stream: [^;]*')" \
			"stderr: $(cat "$o.err")"
	fi
}

# ---- the reflector on a wildcard address -------------------------------------
# Two agents in the server namespace, on 0.0.0.0 and on [::] (dual-stack),
# the server holding a second lab address per family: each reflection must
# come from the address its request went to. owhello's socket is connected,
# so a reflection from the server's other address never reaches it
# ("silent"); without IP_PKTINFO/IPV6_PKTINFO the kernel picks the source by
# route, one address for all. Also: the reflector's thread holds no
# capability (it never needs CAP_NET_RAW), while the agent's main thread
# keeps CAP_NET_RAW for its trace children.
WILD_PIDS=()
stop_wild() { local p; for p in "${WILD_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; WILD_PIDS=(); }
# second_addr DEV FAMILY ADDR: ADDR's twin (last part 6) on the server's DEV,
# with the last router's static neighbour entry for it, as lib.sh sets them.
second_addr() {
	local dev=$1 fam=$2 a=$3 mac last=r$((LAB_HOPS - 1))
	mac=$(lab_server cat "/sys/class/net/$dev/address")
	if [ "$fam" = 6 ]; then lab_server ip addr add "$a/64" dev "$dev" nodad
	else lab_server ip addr add "$a/24" dev "$dev"; fi &&
		lab_exec "$last" ip neigh replace "$a" lladdr "$mac" dev "l$LAB_HOPS" nud permanent
}
# thread_caps PID NAME: "CapPrm CapEff CapAmb" of PID's thread called NAME.
thread_caps() {
	local t
	for t in /proc/"$1"/task/*; do
		[ "$(cat "$t/comm" 2>/dev/null)" = "$2" ] &&
			awk '/^Cap(Prm|Eff|Amb)/ {printf "%s ", $2}' "$t/status" && return 0
	done
	echo "no thread $2"
}
wildcard_reflector() {
	local dev a4b a6b= p out= want= dst src wpid caps main
	lab_up "$SCN/chain.scn" && traps || { fail reflector-wildcard "lab did not start"; return; }
	dev=$(lab_server ip -o -4 addr show | awk -v a="$LAB_TARGET4" '$4 ~ "^"a"/" {print $2}')
	a4b=${LAB_TARGET4%.*}.6
	second_addr "$dev" 4 "$a4b" || { fail reflector-wildcard "cannot add $a4b"; lab_down; return; }
	if [ -n "$LAB_TARGET6" ]; then
		a6b=${LAB_TARGET6%::*}::6
		second_addr "$dev" 6 "$a6b" || { fail reflector-wildcard "cannot add $a6b"; lab_down; return; }
	fi
	ip netns exec "$LAB_SERVER" "$HOPDOC" agent --listen 0.0.0.0:8081 --timeout 3 2>>"$TMP/agent.err" &
	WILD_PIDS+=($!)
	ip netns exec "$LAB_SERVER" "$HOPDOC" agent --listen '[::]:8082' --timeout 3 2>>"$TMP/agent.err" &
	WILD_PIDS+=($!)
	# wild PORT DST SRC: a trace asked for at DST (its admission lets the
	# peer's stream in), then one hello to each server address of DST's family.
	wild() {
		local port=$1 t=$2 src=$3 i b
		for ((i = 0; i < 50; i++)); do
			lab_client curl -s -o /dev/null -m 2 "http://$(br "$t"):$port/v1/health" && break
			sleep 0.1
		done
		lab_client curl -s -o /dev/null -m 60 "http://$(br "$t"):$port/v1/trace?cycles=1"
		for b in "${@:4}"; do
			out+="$port>$b:$(lab_client "$ROOT/build/lab/owhello" "$b" "$port" 2 "$src") "
			want+="$port>$b:answered "
		done
	}
	br() { if [[ $1 == *:* ]]; then echo "[$1]"; else echo "$1"; fi; }
	wild 8081 "$LAB_TARGET4" "$LAB_CLIENT4" "$LAB_TARGET4" "$a4b"
	wild 8082 "$a4b" "$LAB_CLIENT4" "$LAB_TARGET4" "$a4b"
	[ -n "$a6b" ] && wild 8082 "$a6b" "$LAB_CLIENT6" "$LAB_TARGET6" "$a6b"
	wpid=${WILD_PIDS[1]}
	caps=$(thread_caps "$wpid" hd-reflector)
	main=$(awk '/^CapEff/ {print $2}' "/proc/$wpid/status")
	stop_wild
	lab_down
	[ "$out" = "$want" ] && pass "reflector-wildcard (each reflection from the address asked: $out)" ||
		fail reflector-wildcard "got:  $out" "want: $want" "$(tail -3 "$TMP/agent.err")"
	[ "$caps" = "0000000000000000 0000000000000000 0000000000000000 " ] && [ "$main" = 0000000000002000 ] &&
		pass "reflector-no-caps (its thread: none; the main thread: CAP_NET_RAW)" ||
		fail reflector-no-caps "the reflector thread's CapPrm CapEff CapAmb: $caps (want all 0)," \
			"the main thread's CapEff $main (want 0000000000002000)"
}
wildcard_reflector

# The agent reflects the one-way stream: the direction of a loss on one
# direction of link 4 (the same route both ways) is named.
pair via-agent-loss-out "$SCN/loss-out.scn" loss 4 outbound
pair via-agent-loss-ret "$SCN/loss-ret.scn" loss 4 return
pair via-agent-ret-policy "$RSCN/ret-policy.scn" loss 4 return

# The live view through the agent (tmux, as t_tui.sh): the return table fills
# in from the agent's NDJSON rounds (its hop 1's Snt seen growing), the panel
# shows the combined verdict, and after the rounds the combined verdict is
# printed (ret-policy: loss at hop 4, direction return). Polls, no timings.
# 30 rounds: with 12, hop 4 lost at most 1 of its 12 probes to the 30% drop
# in some 5-10% of runs, and the loss was rightly placed from hop 5 on.
# The exit wait (up to 120 s) is a hang guard: the view's own deadline is
# the rounds, grace and timeout plus 30 s.
TSOCK=hopdoc-agt-$$
tscreen() { tmux -L "$TSOCK" capture-pane -p -t v 2>/dev/null; }
tsnt_ret() { tscreen | awk '/^Return:/ { r = 1; next } r && $1 == "1." && $3 ~ /%$/ { print $4; exit }'; }
view_via_agent() {
	local first= later= i why= shown after
	command -v tmux >/dev/null || { fail view-via-agent "tmux missing: run scripts/install-deps.sh"; return; }
	up "$RSCN/ret-policy.scn" || { fail view-via-agent "lab or agent did not start"; down; return; }
	tmux -L "$TSOCK" new-session -d -s v -x 100 -y 40 "ip netns exec $LAB_CLIENT $HOPDOC -n -t -c 30 -i 1 \
		--return-via $(url /) $LAB_TARGET4; rc=\$?; echo; echo HOPDOC-EXIT=\$rc; sleep 600"
	for ((i = 0; i < 300; i++)); do first=$(tsnt_ret); [ -n "$first" ] && break; sleep 0.2; done
	for ((i = 0; i < 300; i++)); do
		[ -n "$first" ] || break
		later=$(tsnt_ret)
		[ -n "$later" ] && [ "$later" -gt "$first" ] && break
		sleep 0.2
	done
	shown=$(tscreen)
	for ((i = 0; i < 600; i++)); do tscreen | grep -q 'HOPDOC-EXIT=' && break; sleep 0.2; done
	# The whole scrollback: what the view prints when it ends can be longer
	# than the pane (more findings, longer evidence). The view's own
	# alternate screen never enters it.
	after=$(tmux -L "$TSOCK" capture-pane -p -S - -t v 2>/dev/null)
	tmux -L "$TSOCK" kill-server 2>/dev/null
	down
	if [ -z "$first" ]; then why="the return table never showed a hop"
	elif ! [ "${later:-0}" -gt "$first" ]; then why="the return table did not fill in ($first -> $later)"
	elif ! echo "$shown" | grep -q '^Outbound: ' || ! echo "$shown" | grep -q '^Verdict'; then why="no outbound header or verdict panel"
	elif ! echo "$after" | grep -q 'HOPDOC-EXIT=0'; then why="no exit 0"
	elif ! echo "$after" | grep -Eq 'loss at hop 4 \(segment [a-z]+, direction return'; then why="no combined verdict 'loss at hop 4, return' printed"
	fi
	if [ -z "$why" ]; then
		pass "view-via-agent (return hop 1 Snt $first -> $later while live; loss at hop 4, return)"
	else
		fail view-via-agent "$why" "$shown" "$after"
	fi
}
view_via_agent

# tally CODES...: counts HTTP codes into TRIED/SERVED/REFUSED; NONE counts
# the others (000: no answer before curl's limit, or a closed connection).
tally() {
	local c
	NONE=0
	for c in "$@"; do
		TRIED=$((TRIED + 1))
		case $c in 200) SERVED=$((SERVED + 1)) ;; 4??) REFUSED=$((REFUSED + 1)) ;; *) NONE=$((NONE + 1)) ;; esac
	done
}

# ---- security, one lab ------------------------------------------------------
up "$SCN/chain.scn" --per-minute 100 --max-conns 128 || { fail security "lab or agent did not start" "$(cat "$TMP/agent.err")"; check_done; exit; }
apid=$(agent_proc)
user=$(ps -o user= -p "$apid" | tr -d ' ') capeff=$(awk '/^CapEff/ {print $2}' "/proc/$apid/status")
[ "$user" = nobody ] && [ "$capeff" = 0000000000002000 ] && pass privileges ||
	fail privileges "agent runs as '$user' with CapEff $capeff (want nobody, 0000000000002000: CAP_NET_RAW alone)"

# What the server sends, except the agent's HTTP answers: the probes.
ip netns exec "$LAB_SERVER" timeout 600 tcpdump -i any -n -l -w "$TMP/probes.pcap" "src host $LAB_TARGET4 and not (tcp src port $PORT)" \
	2>/dev/null &
TCPDUMP_PID=$!
sleep 1

# Refusals, one of each kind, with their codes.
bad=0
for q in "target=192.0.2.1" "host=example.net" "dst=10.0.0.1" "cycles=0" "cycles=61" "interval=0.5" \
	"proto=sctp" "port=0" "cycles=5&cycles=6" "%zz=1"; do
	c=$(code "/v1/trace?$q")
	[ "$c" = 400 ] || { bad=1; fail "refuse-query" "'$q' answered $c (want 400)"; }
done
for h in "X-Forwarded-For: 192.0.2.1" "Forwarded: for=192.0.2.1" "X-Real-IP: 192.0.2.1"; do
	c=$(code /v1/trace -H "$h")
	[ "$c" = 400 ] || { bad=1; fail "refuse-header" "'$h' answered $c (want 400)"; }
done
c=$(code /v1/trace -X POST -d x) && [[ $c == 40[05] ]] || { bad=1; fail refuse-post "POST answered $c (want 400 or 405)"; }
c=$(code /v1/trace -X GET -d x) && [ "$c" = 400 ] || { bad=1; fail refuse-body "a GET with a body answered $c (want 400)"; }
c=$(code /v1/elsewhere) && [ "$c" = 404 ] || { bad=1; fail refuse-path "answered $c (want 404)"; }
[ "$bad" -eq 0 ] && pass refusals

# The one-way stream's reflector (UDP, on the agent's address and port)
# answers the peer of an admitted trace only: nobody before one, the peer
# while its trace runs, not another address of the same /24 meanwhile.
OWH=$ROOT/build/lab/owhello
owdev=$(lab_client ip -o -4 addr show | awk -v a="$LAB_CLIENT4" '$4 ~ "^"a"/" {print $2}')
lab_client ip addr add 192.168.1.99/24 dev "$owdev"
ow_before=$(lab_client "$OWH" "$LAB_TARGET4" "$PORT" 2 "$LAB_CLIENT4")
lab_client curl -s -o /dev/null -m 60 "$(url '/v1/trace?cycles=8')" &
ow_curl=$!
sleep 2
ow_peer=$(lab_client "$OWH" "$LAB_TARGET4" "$PORT" 2 "$LAB_CLIENT4")
ow_other=$(lab_client "$OWH" "$LAB_TARGET4" "$PORT" 2 192.168.1.99)
wait "$ow_curl"
TRIED=$((TRIED + 1)) SERVED=$((SERVED + 1))
[ "$ow_before $ow_peer $ow_other" = "silent answered silent" ] && pass reflector-peer-only ||
	fail reflector-peer-only "before a trace: $ow_before (want silent); the peer during it: $ow_peer" \
		"(want answered); another address of its /24: $ow_other (want silent)"

# The flood: 1,000 bad requests from the client, bounded in count and time:
# 400 malformed queries, 200 forwarding headers, 100 oversized headers, 100
# bodies, 200 truncated requests (half a request line, then closed).
flood=$(lab_client bash -c '
	h=$1 p=$2 u="http://$1:$2" big=$(head -c 20000 /dev/zero | tr "\0" a)
	for i in $(seq 1 40); do
		for q in "target=10.0.0.$i" "host=x" "cycles=0" "cycles=99999" "interval=0.01" "proto=sctp" \
			"port=0" "cycles=5&cycles=6" "%zz=1" "dst=::1"; do
			curl -s -o /dev/null -m 5 -w "%{http_code}\n" "$u/v1/trace?$q"
		done
	done
	for i in $(seq 1 50); do
		for x in "X-Forwarded-For: 10.0.0.$i" "Forwarded: for=10.0.0.$i" "X-Real-IP: 10.0.0.$i" "X-Client-IP: 10.0.0.$i"; do
			curl -s -o /dev/null -m 5 -w "%{http_code}\n" -H "$x" "$u/v1/trace"
		done
	done
	for i in $(seq 1 100); do curl -s -o /dev/null -m 5 -w "%{http_code}\n" -H "X-Big: $big" "$u/v1/health"; done
	for i in $(seq 1 100); do curl -s -o /dev/null -m 5 -w "%{http_code}\n" -X GET -d "x=$i" "$u/v1/trace"; done
	for i in $(seq 1 200); do
		if exec 3<>"/dev/tcp/$h/$p"; then printf "GET /v1/tra" >&3; exec 3>&-; echo cut; else echo fail; fi
	done 2>/dev/null
	' _ "$LAB_TARGET4" "$PORT")
codes=$(echo "$flood" | grep -E '^[0-9]{3}$')
ncodes=$(echo "$codes" | wc -l) ncut=$(echo "$flood" | grep -c '^cut$')
tally $codes
none=$NONE
TRIED=$((TRIED + ncut)) REFUSED=$((REFUSED + ncut))
# Slow clients (a body that never comes) from 5 other lab addresses, held
# past the agent's 3 s idle timeout; a good request is served meanwhile.
dev=$(lab_client ip -o -4 addr show | awk -v a="$LAB_CLIENT4" '$4 ~ "^"a"/" {print $2}')
for i in 101 102 103 104 105; do lab_client ip addr add "192.168.1.$i/24" dev "$dev"; done
slow_pids=()
for i in 101 102 103 104 105; do
	(sleep 8 | lab_client curl -s -o /dev/null -m 20 -w '%{http_code} %{time_total}\n' --interface "192.168.1.$i" \
		-X GET -H 'Content-Length: 100' -T - "$(url /v1/health)" >"$TMP/slow.$i") &
	slow_pids+=($!)
done
sleep 1
during=$(code /v1/health)
wait "${slow_pids[@]}"
slow_cut=0
for i in 101 102 103 104 105; do
	read -r c t <"$TMP/slow.$i"
	TRIED=$((TRIED + 1)) REFUSED=$((REFUSED + 1))
	awk -v t="$t" 'BEGIN { exit !(t < 20) }' && slow_cut=$((slow_cut + 1))
done
lab_client curl -s -m 60 "$(url '/v1/trace?cycles=3')" >"$TMP/after.json" 2>/dev/null
after=$(jq -r '.report.mtr.dst' "$TMP/after.json" 2>/dev/null)
# The agent's trace samples the server's own counters (R13) for the client's
# combined verdict: its document carries a diagnosis (host-* findings, if any).
if jq -e '.report.diagnosis | type == "array" and length > 0' "$TMP/after.json" >/dev/null 2>&1; then
	pass "agent-host-checks (the document has the server's diagnosis; host findings: $(jq -r '[.report.diagnosis[] | select(.finding | startswith("host-")) | .finding] | join(",")' "$TMP/after.json"))"
else
	fail agent-host-checks "the agent's -j document has no diagnosis: $(head -c 200 "$TMP/after.json")"
fi
TRIED=$((TRIED + 2)) SERVED=$((SERVED + 2))
if [ "$ncodes" -eq 800 ] && [ "$ncut" -eq 200 ] && [ "$none" -eq 0 ] &&
	! echo "$codes" | grep -qv '^4' && [ "$during" = 200 ] && [ "$after" = "$LAB_CLIENT4" ] &&
	[ "$slow_cut" -eq 5 ]; then
	pass flood
else
	fail flood "answers $ncodes/800 (non-4xx: $(echo "$codes" | grep -v '^4' | sort | uniq -c | tr '\n' ' ')), truncated $ncut/200," \
		"slow ones ended by the agent $slow_cut/5, health during them: $during, trace after: dst '$after'"
fi

# N concurrent clients from N prefixes: 172.20.I.1 on the client, I = 1..N,
# each its own /24 for the agent's limits, routed back to the client by every
# router and the server (lab routes only). Each is served or told 429.
many_prefixes() {
	local i node via
	for ((i = 1; i <= NCLI; i++)); do lab_client ip addr add "172.20.$i.1/32" dev "$dev" || return 1; done
	for node in $(seq -f 'r%g' 1 $((LAB_HOPS - 1))) server; do
		via=$(lab_exec "$node" ip -o route get "$LAB_CLIENT4" | awk '{for (i = 1; i < NF; i++) if ($i == "via") print $(i+1)}')
		lab_exec "$node" ip route add 172.20.0.0/16 via "${via:-$LAB_CLIENT4}" || return 1
	done
}
many_prefixes || fail concurrent "cannot give the client $NCLI prefixes"
conc_pids=()
for i in $(seq 1 "$NCLI"); do
	lab_client curl -s -o /dev/null -m 60 -w '%{http_code}\n' --interface "172.20.$i.1" \
		"$(url '/v1/trace?cycles=3')" >"$TMP/conc.$i" &
	conc_pids+=($!)
done
wait "${conc_pids[@]}"
conc=$(cat "$TMP"/conc.*)
threads=$(awk '/^Threads/ {print $2}' "/proc/$apid/status")
n200=$(echo "$conc" | grep -c '^200$') n429=$(echo "$conc" | grep -c '^429$')
tally $conc
none=$NONE
[ "$n200" -ge 1 ] && [ $((n200 + n429)) -eq "$NCLI" ] && [ "$none" -eq 0 ] &&
	pass "concurrent ($NCLI clients from $NCLI prefixes: $n200 served, $n429 told 429, none hung)" ||
	fail concurrent "$NCLI clients: $n200 served, $n429 told 429, $none other"
# NDJSON: one line per round (the rounds as hopdoc ran them), then "done".
# (The last concurrent trace's slot is freed just after its answer went out:
# a 429 here is retried, a few times.)
for _ in 1 2 3 4 5; do
	c=$(lab_client curl -s -m 60 -o "$TMP/nd.txt" -w '%{http_code}' -H 'Accept: application/x-ndjson' \
		"$(url '/v1/trace?cycles=4')")
	TRIED=$((TRIED + 1))
	[ "$c" = 429 ] || break
	REFUSED=$((REFUSED + 1))
	sleep 1
done
nround=$(jq -c 'select(.round)' "$TMP/nd.txt" 2>/dev/null | wc -l)
ndone=$(jq -r 'select(.done) | .rounds' "$TMP/nd.txt" 2>/dev/null)
ndst=$(jq -r 'select(.round == 1) | .hops[-1].host' "$TMP/nd.txt" 2>/dev/null)
if [ "$nround" -eq 4 ] && [ "$ndone" = 4 ] && [ "$ndst" = "$LAB_CLIENT4" ]; then
	pass ndjson; SERVED=$((SERVED + 1))
else
	fail ndjson "HTTP $c; $nround round lines (want 4), done '$ndone', round 1 ends at '$ndst'" \
		"$(head -c 300 "$TMP/nd.txt")" "$(tail -3 "$TMP/agent.err")"
fi
peak=$(awk '/^VmHWM/ {print $2, $3}' "/proc/$apid/status")
sleep 1
kill "$TCPDUMP_PID" 2>/dev/null
wait "$TCPDUMP_PID" 2>/dev/null
# Probe destinations: only the peers that asked (the client's addresses).
dsts=$(tcpdump -r "$TMP/probes.pcap" -n 2>/dev/null | awk '{for (i = 1; i <= NF; i++) if ($i == ">") {print $(i+1); break}}' |
	sed 's/:$//' | awk -F. 'NF == 5 {NF = 4} 1' OFS=. | sort | uniq -c)
strays=$(echo "$dsts" | awk '$2 !~ /^(192\.168\.1\.(100|1[0-9][0-9])|172\.20\.[0-9]+\.1)$/ && NF' )
nprobes=$(echo "$dsts" | awk '{n += $1} END {print n + 0}')
[ "$nprobes" -gt 0 ] && [ -z "$strays" ] && pass "tcpdump ($nprobes packets, all to peers that asked)" ||
	fail tcpdump "packets $nprobes; to other addresses: $strays"
pass "(figures: requests tried $TRIED, served $SERVED, refused $REFUSED; $NCLI concurrent from $NCLI prefixes: $n200 served, $n429 told 429; agent memory peak $peak, $threads threads after)"
down

# ---- token and TLS ------------------------------------------------------------
openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 1 -subj /CN=lab-agent \
	-addext "subjectAltName=IP:203.0.113.5" -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null
head -c 24 /dev/urandom | base64 >"$TMP/token"
# The client reads the CA after dropping to nobody: the throwaway dir is readable.
chmod 755 "$TMP"
chmod 644 "$TMP/cert.pem" "$TMP/token"
if up "$SCN/chain.scn" --tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem" --token-file "$TMP/token"; then
	s=https://$LAB_TARGET4:$PORT/v1/health
	c1=$(lab_client curl -s -o /dev/null -w '%{http_code}' --cacert "$TMP/cert.pem" "$s")
	c2=$(lab_client curl -s -o /dev/null -w '%{http_code}' --cacert "$TMP/cert.pem" -H "Authorization: Bearer wrong" "$s")
	c3=$(lab_client curl -s -o /dev/null -w '%{http_code}' --cacert "$TMP/cert.pem" -H "Authorization: Bearer $(cat "$TMP/token")" "$s")
	c4=$(lab_client curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$TMP/token")" "$s")
	c5=$(lab_client curl -s -o /dev/null -m 5 -w '%{http_code}' "http://$LAB_TARGET4:$PORT/v1/health")
	[ "$c1 $c2 $c3 $c4" = "401 401 200 000" ] && [ "$c5" != 200 ] && pass token-tls ||
		fail token-tls "no token $c1 (401), wrong $c2 (401), right $c3 (200), unverified cert $c4 (000), plain http $c5 (not 200)"
	lab_client env HOPDOC_AGENT_CA="$TMP/cert.pem" HOPDOC_AGENT_TOKEN_FILE="$TMP/token" timeout 120 \
		"$HOPDOC" -n -j -c 3 --return-via "https://$LAB_TARGET4:$PORT" "$LAB_TARGET4" >"$TMP/tls.json" 2>"$TMP/tls.err"
	r1=$?
	lab_client env HOPDOC_AGENT_CA="$TMP/cert.pem" timeout 120 \
		"$HOPDOC" -n -c 3 --return-via "https://$LAB_TARGET4:$PORT" "$LAB_TARGET4" >"$TMP/notok.txt" 2>"$TMP/notok.err"
	r2=$?
	if [ "$r1" -eq 0 ] && jq -e '.return.report' "$TMP/tls.json" >/dev/null 2>&1 && [ "$r2" -eq 1 ] &&
		grep -q 'HTTP 401' "$TMP/notok.err" && grep -q '^Outbound: ' "$TMP/notok.txt"; then
		pass return-via-https
	else
		fail return-via-https "with token: exit $r1 $(cat "$TMP/tls.err"); without: exit $r2 $(cat "$TMP/notok.err")"
	fi
else
	fail token-tls "the agent did not start with TLS" "$(tail -3 "$TMP/agent.err")"
fi
down

# A 429 reaches the client as one line; the outbound report still comes.
if up "$SCN/chain.scn" --per-minute 1; then
	code '/v1/trace?cycles=1' >/dev/null
	lab_client timeout 120 "$HOPDOC" -n -c 3 --return-via "$(url /)" "$LAB_TARGET4" >"$TMP/429.txt" 2>"$TMP/429.err"
	r=$?
	[ "$r" -eq 1 ] && grep -q 'HTTP 429, retry after' "$TMP/429.err" && [ "$(wc -l <"$TMP/429.err")" -eq 1 ] &&
		grep -q '^Diagnosis' "$TMP/429.txt" && pass client-429 || fail client-429 "exit $r: $(cat "$TMP/429.err")"
fi
down
cleanup
check_done
