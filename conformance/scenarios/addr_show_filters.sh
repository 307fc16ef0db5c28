#!/bin/bash
# ip addr show selectors: family, dev, up, to prefix, type.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link set lo up
run ip addr add 192.0.2.1/24 dev v0
run ip addr add 2001:db8::1/64 dev v1 nodad
run ip -4 addr
run ip -6 addr
run ip addr show up
run ip addr show to 192.0.2.0/24
run ip addr show type veth
run ip -0 addr
