#!/bin/bash
# Link-locals come only when a link becomes ready: not on a MAC or addrgenmode change while up; addrgenmode none gives none, random a stable-privacy one.
. "$(dirname "$0")/../lib.sh"
ip link add v0 type veth peer name v1
ip link set v0 address 02:00:00:00:00:01
ip link set v0 up; ip link set v1 up
wait_dad
run ip -o -6 addr show dev v0
run ip link set v0 address 02:00:00:00:00:02
wait_dad
run ip -o -6 addr show dev v0
run ip link set v0 down
run ip link set v0 up
wait_dad
run ip -o -6 addr show dev v0
run ip link set v0 addrgenmode none
run ip link set v0 down
run ip link set v0 up
wait_dad
run ip -o -6 addr show dev v0
run ip link set v0 addrgenmode eui64
wait_dad
run ip -o -6 addr show dev v0
run ip link set v0 addrgenmode random
run ip link set v0 down
run ip link set v0 up
wait_dad
run sh -c "ip -o -6 addr show dev v0 | sed 's/fe80::[0-9a-f:]*/fe80::X/'"
