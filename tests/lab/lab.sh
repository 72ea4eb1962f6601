#!/usr/bin/env bash
# lab.sh: the lab from the command line (tests use lib.sh directly).
#   lab.sh list                          scenarios and what each injects
#   lab.sh truth SCENARIO [4|6] [return] the scenario's truth lines
#   lab.sh run SCENARIO CMD [ARG...]     build, run CMD in the client
#                                        namespace, tear down; CMD's status
#   lab.sh up SCENARIO                   build, then a shell in the client
#                                        namespace (or wait for Ctrl-C without
#                                        a terminal); tear down on exit
#   lab.sh overhead [SCENARIO] [CYCLES]  mtr's Avg and Best minus the injected
#                                        truth per hop (emulator overhead)
# SCENARIO is a name from tests/lab/scenarios/ or a path. Needs root (not
# list/truth). The LAB_* variables of lib.sh are exported to CMD and shell.
set -u
source "$(dirname "$0")/lib.sh"

scenario_path() {
	if [ -f "$1" ]; then echo "$1"; else echo "$LAB_SCENARIO_DIR/${1%.scn}.scn"; fi
}

cmd_list() {
	local f
	for f in $(lab_scenarios); do
		printf '%-18s %s\n' "$(basename "$f" .scn)" "$(awk '$1 == "desc" { $1 = ""; print substr($0, 2) }' "$f")"
	done
}

cmd_overhead() {
	local scn cycles=${2:-100} fam emulog
	scn=$(scenario_path "${1:-chain}")
	lab_up "$scn" || return 1
	emulog=$(mktemp)
	for fam in $LAB_FAMILIES; do
		local target=$LAB_TARGET4
		[ "$fam" = 6 ] && target=$LAB_TARGET6
		echo "== $LAB_NAME IPv$fam, mtr -n -c $cycles -i 0.1: hop, truth, mtr Avg, Best, Avg-truth, Best-truth (ms)"
		# mtr at a real-time priority below the emulator's: see t_selftest.sh.
		lab_client chrt -f 5 mtr -"$fam" -n -C -c "$cycles" -i 0.1 -G 1 "$target" |
			awk -F, -v truth="$(lab_truth "$scn" "$fam" | awk '$1 == "hop" { printf "%s ", $4 }')" '
			BEGIN { n = split(truth, t, " ") }
			$1 ~ /^MTR/ && ($5 in t) { da = $11 - t[$5]; db = $12 - t[$5]; sa += da; sb += db; k++
				printf "%3d %8.3f %8.2f %8.2f %+8.2f %+8.2f\n", $5, t[$5], $11, $12, da, db }
			END { if (k) printf "mean Avg-truth %+.3f ms, mean Best-truth %+.3f ms over %d hops\n", sa / k, sb / k, k }'
	done
	LAB_KEEP_EMU_LOG=$emulog lab_down
	grep lateness "$emulog"
	rm -f "$emulog"
}

cmd_up() {
	lab_up "$(scenario_path "$1")" || return 1
	echo "lab $LAB_NAME up: client $LAB_CLIENT, target $LAB_TARGET4 ${LAB_TARGET6:-}; $LAB_HOPS hops" >&2
	if [ -t 0 ]; then
		lab_client env PS1="[lab $LAB_NAME client] \\w# " bash --norc -i
	else
		echo "lab: Ctrl-C or SIGTERM tears it down" >&2
		while :; do sleep 1; done # short, so a TERM to this shell alone acts soon
	fi
}

cmd_run() {
	local scn
	scn=$(scenario_path "$1"); shift
	lab_up "$scn" || return 1
	lab_client "$@"
	local rc=$?
	lab_down
	return $rc
}

case ${1:-} in
list) cmd_list ;;
truth) shift; lab_truth "$(scenario_path "$1")" "${2:-4}" "${3:-outbound}" ;;
run) shift; cmd_run "$@" ;;
up) shift; cmd_up "$1" ;;
overhead) shift; cmd_overhead "$@" ;;
*) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
