#!/usr/bin/env bash
# The lab never routes outside itself: no namespace of a lab has a default
# route, and a route lookup for outside addresses fails with "unreachable"
# in each of them. Route lookups only: no packet is sent anywhere.
# A negative control adds a default route in the client for a moment and
# checks that the same test notices it, so this test can fail.
# shellcheck source=tests/lab/check.sh
source "$(dirname "$0")/check.sh" isolation
cd "$ROOT" || exit 1

OUTSIDE4=(8.8.8.8 1.1.1.1 10.200.0.1)
OUTSIDE6=(2001:4860:4860::8888 2606:4700:4700::1111)

# Prints the reasons NODE's namespace could reach outside; empty if none.
leaks() {
	local node=$1 a out
	[ -z "$(lab_exec "$node" ip route show default)" ] || echo "$node has an IPv4 default route"
	[ -z "$(lab_exec "$node" ip -6 route show default)" ] || echo "$node has an IPv6 default route"
	for a in "${OUTSIDE4[@]}"; do
		out=$(lab_exec "$node" ip route get "$a" 2>&1) && echo "$node routes $a: $out"
		[[ $out == *nreachable* ]] || echo "$node: lookup of $a did not say unreachable: $out"
	done
	for a in "${OUTSIDE6[@]}"; do
		out=$(lab_exec "$node" ip -6 route get "$a" 2>&1) && echo "$node routes $a: $out"
		[[ $out == *nreachable* ]] || echo "$node: lookup of $a did not say unreachable: $out"
	done
}

main() {
	[ "$(id -u)" = 0 ] || { fail "(needs root)"; return 1; }
	local scn=tests/lab/scenarios/ecmp.scn node bad='' nodes n
	lab_up "$scn" || { fail "(lab_up failed)"; return 1; }
	nodes=$(_lab_nodes)
	for node in $nodes; do
		bad+=$(leaks "$node")
	done
	n=$(echo "$nodes" | wc -w)
	# Negative control: a default route must be caught.
	lab_client ip route add default via "$(_lab_addr 1 r 4)"
	local control
	control=$(leaks client)
	lab_client ip route del default
	lab_down
	if [ -n "$bad" ]; then
		fail "($bad)"
		return 1
	fi
	if [ -z "$control" ]; then
		fail "(negative control: an added default route went unnoticed)"
		return 1
	fi
	pass "($n namespaces: no default route, outside lookups unreachable; control caught: ${control%%$'\n'*})"
}

main "$@"
