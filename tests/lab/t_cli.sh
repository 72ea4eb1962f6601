#!/usr/bin/env bash
# tests/lab/t_cli.sh: hopdoc's command line in a lab. The same mtr command
# line given to hopdoc and to Debian's mtr, both in the client namespace, must
# give the same hop list; usage errors must exit 1 (as mtr's) with a message
# naming the option; SIGINT must still print the report; the issue-14 items
# (MTR_OPTIONS, -z/-y/-e, streaming -l/-p, messages, command words, -a, CSV
# Start_Time, -l sequence numbers) each against mtr's behaviour. Prints
# PASS:/FAIL: lines.
# Needs root. SCENARIO (a scenario file) may be given as $1.
# One letter and the whole pid (at most 8 characters): unique among
# concurrent runs, which a cut pid was not.
LAB_PREFIX=${LAB_PREFIX:-c$$}
LAB_PREFIX=${LAB_PREFIX:0:8}
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" cli
unset MTR_OPTIONS # the caller's would change every run below

# ---- usage: no probing at all ------------------------------------------------
usage_case() { # NAME EXPECTED_MESSAGE ARGS...
	local name=$1 want=$2 out rc
	shift 2
	out=$("$HOPDOC" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq 1 ] && [[ $out == *"$want"* ]]; then pass "usage/$name"
	else fail "usage/$name" "exit $rc, stderr: $out"; fi
}
usage_case cycles-zero "hopdoc: -c: expected an integer from 1 to" -r -c 0 127.0.0.1
usage_case interval-junk "hopdoc: -i: expected a number of seconds" -i 1x 127.0.0.1
usage_case udp-and-tcp "-u and -T are mutually exclusive" -u -T 127.0.0.1
usage_case unknown-option "unknown option --frobnicate" --frobnicate 127.0.0.1
usage_case missing-argument "-c (--report-cycles) needs an argument" 127.0.0.1 -c
usage_case ambiguous "option --re is ambiguous; possibilities: --report --report-wide --report-cycles" --re 127.0.0.1
usage_case ipinfo-range "-y: expected an integer from 0 to 4" -y 5 127.0.0.1
usage_case address-family "-a: 127.0.0.1 is an IPv4 address, but -6 asks for IPv6" -6 -a 127.0.0.1 ::1
out=$(MTR_OPTIONS="-c 0" "$HOPDOC" 127.0.0.1 2>&1 >/dev/null)
rc=$?
if [ "$rc" -eq 1 ] && [[ $out == *"MTR_OPTIONS: -c: expected an integer"* ]]; then pass usage/mtr-options-error
else fail usage/mtr-options-error "exit $rc: $out"; fi
# mtr 0.95 splits MTR_OPTIONS at spaces and tabs only: a quote is a field letter.
out=$(MTR_OPTIONS="-o 'LS'" "$HOPDOC" 127.0.0.1 2>&1 >/dev/null)
rc=$?
if [ "$rc" -eq 1 ] && [[ $out == *"MTR_OPTIONS: -o: unknown field letter '''"* ]]; then pass usage/mtr-options-quote
else fail usage/mtr-options-quote "exit $rc: $out"; fi
if "$HOPDOC" --version | grep -q '^hopdoc ' && "$HOPDOC" --help | grep -q -- '--report-cycles'; then
	pass usage/help-version
else
	fail usage/help-version
fi

# mtr's rule: only root may ask for intervals below one second.
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$HOPDOC" -r -i 0.5 127.0.0.1 2>&1)
rc=$?
if [ "$rc" -eq 1 ] && [[ $out == *"-i: intervals below 1 second need root"* ]]; then
	pass usage/interval-needs-root
else
	fail usage/interval-needs-root "exit $rc: $out"
fi

# ---- the lab -------------------------------------------------------------------
WORK=$(mktemp -d /tmp/hl7cli.XXXXXX)
SCN=${1:-$WORK/cli.scn}
cat >"$WORK/cli.scn" <<'EOF'
name cli
desc plain chain for the command-line test
routers 4
family 4 6
ipv6 yes
link 2 delay 2ms
link 4 delay 3ms
EOF
lab_up "$SCN" || { fail setup; exit 1; }
trap 'lab_down; rm -rf "$WORK"' EXIT
trap 'exit 1' INT TERM

# The host column of a report, one hop per line ("1 192.168.1.1").
hops_of() { awk '$1 ~ /^[0-9]+\.\|--$/ { sub(/\.\|--/, "", $1); print $1, $2 }'; }

