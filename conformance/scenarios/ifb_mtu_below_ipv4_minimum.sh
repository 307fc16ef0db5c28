#!/bin/bash
# A device without MTU bounds (ifb) taken below 68 bytes loses IPv4 (inetdev_event destroys
# its in_device: addresses gone, new ones refused) and gets it back, empty, when the MTU
# is raised again; below 1280 it loses IPv6 likewise.
. "$(dirname "$0")/../lib.sh"
ip link add x0 type ifb
ip link set x0 up
run ip addr add 192.0.2.1/24 dev x0
run ip addr add 2001:db8::1/64 dev x0
run ip -br addr show dev x0
run ip link set x0 mtu 1000
run ip -br addr show dev x0
run ip link set x0 mtu 60
run ip -br addr show dev x0
run ip addr add 192.0.2.2/24 dev x0
run ip addr add 2001:db8::2/64 dev x0
run ip link set x0 mtu 1500
run ip -br addr show dev x0
run ip addr add 192.0.2.3/24 dev x0
run ip -br addr show dev x0
run ip addr del 192.0.2.3/24 dev x0
run ip link set x0 mtu 60
run ip addr del 192.0.2.3/24 dev x0
run ip -d link show x0
run ip -j -d link show x0
run ip link set x0 addrgenmode none
ip link set x0 mtu 1500
# The order of what listeners hear as both families go.
run ip addr add 192.0.2.1/24 dev x0
run ip addr add 192.0.2.2/24 dev x0
run ip addr add 198.51.100.1/24 dev x0
run ip addr add 2001:db8::1/64 dev x0
sleep 0.3
monitor_start monitor link address
run ip link set x0 mtu 60
sleep 0.3
monitor_stop
