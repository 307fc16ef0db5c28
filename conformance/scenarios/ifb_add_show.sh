#!/bin/bash
# ifb devices: NOARP, a 32-packet queue (pfifo_fast once opened), no MTU bounds, UNKNOWN
# while up, link-local address without DAD; default names ifb0, ifb1.
. "$(dirname "$0")/../lib.sh"
run ip link add x0 type ifb
run ip -d link show x0
run ip link set x0 up
run ip -d link show x0
run ip -j -d link show x0
run ip -6 addr show dev x0
run ip link add type ifb
run ip link add ifb%d type ifb
run ip link set x0 mtu 9000
run ip link set x0 mtu 70000
run ip -br link
run ip link add x1 type ifb address 00:00:00:00:00:00
run ip link add x1 type ifb address 01:02:03:04:05:06
run ip link del ifb0
run ip -br link
