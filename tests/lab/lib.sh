# shellcheck shell=bash
# tests/lab/lib.sh: build a lab network from a scenario file, for tests.
#
# STABLE API (other tests rely on it; only add to it):
#   source tests/lab/lib.sh
#   lab_up SCENARIO_FILE   builds the lab; installs a trap on EXIT INT TERM
#                          that tears it down (this replaces the caller's
#                          traps for those signals). Returns non-zero on
#                          failure, after tearing down what it built. Sets:
#     LAB_PREFIX    unique prefix of every namespace (hd<pid>_<n>, or the
#                   caller's LAB_PREFIX if set beforehand, at most 11 chars);
#                   namespaces are $LAB_PREFIX-client, -r1 .. -rN, -server
#     LAB_CLIENT    client namespace name      LAB_SERVER  server namespace
#     LAB_TARGET4   server IPv4 address        LAB_TARGET6 server IPv6 (empty
#                                              when the scenario has no IPv6)
#     LAB_CLIENT4   client IPv4 address        LAB_CLIENT6 client IPv6 (or empty)
#     LAB_HOPS      hops from client to server (routers + 1)
#     LAB_MAXTTL    max TTL a prober should use here (mtr -m; default 30,
#                   smaller in the loop scenario to keep it quick)
#     LAB_NAME      scenario name              LAB_FAMILIES families the
#                                              scenario checks ("4", "4 6", "6")
#   lab_client CMD...      run CMD in the client namespace
#   lab_server CMD...      run CMD in the server namespace
#   lab_exec NODE CMD...   run CMD in NODE's namespace (client, r1.., r3b, server)
#   lab_down               tear down now (idempotent; the trap calls it)
#   lab_truth SCENARIO_FILE [4|6]   print the scenario's truth (needs no lab):
#       hop TTL ADDR RTT_MS LOSS_PCT JITTER_MS
#         ADDR: responder address; "A|B" = either may answer (ECMP);
#               "*" = no reply expected (mtr shows ???)
#         RTT_MS: injected delay summed over both directions, "-" = not checked
#         LOSS_PCT: expected loss as seen by ICMP probes, a number or LO-HI
#         JITTER_MS: sum of the jitter bounds on the path (0 = none)
#       expect FINDING HOP SEGMENT DIRECTION   (diagnosis.md names)
#       Hops after the last truth line must not answer.
#   lab_truth SCENARIO_FILE 4|6 return   the same for the return trace, from
#       the server to LAB_CLIENT4/6 (not for loop, cut or nat scenarios);
#       its expect lines come from the file's expectr lines
#   lab_scenarios          list the scenario files, one path per line
#   lab_emu_lateness       the emulator's lateness so far, as a phrase
#                          ("max 0.310 ms, p99 0.021 ms, mean 1.2 us, n=5321"),
#                          for a test to add to a failed timing check
#   lab_emu_stalls         how many frames the emulator has released more
#                          than 1 ms late so far (compare two readings to
#                          know whether it stalled during one measurement)
# Needs root, iproute2, nftables and build/lab/linkemu (built if missing).
# Env: LAB_EMU (emulator binary), LAB_KEEP_EMU_LOG=FILE (lab_down copies the
# emulator's exit counters and lateness there), LAB_EMU_REPORT=FILE (lab_down
# appends "NAME FRAMES MEAN_US P99_US MAX_US OVER1MS WAKEP99_US WAKEMAX_US"
# there for every lab; run.sh sets it and prints a summary per test file).
#
# Scenario file format: docs/lab.md ("Scenario files").

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB_EMU=${LAB_EMU:-$LAB_ROOT/build/lab/linkemu}
LAB_SCENARIO_DIR=$LAB_ROOT/tests/lab/scenarios
_LAB_SEQ=${_LAB_SEQ:-0}
_LAB_NS=()
_LAB_EMU_PID=
_LAB_DIR=

