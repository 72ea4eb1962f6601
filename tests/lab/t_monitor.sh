#!/usr/bin/env bash
# tests/lab/t_monitor.sh: hopdoc monitor and hopdoc history (issue 11 part A)
# against faults switched on and off mid-run, whose times and places the test
# knows. A chain of 5 routers with a twin r3b (ecmp 3) and a side link s4
# from r4 back to r3 that is 30 ms slower (slowicmp 4); routes are pinned
# through r3 first. One run of about 100 s, one round a second, an IPv4 and
# an IPv6 target from a -F file (with a bad line that must be reported with
# its number and skipped):
#   T1..T2 (30 s)  r3 drops what it forwards to the IPv4 server (nftables):
#                  a loss episode of the IPv4 target from hop 4
#   T3..T4 (20 s)  r4 sends IPv6 traffic for the client over s4 (+30 ms on
#                  the way back; IPv6 routers answer from the interface the
#                  probe came in on, so no responder changes): a latency
#                  episode of the IPv6 target from hop 5 (hop 4's own replies
#                  take s4 all along: slow ICMP)
#   T5             r2 sends IPv4 probes through r3b: a route change of the
#                  IPv4 target at hop 3
# Each episode must start and end within two rounds of the switch times, and
# no other episode may be found. Then kill -9 during writes: PRAGMA
# integrity_check ok, no round lost before the last second, and a second run
# resumes the same history. Also: a newer schema is refused, and a full disk
# (a 192 KiB tmpfs) stops writes with a message while probing goes on.
# The main run also serves --metrics on the client's lab address: 20 s into
# the loss fault the endpoint (curl in the namespace) has both targets'
# series, promtool accepts the text, and the IPv4 target's hop 4 shows the
# loss (hop 3 none); a Prometheus server in the client namespace scrapes it
# the whole run, and PromQL afterwards finds that loss at hop 4. A wildcard
# address is refused before any probe. Prints PASS:/FAIL: lines. Needs root,
# sqlite3, jq, curl, promtool, prometheus.
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" monitor

WORK=$(mktemp -d /tmp/hdmon.XXXXXX)
DB=$WORK/main.db
ROUND_MS=1000
SLACK_MS=$((2 * ROUND_MS))   # "within two rounds"

cat >"$WORK/mon.scn" <<'EOF'
name monitor
desc chain with a twin r3b and a 30 ms slower side link back from r4
routers 5
ecmp 3
slowicmp 4 30ms
EOF

for tool in sqlite3 jq curl promtool prometheus; do
	command -v "$tool" >/dev/null || { fail setup "$tool missing: run scripts/install-deps.sh"; exit 1; }
done
MPORT=9464  # the monitor's endpoint, on the client's lab address
PPORT=19090 # Prometheus's API, on the client namespace's loopback
PROM_PID=
lab_up "$WORK/mon.scn" || { fail setup; exit 1; }
trap '[ -n "$PROM_PID" ] && kill "$PROM_PID" 2>/dev/null && wait "$PROM_PID"
	umount "$WORK/full" 2>/dev/null; lab_down; rm -rf "$WORK"' EXIT
trap 'exit 1' INT TERM

R3_L3=$(_lab_addr 3 r 4)     # r3 on link 3 (r2 - r3)
R3B_L3=$(_lab_addr 3b r 4)   # r3b on link 3b (r2 - r3b)
R3_L4=$(_lab_addr 4 l 4)     # r3 on link 4 (r3 - r4)
R3_L3_6=$(_lab_addr 3 r 6) R3_L4_6=$(_lab_addr 4 l 6)
R3_S4_6=$(_lab_addr s4 l 6)  # r3 on the slow side link s4 (r3 - r4)
SERVER_NET=203.0.113.0/24 CLIENT_NET=192.168.1.0/24
SERVER_NET6=fd00:0:0:6::/64 CLIENT_NET6=fd00:0:0:1::/64
now_ms() { date +%s%3N; }
pin() { lab_exec "$1" ip route replace "$2" via "$3"; }
pin6() { lab_exec "$1" ip -6 route replace "$2" via "$3"; }

