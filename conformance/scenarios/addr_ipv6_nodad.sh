#!/bin/bash
# An IPv6 address with nodad is valid at once, even on a down link.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 2001:db8::1/64 dev v0 nodad
run ip addr add 2001:db8::2/64 dev v0
run ip -6 addr show dev v0
run ip -j -6 addr show dev v0
