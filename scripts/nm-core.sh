#!/usr/bin/env bash
# `make nm-core`: the core archive (model, render, diag, import, ...) must not
# reach the network. Fails when any of its objects calls a socket function.
set -u
lib=${1:?usage: nm-core.sh libhopdoc_core.a}
calls='socket|sendmsg|recvmsg|sendmmsg|recvmmsg|sendto|recvfrom'
found=$(nm -A "$lib" 2>/dev/null | grep -E " U ($calls)(@.*)?$")
if [ -n "$found" ]; then
	echo "FAIL: nm-core (socket calls in $(basename "$lib"))"
	echo "$found" | sed 's/^/    /'
	exit 1
fi
nm "$lib" >/dev/null || { echo "FAIL: nm-core (cannot read $lib)"; exit 1; }
echo "PASS: nm-core"