compare_with_mtr() { # NAME OPTIONS... (the target is the last option when it is -6)
	local name=$1 h m target=$LAB_TARGET4
	shift
	[ "${*: -1}" = -6 ] && target=$LAB_TARGET6
	h=$(lab_client "$HOPDOC" "$@" "$target" 2>&1)
	local hrc=$?
	m=$(lab_client mtr "$@" "$target" 2>&1)
	if [ "$hrc" -eq 0 ] && [ -n "$(hops_of <<<"$h")" ] &&
		[ "$(hops_of <<<"$h")" = "$(hops_of <<<"$m")" ]; then
		pass "$name ($(hops_of <<<"$h" | wc -l) hops, same as mtr)"
	else
		fail "$name" "hopdoc (exit $hrc):" "$h" "mtr:" "$m"
	fi
}
compare_with_mtr report-wide -rwc 5 -i 0.1 -n
compare_with_mtr combined-flags -nrwc5 -i 0.1
compare_with_mtr udp -rwc 5 -i 0.1 -n -u
compare_with_mtr tcp -rwc 5 -i 0.1 -n -T -P 443
compare_with_mtr ipv6 -rwc 5 -i 0.1 -n -6

# -c 1000 at -i 0.1 would take 100 s; SIGINT after 1 s must end the run at
# once with the report of what was gathered.
lab_client timeout --preserve-status -s INT 1 "$HOPDOC" -rwc 1000 -i 0.1 -n "$LAB_TARGET4" >"$WORK/int.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ "$(hops_of <"$WORK/int.out" | wc -l)" -ge 5 ]; then
	pass "sigint (report printed, exit 0)"
else
	fail sigint "exit $rc" "$(cat "$WORK/int.out")"
fi

# SIGINT during the grace wait (-G): the run has sent its one round and the
# target never answers (the server drops the client's probes), so hopdoc
# waits out -G 10. A stop signal must end that wait at once, not at the next
# timer. The control shows the wait is real: without a signal the run is
# still waiting after 4 s. Bounds are generous (a busy machine); the point is
# "well before the grace expired".
lab_server nft add table inet hl7grace
lab_server nft add chain inet hl7grace input '{ type filter hook input priority 0; }'
lab_server nft add rule inet hl7grace input ip saddr "$LAB_CLIENT4" drop
grace_args=(-r -n -c 1 -G 10 "$LAB_TARGET4")
lab_client timeout -s KILL 4 "$HOPDOC" "${grace_args[@]}" >/dev/null 2>&1
control_rc=$?
t0=$(date +%s%N)
lab_client timeout --preserve-status -s INT 1 "$HOPDOC" "${grace_args[@]}" >"$WORK/grace.out" 2>&1
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
lab_server nft delete table inet hl7grace
if [ "$control_rc" -ne 137 ]; then
	fail sigint-grace "control: without a signal the run ended (exit $control_rc) before 4 s of -G 10"
elif [ "$rc" -eq 0 ] && [ "$ms" -lt 3000 ] && [ "$(hops_of <"$WORK/grace.out" | wc -l)" -ge 4 ]; then
	pass "sigint-grace (SIGINT at 1 s of -G 10: report after $ms ms; still waiting at 4 s without it)"
else
	fail sigint-grace "exit $rc after $ms ms (want 0, < 3000 ms, a report)" "$(cat "$WORK/grace.out")"
fi

# -F: hosts from a file (and "-" for stdin), traced one after the other.
printf '# lab target, twice\n%s\n\n  %s  \n' "$LAB_TARGET4" "$LAB_TARGET4" >"$WORK/hosts"
n_file=$(lab_client "$HOPDOC" -r -n -c 2 -i 0.1 -F "$WORK/hosts" 2>&1 | grep -c '^HOST: ')
n_stdin=$(lab_client "$HOPDOC" -r -n -c 2 -i 0.1 -F - <"$WORK/hosts" 2>&1 | grep -c '^HOST: ')
if [ "$n_file" -eq 2 ] && [ "$n_stdin" -eq 2 ]; then pass "filename (2 reports from -F FILE and -F -)"
else fail filename "reports: $n_file from the file, $n_stdin from stdin"; fi

# ---- issue 14: drop-in exactness ---------------------------------------------
# Words that read like commands print the usage and are never looked up. The
# client's resolver points at a lab address where no server listens, so even
# a regression could only ask the lab; it would then fail with "cannot
# resolve", not print the usage.
RESOLV_DIR=/etc/netns/$LAB_CLIENT
mkdir -p "$RESOLV_DIR"
printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$LAB_TARGET4" >"$RESOLV_DIR/resolv.conf"
trap 'rm -rf "$RESOLV_DIR"; lab_down; rm -rf "$WORK"' EXIT
for word in help usage version; do
	out=$(lab_client "$HOPDOC" "$word" 2>&1)
	rc=$?
	want='usage: hopdoc'
	[ "$word" = version ] && want='hopdoc '
	if [ "$rc" -eq 0 ] && [[ $out == "$want"* ]]; then pass "command-word/$word"
	else fail "command-word/$word" "exit $rc: $(head -3 <<<"$out")"; fi
