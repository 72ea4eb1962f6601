#!/usr/bin/env bash
# tests/lab/t_demo.sh: the README's main job, `make demo` (tests/lab/demo.sh),
# as a user runs it: it must print the report, the verdict, and say that the
# verdict names the fault the lab injected (loss from link 4, transit,
# outbound); a second run on a healthy path must not claim a fault.
# Prints PASS:/FAIL: lines; exits non-zero on any failure. Needs root.
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" demo
cd "$ROOT" || exit 1

out=$(LAB_PREFIX=dm$$ tests/lab/demo.sh 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && grep -q '^HOST: ' <<<"$out" && grep -q '^Diagnosis' <<<"$out" &&
	grep -q '^verdict: right: loss at hop 4 (segment transit, direction outbound)$' <<<"$out"; then
	pass "loss-out ($(grep '^lab torn down' <<<"$out"))"
else
	fail loss-out "exit $rc" "$out"
fi

# The healthy chain: the verdict must say healthy, and the demo that it is right.
out=$(LAB_PREFIX=dh$$ DEMO_SCENARIO=chain tests/lab/demo.sh 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && grep -q '^verdict: right: healthy (segment unknown, direction unknown)$' <<<"$out"; then
	pass "chain (healthy, said so)"
else
	fail chain "exit $rc" "$out"
fi

# The demo's own judge must be able to say no: a stand-in prober that names
# the wrong hop.
fake=$(mktemp /tmp/hdemo.XXXXXX)
printf '#!/bin/sh\necho " 1. critical: loss at hop 2 (segment access, direction outbound, loss 9.0%%)"\n' >"$fake"
chmod 755 "$fake"
out=$(LAB_PREFIX=dw$$ DEMO_CMD=$fake tests/lab/demo.sh 2>&1)
rc=$?
rm -f "$fake"
if [ "$rc" -ne 0 ] && grep -q '^verdict: not the injected fault (said: loss at hop 2 (segment access, direction outbound' <<<"$out"; then
	pass "judge-says-no (a wrong hop is called wrong)"
else
	fail judge-says-no "exit $rc" "$out"
fi
check_done
