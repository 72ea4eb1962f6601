#!/usr/bin/env bash
# t_metrics.sh: `--metrics` scraped by a real Prometheus (Debian's package)
# in the lab. hopdoc traces the loss-out scenario (30% loss from link 4 on)
# from the client namespace with --metrics on the client's lab address;
# Prometheus runs in the same namespace (listening on that namespace's
# 127.0.0.1, scrape interval 1 s, storage in a temp dir) for the whole run,
# about a minute. Then PromQL over its HTTP API (curl in the namespace):
#   recorded      the series were scraped all along (at least 20 scrapes)
#   promql-loss   each hop's loss over the run, from the counters, within 4
#                 binomial standard deviations of the scenario's truth (a
#                 clean hop: at most one probe), printed with the query
#   first-lossy   the first hop with loss is the truth's (hop 4)
#   finding       hopdoc_finding names the scenario's expected finding
#   histogram     each hop's median RTT (histogram_quantile) is in a bucket
#                 that holds its injected RTT (+2 ms, as t_selftest)
# and, while hopdoc runs: live-promtool (promtool accepts the live text),
# listen-only (the lab address alone: nothing on the namespace's loopback),
# refuse-wildcard (0.0.0.0 is refused before anything is probed); and last,
# stop-signal (SIGINT ends a serving run with its report).
# Everything runs inside the lab, bounded: hopdoc -c CYCLES -i INTERVAL, then
# Prometheus is stopped and the lab torn down.
# Env: METRICS_CYCLES (120), METRICS_INTERVAL (0.5), HOPDOC.
source "$(dirname "$0")/check.sh" metrics
CYCLES=${METRICS_CYCLES:-120}
INTERVAL=${METRICS_INTERVAL:-0.5}
SCN=$ROOT/tests/lab/scenarios/loss-out.scn
MPORT=9464  # hopdoc's endpoint, on the client's lab address
PPORT=19090 # Prometheus's API, on the client namespace's loopback
TMP=$(mktemp -d /tmp/hd_metrics.XXXXXX)
PROM_PID= HOPDOC_PID=

for tool in prometheus promtool curl jq; do
	command -v "$tool" >/dev/null || { fail setup "$tool missing: run scripts/install-deps.sh"; rm -rf "$TMP"; exit 1; }
done

stop() { # PIDVAR
	local pid=${!1}
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	printf -v "$1" ''
}
cleanup() { stop HOPDOC_PID; stop PROM_PID; lab_down; rm -rf "$TMP"; }
traps() { trap cleanup EXIT; trap 'cleanup; trap - EXIT; exit 130' INT; trap 'cleanup; trap - EXIT; exit 143' TERM; }

lab_up "$SCN" || { fail setup "lab_up failed"; rm -rf "$TMP"; exit 1; }
traps
endpoint=$LAB_CLIENT4:$MPORT
api=http://127.0.0.1:$PPORT

# ---- refused before probing ---------------------------------------------
lab_client "$HOPDOC" -n -r -c 1 --metrics "0.0.0.0:$MPORT" "$LAB_TARGET4" >"$TMP/wild.out" 2>"$TMP/wild.err"
rc=$?
[ "$rc" -eq 1 ] && grep -q 'wildcard' "$TMP/wild.err" && [ ! -s "$TMP/wild.out" ] && pass refuse-wildcard ||
	fail refuse-wildcard "exit $rc (want 1), stderr: $(cat "$TMP/wild.err"), stdout: $(head -2 "$TMP/wild.out")"

# ---- Prometheus ------------------------------------------------------------
cat >"$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: hopdoc
    static_configs:
      - targets: ['$endpoint']
EOF
ip netns exec "$LAB_CLIENT" prometheus --config.file="$TMP/prometheus.yml" \
	--storage.tsdb.path="$TMP/data" --web.listen-address="127.0.0.1:$PPORT" \
	--log.level=warn >"$TMP/prom.log" 2>&1 &
PROM_PID=$!
ready=no
for ((i = 0; i < 300; i++)); do
	lab_client curl -sf -o /dev/null -m 2 "$api/-/ready" && { ready=yes; break; }
	kill -0 "$PROM_PID" 2>/dev/null || break
	sleep 0.2
done
if [ "$ready" != yes ]; then
	fail setup "prometheus did not become ready" "$(tail -5 "$TMP/prom.log")"
	exit 1
fi

# ---- hopdoc, scraped -------------------------------------------------------
ip netns exec "$LAB_CLIENT" "$HOPDOC" -n -r --metrics "$endpoint" -c "$CYCLES" -i "$INTERVAL" \
	"$LAB_TARGET4" >"$TMP/report" 2>"$TMP/hopdoc.err" &
