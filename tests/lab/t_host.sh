#!/usr/bin/env bash
# `hopdoc host` live, inside lab namespaces: each scenario injects one kind
# of trouble into a namespace and hopdoc, run there, must find it (R13):
#   idle:      nothing going on, hopdoc run as nobody (the checks need no
#              privilege): `healthy` (softnet_stat is the whole
#              machine's, per CPU, so other load may move it: then only
#              host-softnet-drops may appear, and the test says so);
#   nic:       a veth pair in the server namespace, broadcast frames of an
#              EtherType nobody takes sent into one end (hostload eth) while
#              hopdoc samples: the other end counts rx_dropped, and hopdoc
#              must report host-nic-drops naming it;
#   conntrack: conntrack on in the server namespace (an nft ct rule), the
#              table filled past nf_conntrack_max with one-byte UDP datagrams
#              to distinct ports out of a veth pair (hostload udp; at most
#              1,000,000), then bursts of 5,000 while hopdoc samples: host-conntrack-full, its count
#              checked against `conntrack -C`. nf_conntrack_max is global and
#              read-only inside a namespace on this kernel (6.x); the count is
#              per namespace, which is what the kernel compares with it, so
#              the table is filled to the global max, in the lab namespace
#              only (bounded: at most 1,000,000 datagrams);
#   retrans:   5% loss on the lab's outbound link under an iperf3 transfer
#              (at most 20 Mbit/s, stopped when hopdoc is done): the client's
#              host-retransmits, compared with iperf3's own retransmissions;
#   udpbuf:    a UDP socket with the smallest receive buffer that never
#              reads, flooded on the server's loopback: host-udp-buffer-errors;
#   listen:    a listener with a backlog of 1 that never accepts, sent
#              connects on the server's loopback: host-listen-overflow;
#   diagnose:  `hopdoc --diagnose` in the client namespace while its own
#              veth pair drops frames: host-nic-drops joins the path's
#              verdict, segment local.
# Every burst runs only while hopdoc samples, so the window sees it without
# any timing assumption; all traffic stays in the lab's namespaces.
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" host
cd "$ROOT" || exit 1

LOAD=$ROOT/build/lab/hostload
work=$(mktemp -d)
cleanup() { lab_down; rm -rf "$work"; }

# host_json NODE INTERVAL: `hopdoc host --json` in NODE's namespace.
host_json() { lab_exec "$1" timeout 120 "$HOPDOC" host --json --interval "$2"; }

# One line per finding: FINDING COUNTER RATE SEVERITY SEGMENT.
findings() {
	jq -r '.diagnosis[] | "\(.finding) \(.counter // "-") \(.rate_per_s // "-") \(.severity) \(.segment)"' "$1"
}

# has_finding FILE KIND: the line of that finding, if any.
has_finding() { findings "$1" | awk -v k="$2" '$1 == k' | head -1; }

# while_running PID CMD...: runs CMD again and again (at most 200 times)
# until PID has exited, so the work covers PID's whole sampling window.
while_running() {
	local pid=$1 n=0
	shift
	while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 200 ]; do
		"$@" >/dev/null 2>&1
		n=$((n + 1))
		sleep 0.1
	done
}

check_idle() {
	lab_server setpriv --reuid 65534 --regid 65534 --clear-groups \
		timeout 120 "$HOPDOC" host --json --interval 2 >"$work/idle.json" 2>"$work/err" || {
		fail idle "hopdoc host failed: $(cat "$work/err")"; return; }
	local kinds others
	kinds=$(findings "$work/idle.json" | awk '{ print $1 }' | sort -u | tr '\n' ' ')
	others=$(findings "$work/idle.json" | awk '$1 != "healthy" && $1 != "host-softnet-drops"')
	if [ "$kinds" = "healthy " ]; then
		pass "idle (healthy, as nobody)"
	elif [ -z "$others" ]; then
		pass "idle (only machine-wide softnet_stat moved: $(has_finding "$work/idle.json" host-softnet-drops))"
	else
		fail idle "an idle namespace must be healthy; hopdoc found:" "$(findings "$work/idle.json")"
	fi
}

# The veth pair NAME0/NAME1 in NODE's namespace.
add_veth() { # NODE NAME
	lab_exec "$1" ip link add "${2}0" type veth peer name "${2}1" &&
		lab_exec "$1" ip link set "${2}0" up && lab_exec "$1" ip link set "${2}1" up
}

rx_dropped() { lab_exec "$1" cat "/sys/class/net/$2/statistics/rx_dropped"; }

