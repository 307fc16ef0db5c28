#!/bin/bash
# lo has no MTU bounds: below 68 bytes it loses IPv4 (and IPv6), an up does not bring
# 127.0.0.1 back while IPv4 is off; after the MTU is raised the next up does.
. "$(dirname "$0")/../lib.sh"
ip link set lo up
run ip -br addr show lo
run ip link set lo mtu 60
run ip -br addr show lo
ip link set lo down
ip link set lo up
run ip -br addr show lo
run ip link set lo mtu 65536
run ip -br addr show lo
ip link set lo down
ip link set lo up
run ip -br addr show lo
