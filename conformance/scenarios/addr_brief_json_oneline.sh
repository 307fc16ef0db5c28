#!/bin/bash
# Address output in -br, -j and -o forms.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link set lo up
run ip addr add 192.0.2.1/24 dev v0 label v0:a
run ip addr add 2001:db8::1/64 dev v0 nodad
run ip -br addr
run ip -br -4 addr
run ip -j addr show dev v0
run ip -o addr show dev v0
