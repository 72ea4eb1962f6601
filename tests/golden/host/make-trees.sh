#!/usr/bin/env bash
# Makes the fake /proc and /sys trees of the golden cases (each CASE/0 and
# CASE/1, the two samples `hopdoc host --replay CASE` reads). The trees are
# committed; run this after changing it, then `run.sh BUILD/hopdoc --update`
# and read the diff.
set -eu
cd "$(dirname "$0")"
# The files of one sample; callers overwrite some.
nicf() { # DIR IF rx_err rx_drop rx_miss rx_fifo tx_err tx_drop tx_fifo
	local d=$1/sys/class/net/$2/statistics; mkdir -p "$d"; shift 2
	local n
	for n in rx_errors rx_dropped rx_missed_errors rx_fifo_errors tx_errors tx_dropped tx_fifo_errors; do
		echo "$1" >"$d/$n"; shift
	done
}
softnet() { # DIR dropped0 squeeze0 dropped1 squeeze1
	mkdir -p "$1/proc/net"
	printf '%08x %08x %08x 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 %08x\n' 1000 "$2" "$3" 0 2000 "$4" "$5" 1 >"$1/proc/net/softnet_stat"
}
snmp() { # DIR outsegs retrans udp_inerr udp_rcvbuf
	mkdir -p "$1/proc/net"
	cat >"$1/proc/net/snmp" <<EOT
Ip: Forwarding DefaultTTL InReceives InHdrErrors
Ip: 1 64 12345 0
Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
Tcp: 1 200 120000 -1 10 10 0 0 2 20000 $2 $3 0 0 0
Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
Udp: 500 3 $4 500 $5 0 0 0 0
UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
UdpLite: 0 0 999 0 999 0 0 0 0
EOT
}
netstat() { # DIR overflows drops
	mkdir -p "$1/proc/net"
	printf 'TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows ListenDrops TCPTimeouts\nTcpExt: 0 0 %s %s 4\nIpExt: InNoRoutes InTruncatedPkts\nIpExt: 0 0\n' "$2" "$3" >"$1/proc/net/netstat"
}
ct() { # DIR count max insert_failed drop early_drop
	mkdir -p "$1/proc/net/stat" "$1/proc/sys/net/netfilter"
	echo "$2" >"$1/proc/sys/net/netfilter/nf_conntrack_count"
	echo "$3" >"$1/proc/sys/net/netfilter/nf_conntrack_max"
	{
	echo "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart"
	printf '%08x  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 %08x %08x %08x 00000000  00000000 00000000 00000000 00000000\n' "$2" "$4" "$5" "$6"
	printf '%08x  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 %08x %08x %08x 00000000  00000000 00000000 00000000 00000000\n' "$2" 0 0 0
	} >"$1/proc/net/stat/nf_conntrack"
}
sysctls() { # DIR
	mkdir -p "$1/proc/sys/net/core" "$1/proc/sys/net/ipv4"
	echo 1000 >"$1/proc/sys/net/core/netdev_max_backlog"
	echo 300 >"$1/proc/sys/net/core/netdev_budget"
	echo 212992 >"$1/proc/sys/net/core/rmem_max"
	echo 212992 >"$1/proc/sys/net/core/wmem_max"
	printf '4096\t131072\t6291456\n' >"$1/proc/sys/net/ipv4/tcp_rmem"
	printf '4096\t16384\t4194304\n' >"$1/proc/sys/net/ipv4/tcp_wmem"
}
quiet() { # DIR: the first sample every case starts from
	nicf "$1" lo 0 0 0 0 0 0 0
	nicf "$1" eth0 0 120 0 0 0 0 0
	softnet "$1" 5 7 1 2
	snmp "$1" 100000 50 0 0
	netstat "$1" 0 0
	ct "$1" 40 262144 1 2 3
	sysctls "$1"
}

rm -rf quiet moving wrap appear container ctfull
# quiet: nothing moves (the counters are not zero: since-boot totals must not count)
quiet quiet/0; quiet quiet/1; ct quiet/1 45 262144 1 2 3; snmp quiet/1 100500 50 0 0
# moving: every counter moves over 5 s
quiet moving/0; quiet moving/1
nicf moving/1 eth0 10 6120 30 0 0 5 0
softnet moving/1 2505 40 3001 60
snmp moving/1 110000 650 20 15
netstat moving/1 12 15
ct moving/1 1200 262144 4 50 13
# wrap: eth0 rx_dropped wraps at 2^32, lo's counter was reset
quiet wrap/0; quiet wrap/1
nicf wrap/0 eth0 0 4294967000 0 0 0 0 0
nicf wrap/1 eth0 0 200 0 0 0 0 0
nicf wrap/0 lo 0 500 0 0 0 0 0
nicf wrap/1 lo 0 3 0 0 0 0 0
# appear: veth1 appears, old0 goes away between the samples
quiet appear/0; quiet appear/1
nicf appear/0 old0 0 900 0 0 0 0 0
nicf appear/1 veth1 0 700 0 0 0 0 0
# container: no /sys, no softnet_stat, no conntrack, no netstat (old kernel or container)
mkdir -p container/0 container/1
snmp container/0 100000 50 0 0; snmp container/1 120000 150 0 0
# ctfull: the table is 95% full, nothing dropped yet
quiet ctfull/0; quiet ctfull/1; ct ctfull/0 240000 262144 1 2 3; ct ctfull/1 249037 262144 1 2 3