lab_scenarios() { ls "$LAB_SCENARIO_DIR"/*.scn; }

_lab_die() { echo "lab: $*" >&2; return 1; }

# ---- scenario parsing ----------------------------------------------------

# Reads SCENARIO into _S_* variables. Unknown keys are errors, so a typo
# cannot silently build a different lab.
_lab_parse() {
	local file=$1 key rest
	[ -r "$file" ] || { _lab_die "no scenario file $file"; return 1; }
	_S_name=$(basename "$file" .scn) _S_routers=5 _S_family=4 _S_ipv6=yes
	_S_ecmp='' _S_loop='' _S_cut='' _S_firewall='' _S_nat='' _S_slow='' _S_slowdelay=''
	_S_rl='' _S_rlrate='' _S_maxttl=30 _S_return=no
	_S_links=() _S_nft=() _S_sysctl=()
	while read -r key rest; do
		case $key in
		'' | '#'*) ;;
		name) _S_name=$rest ;;
		desc | truth | truth4 | truth6 | expect | expect4 | expect6) ;;
		expectr | expectr4 | expectr6) ;;
		return) _S_return=$rest ;;
		routers) _S_routers=$rest ;;
		maxttl) _S_maxttl=$rest ;;
		family) _S_family=$rest ;;
		ipv6) _S_ipv6=$rest ;;
		link) _S_links+=("$rest") ;;
		nft) _S_nft+=("$rest") ;;
		sysctl) _S_sysctl+=("$rest") ;;
		ecmp) _S_ecmp=$rest ;;
		loop) _S_loop=$rest ;;
		cut) _S_cut=$rest ;;
		firewall) _S_firewall=yes ;;
		nat) _S_nat=yes ;;
		slowicmp) read -r _S_slow _S_slowdelay <<<"$rest" ;;
		ratelimit) read -r _S_rl _S_rlrate <<<"$rest" ;;
		*) _lab_die "$file: unknown key '$key'"; return 1 ;;
		esac
	done <"$file"
	[[ $_S_routers =~ ^[0-9]+$ ]] && [ "$_S_routers" -ge 1 ] && [ "$_S_routers" -le 29 ] ||
		{ _lab_die "$file: routers must be 1..29"; return 1; }
	if [ -n "$_S_ecmp" ] && ! { [ "$_S_ecmp" -ge 2 ] && [ "$_S_ecmp" -lt "$_S_routers" ]; }; then
		_lab_die "$file: ecmp K needs 2 <= K < routers"; return 1
	fi
	return 0
}

# Delay/jitter/loss of chain link K as "DOUT DRET JOUT JRET LOUT LRET"
# (emulator syntax; defaults 1ms each way, no jitter, no loss).
_lab_link_params() {
	local k=$1 spec n key val d=1ms/1ms j=0/0 l=0/0
	for spec in "${_S_links[@]}"; do
		read -r n rest <<<"$spec"
		[ "$n" = "$k" ] || continue
		set -- $rest
		while [ $# -ge 2 ]; do
			key=$1 val=$2; shift 2
			case $key in delay) d=$val ;; jitter) j=$val ;; loss) l=$val ;; esac
		done
	done
	[[ $d == */* ]] || d=$d/$d
	[[ $j == */* ]] || j=$j/$j
	[[ $l == */* ]] || l=$l/$l
	echo "${d%/*} ${d#*/} ${j%/*} ${j#*/} ${l%/*} ${l#*/}"
}

# The MTU of chain link K ("link K mtu N"; empty: the default, 1500). Both
# ends get it, so the router before the link is the one that fragments or
# says "too big".
_lab_link_mtu() {
	local k=$1 spec n
	for spec in "${_S_links[@]}"; do
		read -r n rest <<<"$spec"
		[ "$n" = "$k" ] || continue
		set -- $rest
		while [ $# -ge 2 ]; do
			[ "$1" = mtu ] && echo "$2"
			shift 2
		done
	done
}

# ---- addressing ------------------------------------------------------------
# Chain link K joins position K-1 (client is 0) and K (server is N+1).
# ECMP twin links are "Kb"; the slow-ICMP side link is "sK".

# _lab_addr LINK SIDE(l|r) FAMILY -> address (no prefix length)
_lab_addr() {
	local id=$1 side=$2 fam=$3 n=$_S_routers k base
	case $id in
	s*) k=${id#s}
		if [ "$fam" = 4 ]; then [ "$side" = l ] && echo "10.255.$k.1" || echo "10.255.$k.2"
		else [ "$side" = l ] && echo "fd00:0:2:$k::1" || echo "fd00:0:2:$k::2"; fi ;;
	*b) k=${id%b} base=$((128 + 4 * (k - 2)))
		if [ "$fam" = 4 ]; then [ "$side" = l ] && echo "198.51.100.$((base + 1))" || echo "198.51.100.$((base + 2))"
		else [ "$side" = l ] && echo "fd00:0:1:$k::1" || echo "fd00:0:1:$k::2"; fi ;;
	1) if [ "$fam" = 4 ]; then [ "$side" = l ] && echo 192.168.1.100 || echo 192.168.1.1
		else [ "$side" = l ] && echo fd00:0:0:1::100 || echo fd00:0:0:1::1; fi ;;
	"$((n + 1))")
		if [ "$fam" = 4 ]; then [ "$side" = l ] && echo 203.0.113.1 || echo 203.0.113.5
		else [ "$side" = l ] && echo "fd00:0:0:$id::1" || echo "fd00:0:0:$id::5"; fi ;;
	*) base=$((4 * (id - 2)))
		if [ "$fam" = 4 ]; then [ "$side" = l ] && echo "198.51.100.$((base + 1))" || echo "198.51.100.$((base + 2))"
		else [ "$side" = l ] && echo "fd00:0:0:$id::1" || echo "fd00:0:0:$id::2"; fi ;;
	esac
}

# Network prefix of a link: _lab_net LINK FAMILY -> "addr/len"
_lab_net() {
	local id=$1 fam=$2 n=$_S_routers a
	if [ "$fam" = 6 ]; then a=$(_lab_addr "$id" l 6); echo "${a%::*}::/64"; return; fi
	case $id in
	1) echo 192.168.1.0/24 ;;
	"$((n + 1))") echo 203.0.113.0/24 ;;
	*) a=$(_lab_addr "$id" l 4); echo "${a%.*}.$((${a##*.} - 1))/30" ;;
	esac
}