done

# mtr -rwzbc100 HOST, as hosting providers ask for (here -c 5): it runs and
# lists mtr's hops, each with mtr's AS column (" 1. AS???    host"): with -n
# hopdoc asks no DNS at all, so every AS is unknown (t_asn.sh has a lab DNS
# server). mtr itself is run without -z: its AS lookups would ask a real
# name server.
z_hops_of() { awk '$1 ~ /^[0-9]+\.$/ && $2 ~ /^AS/ { sub(/\./, "", $1); print $1, $3 }'; }
h=$(lab_client "$HOPDOC" -rwzbc5 -i 0.1 -n "$LAB_TARGET4" 2>"$WORK/z.err")
hrc=$?
m=$(lab_client mtr -rwbc5 -i 0.1 -n "$LAB_TARGET4" 2>&1)
unknown=$(grep -c '^ *[0-9]*\. AS??? ' <<<"$h")
if [ "$hrc" -eq 0 ] && [ ! -s "$WORK/z.err" ] && [ -n "$(z_hops_of <<<"$h")" ] &&
	[ "$unknown" -eq "$(hops_of <<<"$m" | wc -l)" ] &&
	[ "$(z_hops_of <<<"$h")" = "$(hops_of <<<"$m")" ]; then
	pass "mtr-rwzbc (runs, mtr's hops, $unknown rows AS??? under -n)"
else
	fail mtr-rwzbc "exit $hrc: $(cat "$WORK/z.err")" "$h" "mtr:" "$m"
fi
out=$(lab_client "$HOPDOC" -r -e -y 2 --aslookup --mpls -c 1 -i 0.1 -n "$LAB_TARGET4" 2>&1)
if [ "$(grep -c '^ *[0-9]*\. AS??? ' <<<"$out")" -ge 1 ] && ! grep -q 'not shown' <<<"$out"; then
	pass "mpls-ipinfo-taken (the last of -y 2 and -z wins, as in mtr)"
else fail mpls-ipinfo-taken "$out"; fi

# MTR_OPTIONS before argv, as mtr: the same variable gives both the same
# header (-o) and cycle count; argv's -c wins; -n there means no lookups.
export MTR_OPTIONS="-n	-c 9 -o LSN"
h=$(lab_client "$HOPDOC" -r -c 2 -i 0.1 "$LAB_TARGET4" 2>&1)
m=$(lab_client mtr -r -c 2 -i 0.1 "$LAB_TARGET4" 2>&1)
unset MTR_OPTIONS
h_head=$(grep '^HOST:' <<<"$h" | awk '{ $2 = ""; print }')
m_head=$(grep '^HOST:' <<<"$m" | awk '{ $2 = ""; print }')
h_snt=$(awk '$1 == "1.|--" { print $4 }' <<<"$h")
if [ -n "$h_head" ] && [ "$h_head" = "$m_head" ] && [ "$h_snt" = 2 ] &&
	[ "$(hops_of <<<"$h")" = "$(hops_of <<<"$m")" ]; then
	pass "mtr-options (header '$h_head' and hops as mtr's; Snt $h_snt)"
else
	fail mtr-options "hopdoc:" "$h" "mtr:" "$m"
fi

# -l and -p stream line by line: into a file and into a pipe, a run killed
# with SIGKILL after 3 s (of a 200-round run) leaves the lines printed so far.
# Fully buffered, 3 s of output (a few hundred bytes a second) stays in the
# dead process's buffer.
for mode in l p; do
	lab_client timeout -s KILL 3 "$HOPDOC" -"$mode" -n -c 200 -i 0.2 "$LAB_TARGET4" >"$WORK/kill-file.$mode" 2>/dev/null
	lab_client timeout -s KILL 3 "$HOPDOC" -"$mode" -n -c 200 -i 0.2 "$LAB_TARGET4" 2>/dev/null | cat >"$WORK/kill-pipe.$mode"
	nf=$(grep -c . "$WORK/kill-file.$mode") np=$(grep -c . "$WORK/kill-pipe.$mode")
	if [ "$nf" -ge 10 ] && [ "$np" -ge 10 ] && [ "$(tail -c 1 "$WORK/kill-file.$mode" | od -An -c | tr -d ' ')" = '\n' ]; then
		pass "stream-$mode-killed ($nf lines in a file, $np through a pipe, after SIGKILL)"
	else
		fail "stream-$mode-killed" "$nf lines in the file, $np through the pipe"
	fi
