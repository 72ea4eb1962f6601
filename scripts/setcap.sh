#!/usr/bin/env bash
# scripts/setcap.sh FILE: gives an installed hopdoc cap_net_raw+ep, as Debian
# gives mtr-packet, so every user can probe (hopdoc drops the capability
# right after opening its sockets). Where that cannot be done (no setcap, not
# root, a filesystem that keeps no capabilities) it says so and what to do,
# and succeeds: the install itself is not wrong, only root-only.
# Env: SETCAP (the setcap program; default setcap, from libcap2-bin).
set -u
file=${1:?usage: scripts/setcap.sh FILE}
setcap=${SETCAP:-setcap}
if "$setcap" cap_net_raw+ep "$file" 2>/dev/null; then
	echo "install: $file has cap_net_raw+ep: every user can probe"
else
	echo "install: could not give $file cap_net_raw+ep (no setcap, not root, or a filesystem" \
		"without capabilities); probing then needs root. Later: sudo setcap cap_net_raw+ep $file" >&2
fi