_lab_node_at() { # position -> node name
	local p=$1
	if [ "$p" -eq 0 ]; then echo client
	elif [ "$p" -eq $((_S_routers + 1)) ]; then echo server
	else echo "r$p"; fi
}

# Every link of the lab as "ID LEFTNODE RIGHTNODE".
_lab_links() {
	local k n=$_S_routers e=$_S_ecmp s=$_S_slow
	for ((k = 1; k <= n + 1; k++)); do
		echo "$k $(_lab_node_at $((k - 1))) $(_lab_node_at "$k")"
	done
	if [ -n "$e" ]; then
		echo "${e}b r$((e - 1)) r${e}b"
		echo "$((e + 1))b r${e}b $(_lab_node_at $((e + 1)))"
	fi
	[ -n "$s" ] && echo "s$s $(_lab_node_at $((s - 1))) r$s"
	return 0
}

_lab_has_link() { # ID -> true when the scenario has a "link ID ..." line
	local spec n rest
	for spec in "${_S_links[@]}"; do
		read -r n rest <<<"$spec"
		[ "$n" = "$1" ] && return 0
	done
	return 1
}

# Emulator parameters of any link id.
_lab_params_of() {
	local id=$1 p
	case $id in
	s*) read -ra p <<<"$(_lab_link_params "${id#s}")"
		echo "0 $(_lab_add_dur "${p[1]}" "$_S_slowdelay") 0 0 0 0" ;;
	*b) # a twin link has its own "link Kb ..." line, else chain link K's
		if _lab_has_link "$id"; then _lab_link_params "$id"; else _lab_link_params "${id%b}"; fi ;;
	*) _lab_link_params "$id" ;;
	esac
}

_lab_add_dur() { # "1ms" "30ms" -> "31000us"
	awk -v a="$1" -v b="$2" 'function us(s) { v = s + 0; if (s ~ /ns$/) return v / 1000;
		if (s ~ /us$/) return v; if (s ~ /ms$/) return v * 1000; if (s ~ /s$/) return v * 1e6; return v }
		BEGIN { printf "%.3fus\n", us(a) + us(b) }'
}

# ---- truth -----------------------------------------------------------------

# Position of the probe after TTL hops (client is 0). A loop between K and
# K+1 bounces the probe between those two routers until its TTL runs out.
_lab_pos_at() {
	local t=$1 k=$_S_loop
	if [ -z "$k" ] || [ "$t" -le $((k + 1)) ]; then echo "$t"; return; fi
	echo $((k + 1 - (t - k - 1) % 2))
}

# One hop's truth as "ADDR RTTPARTS LOSSPARTS JITPARTS" (comma lists the awk
# in lab_truth sums): the probe's links out, then the reply's links back.
_lab_hop_parts() {
	local t=$1 fam=$2 i a b link dir rtt='' loss='' jit='' p addr
	for ((i = 1; i <= t; i++)); do
		a=$(_lab_pos_at $((i - 1))) b=$(_lab_pos_at "$i")
		if [ "$b" -gt "$a" ]; then link=$b dir=0; else link=$a dir=1; fi
		read -ra p <<<"$(_lab_link_params "$link")"
		rtt+=${p[dir]}, jit+=${p[2 + dir]}, loss+=${p[4 + dir]},
	done
	b=$(_lab_pos_at "$t")
	for ((i = b; i >= 1; i--)); do
		if [ "$i" = "$b" ] && [ "$b" = "$_S_slow" ]; then read -ra p <<<"$(_lab_params_of "s$b")"
		else read -ra p <<<"$(_lab_link_params "$i")"; fi
		rtt+=${p[1]}, jit+=${p[3]}, loss+=${p[5]},
	done
	addr=$(_lab_addr "$b" r "$fam")
	# IPv6 Time Exceeded comes from the address of the interface the probe
	# arrived on; IPv4's from the interface of the route back to the client
	# (icmp_errors_use_inbound_ifaddr=0). They differ only when the probe
	# came back from the right, as in a loop.
	a=$(_lab_pos_at $((t - 1)))
	[ "$fam" = 6 ] && [ "$a" -gt "$b" ] && addr=$(_lab_addr "$a" l 6)
	# ECMP: the twin may answer at its hop, and the router behind the pair
	# answers from whichever of its two links its multipath reply takes.
	[ "$b" = "$_S_ecmp" ] && addr+="|$(_lab_addr "${b}b" r "$fam")"
	[ -n "$_S_ecmp" ] && [ "$b" = $((_S_ecmp + 1)) ] && addr+="|$(_lab_addr "${b}b" r "$fam")"
	echo "$addr $rtt $loss $jit"
}

