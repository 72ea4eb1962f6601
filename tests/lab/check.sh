# shellcheck shell=bash
# tests/lab/check.sh: the preamble and PASS/FAIL helpers every lab test
# shares, so each t_*.sh starts with one line:
#   source "$(dirname "$0")/check.sh" AREA
# Sets `set -u`, ROOT (the repository), HOPDOC (build/hopdoc unless the
# environment names another), CHECK_AREA (lab/AREA) and fails (0); sources
# lib.sh. Defines:
#   pass NAME                prints "PASS: lab/AREA/NAME"
#   fail NAME [DETAIL...]    prints "FAIL: lab/AREA/NAME (DETAIL 1, cut at 400
#                            characters)", then each DETAIL indented by four
#                            spaces (run.sh forwards those lines), and counts
#                            the failure in $fails; the first DETAIL is on
#                            the FAIL line too because a CI excerpt may keep
#                            that line alone; while
#                            a lab is up, one more detail line says how late
#                            its link emulator was so far, so a timing miss
#                            the lab itself caused shows as such
#   NAME "" prints "lab/AREA" alone; a NAME that starts with "(" follows
#   "lab/AREA" after a space: "PASS: lab/linkemu (figures)".
#   check_done               exit status: 0 when this shell counted no failure
#   target_of 4|6            the lab's server address in that family
# A check run in a subshell counts there only: such tests keep their own
# status (or grep their FAIL lines), as before.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HOPDOC=${HOPDOC:-$ROOT/build/hopdoc}
CHECK_AREA=lab/${1:?check.sh: the test area is missing}
fails=0
# shellcheck source=tests/lab/lib.sh
source "$ROOT/tests/lab/lib.sh"

_check_name() {
	case $1 in
	'') echo "$CHECK_AREA" ;;
	'('*) echo "$CHECK_AREA $1" ;;
	*) echo "$CHECK_AREA/$1" ;;
	esac
}

pass() { echo "PASS: $(_check_name "$1")"; }

fail() {
	local late why=${2:-}
	why=${why//$'\n'/ | }
	[ ${#why} -gt 400 ] && why="${why:0:400}..."
	echo "FAIL: $(_check_name "$1")${why:+ ($why)}"
	shift
	[ $# -gt 0 ] && printf '    %s\n' "$@"
	late=$(lab_emu_lateness) && echo "    link emulator lateness so far: $late"
	fails=$((fails + 1))
}

check_done() { [ "$fails" -eq 0 ]; }

target_of() { if [ "$1" = 6 ]; then echo "$LAB_TARGET6"; else echo "$LAB_TARGET4"; fi; }
