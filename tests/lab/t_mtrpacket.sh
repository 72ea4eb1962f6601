#!/usr/bin/env bash
# tests/lab/t_mtrpacket.sh: Debian's mtr driving hopdoc's engine through
# mtr-packet's protocol (MTR_PACKET pointing at a link named mtr-packet).
#
# On the chain scenario, in the client namespace, against the lab's server
# only, always with -n:
#   - the protocol by hand: check-support, a probe answered ttl-expired by the
#     truth's hop 3 and one answered reply by the target, an unknown command,
#     and the process ending (status 0) when its input closes;
#   - per family, ICMP: mtr with its own mtr-packet, then with hopdoc's, each
#     with tcpdump on the client's interface (build/lab/wirepair pairs every
#     probe with its reply on the wire). Both reports must list the truth's
#     hops, without loss through hopdoc. Accuracy: "excess" = mtr's Avg minus
#     the wire's average, per hop (mtr -j gives Avg to the microsecond).
#     Through hopdoc every hop's excess must lie in -0.05..+0.02 ms, and the
#     median |excess| over the hops must be below the one with mtr's own
#     mtr-packet (which stamps with gettimeofday around its own wake-ups).
#     The bounds: both of hopdoc's stamps are the kernel's, taken next to
#     the capture's (the receive stamp where the capture stamps; the send
#     stamp at the device, a few microseconds after the capture's tap), so
#     load cannot make its excess positive; mtr's int running mean pulls
#     every Avg a few microseconds down (docs/mtrpacket.md). A receive time
#     read after the wake-up, as mtr-packet's, gave +0.026..+0.061 ms here
#     and fails the upper bound; t_probe.sh's +0.1 would let it pass;
#   - UDP and TCP, per family: the same hops as mtr with its own mtr-packet;
#   - as the user nobody, through a copy of hopdoc with cap_net_raw+ep (what
#     `make install` gives it) behind the link: mtr lists the same hops.
# The per-hop figures are printed on the PASS lines.
# Needs root, mtr (mtr-tiny), tcpdump, jq. Env: MTRPACKET_CYCLES (20).
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" mtrpacket
WIREPAIR=$ROOT/build/lab/wirepair
CYCLES=${MTRPACKET_CYCLES:-20}

command -v mtr >/dev/null || { echo "SKIP: lab/mtrpacket (no mtr installed)"; exit 0; }

# lab_up's EXIT trap (lab_down) replaces any of ours: the work folder is
# removed at the end, or kept after a failure for a look.
work=$(mktemp -d /tmp/hl15mtrpkt.XXXXXX)
mkdir -p "$work/bin" "$work/mtrbin"
chmod 755 "$work" "$work/bin" "$work/mtrbin"
ln -s "$HOPDOC" "$work/bin/mtr-packet"
LINK=$work/bin/mtr-packet
# mtr falls back to the mtr-packet beside its own argv[0] (then ./mtr-packet)
# when $MTR_PACKET cannot be run: started as $work/mtrbin/mtr from /, it has
# no such fallback, so a run "through hopdoc" either is one or fails
# (check_guard proves it).
ln -s "$(command -v mtr)" "$work/mtrbin/mtr"
MTR_NOFALLBACK=$work/mtrbin/mtr

# run_mtr OWN|HOPDOC FAMILY ARGS... -> mtr's JSON hubs as "COUNT HOST LOSS AVG" lines
run_mtr() {
	local who=$1 fam=$2
	shift 2
	local -a cmd=(mtr)
	[ "$who" = hopdoc ] && cmd=(env "MTR_PACKET=$LINK" "$MTR_NOFALLBACK")
	(cd / && lab_client "${cmd[@]}" -n -j -"$fam" -m "${LAB_MAXTTL:-30}" "$@" "$(target_of "$fam")") |
		jq -r '.report.hubs[] | [.count, .host, ."Loss%", .Avg] | @tsv'
}

# Without the fallback, an MTR_PACKET that cannot be run stops mtr before it
# sends anything.
check_guard() {
	local out
	if out=$(cd / && lab_client env MTR_PACKET=/nonexistent/mtr-packet "$MTR_NOFALLBACK" -n -r -c 1 \
		"$LAB_TARGET4" 2>&1); then
		fail "guard" "mtr ran without an mtr-packet to run: the runs through hopdoc prove nothing" \
			"$(head -c 300 <<<"$out")"
	else
		pass "guard (mtr without its fallback stops when MTR_PACKET cannot run)"
	fi
}