# The return trace (server -> client) at TTL t reaches position N+1-t; the
# responder answers from its interface towards the server (both families,
# as the probe arrives on the interface of the route back).
_lab_hop_parts_return() {
	local t=$1 fam=$2 n=$_S_routers j p rtt='' loss='' jit='' q addr e=$_S_ecmp
	q=$((n + 1 - t))
	for ((j = n + 1; j > q; j--)); do
		read -ra p <<<"$(_lab_link_params "$j")"
		rtt+=${p[1]}, jit+=${p[3]}, loss+=${p[5]},
	done
	for ((j = q + 1; j <= n + 1; j++)); do
		read -ra p <<<"$(_lab_link_params "$j")"
		rtt+=${p[0]}, jit+=${p[2]}, loss+=${p[4]},
	done
	addr=$(_lab_addr $((q + 1)) l "$fam")
	[ "$q" = "$e" ] && addr+="|$(_lab_addr $((q + 1))b l "$fam")"
	[ -n "$e" ] && [ "$q" = $((e - 1)) ] && addr+="|$(_lab_addr "${e}b" l "$fam")"
	echo "$addr $rtt $loss $jit"
}

# Truth lines of the outbound trace, before the awk sums them.
_lab_truth_outbound() {
	local fam=$1 n=$_S_routers t last parts
	last=$((n + 1))
	[ -n "$_S_loop" ] && last=$_S_maxttl
	[ -n "$_S_cut" ] && last=$_S_cut
	for ((t = 1; t <= last; t++)); do
		parts=$(_lab_hop_parts "$t" "$fam")
		if [ "$t" = "$_S_cut" ] || { [ -n "$_S_firewall" ] && [ "$t" = $((n + 1)) ]; }; then
			echo "hop $t * - 100 0"
		elif [ "$t" = "$_S_rl" ]; then
			echo "hopsum $t $parts 10-95"
		else
			echo "hopsum $t $parts"
		fi
	done
}

_lab_truth_return() {
	local fam=$1 n=$_S_routers t
	if [ -n "$_S_loop$_S_cut$_S_nat" ]; then
		_lab_die "$_S_name: no return-trace truth for loop, cut or nat scenarios"
		return 1
	fi
	for ((t = 1; t <= n + 1; t++)); do
		if [ $((n + 1 - t)) = "$_S_rl" ]; then
			echo "hopsum $t $(_lab_hop_parts_return "$t" "$fam") 10-95"
		else
			echo "hopsum $t $(_lab_hop_parts_return "$t" "$fam")"
		fi
	done
}

# lab_truth SCENARIO [4|6] [return]: see the API note at the top.
lab_truth() (
	# A subshell: parsing must not disturb the scenario of a running lab.
	set -o pipefail
	local file=$1 fam=${2:-4} way=${3:-outbound} key rest
	_lab_parse "$file" || return 1
	{
		if [ "$way" = return ]; then
			_lab_truth_return "$fam" || return 1
			while read -r key rest; do
				case $key in
				expectr | "expectr$fam") echo "expect $rest" ;;
				esac
			done <"$file"
		else
			_lab_truth_outbound "$fam"
			while read -r key rest; do
				case $key in
				truth | "truth$fam") echo "override $rest" ;;
				expect | "expect$fam") echo "expect $rest" ;;
				esac
			done <"$file"
		fi
	} | awk -v slow="$_S_slow" -v slowd="$_S_slowdelay" '
	function us(s, v) { v = s + 0; if (s ~ /ns$/) return v / 1000; if (s ~ /us$/) return v
		if (s ~ /ms$/) return v * 1000; if (s ~ /s$/) return v * 1e6; return v }
	function sum(list, a, i, n, tot) { n = split(list, a, ","); tot = 0
		for (i = 1; i <= n; i++) if (a[i] != "") tot += us(a[i]); return tot / 1000 }
	function lossof(list, a, i, n, keep) { n = split(list, a, ","); keep = 1
		for (i = 1; i <= n; i++) if (a[i] != "") keep *= 1 - (a[i] + 0) / 100
		return (1 - keep) * 100 }
	$1 == "hop" { line[$2] = $0; if ($2 > max) max = $2; next }
	$1 == "hopsum" {
		l = ($7 != "") ? $7 : sprintf("%.1f", lossof($5))
		line[$2] = sprintf("hop %d %s %.3f %s %.3f", $2, $3, sum($4), l, sum($6))
		if ($2 > max) max = $2; next }
	$1 == "override" { line[$2] = sprintf("hop %d %s %s %s %.3f", $2, $3,
			$4 == "-" ? "-" : sprintf("%.3f", $4), $5, $6 + 0)
		if ($2 > max) max = $2; next }
	$1 == "expect" { exps[++ne] = $0 }
	END { for (t = 1; t <= max; t++) if (t in line) print line[t]
		for (i = 1; i <= ne; i++) print exps[i] }'
)

# ---- building --------------------------------------------------------------

_lab_ns() { echo "$LAB_PREFIX-$1"; }

lab_exec() {
	local node=$1; shift
	ip netns exec "$(_lab_ns "$node")" "$@"
}
lab_client() { lab_exec client "$@"; }
lab_server() { lab_exec server "$@"; }

