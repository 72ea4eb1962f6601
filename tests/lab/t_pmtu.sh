#!/usr/bin/env bash
# tests/lab/t_pmtu.sh: probes bigger than the path MTU (issue 14). A chain of
# 5 routers whose link 4 (r3 - r4) has an MTU of 1400; hopdoc runs with
# -s 1500, ICMP and UDP, IPv4 and IPv6. Each hop must be answered by the
# truth's address only, with the truth's Best: r3's "fragmentation needed" /
# "packet too big" must never stand in for hops 4 to 6 (a phantom responder
# with r3's RTT). IPv4 probes leave without DF (as mtr's), so r3 fragments
# them and no "too big" comes; IPv6 routers never fragment, so r3's "packet
# too big" must be reported as the path MTU (1400 at hop 3), in the
# diagnosis and in the JSON. mtr runs the same way alongside (in the lab
# namespace only, -n); both reports go to build/logs/pmtu-side-by-side.txt.
# Prints PASS:/FAIL: lines; exits non-zero on any failure. Needs root.
# One letter and the whole pid (at most 8 characters): unique among
# concurrent runs, which a cut pid was not.
LAB_PREFIX=${LAB_PREFIX:-m$$}
LAB_PREFIX=${LAB_PREFIX:0:8}
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" pmtu

WORK=$(mktemp -d /tmp/hl14pmtu.XXXXXX)
SIDE=$ROOT/build/logs/pmtu-side-by-side.txt
CYCLES=10
mkdir -p "$ROOT/build/logs"
: >"$SIDE"

cat >"$WORK/pmtu.scn" <<'EOF'
name pmtu
desc a 1400-byte MTU link after hop 3 (r3 - r4), IPv4 and IPv6
routers 5
family 4 6
link 4 mtu 1400
EOF

lab_up "$WORK/pmtu.scn" || { fail setup; exit 1; }
trap 'lab_down; rm -rf "$WORK"' EXIT
trap 'exit 1' INT TERM

# The kernel remembers a learned path MTU (about 10 minutes) and fragments
# at the source from then on, so no router says "too big" again: every run
# starts with the cache empty, as a first run would.
flush_pmtu() {
	lab_client ip -4 route flush cache 2>/dev/null
	lab_client ip -6 route flush cache 2>/dev/null
}

# The report's hops: "TTL HOST BEST" for the first line of a hop and
# "TTL HOST -" for every further responder under it ("    |-- HOST").
report_hops() {
	awk '$1 ~ /^[0-9]+\.\|--$/ { ttl = $1 + 0; print ttl, $2, $7; next }
	     $1 == "|--" && ttl { print ttl, $2, "-" }' "$1"
}

# Problems with a report against the truth, one per line.
compare_truth() { # TRUTH REPORT
	awk 'function abs(x) { return x < 0 ? -x : x }
	FNR == NR { if ($1 == "hop") { addr[$2] = $3; rtt[$2] = $4; n = $2 } next }
	{ seen[$1] = 1
	  if (!($1 in addr)) { printf "hop %d answered (%s) but the truth has no such hop\n", $1, $2; next }
	  if ($2 != addr[$1]) printf "hop %d: responder %s, truth %s\n", $1, $2, addr[$1]
	  if ($3 != "-" && abs($3 - rtt[$1]) > 0.5) printf "hop %d: Best %s ms, truth %s ms\n", $1, $3, rtt[$1] }
	END { for (t = 1; t <= n; t++) if (!(t in seen)) printf "hop %d missing\n", t }' "$1" "$2"
}

for fam in 4 6; do
	target=$(target_of "$fam")
	lab_truth "$WORK/pmtu.scn" "$fam" >"$WORK/truth$fam"
	r3=$(awk '$1 == "hop" && $2 == 3 { print $3 }' "$WORK/truth$fam")
	for proto in icmp udp; do
		flag=() name=$proto$fam
		[ "$proto" = udp ] && flag=(-u)
		out=$WORK/$name.txt
		flush_pmtu
		lab_client "$HOPDOC" -n -r --diagnose -s 1500 -c "$CYCLES" -i 0.1 "${flag[@]}" \
			"$target" >"$out" 2>&1
		rc=$?
		report_hops "$out" >"$WORK/$name.hops"
		mapfile -t problems < <(compare_truth "$WORK/truth$fam" "$WORK/$name.hops")
		if [ "$rc" -eq 0 ] && [ ${#problems[@]} -eq 0 ]; then
			pass "$name-hops (every hop its own responder and Best, -s 1500 over a 1400 link)"
		else
			fail "$name-hops" "exit $rc" "${problems[@]}" "$(cat "$out")"
		fi
		mtu_line=$(grep -i 'path MTU' "$out")
		if [ "$fam" = 6 ]; then
			if [[ $mtu_line == *"1400 bytes"*"hop 3 ($r3)"* ]]; then
				pass "$name-path-mtu (reported: 1400 at hop 3)"
			else
				fail "$name-path-mtu" "want the path MTU 1400 at hop 3 ($r3)" "$(cat "$out")"
			fi
		elif [ -n "$mtu_line" ]; then
			fail "$name-no-df" "IPv4 probes must leave without DF: r3 fragments, says nothing" "$mtu_line"
		else
			pass "$name-no-df (r3 fragmented; no \"too big\")"
		fi
		flush_pmtu
		lab_client mtr -n -r -s 1500 -c "$CYCLES" -i 0.1 "${flag[@]}" "$target" >"$WORK/$name.mtr" 2>&1
		{
			echo "== $name: $HOPDOC -n -r --diagnose -s 1500 -c $CYCLES -i 0.1 ${flag[*]} $target"
			cat "$out"
			echo "== $name: mtr -n -r -s 1500 -c $CYCLES -i 0.1 ${flag[*]} $target"
			cat "$WORK/$name.mtr"
			echo
		} >>"$SIDE"
	done
done

# The JSON carries the path MTU (IPv6, where a hop reported it).
flush_pmtu
json=$(lab_client "$HOPDOC" -n -j -s 1500 -c 3 -i 0.1 "$LAB_TARGET6" 2>&1)
got=$(jq -c '.report.path_mtu | [.mtu, .hop]' <<<"$json" 2>/dev/null)
if [ "$got" = "[1400,3]" ]; then
	pass "json (report.path_mtu: mtu 1400, hop 3)"
else
	fail json "want report.path_mtu {mtu: 1400, hop: 3}, got '$got'" "$json"
fi

check_done
