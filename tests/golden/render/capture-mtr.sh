#!/usr/bin/env bash
# Captures mtr 0.95's layout for cases its samples do not cover: a silent
# hop, a path change (two responders at one TTL), names with -b, narrow and
# wide, and every field. Its output is what the lab-* cases reproduce (their
# .model files hold the figures read off it). Not part of run.sh: needs root.
#
# SAFETY: everything runs in namespaces named h4r-*; mtr runs only in h4r-c,
# whose only route is into the lab; names come from /etc/netns/h4r-c/hosts
# and its resolver points at the namespace's own loopback.
# usage: capture-mtr.sh OUTDIR
set -eu
out=${1:?usage: capture-mtr.sh OUTDIR}
mkdir -p "$out"
P=h4r
NS="c r1 r2 r3 t"
cleanup() {
	for n in $NS; do ip netns del $P-$n 2>/dev/null || true; done
	rm -rf /etc/netns/$P-c
}
trap cleanup EXIT
cleanup
for n in $NS; do ip netns add $P-$n; ip -n $P-$n link set lo up; done
link() { # link A B NET: A gets NET.1, B gets NET.2
	ip link add $P-$1$2 type veth peer name $P-$2$1
	ip link set $P-$1$2 netns $P-$1
	ip link set $P-$2$1 netns $P-$2
	ip -n $P-$1 addr add "$3.1/24" dev $P-$1$2
	ip -n $P-$2 addr add "$3.2/24" dev $P-$2$1
	ip -n $P-$1 link set $P-$1$2 up
	ip -n $P-$2 link set $P-$2$1 up
}
link r1 c 10.91.0
link r1 r2 10.91.1
link r1 r3 10.91.4
link r2 t 10.91.2
link r3 t 10.91.3
for r in r1 r2 r3; do
	ip netns exec $P-$r sysctl -qw net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0 \
		net.ipv4.icmp_msgs_per_sec=100000
done
ip -n $P-c route add 10.91.0.0/16 via 10.91.0.1
ip -n $P-r1 route add 10.91.2.0/24 via 10.91.1.2
ip -n $P-r1 route add 10.91.3.0/24 via 10.91.4.2
ip -n $P-r2 route add 10.91.0.0/16 via 10.91.1.1
ip -n $P-r3 route add 10.91.0.0/16 via 10.91.4.1
ip -n $P-t route add 10.91.0.0/16 via 10.91.2.1
mkdir -p /etc/netns/$P-c
echo "nameserver 127.0.0.1" >/etc/netns/$P-c/resolv.conf
cat >/etc/netns/$P-c/hosts <<H
127.0.0.1 localhost
10.91.0.1 gw.lab.example
10.91.1.2 a-very-long-router-name.core.transit.lab.example
10.91.4.2 b.core.lab.example
10.91.2.2 target.lab.example
H
mtrc() { ip netns exec $P-c mtr "$@"; }
nft_drop() { # nft_drop NS HOOK ICMP-TYPE
	ip netns exec $P-$1 nft -f - <<N
table inet h4r {
	chain c {
		type filter hook $2 priority 0;
		icmp type $3 drop
	}
}
N
}

# Silent hop 2 and a target that drops echo (lab-silent).
nft_drop r2 output time-exceeded
nft_drop t input echo-request
mtrc -n -r -c 3 -i 0.2 -m 6 10.91.2.2 >"$out/silent-r.txt"
ip netns exec $P-r2 nft delete table inet h4r
ip netns exec $P-t nft delete table inet h4r

# The route at hop 2 switches from r2 to r3 half way (lab-path-*).
(sleep 1.1
 ip -n $P-r1 route replace 10.91.2.0/24 via 10.91.4.2
 ip -n $P-r3 route add 10.91.2.0/24 via 10.91.3.2) &
mtrc -r -b -c 10 -i 0.2 10.91.2.2 >"$out/path-rb.txt" &
(sleep 0.05; mtrc -r -c 10 -i 0.2 10.91.2.2 >"$out/path-r.txt") &
(sleep 0.1; mtrc -rw -b -c 10 -i 0.2 10.91.2.2 >"$out/path-rwb.txt") &
(sleep 0.15; mtrc -n -r -o "LSRDNBAWVGJMXI" -c 10 -i 0.2 10.91.2.2 >"$out/path-fields.txt") &
wait
echo "capture-mtr: outputs in $out"