truth_hops() { # FAMILY -> "TTL ADDR" lines
	lab_truth "$LAB_SCN" "$1" | awk '$1 == "hop" { print $2, $3 }'
}

hop_list() { awk '{ print $1, $2 }' "$1"; }

# ---- the protocol by hand -----------------------------------------------------

check_by_hand() {
	local hop3 out rc
	hop3=$(truth_hops 4 | awk '$1 == 3 { print $2 }')
	printf '%s\n' "1 check-support feature send-probe" "2 check-support feature udp" \
		"3 send-probe ip-4 $LAB_TARGET4 ttl 3" "4 send-probe ip-4 $LAB_TARGET4 ttl 30" \
		"5 frobnicate" >"$work/cmds"
	out=$( (cat "$work/cmds"; sleep 2) | lab_client timeout 10 "$LINK")
	rc=$?
	local want=("1 feature-support support ok" "2 feature-support support ok"
		"3 ttl-expired ip-4 $hop3 round-trip-time " "4 reply ip-4 $LAB_TARGET4 round-trip-time "
		"5 unknown-command")
	local missing=()
	for w in "${want[@]}"; do grep -qF -- "$w" <<<"$out" || missing+=("$w"); done
	if [ "$rc" = 0 ] && [ ${#missing[@]} -eq 0 ]; then
		pass "by-hand ($(grep -c . <<<"$out") replies, exit 0 when input closed)"
	else
		fail "by-hand" "exit $rc (124: did not end when its input closed)" \
			"missing: ${missing[*]}" "got: $(tr '\n' ';' <<<"$out")"
	fi
}

# ---- hops and accuracy against the wire ---------------------------------------

# wire_excess MTRLINES WIREFILE -> "TTL:EXCESS_MS" words (mtr Avg - wire avg)
wire_excess() {
	awk 'FNR == NR { if ($1 == "ttl") wire[$2] = $6; next }
		($1 in wire) && $4 + 0 > 0 { printf "%d:%.3f\n", $1, $4 - wire[$1] }' "$2" "$1"
}

median_abs() { # "TTL:X" lines -> the median of |X|
	awk -F: '{ x = $2 < 0 ? -$2 : $2; print x }' "$1" | sort -g |
		awk '{ v[NR] = $1 } END { if (!NR) { print "nan"; exit }
			print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

measure() { # WHO FAMILY -> $work/WHO.FAMILY.{m,wire,excess}
	local who=$1 fam=$2 base="$work/$1.$2"
	lab_capture "$(lab_client_iface)" "$work/cap.pcap" "icmp or icmp6"
	run_mtr "$who" "$fam" -c "$CYCLES" -i 0.2 >"$base.m" 2>"$base.err"
	lab_capture_stop
	"$WIREPAIR" "$work/cap.pcap" >"$base.wire" 2>"$base.wire.err"
	wire_excess "$base.m" "$base.wire" >"$base.excess"
}

check_family() {
	local fam=$1 own="$work/own.$1" hd="$work/hopdoc.$1" name="chain/icmp/ipv$1"
	measure own "$fam"
	measure hopdoc "$fam"
	truth_hops "$fam" >"$work/truth.$fam"
	if ! diff -q <(hop_list "$hd.m") "$work/truth.$fam" >/dev/null ||
		! diff -q <(hop_list "$own.m") "$work/truth.$fam" >/dev/null; then
		fail "$name/hops" "truth: $(tr '\n' ';' <"$work/truth.$fam")" \
			"mtr + hopdoc: $(tr '\n' ';' <"$hd.m")" "mtr alone: $(tr '\n' ';' <"$own.m")"
	else
		pass "$name/hops ($(wc -l <"$work/truth.$fam") hops, the truth's, both ways)"
	fi
	local lossy
	lossy=$(awk '$3 + 0 > 0 { printf "%s:%s%% ", $1, $3 }' "$hd.m")
	if [ -z "$lossy" ]; then
		pass "$name/no-loss"
	else
		fail "$name/no-loss" "loss through hopdoc: $lossy"
	fi
	check_accuracy "$fam" "$name"
}

check_accuracy() {
	local fam=$1 name=$2/wire own="$work/own.$1.excess" hd="$work/hopdoc.$1.excess"
	local m_own m_hd bad figures
	m_own=$(median_abs "$own")
	m_hd=$(median_abs "$hd")
	bad=$(awk -F: '$2 > 0.02 || $2 < -0.05 { printf "%s ", $0 }' "$hd")
	figures="excess_ms own mtr-packet: $(tr '\n' ' ' <"$own")| hopdoc: $(tr '\n' ' ' <"$hd")"
	figures+="| median |excess| $m_own -> $m_hd"
	if [ -s "$hd" ] && [ "$(wc -l <"$hd")" = "$(wc -l <"$work/truth.$fam")" ] && [ -z "$bad" ] &&
		awk -v a="$m_hd" -v b="$m_own" 'BEGIN { exit !(a < b) }'; then
		pass "$name ($figures)"
	else
		fail "$name" "$figures" "out of -0.05..+0.02 ms: ${bad:-none}" \
			"wire own: $(tr '\n' ';' <"$work/own.$fam.wire")" \
			"wire hopdoc: $(tr '\n' ';' <"$work/hopdoc.$fam.wire")"
	fi
}

check_proto_hops() { # PROTO FAMILY ARGS...
	local fam=$2 name="chain/$1/ipv$2/hops" base="$work/$1.$2"
	shift 2
	run_mtr own "$fam" -c 3 -i 0.2 "$@" >"$base.own" 2>&1
	run_mtr hopdoc "$fam" -c 3 -i 0.2 "$@" >"$base.hopdoc" 2>&1
	if [ -s "$base.own" ] && diff -q <(hop_list "$base.own") <(hop_list "$base.hopdoc") >/dev/null
	then
		pass "$name ($(wc -l <"$base.own") hops, as mtr's own)"
	else
		fail "$name" "mtr alone: $(tr '\n' ';' <"$base.own")" \
			"mtr + hopdoc: $(tr '\n' ';' <"$base.hopdoc")"
	fi
}

# An installed hopdoc: a copy with the file capability, the link beside it.
check_unprivileged() {
	local name="chain/icmp/ipv4/as-nobody" d="$work/inst"
	mkdir -p "$d/libexec" && chmod 755 "$d" "$d/libexec"
	install -m 0755 "$HOPDOC" "$d/hopdoc" && ln -sf ../hopdoc "$d/libexec/mtr-packet"
	if ! setcap cap_net_raw+ep "$d/hopdoc" 2>/dev/null; then
		echo "SKIP: lab/mtrpacket/$name (no setcap, or $work keeps no capabilities)"
		return
	fi
	truth_hops 4 >"$work/truth.4"
	# mtr refuses -i below 1 s to other users than root.
	(cd / && lab_client setpriv --reuid=65534 --regid=65534 --clear-groups \
		env "MTR_PACKET=$d/libexec/mtr-packet" \
		"$MTR_NOFALLBACK" -n -j -4 -c 2 -i 1 "$LAB_TARGET4" 2>"$work/nobody.err") |
		jq -r '.report.hubs[] | [.count, .host] | @tsv' >"$work/nobody.m"
	if diff -q <(hop_list "$work/nobody.m") "$work/truth.4" >/dev/null; then
		pass "$name ($(wc -l <"$work/nobody.m") hops, the truth's)"
	else
		fail "$name" "truth: $(tr '\n' ';' <"$work/truth.4")" \
			"mtr + hopdoc as nobody: $(tr '\n' ';' <"$work/nobody.m") $(head -c 300 "$work/nobody.err")"
	fi
}

LAB_SCN=$ROOT/tests/lab/scenarios/chain.scn
if ! lab_up "$LAB_SCN" >"$work/up.log" 2>&1; then
	fail "chain/lab" "lab_up failed: $(tail -3 "$work/up.log")"
	exit 1
fi
check_guard
check_by_hand
for fam in $LAB_FAMILIES; do check_family "$fam"; done
for fam in $LAB_FAMILIES; do
	check_proto_hops udp "$fam" -u
	check_proto_hops tcp "$fam" -T -P 80
done
check_unprivileged
lab_down
check_done && rm -rf "$work"
check_done
