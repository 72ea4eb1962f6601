#!/usr/bin/env bash
# bench/monitor.sh: hopdoc monitor with N lab targets (default 1000) at one
# probe per hop per second, side by side with Debian's scamper tracing the
# same targets (each traced REPEAT=10 times, -q 1: one probe per hop). Not a test: it prints
# figures. For each tool: probes sent (packets that left the client's lab
# interface while it ran), CPU seconds (utime + stime of the process), CPU
# per probe; for hopdoc also peak RSS and the database's growth per hour.
# Targets are N IPv6 addresses added to the lab server's interface (a chain
# of HOPS-1 routers, so HOPS hops each: 3 by default, HOPS=30 for the issue's
# "up to 30 hops", at most 30); only lab addresses are probed, from the lab
# client namespace, for a bounded time.
#   [HOPS=30] bench/monitor.sh [HOPDOC] [N] [SECONDS]
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HOPDOC=${1:-$ROOT/build/hopdoc}
N=${2:-1000}
SECS=${3:-30}
HOPS=${HOPS:-3}
RATE=$((N * (HOPS > 5 ? 2 * HOPS : 10))) # probes per second: twice what is due (10 per target up to 5 hops); scamper takes at most 10000
[[ $HOPS =~ ^[0-9]+$ ]] && [ "$HOPS" -ge 2 ] && [ "$HOPS" -le 30 ] || { echo "HOPS must be 2..30"; exit 2; }
LAB_PREFIX=${LAB_PREFIX:-m$$}
LAB_PREFIX=${LAB_PREFIX:0:8}
# shellcheck source=tests/lab/lib.sh
source "$ROOT/tests/lab/lib.sh"

WORK=$(mktemp -d /tmp/hdmb.XXXXXX)
cat >"$WORK/mb.scn" <<SCN
name monitor-bench
desc $((HOPS - 1)) routers in a chain, many server addresses
routers $((HOPS - 1))
family 4 6
SCN
lab_up "$WORK/mb.scn" || { echo "lab setup failed"; exit 1; }
trap 'lab_down; rm -rf "$WORK"' EXIT
SRV_IF=$(lab_server ip -6 -o addr show | awk -v a="$LAB_TARGET6" 'index($4, a "/") == 1 { print $2 }')
prefix=${LAB_TARGET6%::*}
for ((i = 0; i < N; i++)); do
	printf '%s::1:%x\n' "$prefix" "$i"
done >"$WORK/targets"
sed "s|.*|addr add &/128 dev $SRV_IF nodad|" "$WORK/targets" | lab_server ip -6 -batch - ||
	{ echo "adding server addresses failed"; exit 1; }
CLI_IF=$(lab_client ip -6 -o addr show | awk -v a="$LAB_CLIENT6" 'index($4, a "/") == 1 { print $2 }')

tx_packets() { lab_client cat "/sys/class/net/$CLI_IF/statistics/tx_packets"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
hz=$(getconf CLK_TCK)

# ---- hopdoc monitor -----------------------------------------------------------
tx0=$(tx_packets)
ip netns exec "$LAB_CLIENT" ${PERF:+perf record -g -o "$PERF"} "$HOPDOC" monitor -n --db "$WORK/m.db" -F "$WORK/targets" -i 1 \
	-Z 2 -m 30 --rate "$RATE" --duration "$SECS" 2>"$WORK/m.err" &
pid=$!
ticks=0 hwm=0
while kill -0 "$pid" 2>/dev/null; do
	t=$(cpu_ticks "$pid") && [ -n "$t" ] && ticks=$t
	h=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null)
	[ -n "$h" ] && hwm=$h
	sleep 0.5
done
wait "$pid"; rc=$?
tx1=$(tx_packets)
probes=$((tx1 - tx0))
dbsize=$(du -cb "$WORK"/m.db* | tail -1 | cut -f1)
rounds=$(sqlite3 "$WORK/m.db" 'SELECT count(*) FROM rounds')
sent=$(sqlite3 "$WORK/m.db" 'SELECT coalesce(sum(sent), 0) FROM rounds') # history schema 3: hops packed per round
h_cpu=$(awk -v t="$ticks" -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }')
h_per=$(awk -v t="$ticks" -v hz="$hz" -v p="$probes" 'BEGIN { printf "%.1f", p ? t / hz / p * 1e6 : 0 }')
echo "targets:            $N (IPv6, $HOPS hops each), $SECS s, exit $rc, $(grep -c . "$WORK/m.err") stderr lines"
echo "hopdoc probes:      $probes packets out ($sent recorded in $rounds rounds; $((probes / SECS)) per s)"
echo "hopdoc CPU:         $h_cpu s ($(awk -v c="$h_cpu" -v s="$SECS" 'BEGIN { printf "%.0f", 100 * c / s }')% of one core), $h_per us per probe"
echo "hopdoc peak RSS:    $hwm KiB"
echo "database:           $dbsize bytes, $(awk -v b="$dbsize" -v s="$SECS" 'BEGIN { printf "%.1f", b / s * 3600 / 1048576 }') MiB per hour"

# ---- scamper, the same targets, one trace each, REPEAT times over -----------------
REPEAT=${REPEAT:-10}  # enough probes that start-up is not what is measured
for ((r = 0; r < REPEAT; r++)); do cat "$WORK/targets"; done >"$WORK/targets.rep"
if ! command -v scamper >/dev/null; then
	echo "scamper:            not installed (apt-get install scamper)"
	exit 0
fi
tx0=$(tx_packets)
ip netns exec "$LAB_CLIENT" timeout $((SECS * 4)) /usr/bin/time -f '%U %S' -o "$WORK/s.time" \
	scamper -p "$((RATE > 10000 ? 10000 : RATE))" -c 'trace -P icmp-paris -q 1 -w 2' -O warts -o "$WORK/s.warts" \
	-f "$WORK/targets.rep" 2>"$WORK/s.err"
src=$?
tx1=$(tx_packets)
sprobes=$((tx1 - tx0))
s_cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$WORK/s.time")
s_per=$(awk -v c="$s_cpu" -v p="$sprobes" 'BEGIN { printf "%.1f", p ? c / p * 1e6 : 0 }')
[ "$src" -eq 0 ] || echo "scamper stderr:     $(head -3 "$WORK/s.err")"
echo "scamper:            exit $src, $sprobes packets out, CPU $s_cpu s, $s_per us per probe"
echo "ratio:              hopdoc / scamper CPU per probe = $(awk -v a="$h_per" -v b="$s_per" 'BEGIN { printf "%.2f", b ? a / b : 0 }')"
