#!/bin/bash
# Many addresses keep Linux's order in dumps (IPv4 primaries, secondaries, IPv6 newest first).
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
for i in 1 2 3 4 5; do run ip addr add 192.0.2.$i/24 dev v0; done
for i in 1 2 3 4 5; do run ip addr add 2001:db8::$i/64 dev v0 nodad; done
run ip addr add 10.9.9.9/8 dev v0
run ip addr show dev v0
run ip -br addr show dev v0
