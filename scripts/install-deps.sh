#!/usr/bin/env bash
# Installs, from Debian's archive, every package the build, the tests and the
# demo need. Quiet and quick when they are all present already.
set -euo pipefail
packages=(
	make gcc clang pkg-config
	libcmocka-dev libjansson-dev libcap-dev libclang-rt-14-dev
	iproute2 nftables mtr-tiny tcpdump iputils-ping dnsmasq-base procps jq
	libcap2-bin # setcap: make install gives hopdoc cap_net_raw+ep
	stress-ng # the busy-machine runs of the lab tests (docs/lab.md)
	chromium  # t_export.sh opens the HTML export headless (docs/export.md)
	time # /usr/bin/time -v: peak memory in bench/import.sh and bench/many_targets.sh
	iperf3 conntrack # t_host.sh: a TCP transfer under loss; the conntrack count's truth
	libncurses-dev tmux # the interactive view; its lab test and benchmark (docs/tui.md)
	openssh-client openssh-server # --return-via ssh:// and its lab test (t_return.sh)
	libmicrohttpd-dev libcurl4-openssl-dev openssl curl # hopdoc agent, --return-via http(s)://
	prometheus # promtool checks --metrics' output; t_metrics.sh runs a server in the lab
	libsqlite3-dev sqlite3 # hopdoc monitor's history; t_monitor.sh reads it (docs/monitor.md)
	scamper # bench/monitor.sh: CPU per probe side by side
	prometheus-smokeping-prober # bench/monitor.sh: the same, for a pinger (never left running)
)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing ${missing[*]}; run as root (sudo make ...)" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Packages such as prometheus and openssh-server start a server of their
# own on every address when installed; the tests start theirs inside lab
# namespaces only. policy-rc.d answering 101 ("not allowed") keeps the
# package scripts from starting anything during this install.
policy=/usr/sbin/policy-rc.d
own_policy=
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
	trap '[ -n "$own_policy" ] && rm -f "$policy"' EXIT
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Where a package enabled its server for the next boot anyway, disable it.
for pair in prometheus:prometheus openssh-server:ssh prometheus-smokeping-prober:prometheus-smokeping-prober; do # package:unit
	if [[ " ${missing[*]} " == *" ${pair%%:*} "* ]] && command -v systemctl >/dev/null; then
		systemctl disable --now "${pair#*:}" >/dev/null 2>&1 || true
	fi
done
