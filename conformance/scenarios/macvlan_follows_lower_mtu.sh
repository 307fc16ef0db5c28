#!/bin/bash
# Macvlans follow their lower device's MTU down (NETDEV_CHANGEMTU); above it they are
# refused with EINVAL (macvlan_change_mtu).
. "$(dirname "$0")/../lib.sh"
run ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11
run ip link add mv1 link v1 address 02:00:00:00:00:41 type macvlan
run ip link add br0 type bridge
run ip link add mv0 link br0 address 02:00:00:00:00:40 type macvlan
monitor_start monitor link
run ip link set v1 mtu 1400
run ip link set br0 mtu 1300
run ip -br link show
run ip link show mv1
run ip link show mv0
run ip link set v1 mtu 1600
run ip link show mv1
run ip link set mv1 mtu 1500
run ip link set mv1 mtu 1700
monitor_stop