pin r2 $SERVER_NET "$R3_L3" && pin r4 $CLIENT_NET "$R3_L4" &&
	pin6 r2 $SERVER_NET6 "$R3_L3_6" && pin6 r4 $CLIENT_NET6 "$R3_L4_6" || { fail pin-routes; exit 1; }

ENDPOINT=$LAB_CLIENT4:$MPORT
API=http://127.0.0.1:$PPORT
# ---- --metrics: a wildcard is refused before any probe -----------------------------
lab_client "$HOPDOC" monitor -n --db "$WORK/wild.db" --metrics "0.0.0.0:$MPORT" --duration 1 \
	"$LAB_TARGET4" 2>"$WORK/wild.err"
rc=$?
[ "$rc" -eq 1 ] && grep -q wildcard "$WORK/wild.err" && pass metrics-refuse-wildcard ||
	fail metrics-refuse-wildcard "exit $rc (want 1): $(cat "$WORK/wild.err")"
cat >"$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 2s
  scrape_timeout: 1s
scrape_configs:
  - job_name: hopdoc-monitor
    static_configs:
      - targets: ['$ENDPOINT']
EOF
ip netns exec "$LAB_CLIENT" prometheus --config.file="$WORK/prometheus.yml" \
	--storage.tsdb.path="$WORK/prom" --web.listen-address="127.0.0.1:$PPORT" \
	--log.level=warn >"$WORK/prom.log" 2>&1 &
PROM_PID=$!

# The endpoint 20 s into r3's drop: the IPv4 target's loss ratio (over the
# run so far, mtr's Loss%) at hop 4 is about 20/32; hop 3 answers throughout.
loss_at() { # TARGET TTL: its hop_loss_ratio sample in $WORK/live.prom
	awk -v k="hopdoc_hop_loss_ratio{target=\"$1\",ttl=\"$2\"}" '$1 == k { print $2 }' "$WORK/live.prom"
}
metrics_live_check() {
	if ! lab_client curl -s -m 5 -o "$WORK/live.prom" "http://$ENDPOINT/metrics"; then
		fail metrics-live "no answer from http://$ENDPOINT/metrics"; return
	fi
	local t out l3 l4
	for t in "$LAB_TARGET4" "$LAB_TARGET6"; do
		grep -q "^hopdoc_probes_sent_total{target=\"$t\",ttl=\"1\"} [1-9]" "$WORK/live.prom" &&
			grep -q "^hopdoc_finding{target=\"$t\"," "$WORK/live.prom" ||
			{ fail metrics-both-targets "no series for $t"; return; }
	done
	pass metrics-both-targets
	if out=$(promtool check metrics <"$WORK/live.prom" 2>&1) && [ -z "$out" ]; then
		pass metrics-promtool
	else
		fail metrics-promtool "$out"
	fi
	l3=$(loss_at "$LAB_TARGET4" 3) l4=$(loss_at "$LAB_TARGET4" 4)
	echo "    metrics 20 s into the drop: $LAB_TARGET4 loss ratio hop 3 ${l3:-none}, hop 4 ${l4:-none}"
	if awk -v a="${l3:-x}" -v b="${l4:-x}" 'BEGIN { exit !(a != "x" && b != "x" && a + 0 < 0.1 && b + 0 > 0.3) }'; then
		pass metrics-loss-at-hop-4
	else
		fail metrics-loss-at-hop-4 "want hop 3 < 0.1 and hop 4 > 0.3"
	fi
	mkdir -p "$ROOT/build/logs" && cp "$WORK/live.prom" "$ROOT/build/logs/monitor-metrics.prom"
}