done
lab_client timeout -s TERM 2 "$HOPDOC" -l -n -c 200 -i 0.2 "$LAB_TARGET4" >"$WORK/term.l" 2>/dev/null
rc=$?
n=$(grep -c '^x ' "$WORK/term.l")
if [ "$n" -ge 5 ]; then pass "stream-l-sigterm (exit $rc, $n probes logged)"
else fail stream-l-sigterm "exit $rc, $n x lines"; fi

# -l numbers probes from 33000, as mtr's.
h=$(lab_client "$HOPDOC" -l -n -c 1 "$LAB_TARGET4" 2>&1 | head -1)
m=$(lab_client mtr -l -n -c 1 "$LAB_TARGET4" 2>&1 | head -1)
if [ "$h" = "x 0 33000" ] && [ "$h" = "$m" ]; then pass "raw-first-seq ('$h', as mtr)"
else fail raw-first-seq "hopdoc '$h', mtr '$m'"; fi

# CSV Start_Time is when the report is made (mtr 0.95's display_close), not
# when the run started: a 3-round run at 1 s lasts at least 2 s.
csv_time() { awk -F, 'NR == 2 { print $2 }'; }
t0=$(date +%s)
h=$(lab_client "$HOPDOC" -C -n -c 3 -i 1 "$LAB_TARGET4" 2>&1 | csv_time)
t1=$(date +%s)
m=$(lab_client mtr -C -n -c 3 -i 1 "$LAB_TARGET4" 2>&1 | csv_time)
if [ -n "$h" ] && [ "$h" -ge $((t0 + 2)) ] && [ "$h" -le "$t1" ] && [ -n "$m" ] && [ "$m" -ge $((t1 + 2)) ]; then
	pass "csv-start-time (hopdoc $((h - t0)) s after the start, mtr $((m - t1)) s)"
else
	fail csv-start-time "started $t0 and $t1; hopdoc $h, mtr $m"
fi

# -L applies where mtr's does: UDP probes leave from that port, TCP probes
# do not (mtr-packet carries -L on UDP only). Counted on the wire for both.
probes_from_port() { # PROG FLAG -> "FROM_PORT ALL" outgoing probes
	local prog=$1 flag=$2 proto=udp
	[ "$flag" = -T ] && proto=tcp
	lab_capture any "$WORK/lport.pcap" "src host $LAB_CLIENT4 and $proto"
	lab_client "$prog" -r -n -c 2 -i 0.2 "$flag" -P 33434 -L 40000 "$LAB_TARGET4" >/dev/null 2>&1
	lab_capture_stop
	echo "$(tcpdump -r "$WORK/lport.pcap" -n 'src port 40000' 2>/dev/null | wc -l)" \
		"$(tcpdump -r "$WORK/lport.pcap" -n 2>/dev/null | wc -l)"
}
for flag in -u -T; do
	read -r hp ha < <(probes_from_port "$HOPDOC" "$flag")
	read -r mp ma < <(probes_from_port mtr "$flag")
	if [ "$flag" = -u ]; then ok=$((ha > 0 && hp == ha && ma > 0 && mp == ma))
	else ok=$((ha > 0 && hp == 0 && ma > 0 && mp == 0)); fi
	if [ "$ok" = 1 ]; then pass "localport$flag (from port 40000: hopdoc $hp of $ha probes, mtr $mp of $ma)"
	else fail "localport$flag" "from port 40000: hopdoc $hp of $ha probes, mtr $mp of $ma"; fi
done

# Messages that say what is wrong.
lab_client "$HOPDOC" -r -n -c 1 -a 10.255.255.1 "$LAB_TARGET4" >/dev/null 2>"$WORK/err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q -- '-a 10.255.255.1 is not an address of this host' "$WORK/err"; then
	pass "nonlocal-address ($(cat "$WORK/err"))"
else
	fail nonlocal-address "exit $rc: $(cat "$WORK/err")"
fi
lab_client "$HOPDOC" -r -n -c 1 -a "$LAB_CLIENT4" "$LAB_TARGET6" >/dev/null 2>"$WORK/err"
rc=$?
lab_client mtr -r -n -c 1 -a "$LAB_CLIENT4" "$LAB_TARGET6" >/dev/null 2>"$WORK/mtr.err"
mrc=$?
if [ "$rc" -eq 1 ] && [ "$mrc" -eq 1 ] && [ -s "$WORK/err" ]; then
	pass "address-wrong-family (hopdoc: $(cat "$WORK/err"); mtr exit $mrc: $(cat "$WORK/mtr.err"))"