# lab_resolver ADDR: the client namespace's resolver (ip netns exec reads
# /etc/netns/<ns>/resolv.conf; lab_down removes it).
lab_resolver() {
	mkdir -p "/etc/netns/$(_lab_ns client)"
	printf 'nameserver %s\n' "$1" >"/etc/netns/$(_lab_ns client)/resolv.conf"
}

# lab_client_iface: the client's one interface towards the lab.
lab_client_iface() {
	lab_client ip -o link show | awk -F': ' '$2 != "lo" { sub(/@.*/, "", $2); print $2; exit }'
}

# lab_capture IFACE PCAP FILTER: tcpdump on the client's IFACE (or any)
# into PCAP, in immediate mode (else the last second of packets may sit in
# the ring buffer when it stops), returning once it listens.
# lab_capture_stop ends it after the last packets in flight have arrived.
lab_capture() {
	local i
	rm -f "$2" "$2.err"
	# Not through lab_client: $! must be tcpdump itself (ip netns exec execs it).
	ip netns exec "$(_lab_ns client)" tcpdump -U --immediate-mode -n -i "$1" --time-stamp-precision=nano \
		-w "$2" "$3" 2>"$2.err" &
	_LAB_CAPTURE_PID=$!
	for ((i = 0; i < 50; i++)); do
		grep -q listening "$2.err" 2>/dev/null && return 0
		sleep 0.1
	done
}
lab_capture_stop() {
	[ -n "${_LAB_CAPTURE_PID:-}" ] || return 0
	sleep 0.3
	kill -INT "$_LAB_CAPTURE_PID" 2>/dev/null
	wait "$_LAB_CAPTURE_PID" 2>/dev/null
	_LAB_CAPTURE_PID=
}

# lab_tunnel SCN NET MPLSTUN_ARGS...: build/lab/mplstun inside r1 on device
# mt0, playing the routers of NET.0/24 (see tests/lab/mplstun.c for its
# arguments), with r1 and the client routing NET.0/24 into it. SCN is the
# lab's scenario (for r1's address). Sets LAB_TUN_PID; 1 on failure, with
# why on stderr.
lab_tunnel() {
	local scn=$1 net=$2 r1 i
	shift 2
	lab_exec r1 "$LAB_ROOT/build/lab/mplstun" mt0 "$@" &
	LAB_TUN_PID=$!
	for ((i = 0; i < 50; i++)); do
		lab_exec r1 ip link set mt0 up 2>/dev/null && break
		sleep 0.1
	done
	[ "$i" -lt 50 ] || { echo "mplstun made no mt0" >&2; return 1; }
	r1=$(lab_truth "$scn" 4 | awk '$1 == "hop" && $2 == 1 { print $3 }')
	lab_exec r1 ip route add "$net.0/24" dev mt0 || { echo "route in r1" >&2; return 1; }
	lab_client ip route add "$net.0/24" via "$r1" || { echo "route in client" >&2; return 1; }
}