printf '%s\nnot a target!\n# a comment\n%s\n' "$LAB_TARGET4" "$LAB_TARGET6" >"$WORK/targets.txt"
ip netns exec "$LAB_CLIENT" "$HOPDOC" monitor -n --db "$DB" -i 1 -Z 2 -m 10 --duration 100 \
	--metrics "$ENDPOINT" -F "$WORK/targets.txt" 2>"$WORK/mon.err" &
MON=$!
sleep 12
T1=$(now_ms)
lab_exec r3 nft -f - <<EOF || fail nft-drop
table ip hdmon {
	chain hdfwd {
		type filter hook forward priority 0;
		ip daddr $SERVER_NET drop
	}
}
EOF
sleep 20
metrics_live_check
sleep 10
T2=$(now_ms); lab_exec r3 nft delete table ip hdmon
sleep 12
T3=$(now_ms); pin6 r4 $CLIENT_NET6 "$R3_S4_6"
sleep 20
T4=$(now_ms); pin6 r4 $CLIENT_NET6 "$R3_L4_6"
sleep 12
T5=$(now_ms); pin r2 $SERVER_NET "$R3B_L3"
wait "$MON"; rc=$?
[ "$rc" -eq 0 ] && pass "run" || fail run "exit $rc" "$(cat "$WORK/mon.err")"

# ---- Prometheus scraped the monitor: the loss of r3's drop, at hop 4 -------------
promql() { # QUERY: "ttl value" lines
	lab_client curl -s -m 10 --data-urlencode "query=$1" "$API/api/v1/query" |
		jq -r '.data.result[] | "\(.metric.ttl // "-") \(.value[1])"' 2>/dev/null | sort -n
}
sel="target=\"$LAB_TARGET4\""
scrapes=$(promql "count_over_time(hopdoc_probes_sent_total{$sel,ttl=\"1\"}[10m])" | awk '{print $2}')
peak=$(promql "max_over_time(hopdoc_hop_loss_ratio{$sel,ttl=~\"3|4\"}[10m])")
echo "    prometheus: ${scrapes:-0} scrapes; peak loss ratio by ttl: $(echo $peak)"
p3=$(awk '$1 == 3 { print $2 }' <<<"$peak") p4=$(awk '$1 == 4 { print $2 }' <<<"$peak")
if [ "${scrapes:-0}" -ge 20 ] &&
	awk -v a="${p3:-x}" -v b="${p4:-x}" 'BEGIN { exit !(a != "x" && b != "x" && a + 0 < 0.1 && b + 0 > 0.3) }'; then
	pass prometheus-scrape
else
	fail prometheus-scrape "want 20+ scrapes, peak loss at hop 4 > 0.3 and hop 3 < 0.1" "$(tail -3 "$WORK/prom.log")"
fi
kill "$PROM_PID" 2>/dev/null && wait "$PROM_PID"
PROM_PID=

if grep -q "targets.txt:2: not a target name or address; line skipped" "$WORK/mon.err"; then
	pass bad-target-line
else
	fail bad-target-line "$(cat "$WORK/mon.err")"
fi
n_targets=$(sqlite3 "$DB" 'SELECT count(*) FROM targets')
[ "$n_targets" = 2 ] && pass both-targets || fail both-targets "targets: $n_targets"

"$HOPDOC" history --db "$DB" --json >"$WORK/h.json" 2>"$WORK/h.err" ||
	fail history "$(cat "$WORK/h.err")"
