#!/bin/bash
# Below the IPv6 minimum MTU a link has no IPv6 device: no AF_INET6 in IFLA_AF_SPEC (no
# addrgenmode), until the MTU is back at 1280 or more.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link add v0 address 02:00:00:00:00:30 type veth peer name v1 address 02:00:00:00:00:11
run ip link set br0 mtu 1200
run ip link set v0 mtu 1200
ip -d link show br0 | grep -o "addrgenmode [a-z0-9_]*"
ip -d link show v0 | grep -o "addrgenmode [a-z0-9_]*"
run ip link set br0 mtu 1500
ip -d link show br0 | grep -o "addrgenmode [a-z0-9_]*"
run ip link set v0 up
run ip link set v0 mtu 1500
ip -d link show v0 | grep -o "addrgenmode [a-z0-9_]*"
run ip -j link show br0
