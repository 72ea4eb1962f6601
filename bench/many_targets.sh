#!/usr/bin/env bash
# bench/many_targets.sh: hopdoc with N lab targets in -F (default 1000), under
# the default `ulimit -n 1024`: descriptors held (the most /proc/PID/fd ever
# listed, sampled every 20 ms), peak RSS (VmHWM, from /usr/bin/time -v) and how
# many targets gave a report; also the largest VmPeak seen (address space,
# which shows tables allocated but not yet touched). Only lab addresses are probed: the file holds the
# lab server's IPv4 and IPv6 addresses in turn. Needs root.
#   bench/many_targets.sh [HOPDOC] [N]
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HOPDOC=${1:-$ROOT/build/hopdoc}
N=${2:-1000}
# One letter and the whole pid (at most 8 characters): unique among
# concurrent runs, which a cut pid was not.
LAB_PREFIX=${LAB_PREFIX:-t$$}
LAB_PREFIX=${LAB_PREFIX:0:8}
# shellcheck source=tests/lab/lib.sh
source "$ROOT/tests/lab/lib.sh"

WORK=$(mktemp -d /tmp/hdmt.XXXXXX)
cat >"$WORK/mt.scn" <<'SCN'
name many-targets
desc two routers, for many targets in -F
routers 2
family 4 6
ipv6 yes
SCN
lab_up "$WORK/mt.scn" || { echo "lab setup failed"; exit 1; }
trap 'lab_down; rm -rf "$WORK"' EXIT
for ((i = 0; i < N; i++)); do
	if ((i % 2)); then echo "$LAB_TARGET6"; else echo "$LAB_TARGET4"; fi
done >"$WORK/hosts"

lab_client bash -c 'ulimit -n 1024; ulimit -n >"$1.limit"; exec /usr/bin/time -v -o "$1" "$2" -n -r -c 1 -i 0.1 -Z 0.5 -G 0.2 -F "$3"' \
	_ "$WORK/time" "$HOPDOC" "$WORK/hosts" >"$WORK/out" 2>"$WORK/err" &
runner=$!
max_fd=0 vm_peak=0 pid=
while kill -0 "$runner" 2>/dev/null; do
	[ -n "$pid" ] || pid=$(pgrep -n -x hopdoc -P "$(pgrep -n -x time)" 2>/dev/null)
	if [ -n "$pid" ]; then
		n=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
		v=$(sed -n 's/^VmPeak:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null)
		[ -n "$v" ] && ((v > vm_peak)) && vm_peak=$v
		if ((n > max_fd)); then
			max_fd=$n
			ls -l "/proc/$pid/fd" 2>/dev/null | awk 'NR > 1 { print $NF }' | sort | uniq -c >"$WORK/fds"
		fi
	fi
	sleep 0.02
done
wait "$runner"
rc=$?
reports=$(grep -c '^HOST: ' "$WORK/out")
hwm=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time")
secs=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$WORK/time")
echo "binary:      $HOPDOC"
echo "targets:     $N in -F, ulimit -n $(cat "$WORK/time.limit")"
echo "exit:        $rc"
echo "reports:     $reports of $N"
echo "errors:      $(wc -l <"$WORK/err") lines on stderr"
sed -e "s/^hopdoc: $LAB_TARGET4: //" -e "s/^hopdoc: $LAB_TARGET6: //" "$WORK/err" |
	sort | uniq -c | sort -rn | head -3 | sed 's/^/    /'
echo "max fds:     $max_fd (from /proc/PID/fd, stdio included)"
[ "$max_fd" -le 20 ] && sed 's/^/    /' "$WORK/fds"
echo "peak RSS:    ${hwm} KiB"
echo "VmPeak:      ${vm_peak} KiB (virtual: tables allocated, touched or not)"
echo "wall time:   $secs"