HOPDOC_PID=$!

# The live text once every hop has answered, for promtool.
live=no
for ((i = 0; i < 300; i++)); do
	lab_client curl -s -m 2 -o "$TMP/live.prom" "http://$endpoint/metrics" &&
		grep -q "^hopdoc_replies_total{.*ttl=\"$LAB_HOPS\"} [1-9]" "$TMP/live.prom" && { live=yes; break; }
	kill -0 "$HOPDOC_PID" 2>/dev/null || break
	sleep 0.2
done
if [ "$live" = yes ] && out=$(promtool check metrics <"$TMP/live.prom" 2>&1) && [ -z "$out" ]; then
	pass live-promtool
else
	fail live-promtool "live text seen: $live" "$out" "$(tail -3 "$TMP/hopdoc.err")"
fi

# Who listens on the port: the lab address, nothing else.
listeners=$(lab_client ss -Hltn "sport = :$MPORT" | awk '{print $4}' | sort | tr '\n' ' ')
if [ "$listeners" = "$endpoint " ] && ! lab_client curl -s -o /dev/null -m 2 "http://127.0.0.1:$MPORT/metrics"; then
	pass listen-only
else
	fail listen-only "listening: '$listeners' (want '$endpoint'), or 127.0.0.1:$MPORT answered"
fi

wait "$HOPDOC_PID"
rc=$?
HOPDOC_PID=
end=$(date +%s.%N)
[ "$rc" -eq 0 ] && pass "run (hopdoc -c $CYCLES -i $INTERVAL, exit 0)" ||
	fail run "hopdoc exit $rc" "$(tail -3 "$TMP/hopdoc.err")"
sleep 2 # a last scrape fails: the series end there

# query PROMQL [TIME]: the API's answer as "LABELVALUE VALUE" lines, one
# series each, keyed by its ttl label (or "-").
query() {
	local args=(--data-urlencode "query=$1")
	[ -n "${2:-}" ] && args+=(--data-urlencode "time=$2")
	lab_client curl -s -m 10 "${args[@]}" "$api/api/v1/query" >"$TMP/answer.json"
	jq -r '.data.result[] | "\(.metric.ttl // "-") \(.value[1])"' "$TMP/answer.json" 2>/dev/null | sort -n
}

win=10m
scrapes=$(query "count_over_time(hopdoc_probes_sent_total{ttl=\"1\"}[$win])" | awk '{print $2}')
[ "${scrapes:-0}" -ge 20 ] && pass "recorded ($scrapes scrapes of each series)" ||
	fail recorded "only '${scrapes:-0}' scrapes recorded (want 20 or more)" "$(tail -5 "$TMP/prom.log")"

