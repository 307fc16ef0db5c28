#!/bin/bash
# The IPv6 device a link gets back with its MTU starts with the defaults (EUI-64
# addresses, whatever mode was set before); without one, addrgenmode is EAFNOSUPPORT.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11
run ip link set v0 addrgenmode none
ip -d link show v0 | grep -o "addrgenmode [a-z0-9_]*"
run ip link set v0 mtu 1200
ip -d link show v0 | grep -o "addrgenmode [a-z0-9_]*"
run ip link set v0 addrgenmode random
run ip link set v0 mtu 1500
ip -d link show v0 | grep -o "addrgenmode [a-z0-9_]*"
run ip link set v0 up
run ip link set v1 up
sleep 2.5
run ip -6 addr show dev v0
run ip link add v2 mtu 1000 type veth peer name v3
ip -d link show v2 | grep -o "addrgenmode [a-z0-9_]*"
run ip -j -d link show v2