check_nic() {
	add_veth server hdx || { fail nic "cannot make the veth pair"; return; }
	local before after
	before=$(rx_dropped server hdx1)
	host_json server 3 >"$work/nic.json" 2>"$work/err" &
	local pid=$!
	while_running "$pid" lab_server "$LOAD" eth hdx0 2000
	wait "$pid" || { fail nic "hopdoc host failed: $(cat "$work/err")"; return; }
	after=$(rx_dropped server hdx1)
	local line seen
	line=$(has_finding "$work/nic.json" host-nic-drops)
	seen=$(jq -r '.host.interfaces[] | select(.name == "hdx1") | .counters.rx_dropped.delta' "$work/nic.json")
	if [ -n "$line" ] && [ "$seen" -gt 0 ] && [ "$seen" -le $((after - before)) ] &&
		jq -e '.diagnosis[0].summary | contains("hdx1")' "$work/nic.json" >/dev/null; then
		pass "nic ($line; hdx1 rx_dropped +$seen in the window, +$((after - before)) over the test)"
	else
		fail nic "expected host-nic-drops naming hdx1 (rx_dropped +$((after - before)) injected, hopdoc saw +$seen):" \
			"$(findings "$work/nic.json")"
	fi
}

check_conntrack() {
	local max
	max=$(lab_server cat /proc/sys/net/netfilter/nf_conntrack_max 2>/dev/null || echo 0)
	if [ "$max" -eq 0 ] || [ "$max" -gt 950000 ]; then
		echo "SKIP: lab/host/conntrack (nf_conntrack_max $max: not fillable within 1,000,000 datagrams)"
		return
	fi
	lab_server nft -f - <<-'EOT' || { fail conntrack "nft: cannot turn conntrack on"; return; }
		table inet hd_host {
			chain out { type filter hook output priority 0; ct state new counter; }
		}
	EOT
	lab_server sysctl -qw net.netfilter.nf_conntrack_udp_timeout=300
	# The datagrams leave by a veth pair whose far end has no address: a
	# permanent neighbour entry sends them without ARP.
	local mac
	if ! add_veth server hdc || ! lab_server ip addr add 10.254.0.1/24 dev hdc0 ||
		! mac=$(lab_server cat /sys/class/net/hdc1/address) ||
		! lab_server ip neigh replace 10.254.0.2 lladdr "$mac" dev hdc0 nud permanent; then
		fail conntrack "cannot make the veth pair"
		return
	fi
	lab_server "$LOAD" udp 10.254.0.2 $((max + max / 20)) >"$work/fill" ||
		{ fail conntrack "the burst failed: $(cat "$work/fill")"; return; }
	host_json server 3 >"$work/ct.json" 2>"$work/err" &
	local pid=$!
	while_running "$pid" lab_server "$LOAD" udp 10.254.0.2 5000
	wait "$pid" || { fail conntrack "hopdoc host failed: $(cat "$work/err")"; return; }
	local truth count line
	truth=$(lab_server conntrack -C 2>/dev/null)
	count=$(jq -r '.host.conntrack.conntrack_count' "$work/ct.json")
	line=$(has_finding "$work/ct.json" host-conntrack-full)
	if [ -n "$line" ] && awk -v c="$count" -v t="$truth" 'BEGIN { exit !(c >= 0.9 * t && c <= 1.1 * t) }'; then
		pass "conntrack ($line; $count of $max entries, conntrack -C says $truth; $(cat "$work/fill"))"
	else
		fail conntrack "expected host-conntrack-full with the count near conntrack -C ($truth), hopdoc: $count of $max" \
			"$(findings "$work/ct.json")"
	fi
}

# iperf3 from the client to the server through the lossy link, until killed.
start_iperf() {
	lab_server timeout 60 iperf3 -s -1 -B "$LAB_TARGET4" >"$work/iperf-s" 2>&1 &
	local i
	for i in $(seq 50); do
		lab_server ss -ltn 2>/dev/null | grep -q ":5201 " && break
		sleep 0.1
	done
	lab_client timeout 60 iperf3 --forceflush -c "$LAB_TARGET4" -t 40 -b 20M >"$work/iperf-c" 2>&1 &
	IPERF=$!
	for i in $(seq 100); do
		[ "$(lab_client ss -Htn state established dst "$LAB_TARGET4" 2>/dev/null | wc -l)" -ge 2 ] && return 0
		sleep 0.1
	done
	return 1
}

# The sum of iperf3's Retr column over its one-second lines.
iperf_retr() {
	awk '/sec/ { for (i = 1; i < NF; i++) if ($i ~ /bits\/sec$/ && $(i + 1) ~ /^[0-9]+$/) n += $(i + 1) }
		END { print n + 0 }' "$work/iperf-window"
}

