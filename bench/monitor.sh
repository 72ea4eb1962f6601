#!/usr/bin/env bash
# bench/monitor.sh: hopdoc monitor with N lab targets (default 1000) at one
# probe per hop per second, side by side with Debian's scamper tracing the
# same targets (each traced REPEAT=10 times, -q 1: one probe per hop), and
# Debian's prometheus-smokeping-prober pinging the same targets once a second
# for SECONDS (SMOKEPING_MODES="icmp udp": raw, then datagram ICMP sockets;
# "none" skips it).
# Not a test: it prints figures. For each tool: probes sent (packets that
# left the client's lab interface while it ran), CPU seconds (utime + stime
# of the process), CPU per probe, and the ratios hopdoc / each; for hopdoc
# and smokeping_prober also peak RSS; for hopdoc the database's growth per
# hour; for smokeping_prober its /metrics counts (scraped on the client
# namespace's loopback) to show that it pinged.
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
# The last router reaches the targets through permanent neighbour entries,
# as lib.sh gives the lab's own addresses: left to neighbour discovery it
# resolved only 20 of 1,000 addresses in some runs (the others had no
# entry or an INCOMPLETE one), so most targets were silent, hopdoc's rounds ran on to -m 30
# and the figures moved from one run to the next.
LAST=r$((HOPS - 1))
read -r ndev nmac < <(lab_exec "$LAST" ip -6 neigh show "$LAB_TARGET6" | awk '{ print $3, $5 }')
sed "s|.*|neigh replace & lladdr $nmac dev $ndev nud permanent|" "$WORK/targets" | lab_exec "$LAST" ip -6 -batch - ||
	{ echo "adding the last router's neighbour entries failed"; exit 1; }
CLI_IF=$(lab_client ip -6 -o addr show | awk -v a="$LAB_CLIENT6" 'index($4, a "/") == 1 { print $2 }')