else
	fail address-wrong-family "hopdoc exit $rc: $(cat "$WORK/err")" "mtr exit $mrc: $(cat "$WORK/mtr.err")"
fi
# Without root or CAP_NET_RAW: ICMP with ping_group_range closed (the
# namespace's own setting) is "Permission denied"; UDP needs a raw socket.
lab_client sysctl -q -w net.ipv4.ping_group_range="1 0"
for proto in icmp udp; do
	flag=()
	[ "$proto" = udp ] && flag=(-u)
	lab_client setpriv --reuid=65534 --regid=65534 --clear-groups "$HOPDOC" -r -n -c 1 "${flag[@]}" "$LAB_TARGET4" >/dev/null 2>"$WORK/err"
	rc=$?
	if [ "$rc" -eq 1 ] && grep -Eq 'Permission denied|Operation not permitted' "$WORK/err" &&
		grep -q 'root' "$WORK/err" && grep -q 'CAP_NET_RAW' "$WORK/err" && grep -q 'ping_group_range' "$WORK/err"; then
		pass "permission-denied-$proto ($(cat "$WORK/err"))"
	else
		fail "permission-denied-$proto" "exit $rc: $(cat "$WORK/err")"
	fi
done
lab_client "$HOPDOC" -r -n -c 1 -i 0.1 "$LAB_TARGET4" >/dev/full 2>"$WORK/err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q 'cannot write the output: No space left on device' "$WORK/err"; then
	pass "write-error ($(cat "$WORK/err"))"
else
	fail write-error "exit $rc: $(cat "$WORK/err")"
fi

# make install gives hopdoc cap_net_raw+ep (as Debian's mtr-packet): an
# ordinary user then probes with ICMP, UDP and TCP, and keeps no capability.
mkdir -p "$WORK/inst" && chmod 755 "$WORK" "$WORK/inst"
make -s -C "$ROOT" install DESTDIR="$WORK/inst" PREFIX=/usr >"$WORK/install.out" 2>&1
caps=$(getcap "$WORK/inst/usr/bin/hopdoc")
for flag in "" -u -T; do
	out=$(lab_client setpriv --reuid=65534 --regid=65534 --clear-groups "$WORK/inst/usr/bin/hopdoc" -r -n -c 1 $flag "$LAB_TARGET4" 2>&1)
	rc=$?
	if [[ $caps == *cap_net_raw=ep* ]] && [ "$rc" -eq 0 ] && [ "$(hops_of <<<"$out" | wc -l)" -ge 4 ]; then
		pass "install-setcap${flag:+$flag} (nobody traces $(hops_of <<<"$out" | wc -l) hops; $caps)"
	else
		fail "install-setcap${flag:+$flag}" "exit $rc, caps '$caps'" "$(cat "$WORK/install.out")" "$out"
	fi
done
out=$(SETCAP=false "$ROOT/scripts/setcap.sh" "$WORK/inst/usr/bin/hopdoc" 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && [[ $out == *"could not give"*"needs root"* ]]; then pass "install-setcap-fallback"
else fail install-setcap-fallback "exit $rc: $out"; fi

# A target that cannot be resolved (numeric, so no name server is asked):
# hopdoc exits 1; mtr 0.95 in report mode says so and exits 0 (its main
# returns 0 whatever happened; 0.96 exits 1). A difference on purpose.
lab_client "$HOPDOC" -4 -r -n -c 1 ::1 >/dev/null 2>"$WORK/err"
rc=$?
lab_client mtr -4 -r -n -c 1 ::1 >/dev/null 2>"$WORK/mtr.err"
mrc=$?
if [ "$rc" -eq 1 ] && grep -q '^hopdoc: ::1: ' "$WORK/err"; then
	pass "unresolvable-target (hopdoc exit 1: $(cat "$WORK/err"); mtr 0.95 exit $mrc: $(cat "$WORK/mtr.err"))"
else
	fail unresolvable-target "exit $rc: $(cat "$WORK/err")"
fi

# A runtime failure (an interface that does not exist) exits 1, not 2.
lab_client "$HOPDOC" -r -n -c 1 -I nosuchif0 "$LAB_TARGET4" >/dev/null 2>"$WORK/err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q '^hopdoc: ' "$WORK/err"; then pass runtime-failure
else fail runtime-failure "exit $rc: $(cat "$WORK/err")"; fi

check_done