# lab_dns NODE ADDR DIR DNSMASQ_ARGS...: dnsmasq on ADDR port 53 inside NODE,
# answering only what the arguments say (its log in DIR/dnsmasq.log), and the
# client's resolver pointed at it. Waits until it answers the client; 1 when
# it never does. Sets LAB_DNS_PID (lab_down stops it with the namespace).
lab_dns() {
	local node=$1 addr=$2 dir=$3 i
	shift 3
	lab_exec "$node" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
		--bind-interfaces --listen-address="$addr" --port=53 --user=root \
		--pid-file="$dir/dnsmasq.pid" --log-queries --log-facility="$dir/dnsmasq.log" "$@" &
	LAB_DNS_PID=$!
	lab_resolver "$addr"
	for ((i = 0; i < 50; i++)); do
		lab_client getent hosts "$addr" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

_lab_nodes() {
	local k
	echo client
	for ((k = 1; k <= _S_routers; k++)); do echo "r$k"; done
	[ -n "$_S_ecmp" ] && echo "r${_S_ecmp}b"
	echo server
}

_lab_is_router() { [[ $1 == r* ]]; }

# Sysctls for every node: routers forward and answer every probe (ICMP rate
# limits off) unless the scenario asks otherwise; no redirects, no reverse
# path filter (the slow-ICMP path is asymmetric), no DAD delays.
_lab_sysctls() {
	local node=$1 s=(
		net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=100000
		net.ipv4.icmp_msgs_burst=100000 net.ipv6.icmp.ratelimit=0
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
		net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
		net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
	)
	if _lab_is_router "$node"; then
		s+=(net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
			net.ipv4.fib_multipath_hash_policy=1 net.ipv6.fib_multipath_hash_policy=1)
	fi
	[ "$node" = client ] && s+=("net.ipv4.ping_group_range=0 2147483647")
	[ "$_S_ipv6" = yes ] || s+=(net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1)
	local spec ns key
	for spec in "${_S_sysctl[@]}"; do
		read -r ns key <<<"$spec"
		[ "$ns" = "$node" ] && s+=("$key")
	done
	lab_exec "$node" sysctl -q -e -w "${s[@]}" >/dev/null
}

_lab_fams() { if [ "$_S_ipv6" = yes ]; then echo 4 6; else echo 4; fi; }
_lab_plen() { if [ "$2" = 6 ]; then echo 64; else echo "${1##*/}"; fi; }

# Writes the emulator config and, per node, the ip batch lines that name,
# address and bring up each TAP end, with permanent neighbour entries (the
# MACs are ours to choose), so no ARP or ND ever delays or loses a probe.
_lab_plan_links() {
	local idx=0 id left right p ifn fam side node other mac omac
	while read -r id left right; do
		idx=$((idx + 1))
		read -ra p <<<"$(_lab_params_of "$id")"
		echo "link $id ${LAB_PREFIX}t${idx}a ${LAB_PREFIX}t${idx}b delay ${p[0]}/${p[1]}" \
			"jitter ${p[2]}/${p[3]} loss ${p[4]}/${p[5]}" >>"$_LAB_DIR/emu.conf"
		case $id in s*) ifn=$id ;; *) ifn=l$id ;; esac
		for side in l r; do
			if [ $side = l ]; then node=$left other=r tap=${LAB_PREFIX}t${idx}a
			else node=$right other=l tap=${LAB_PREFIX}t${idx}b; fi
			mac=$(printf '02:00:00:00:%02x:%s' "$idx" "$([ $side = l ] && echo 01 || echo 02)")
			omac=$(printf '02:00:00:00:%02x:%s' "$idx" "$([ $side = l ] && echo 02 || echo 01)")
			echo "link set $tap netns $(_lab_ns "$node")" >>"$_LAB_DIR/ip.root"
			local mtu
			mtu=$(_lab_link_mtu "${id%b}")
			{
				echo "link set $tap name $ifn"
				echo "link set $ifn address $mac"
				[ -n "$mtu" ] && echo "link set $ifn mtu $mtu"
				echo "link set $ifn up"
				for fam in $(_lab_fams); do
					local a o net
					a=$(_lab_addr "$id" $side "$fam") o=$(_lab_addr "$id" $other "$fam")
					net=$(_lab_net "$id" "$fam")
					if [ "$fam" = 6 ]; then echo "addr add $a/64 dev $ifn nodad"
					else echo "addr add $a/${net##*/} dev $ifn"; fi
					echo "neigh replace $o lladdr $omac dev $ifn nud permanent"
				done
			} >>"$_LAB_DIR/ip.$node"
		done
	done < <(_lab_links)
}

# Gateway phrase towards the left or right of position P, over the chain link
# or, for ECMP neighbours and the twin itself, over the twin links too.
_lab_gw() {
	local node=$1 pos=$2 dirn=$3 fam=$4 e=$_S_ecmp
	if [ "$dirn" = left ]; then
		if [ "$node" = "r${e}b" ]; then echo "via $(_lab_addr "${e}b" l "$fam") dev l${e}b"
		elif [ -n "$e" ] && [ "$pos" = $((e + 1)) ]; then
			echo "nexthop via $(_lab_addr "$pos" l "$fam") dev l$pos" \
				"nexthop via $(_lab_addr "${pos}b" l "$fam") dev l${pos}b"
		else echo "via $(_lab_addr "$pos" l "$fam") dev l$pos"; fi
	else
		local k=$((pos + 1))
		if [ "$node" = "r${e}b" ]; then echo "via $(_lab_addr "${k}b" r "$fam") dev l${k}b"
		elif [ -n "$e" ] && [ "$k" = "$e" ]; then
			echo "nexthop via $(_lab_addr "$k" r "$fam") dev l$k" \
				"nexthop via $(_lab_addr "${k}b" r "$fam") dev l${k}b"
		else echo "via $(_lab_addr "$k" r "$fam") dev l$k"; fi
	fi
}

# Static routes both ways to every chain subnet (no default route anywhere).
_lab_plan_routes() {
	local node pos j fam gw n=$_S_routers
	while read -r node; do
		case $node in client) pos=0 ;; server) pos=$((n + 1)) ;; *b) pos=${node%b}; pos=${pos#r} ;; *) pos=${node#r} ;; esac
		for fam in $(_lab_fams); do
			for ((j = 1; j <= n + 1; j++)); do
				[ "$j" = "$pos" ] || [ "$j" = $((pos + 1)) ] && continue
				[ -n "$_S_nat" ] && [ "$j" = 1 ] && [ "$pos" -ge 2 ] && continue
				if [ "$j" -lt "$pos" ]; then gw=$(_lab_gw "$node" "$pos" left "$fam")
				elif [ -n "$_S_loop" ] && [ "$pos" = $((_S_loop + 1)) ]; then
					gw=$(_lab_gw "$node" "$pos" left "$fam") # the loop
				else gw=$(_lab_gw "$node" "$pos" right "$fam"); fi
				echo "route add $(_lab_net "$j" "$fam") $gw"
				if [ "$node" = "r$_S_slow" ] && [ "$j" -lt "$pos" ]; then
					echo "route add $(_lab_net "$j" "$fam") via $(_lab_addr "s$pos" l "$fam") dev s$pos table 100"
				fi
			done
		done >>"$_LAB_DIR/ip.$node"
	done < <(_lab_nodes)
}