# Loss per hop over the whole run, from the counters' last values: lost
# probes are the timed-out ones less the late replies (docs/metrics.md).
last() { echo "last_over_time($1[$win])"; }
LOSS_Q="100 * ($(last hopdoc_probes_timed_out_total) - $(last hopdoc_replies_late_total)) / ($(last hopdoc_replies_total) + $(last hopdoc_probes_timed_out_total))"
N_Q="$(last hopdoc_replies_total) + $(last hopdoc_probes_timed_out_total)"
echo "PromQL: $LOSS_Q"
query "$LOSS_Q" >"$TMP/loss"
query "$N_Q" >"$TMP/n"
echo "answer (ttl loss%):" $(cat "$TMP/loss")
lab_truth "$SCN" 4 >"$TMP/truth"
verdict=$(awk -v lossf="$TMP/loss" -v nf="$TMP/n" '
	BEGIN { while ((getline l < lossf) > 0) { split(l, a, " "); loss[a[1]] = a[2] + 0; seen[a[1]] = 1 }
		while ((getline l < nf) > 0) { split(l, a, " "); n[a[1]] = a[2] + 0 } }
	$1 == "hop" { t = $2; tl = $5 + 0
		if (!seen[t] || n[t] < 1) { bad = bad sprintf(" hop %d: no series", t); next }
		if (tl == 0) { lo = 0; hi = 100 / n[t] + 0.01 }
		else { p = tl / 100; sd = 100 * sqrt(p * (1 - p) / n[t]); lo = tl - 4 * sd; hi = tl + 4 * sd
			if (lo < 100 / n[t]) lo = 100 / n[t] }
		if (loss[t] < lo || loss[t] > hi) bad = bad sprintf(" hop %d %.1f%% not in [%.1f,%.1f]", t, loss[t], lo, hi)
		figs = figs sprintf(" %d:%.1f%%/%s%%(n=%d)", t, loss[t], $5, n[t])
		if (tl > 0 && !first_truth) first_truth = t
		if (loss[t] > 100 / n[t] + 0.01 && !first_seen) first_seen = t }
	END { printf "%s|%s|%d|%d\n", bad == "" ? "ok" : bad, figs, first_truth, first_seen }' "$TMP/truth")
IFS='|' read -r bad figs first_truth first_seen <<<"$verdict"
[ "$bad" = ok ] && pass "promql-loss (ttl:measured/truth:$figs)" ||
	fail promql-loss "$bad" "measured/truth:$figs" "query: $LOSS_Q"
[ "$first_seen" = "$first_truth" ] && [ "$first_truth" -gt 0 ] && pass "first-lossy (hop $first_seen)" ||
	fail first-lossy "first hop with loss: PromQL $first_seen, truth $first_truth"

# The verdict as the last scrapes had it (an instant query just before the end).
read -r _ want_kind want_hop want_seg _ < <(grep '^expect ' "$TMP/truth" | head -1)
at=$(awk -v e="$end" 'BEGIN { printf "%.3f", e - 1.5 }')
lab_client curl -s -m 10 --data-urlencode 'query=hopdoc_finding' --data-urlencode "time=$at" \
	"$api/api/v1/query" >"$TMP/finding.json"
got=$(jq -r '.data.result[0].metric | "\(.kind) \(.hop) \(.segment)"' "$TMP/finding.json" 2>/dev/null)
[ "$got" = "$want_kind $want_hop $want_seg" ] && pass "finding ($got)" ||
	fail finding "hopdoc_finding: '$got' (want '$want_kind $want_hop $want_seg')" "$(head -c 400 "$TMP/finding.json")"

# Median RTT per hop from the histogram: its bucket must hold the injected RTT.
query "histogram_quantile(0.5, $(last hopdoc_rtt_seconds_bucket))" >"$TMP/median"
verdict=$(awk -v mf="$TMP/median" '
	BEGIN { nb = split("0 0.00025 0.0005 0.001 0.0025 0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5", b, " ")
		while ((getline l < mf) > 0) { split(l, a, " "); q[a[1]] = a[2] + 0; seen[a[1]] = 1 } }
	$1 == "hop" && $4 != "-" { t = $2; r = $4 / 1000
		if (!seen[t]) { bad = bad sprintf(" hop %d: no median", t); next }
		for (i = 2; i <= nb && q[t] > b[i]; i++) ;
		lo = b[i - 1]; hi = i <= nb ? b[i] : 1e9
		if (hi < r || lo > r + 0.002) bad = bad sprintf(" hop %d median %.4f s in (%g,%g], injected %.4f s", t, q[t], lo, hi, r)
		figs = figs sprintf(" %d:%.1fms/%.1fms", t, q[t] * 1000, $4) }
	END { printf "%s|%s\n", bad == "" ? "ok" : bad, figs }' "$TMP/truth")
IFS='|' read -r bad figs <<<"$verdict"
[ "$bad" = ok ] && pass "histogram (ttl:median/injected:$figs)" || fail histogram "$bad" "median/injected:$figs"

# A stop signal ends a run that serves metrics as it ends any other: at once,
# with its report (the server's thread must not take the signal). Run last:
# Prometheus still scrapes this port, and a new run's counters start over.
# (ip netns exec execs hopdoc: $! is hopdoc itself, not a subshell)
ip netns exec "$LAB_CLIENT" "$HOPDOC" -n -r --metrics "$endpoint" -c 1000 -i 0.2 "$LAB_TARGET4" \
	>"$TMP/sig.out" 2>"$TMP/sig.err" &
HOPDOC_PID=$!
for ((i = 0; i < 100; i++)); do
	lab_client curl -s -m 2 "http://$endpoint/metrics" 2>/dev/null | grep -q '^hopdoc_probes_sent_total{' && break
	sleep 0.2
done
kill -INT "$HOPDOC_PID"
for ((i = 0; i < 300; i++)); do kill -0 "$HOPDOC_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$HOPDOC_PID" 2>/dev/null; then
	fail stop-signal "hopdoc still runs 30 s after SIGINT"
	kill -KILL "$HOPDOC_PID"
	wait "$HOPDOC_PID" 2>/dev/null
else
	wait "$HOPDOC_PID"
	rc=$?
	[ "$rc" -eq 0 ] && grep -q '^HOST: ' "$TMP/sig.out" && pass stop-signal ||
		fail stop-signal "exit $rc after SIGINT" "$(head -3 "$TMP/sig.err")"
fi
HOPDOC_PID=

cleanup
trap - EXIT
check_done
