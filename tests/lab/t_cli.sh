#!/usr/bin/env bash
# tests/lab/t_cli.sh: hopdoc's command line in a lab. The same mtr command
# line given to hopdoc and to Debian's mtr, both in the client namespace, must
# give the same hop list; usage errors must exit 2 with a message naming the
# option; SIGINT must still print the report. Prints PASS:/FAIL: lines.
# Needs root. SCENARIO (a scenario file) may be given as $1.
LAB_PREFIX=${LAB_PREFIX:-hl7c$$}
LAB_PREFIX=${LAB_PREFIX:0:8}
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" cli

# ---- usage: no probing at all ------------------------------------------------
usage_case() { # NAME EXPECTED_MESSAGE ARGS...
	local name=$1 want=$2 out rc
	shift 2
	out=$("$HOPDOC" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq 2 ] && [[ $out == *"$want"* ]]; then pass "usage/$name"
	else fail "usage/$name" "exit $rc, stderr: $out"; fi
}
usage_case cycles-zero "hopdoc: -c: expected an integer from 1 to" -r -c 0 127.0.0.1
usage_case interval-junk "hopdoc: -i: expected a number of seconds" -i 1x 127.0.0.1
usage_case udp-and-tcp "-u and -T are mutually exclusive" -u -T 127.0.0.1
usage_case unknown-option "unknown option --frobnicate" --frobnicate 127.0.0.1
usage_case missing-argument "-c (--report-cycles) needs an argument" 127.0.0.1 -c
if "$HOPDOC" --version | grep -q '^hopdoc ' && "$HOPDOC" --help | grep -q -- '--report-cycles'; then
	pass usage/help-version
else
	fail usage/help-version
fi

# mtr's rule: only root may ask for intervals below one second.
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$HOPDOC" -r -i 0.5 127.0.0.1 2>&1)
rc=$?
if [ "$rc" -eq 2 ] && [[ $out == *"-i: intervals below 1 second need root"* ]]; then
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

# A runtime failure (an interface that does not exist) exits 1, not 2.
lab_client "$HOPDOC" -r -n -c 1 -I nosuchif0 "$LAB_TARGET4" >/dev/null 2>"$WORK/err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q '^hopdoc: ' "$WORK/err"; then pass runtime-failure
else fail runtime-failure "exit $rc: $(cat "$WORK/err")"; fi

check_done