# nftables per node: the scenario's raw rules plus the built-in faults.
_lab_plan_nft() {
	local spec node rules n=$_S_routers
	for spec in "${_S_nft[@]}"; do
		read -r node rules <<<"$spec"
		echo "$rules" >>"$_LAB_DIR/nft.$node"
	done
	[ -n "$_S_firewall" ] && echo 'table inet labfw { chain c { type filter hook input priority 0;' \
		'icmp type echo-request drop; icmpv6 type echo-request drop; }; }' >>"$_LAB_DIR/nft.server"
	[ -n "$_S_cut" ] && echo "table inet labcut { chain c { type filter hook forward priority 0;" \
		"oifname \"l$_S_cut\" drop; }; }" >>"$_LAB_DIR/nft.$(_lab_node_at $((_S_cut - 1)))"
	[ -n "$_S_rl" ] && echo "table inet labrl { chain c { type filter hook output priority 0;" \
		"icmp type time-exceeded limit rate over $_S_rlrate/second drop;" \
		"icmpv6 type time-exceeded limit rate over $_S_rlrate/second drop; }; }" >>"$_LAB_DIR/nft.r$_S_rl"
	[ -n "$_S_nat" ] && echo 'table inet labnat { chain c { type nat hook postrouting priority 100;' \
		'oifname "l2" masquerade; }; }' >>"$_LAB_DIR/nft.r1"
	# Slow ICMP: mark the router's own Time Exceeded replies; the mark routes
	# them (table 100) over the side link, whose return delay is the extra.
	[ -n "$_S_slow" ] && echo 'table inet labslow { chain c { type route hook output priority 0;' \
		'icmp type time-exceeded meta mark set 1; icmpv6 type time-exceeded meta mark set 1; }; }' \
		>>"$_LAB_DIR/nft.r$_S_slow"
	return 0
}

_lab_start_emu() {
	if [ ! -x "$LAB_EMU" ]; then
		make -C "$LAB_ROOT" -s "${LAB_EMU#"$LAB_ROOT"/}" >/dev/null || { _lab_die "cannot build $LAB_EMU"; return 1; }
	fi
	"$LAB_EMU" -v -r "$_LAB_DIR/emu.ready" "$_LAB_DIR/emu.conf" 2>"$_LAB_DIR/emu.log" &
	_LAB_EMU_PID=$!
	local i
	for ((i = 0; i < 250; i++)); do
		[ -e "$_LAB_DIR/emu.ready" ] && return 0
		kill -0 "$_LAB_EMU_PID" 2>/dev/null || break
		sleep 0.02
	done
	_lab_die "link emulator did not start: $(cat "$_LAB_DIR/emu.log")"
}

_lab_trap_sig() { lab_down; trap - EXIT; exit "$1"; }

# The emulator's lateness line (see linkemu.c) as fields:
# FRAMES MEAN_US P99_US MAX_US OVER1MS WAKEP99_US WAKEMAX_US.
_lab_lateness_fields() {
	awk '$1 == "linkemu:" && $2 == "lateness" && $3 == "frames" && $16 == "wake" { l = $0 }
		END { if (l == "") exit 1; $0 = l; print $4, $6, $9, $12, $15, $18, $21 }' "$1"
}

_lab_lateness_text() { # FRAMES MEAN P99 MAX ...
	awk -v n="$1" -v mean="$2" -v p99="$3" -v max="$4" 'BEGIN {
		printf "max %.3f ms, p99 %.3f ms, mean %.1f us, n=%d\n", max / 1000, p99 / 1000, mean, n }'
}

# The emulator's figures so far (fields as _lab_lateness_fields): SIGUSR1
# makes it print them; fails when it does not answer within 1 s.
_lab_emu_snapshot() {
	local log=$_LAB_DIR/emu.log before i
	[ -n "$_LAB_EMU_PID" ] && [ -n "$_LAB_DIR" ] || return 1
	before=$(grep -c 'lateness' "$log" 2>/dev/null)
	kill -USR1 "$_LAB_EMU_PID" 2>/dev/null || return 1
	for ((i = 0; i < 50; i++)); do
		[ "$(grep -c 'lateness' "$log" 2>/dev/null)" -gt "$before" ] && break
		sleep 0.02
	done
	[ "$i" -lt 50 ] && _lab_lateness_fields "$log"
}

# lab_emu_lateness, lab_emu_stalls: see the API note at the top.
lab_emu_lateness() {
	local f
	f=$(_lab_emu_snapshot) || return 1
	# shellcheck disable=SC2086 # fields are words
	_lab_lateness_text $f
}

lab_emu_stalls() {
	local f
	f=$(_lab_emu_snapshot) || return 1
	read -r _ _ _ _ f _ <<<"$f"
	echo "$f"
}