mkdir -p "$ROOT/build/logs" && cp "$WORK/h.json" "$ROOT/build/logs/monitor-history.json"
# one_episode TARGET KIND T_START T_END HOP: exactly one such episode, at the truth
one_episode() {
	local target=$1 kind=$2 ts=$3 te=$4 hop=$5 got
	got=$(jq -r --arg k "$kind" --arg t "$target" '[.episodes[] | select(.kind == $k and .target == $t)] |
		map("\(.start) \(.end) \(.hop) \(.diagnosis[0].kind // "-")") | .[]' "$WORK/h.json")
	if [ "$(printf '%s\n' "$got" | grep -c .)" -ne 1 ]; then
		fail "$kind" "want one $kind episode, got: ${got:-none}"; return
	fi
	local s e h d sm em
	read -r s e h d <<<"$got"
	sm=$(($(date -d "$s" +%s%3N))) em=$(($(date -d "$e" +%s%3N)))
	local ds=$((sm - ts)) de=$((em - te))
	echo "    $kind: start $s (${ds} ms from the switch), end $e (${de} ms), hop $h, diagnosis $d"
	if [ ${ds#-} -le $SLACK_MS ] && [ ${de#-} -le $SLACK_MS ] && [ "$h" = "$hop" ]; then
		pass "$kind"
	else
		fail "$kind" "want start ~$ts end ~$te hop $hop; got start $sm ($ds) end $em ($de) hop $h"
	fi
}
one_episode "$LAB_TARGET4" loss "$T1" "$T2" 4
one_episode "$LAB_TARGET6" latency "$T3" "$T4" 5
one_episode "$LAB_TARGET4" route-change "$T5" "$T5" 3
n_ep=$(jq '.episodes | length' "$WORK/h.json")
[ "$n_ep" = 3 ] && pass no-other-episode ||
	fail no-other-episode "$(jq -c '.episodes[] | [.target, .kind, .start, .hop]' "$WORK/h.json")"
"$HOPDOC" history --db "$DB" --target "$LAB_TARGET6" --json >"$WORK/h6.json" &&
	[ "$(jq '[.episodes[] | select(.target != "'"$LAB_TARGET6"'")] | length' "$WORK/h6.json")" = 0 ] &&
	[ "$(jq '.episodes | length' "$WORK/h6.json")" = 1 ] && pass target-filter || fail target-filter
# The loss episode's rounds, diagnosed as --diagnose would: the path is cut
# after hop 3 (r3 drops what it forwards).
loss_diag=$(jq -r '[.episodes[] | select(.kind == "loss") | .diagnosis[] | "\(.kind)@\(.hop)"] | join(",")' "$WORK/h.json")
echo "    loss episode diagnosis: $loss_diag"
case $loss_diag in
path-interrupted@3*) pass loss-diagnosis ;;
*) fail loss-diagnosis "want path-interrupted at hop 3 first, got: ${loss_diag:-nothing}" ;;
esac
if "$HOPDOC" history --db "$DB" --html "$WORK/h.html" && grep -q '<svg' "$WORK/h.html" &&
	grep -q 'route change at hop 3' "$WORK/h.html"; then
	pass html
	cp "$WORK/h.html" "$ROOT/build/logs/monitor-history.html"
else
	fail html
fi

# ---- kill -9 during writes, then a resumed run ---------------------------------
DB2=$WORK/kill.db
ip netns exec "$LAB_CLIENT" "$HOPDOC" monitor -n --db "$DB2" -i 0.5 -Z 2 -m 10 \
	"$LAB_TARGET4" "$LAB_TARGET6" 2>"$WORK/kill.err" &
MON=$!
sleep 8
kill -9 "$MON"; KILL=$(now_ms)
wait "$MON" 2>/dev/null
integ=$(sqlite3 "$DB2" 'PRAGMA integrity_check')
[ "$integ" = ok ] && pass integrity || fail integrity "$integ"
# Rounds start every 500 ms and are written when they end (about 450 ms
# later, their probes spread over the interval), then committed within 1 s:
# every round that ended more than a second before the kill is in, so no gap
# between rounds, and the newest one started at most 1 s + 2 rounds (+ 200 ms
# for a busy machine) before the kill. A 2 s commit would leave up to 3 s.
read -r last maxgap n <<<"$(sqlite3 -separator ' ' "$DB2" "
	SELECT max(t_ms), max(gap), count(*) FROM (SELECT t_ms, t_ms - lag(t_ms) OVER
	(PARTITION BY target ORDER BY t_ms) AS gap FROM rounds)")"
lost=$((KILL - last))
echo "    kill -9: $n rounds kept, newest $lost ms before the kill, largest gap ${maxgap} ms"
if [ "$lost" -le 2200 ] && [ "${maxgap:-0}" -le 800 ] && [ "$n" -ge 20 ]; then
	pass kill-loses-at-most-the-last-second
else
	fail kill-loses-at-most-the-last-second "newest round $lost ms before the kill (want <= 2200), gap $maxgap, $n rounds"
fi
ip netns exec "$LAB_CLIENT" "$HOPDOC" monitor -n --db "$DB2" -i 0.5 -Z 2 -m 10 --duration 4 \
	"$LAB_TARGET4" "$LAB_TARGET6" 2>>"$WORK/kill.err"
read -r n2 tg <<<"$(sqlite3 -separator ' ' "$DB2" 'SELECT (SELECT count(*) FROM rounds), (SELECT count(*) FROM targets)')"
integ=$(sqlite3 "$DB2" 'PRAGMA integrity_check')
if [ "$n2" -ge $((n + 10)) ] && [ "$tg" = 2 ] && [ "$integ" = ok ]; then
	pass resumed
else
	fail resumed "rounds $n -> $n2, targets $tg, integrity $integ" "$(cat "$WORK/kill.err")"
fi

# ---- a newer schema is refused ---------------------------------------------------------
cp "$DB2" "$WORK/new.db"
sqlite3 "$WORK/new.db" 'PRAGMA user_version=99'
if ! "$HOPDOC" history --db "$WORK/new.db" 2>"$WORK/new.err" &&
	grep -q "schema version 99 is newer" "$WORK/new.err" &&
	! ip netns exec "$LAB_CLIENT" "$HOPDOC" monitor -n --db "$WORK/new.db" --duration 1 \
		"$LAB_TARGET4" 2>>"$WORK/new.err"; then
	pass newer-schema-refused
else
	fail newer-schema-refused "$(cat "$WORK/new.err")"
fi

# ---- a full disk stops writes, not probing -------------------------------------------
mkdir -p "$WORK/full"
if mount -t tmpfs -o size=192k hdmonfull "$WORK/full"; then
	CIF=$(lab_client ip -o -4 addr show | awk -v a="$LAB_CLIENT4" 'index($4, a "/") == 1 { print $2 }')
	ip netns exec "$LAB_CLIENT" "$HOPDOC" monitor -n --db "$WORK/full/f.db" -i 0.2 -Z 1 -m 10 \
		--duration 40 "$LAB_TARGET4" "$LAB_TARGET6" 2>"$WORK/full.err" &
	MON=$!
	for ((i = 0; i < 300; i++)); do grep -q "writes stopped" "$WORK/full.err" && break; sleep 0.1; done
	tx0=$(lab_client cat "/sys/class/net/$CIF/statistics/tx_packets")
	sleep 2
	tx1=$(lab_client cat "/sys/class/net/$CIF/statistics/tx_packets")
	kill -TERM "$MON"; wait "$MON"; rc=$?
	umount "$WORK/full"
	# 2 targets x 6 hops x 5 rounds a second: about 120 probes in 2 s
	echo "    full disk: $(cat "$WORK/full.err"); $((tx1 - tx0)) probes in the 2 s after; exit $rc"
	if grep -q "disk is full; writes stopped, probing goes on" "$WORK/full.err" &&
		[ $((tx1 - tx0)) -ge 40 ] && [ "$rc" -eq 1 ]; then
		pass full-disk
	else
		fail full-disk "want the message, probes after it and exit 1"
	fi
else
	fail full-disk "cannot mount a tmpfs"
fi
check_done
