#!/bin/bash
# Setting the address a link already has is announced (dev_set_mac_address raises
# NETDEV_CHANGEADDR regardless); the same MTU or queue length is not. A bridge port too.
. "$(dirname "$0")/../lib.sh"
ip link add v0 type veth peer name v1
ip link set v0 address 02:00:00:00:00:09
ip link add br0 type bridge
ip link set v1 master br0
ip link set v1 address 02:00:00:00:00:0b
monitor_start monitor link
run ip link set v0 address 02:00:00:00:00:09
run ip link set v0 mtu 1500
run ip link set v0 txqueuelen 1000
run ip link set v1 address 02:00:00:00:00:0b
sleep 0.3
monitor_stop