# After the emulator stopped: its figures into $LAB_EMU_REPORT, and a line on
# stderr for the test's log.
_lab_emu_report() {
	local f
	f=$(_lab_lateness_fields "$_LAB_DIR/emu.log") || return 0
	# shellcheck disable=SC2086 # fields are words
	echo "# linkemu lateness ($LAB_PREFIX ${_S_name:-?}): $(_lab_lateness_text $f)" >&2
	[ -n "${LAB_EMU_REPORT:-}" ] && echo "${_S_name:-?} $f" >>"$LAB_EMU_REPORT"
	return 0
}

# lab_up SCENARIO_FILE: see the API note at the top.
lab_up() {
	local file=$1 node
	[ "$(id -u)" = 0 ] || { _lab_die "needs root"; return 1; }
	[ -z "$_LAB_DIR" ] || { _lab_die "a lab is already up ($LAB_PREFIX)"; return 1; }
	_lab_parse "$file" || return 1
	_LAB_SEQ=$((_LAB_SEQ + 1))
	if [ -z "${LAB_PREFIX:-}" ] || [ -n "${_LAB_GEN_PREFIX:-}" ]; then
		LAB_PREFIX=hd${BASHPID}_$_LAB_SEQ _LAB_GEN_PREFIX=1
	fi
	[ ${#LAB_PREFIX} -le 11 ] || { _lab_die "LAB_PREFIX too long (max 11)"; return 1; }
	trap lab_down EXIT
	trap '_lab_trap_sig 130' INT
	trap '_lab_trap_sig 143' TERM
	_LAB_DIR=$(mktemp -d "/tmp/$LAB_PREFIX.XXXXXX") || return 1
	if ! _lab_build; then
		lab_down
		return 1
	fi
	LAB_NAME=$_S_name LAB_FAMILIES=$_S_family LAB_HOPS=$((_S_routers + 1)) LAB_MAXTTL=$_S_maxttl
	LAB_CLIENT=$(_lab_ns client) LAB_SERVER=$(_lab_ns server)
	LAB_TARGET4=$(_lab_addr $((_S_routers + 1)) r 4) LAB_CLIENT4=$(_lab_addr 1 l 4)
	LAB_TARGET6='' LAB_CLIENT6=''
	if [ "$_S_ipv6" = yes ]; then
		LAB_TARGET6=$(_lab_addr $((_S_routers + 1)) r 6) LAB_CLIENT6=$(_lab_addr 1 l 6)
	fi
	export LAB_PREFIX LAB_NAME LAB_FAMILIES LAB_HOPS LAB_MAXTTL LAB_CLIENT LAB_SERVER
	export LAB_TARGET4 LAB_TARGET6 LAB_CLIENT4 LAB_CLIENT6
}

_lab_build() {
	local node f
	while read -r node; do
		ip netns add "$(_lab_ns "$node")" || return 1
		_LAB_NS+=("$(_lab_ns "$node")")
		echo "link set lo up" >"$_LAB_DIR/ip.$node"
		_lab_sysctls "$node" || return 1
	done < <(_lab_nodes)
	_lab_plan_links && _lab_plan_routes && _lab_plan_nft || return 1
	_lab_start_emu || return 1
	ip -batch "$_LAB_DIR/ip.root" || return 1
	while read -r node; do
		ip -n "$(_lab_ns "$node")" -batch "$_LAB_DIR/ip.$node" ||
			{ _lab_die "ip setup of $node failed"; return 1; }
	done < <(_lab_nodes)
	if [ -n "$_S_slow" ]; then
		for f in $(_lab_fams); do
			ip -n "$(_lab_ns "r$_S_slow")" -"$f" rule add fwmark 1 table 100 || return 1
		done
	fi
	for f in "$_LAB_DIR"/nft.*; do
		[ -e "$f" ] || continue
		lab_exec "${f##*/nft.}" nft -f "$f" || { _lab_die "nft rules of ${f##*/nft.} failed"; return 1; }
	done
	return 0
}

# lab_down: tear everything down that lab_up made. Idempotent.
lab_down() {
	local ns pids i
	if [ -n "$_LAB_EMU_PID" ]; then
		kill -TERM "$_LAB_EMU_PID" 2>/dev/null
		for ((i = 0; i < 100; i++)); do
			kill -0 "$_LAB_EMU_PID" 2>/dev/null || break
			sleep 0.02
		done
		kill -KILL "$_LAB_EMU_PID" 2>/dev/null
		wait "$_LAB_EMU_PID" 2>/dev/null
		[ -n "$_LAB_DIR" ] && [ -n "${LAB_KEEP_EMU_LOG:-}" ] && cp "$_LAB_DIR/emu.log" "$LAB_KEEP_EMU_LOG"
		[ -n "$_LAB_DIR" ] && _lab_emu_report
		_LAB_EMU_PID=
	fi
	for ns in "${_LAB_NS[@]}"; do
		# Only processes a test started inside our own namespaces.
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
		[ -d "/etc/netns/$ns" ] && rm -rf "/etc/netns/$ns"
	done
	_LAB_NS=()
	[ -n "$_LAB_DIR" ] && rm -rf "$_LAB_DIR"
	_LAB_DIR=
	return 0
}