check_retrans() {
	start_iperf || { fail retrans "iperf3 did not connect: $(cat "$work/iperf-c")"; return; }
	host_json client 3 >"$work/rt.json" 2>"$work/err"
	local rc=$?
	cp "$work/iperf-c" "$work/iperf-window" # the lines while hopdoc sampled, and a few before
	kill "$IPERF" 2>/dev/null
	wait "$IPERF" 2>/dev/null
	[ "$rc" = 0 ] || { fail retrans "hopdoc host failed: $(cat "$work/err")"; return; }
	local line share
	line=$(has_finding "$work/rt.json" host-retransmits)
	share=$(jq -r '.diagnosis[] | select(.finding == "host-retransmits") | .loss_pct' "$work/rt.json")
	if [ -n "$line" ] && awk -v s="$share" 'BEGIN { exit !(s >= 1) }'; then
		pass "retrans ($line; $(printf '%.1f' "$share")% of segments; iperf3 counted $(iperf_retr) in its seconds up to then)"
	else
		fail retrans "expected host-retransmits >= 1% under 5% injected loss:" "$(findings "$work/rt.json")"
	fi
}

check_diagnose() {
	add_veth client hdy || { fail diagnose "cannot make the veth pair"; return; }
	lab_client timeout 120 "$HOPDOC" -n -j -c 10 -i 0.2 --diagnose "$LAB_TARGET4" >"$work/dg.json" 2>"$work/err" &
	local pid=$!
	while_running "$pid" lab_client "$LOAD" eth hdy0 2000
	wait "$pid" || { fail diagnose "hopdoc --diagnose failed: $(cat "$work/err")"; return; }
	local line
	line=$(jq -r '.report.diagnosis[] | select(.finding == "host-nic-drops") | "\(.finding) \(.counter) \(.rate_per_s) \(.severity) \(.segment)"' "$work/dg.json")
	if [ -n "$line" ] && [ "$(echo "$line" | awk '{ print $5 }')" = local ]; then
		pass "diagnose ($line)"
	else
		fail diagnose "expected host-nic-drops in segment local among the path's findings:" \
			"$(jq -r '.report.diagnosis[] | "\(.finding) \(.segment)"' "$work/dg.json")"
	fi
}

# hold KIND PORT: a socket of hostload hold-KIND on the server's loopback,
# up for at most 30 s; its pid in HOLDER once it holds the port.
hold() {
	lab_server timeout 40 "$LOAD" "hold-$1" "127.0.0.1:$2" 30 >"$work/hold" 2>&1 &
	HOLDER=$!
	local i
	for i in $(seq 100); do
		grep -q holding "$work/hold" && return 0
		sleep 0.1
	done
	return 1
}

# check_held NAME KIND PORT FINDING LOAD-ARGS...: FINDING while the load
# goes to a held socket.
check_held() {
	local name=$1 kind=$2 port=$3 want=$4
	shift 4
	hold "$kind" "$port" || { fail "$name" "the socket could not be held: $(cat "$work/hold")"; return; }
	host_json server 3 >"$work/$name.json" 2>"$work/err" &
	local pid=$!
	while_running "$pid" lab_server "$LOAD" "$@"
	wait "$pid"
	local rc=$?
	kill "$HOLDER" 2>/dev/null
	wait "$HOLDER" 2>/dev/null
	[ "$rc" = 0 ] || { fail "$name" "hopdoc host failed: $(cat "$work/err")"; return; }
	local line
	line=$(has_finding "$work/$name.json" "$want")
	if [ -n "$line" ]; then
		pass "$name ($line)"
	else
		fail "$name" "expected $want:" "$(findings "$work/$name.json")"
	fi
}

main() {
	[ "$(id -u)" = 0 ] || { fail "(needs root)"; return 1; }
	printf 'routers 1\nipv6 no\nlink 1 delay 1ms/1ms\nlink 2 delay 1ms/1ms loss 5/0\n' >"$work/host.scn"
	lab_up "$work/host.scn" || { fail "(lab_up)"; return 1; }
	trap cleanup EXIT
	check_idle
	check_nic
	check_diagnose
	check_retrans
	check_held udpbuf udp 9999 host-udp-buffer-errors udp1 127.0.0.1:9999 500
	check_held listen tcp 9998 host-listen-overflow connect 127.0.0.1:9998 20
	check_conntrack
	cleanup
	trap - EXIT
	check_done
}
main
