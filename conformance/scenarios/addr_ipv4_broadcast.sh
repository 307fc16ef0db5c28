#!/bin/bash
# Broadcast: none, explicit, computed with brd +, brd -.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 192.0.2.1/24 brd 192.0.2.255 dev v0
run ip addr add 198.51.100.1/24 brd + dev v0
run ip addr add 203.0.113.1/24 brd 203.0.113.7 dev v0
run ip addr add 10.1.0.1/16 broadcast - dev v0
run ip addr add 10.2.0.1/31 brd + dev v0
run ip addr add 10.3.0.1/32 brd + dev v0
run ip addr show dev v0
run ip -j addr show dev v0