tx_packets() { lab_client cat "/sys/class/net/$CLI_IF/statistics/tx_packets"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
cpu_split() { awk '{ print $14, $15 }' "/proc/$1/stat" 2>/dev/null; } # user, system ticks
sock_drops() { awk 'FNR > 1 { d += $NF } END { printf "%d", d }' "/proc/$1/net/raw6" "/proc/$1/net/raw" 2>/dev/null; } # its namespace's raw sockets
ctx_switches() { awk '/^voluntary_ctxt_switches/ { v = $2 } /^nonvoluntary_ctxt_switches/ { n = $2 } END { if (v != "") print v, n }' "/proc/$1/status" 2>/dev/null; }
hz=$(getconf CLK_TCK)

# ---- hopdoc monitor -----------------------------------------------------------
tx0=$(tx_packets)
ip netns exec "$LAB_CLIENT" ${PERF:+perf record -g -o "$PERF"} "$HOPDOC" monitor -n --db "$WORK/m.db" -F "$WORK/targets" -i 1 \
	-Z 2 -m 30 --rate "$RATE" --duration "$SECS" 2>"$WORK/m.err" &
pid=$!
ticks=0 hwm=0 split="0 0" csw="0 0" drops=0
while kill -0 "$pid" 2>/dev/null; do
	t=$(cpu_ticks "$pid") && [ -n "$t" ] && ticks=$t
	t=$(cpu_split "$pid") && [ -n "$t" ] && split=$t
	t=$(ctx_switches "$pid") && [ -n "$t" ] && csw=$t
	t=$(sock_drops "$pid") && [ -n "$t" ] && drops=$t
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
reached=$(sqlite3 -separator ' ' "$WORK/m.db" 'SELECT count(DISTINCT target) FILTER (WHERE reached), sum(reached) FROM rounds')
h_cpu=$(awk -v t="$ticks" -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }')
h_per=$(awk -v t="$ticks" -v hz="$hz" -v p="$probes" 'BEGIN { printf "%.1f", p ? t / hz / p * 1e6 : 0 }')
echo "targets:            $N (IPv6, $HOPS hops each), $SECS s, exit $rc, $(grep -c . "$WORK/m.err") stderr lines"
echo "hopdoc probes:      $probes packets out ($sent recorded in $rounds rounds; $((probes / SECS)) per s)"
echo "hopdoc reached:     ${reached%% *} of $N targets, in ${reached##* } of $rounds rounds"
echo "hopdoc CPU:         $h_cpu s ($(awk -v c="$h_cpu" -v s="$SECS" 'BEGIN { printf "%.0f", 100 * c / s }')% of one core), $h_per us per probe"
echo "hopdoc CPU split:   $(awk -v s="$split" -v hz="$hz" 'BEGIN { split(s, a, " "); printf "user %.2f s, system %.2f s", a[1] / hz, a[2] / hz }'); context switches ${csw% *} voluntary ($(( ${csw% *} / SECS )) per s), ${csw#* } involuntary${PERF:+ (of perf, not hopdoc: PERF is set)}"
echo "hopdoc drops:       $drops packets dropped by the client's raw sockets (full receive queues)"
echo "hopdoc peak RSS:    $hwm KiB"
echo "database:           $dbsize bytes, $(awk -v b="$dbsize" -v s="$SECS" 'BEGIN { printf "%.1f", b / s * 3600 / 1048576 }') MiB per hour"

per_probe() { awk -v c="$1" -v p="$2" 'BEGIN { printf "%.1f", p ? c / p * 1e6 : 0 }'; } # CPU s, probes: us
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# ---- scamper, the same targets, one trace each, REPEAT times over -----------------
REPEAT=${REPEAT:-10}  # enough probes that start-up is not what is measured
run_scamper() {
	local src sprobes s_cpu
	for ((r = 0; r < REPEAT; r++)); do cat "$WORK/targets"; done >"$WORK/targets.rep"
	tx0=$(tx_packets)
	ip netns exec "$LAB_CLIENT" timeout $((SECS * 4)) /usr/bin/time -f '%U %S' -o "$WORK/s.time" \
		scamper -p "$((RATE > 10000 ? 10000 : RATE))" -c 'trace -P icmp-paris -q 1 -w 2' -O warts -o "$WORK/s.warts" \
		-f "$WORK/targets.rep" 2>"$WORK/s.err"
	src=$?
	tx1=$(tx_packets)
	sprobes=$((tx1 - tx0))
	s_cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$WORK/s.time")
	[ -n "$s_cpu" ] || s_cpu=0 # timed out: no figure (ratio n/a)
	s_per=$(per_probe "$s_cpu" "$sprobes")
	[ "$src" -eq 0 ] || echo "scamper stderr:     $(head -3 "$WORK/s.err")"
	echo "scamper:            exit $src, $sprobes packets out, CPU $s_cpu s, $s_per us per probe"
}
s_per=0
if command -v scamper >/dev/null; then
	run_scamper
else
	echo "scamper:            not installed (apt-get install scamper)"
fi

# ---- prometheus-smokeping-prober, pinging the same targets for SECS ---------
# One echo request per target per second: it pings the target only, where
# hopdoc probes every hop, so CPU per probe is the unit that compares. 0.6.1
# (go-ping 1.1.0) opens a socket per target. Mode "icmp" (its default and
# Debian's config: privileged) gives each a raw ICMPv6 socket, so the kernel
# copies every ICMPv6 packet to all N sockets and N-1 of them drop it in user
# space; mode "udp" (unprivileged datagram ICMP sockets, which the lab
# client's ping_group_range allows; still ICMP echo on the wire) lets the
# kernel hand each reply to its own socket. SMOKEPING_MODES picks the runs.
# Its metrics endpoint listens on the client namespace's loopback only.
SMOKEPING_MODES=${SMOKEPING_MODES:-icmp udp}
SP=$(command -v prometheus-smokeping-prober || command -v smokeping_prober)
sp_config() { # mode: a config with the N targets (no other hosts: Debian's default config pings localhost)
	echo "targets:"
	echo "- hosts:"
	sed 's/.*/  - "&"/' "$WORK/targets"
	printf '  interval: 1s\n  network: ip6\n  protocol: %s\n  size: 56\n' "$1"
}
echo_replies_in() { lab_client awk '$1 == "Icmp6InEchoReplies" { print $2 }' /proc/net/snmp6; }
run_smokeping() { # mode
	local mode=$1 pid timer ticks=0 hwm=0 t h rc probes replies requests cpu in0 in1 drops t0 wall
	sp_config "$mode" >"$WORK/sp-$mode.yml"
	tx0=$(tx_packets)
	in0=$(echo_replies_in)
	t0=$(date +%s.%N)
	ip netns exec "$LAB_CLIENT" "$SP" --config.file="$WORK/sp-$mode.yml" \
		--web.listen-address=127.0.0.1:9374 --log.level=warn 2>"$WORK/sp-$mode.err" &
	pid=$!
	sleep "$SECS" & timer=$!
	while kill -0 "$timer" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do
		t=$(cpu_ticks "$pid") && [ -n "$t" ] && ticks=$t
		h=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null)
		[ -n "$h" ] && hwm=$h
		sleep 0.5
	done
	# One scrape, then the counters: its counts and ours cover the same
	# window, and serving it (as it would serve Prometheus) is in its CPU. It
	# serves /metrics only once every pinger has started (1/N s apart), which
	# a saturated process may not have done yet, and N targets' histograms
	# take a saturated process a while to write: retry, and be patient.
	lab_client curl -sS --max-time 120 --retry 10 --retry-connrefused --retry-delay 2 \
		http://127.0.0.1:9374/metrics >"$WORK/sp-$mode.metrics" 2>>"$WORK/sp-$mode.err"
	t=$(cpu_ticks "$pid") && [ -n "$t" ] && ticks=$t
	h=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null)
	[ -n "$h" ] && hwm=$h
	tx1=$(tx_packets)
	in1=$(echo_replies_in)
	drops=$(lab_client awk 'FNR > 1 { d += $NF } END { printf "%d", d }' /proc/net/raw6 /proc/net/icmp6)
	wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
	kill "$timer" "$pid" 2>/dev/null
	wait "$pid"; rc=$?
	probes=$((tx1 - tx0))
	replies=$(awk '/^smokeping_response_duration_seconds_count/ { s += $2 } END { printf "%d", s }' "$WORK/sp-$mode.metrics")
	requests=$(awk '/^smokeping_requests_total/ { s += $2 } END { printf "%d", s }' "$WORK/sp-$mode.metrics")
	cpu=$(awk -v t="$ticks" -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }')
	sp_per=$(per_probe "$cpu" "$probes")
	[ -s "$WORK/sp-$mode.err" ] && echo "smokeping stderr:   $(head -3 "$WORK/sp-$mode.err")"
	echo "smokeping ($mode):  exit $rc (143: our SIGTERM), $probes packets out in ${wall} s ($((probes / (wall > 0 ? wall : 1))) per s), /metrics: $requests requests, $replies responses"
	echo "smokeping ($mode):  $((in1 - in0)) echo replies reached the client; its sockets (raw or datagram ICMP) dropped $drops packets (full receive queues)"
	echo "smokeping ($mode):  CPU $cpu s ($(awk -v c="$cpu" -v s="$wall" 'BEGIN { printf "%.0f", s ? 100 * c / s : 0 }')% of one core), $sp_per us per probe, peak RSS $hwm KiB"
	echo "ratio:              hopdoc / smokeping ($mode) CPU per probe = $(ratio "$h_per" "$sp_per")"
}
if [ -z "$SP" ]; then
	echo "smokeping:          not installed (apt-get install prometheus-smokeping-prober)"
else
	for mode in $SMOKEPING_MODES; do
		case $mode in icmp | udp) run_smokeping "$mode" ;; none) ;; *) echo "SMOKEPING_MODES: icmp or udp, not $mode" ;; esac
	done
fi
echo "ratio:              hopdoc / scamper CPU per probe = $(ratio "$h_per" "$s_per")"
