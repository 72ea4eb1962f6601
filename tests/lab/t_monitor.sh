#!/usr/bin/env bash
# tests/lab/t_monitor.sh: hopdoc monitor and hopdoc history (issue 11 part A)
# against faults switched on and off mid-run, whose times and places the test
# knows. A chain of 5 routers with a twin r3b (ecmp 3) whose link to r4
# (4b) is 30 ms slower on the way back; routes are pinned through r3 first.
# One run of about 100 s, one round a second, two targets from a -F file
# (with a bad line that must be reported with its number and skipped):
#   T1..T2 (30 s)  r3 drops what it forwards to the server (nftables):
#                  a loss episode from hop 4
#   T3..T4 (20 s)  r4 sends replies to the client through r3b (+30 ms on
#                  the way back): a latency episode from hop 4
#   T5             r2 sends probes to the server through r3b: a route change
#                  at hop 3
# Each episode must start and end within two rounds of the switch times.
# Then kill -9 during writes: PRAGMA integrity_check ok, no round lost
# before the last second, and a second run resumes the same history. Also:
# a newer schema is refused. Prints PASS:/FAIL: lines. Needs root, sqlite3, jq.
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" monitor

WORK=$(mktemp -d /tmp/hdmon.XXXXXX)
DB=$WORK/main.db
ROUND_MS=1000
SLACK_MS=$((2 * ROUND_MS))   # "within two rounds"

cat >"$WORK/mon.scn" <<'EOF'
name monitor
desc chain with a twin r3b whose way back from r4 is 30 ms slower
routers 5
ecmp 3
link 4b delay 1ms/31ms
EOF

lab_up "$WORK/mon.scn" || { fail setup; exit 1; }
trap 'lab_down; rm -rf "$WORK"' EXIT
trap 'exit 1' INT TERM

R3_L3=$(_lab_addr 3 r 4)     # r3 on link 3 (r2 - r3)
R3B_L3=$(_lab_addr 3b r 4)   # r3b on link 3b (r2 - r3b)
R3_L4=$(_lab_addr 4 l 4)     # r3 on link 4 (r3 - r4)
R3B_L4=$(_lab_addr 4b l 4)   # r3b on link 4b (r3b - r4)
SERVER_NET=203.0.113.0/24 CLIENT_NET=192.168.1.0/24
R5=$(_lab_addr 6 l 4)        # r5 on the server's link: a second target
now_ms() { date +%s%3N; }
pin() { lab_exec "$1" ip route replace "$2" via "$3"; }

pin r2 $SERVER_NET "$R3_L3" && pin r4 $CLIENT_NET "$R3_L4" || { fail pin-routes; exit 1; }

printf '%s\nnot a target!\n# a comment\n%s\n' "$LAB_TARGET4" "$R5" >"$WORK/targets.txt"
ip netns exec "$LAB_CLIENT" "$HOPDOC" monitor -n --db "$DB" -i 1 -Z 2 -m 10 --duration 100 \
	-F "$WORK/targets.txt" 2>"$WORK/mon.err" &
MON=$!
sleep 12
T1=$(now_ms)
lab_exec r3 nft -f - <<EOF
table ip hdmon { chain fwd { type filter hook forward priority 0; ip daddr $SERVER_NET drop; } }
EOF
sleep 30
T2=$(now_ms); lab_exec r3 nft delete table ip hdmon
sleep 12
T3=$(now_ms); pin r4 $CLIENT_NET "$R3B_L4"
sleep 20
T4=$(now_ms); pin r4 $CLIENT_NET "$R3_L4"
sleep 12
T5=$(now_ms); pin r2 $SERVER_NET "$R3B_L3"
wait "$MON"; rc=$?
[ "$rc" -eq 0 ] && pass "run" || fail run "exit $rc" "$(cat "$WORK/mon.err")"

if grep -q "targets.txt:2: not a target name or address; line skipped" "$WORK/mon.err"; then
	pass bad-target-line
else
	fail bad-target-line "$(cat "$WORK/mon.err")"
fi
n_targets=$(sqlite3 "$DB" 'SELECT count(*) FROM targets')
[ "$n_targets" = 2 ] && pass both-targets || fail both-targets "targets: $n_targets"

"$HOPDOC" history --db "$DB" --target "$LAB_TARGET4" --json >"$WORK/h.json" 2>"$WORK/h.err" ||
	fail history "$(cat "$WORK/h.err")"
cp "$WORK/h.json" "$ROOT/build/logs/monitor-history.json" 2>/dev/null
# one_episode KIND T_START T_END HOP: exactly one such episode, at the truth
one_episode() {
	local kind=$1 ts=$2 te=$3 hop=$4 got
	got=$(jq -r --arg k "$kind" '[.episodes[] | select(.kind == $k)] |
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
one_episode loss "$T1" "$T2" 4
one_episode latency "$T3" "$T4" 4
one_episode route-change "$T5" "$T5" 3
loss_diag=$(jq -r '[.episodes[] | select(.kind == "loss") | .diagnosis[].kind] | join(",")' "$WORK/h.json")
case $loss_diag in
'' | healthy) fail loss-diagnosis "the loss episode's rounds were diagnosed: ${loss_diag:-nothing}" ;;
*) pass loss-diagnosis; echo "    loss episode diagnosis: $loss_diag" ;;
esac
if "$HOPDOC" history --db "$DB" --html "$WORK/h.html" && grep -q '<svg' "$WORK/h.html" &&
	grep -q 'route change at hop 3' "$WORK/h.html"; then
	pass html
	cp "$WORK/h.html" "$ROOT/build/logs/monitor-history.html" 2>/dev/null
else
	fail html
fi

# ---- kill -9 during writes, then a resumed run ---------------------------------
DB2=$WORK/kill.db
ip netns exec "$LAB_CLIENT" "$HOPDOC" monitor -n --db "$DB2" -i 0.5 -Z 2 -m 10 \
	"$LAB_TARGET4" "$R5" 2>"$WORK/kill.err" &
MON=$!
sleep 8
kill -9 "$MON"; KILL=$(now_ms)
wait "$MON" 2>/dev/null
integ=$(sqlite3 "$DB2" 'PRAGMA integrity_check')
[ "$integ" = ok ] && pass integrity || fail integrity "$integ"
# Rounds are every 500 ms; those that ended before the last commit are in:
# no gap between rounds, and the last one close to the kill.
read -r last maxgap n <<<"$(sqlite3 -separator ' ' "$DB2" "
	SELECT max(t_ms), max(gap), count(*) FROM (SELECT t_ms, t_ms - lag(t_ms) OVER
	(PARTITION BY target ORDER BY t_ms) AS gap FROM rounds)")"
lost=$((KILL - last))
echo "    kill -9: $n rounds kept, newest $lost ms before the kill, largest gap ${maxgap} ms"
if [ "$lost" -le 1500 ] && [ "${maxgap:-0}" -le 800 ] && [ "$n" -ge 20 ]; then
	pass kill-loses-at-most-the-last-second
else
	fail kill-loses-at-most-the-last-second "newest round $lost ms before the kill (want <= 1500: 1 s commit + a round), gap $maxgap, $n rounds"
fi
ip netns exec "$LAB_CLIENT" "$HOPDOC" monitor -n --db "$DB2" -i 0.5 -Z 2 -m 10 --duration 4 \
	"$LAB_TARGET4" "$R5" 2>>"$WORK/kill.err"
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
check_done
