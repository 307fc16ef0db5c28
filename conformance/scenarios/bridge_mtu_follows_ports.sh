#!/bin/bash
# A bridge's MTU follows its smallest port MTU (1500 without ports) as ports join, leave,
# change MTU or are deleted, until the user sets it (br_mtu_auto_adjust).
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link add v0 type veth peer name v1
run ip link add v2 type veth peer name v3
run ip link set v0 address 02:00:00:00:00:05
run ip link set v2 address 02:00:00:00:00:07
run ip link set v0 mtu 9000
monitor_start monitor link
run ip link set v0 master br0
run ip link set v2 master br0
run ip link set v2 nomaster
run ip link set v2 mtu 9200
run ip link set v2 master br0
run ip link set v0 mtu 1400
run ip link del v0
monitor_stop
run ip -br link show br0
run ip link set br0 mtu 2000
run ip link set v2 mtu 1600
run ip -br link show br0
# A port with a lower MAC and a lower MTU: the address changes, then the MTU.
run ip link add br1 type bridge
run ip link add v4 type veth peer name v5
run ip link add v6 type veth peer name v7
run ip link set v4 address 02:00:00:00:00:09
run ip link set v6 address 02:00:00:00:00:03
run ip link set v6 mtu 1300
run ip link set v4 master br1
monitor_start monitor link
run ip link set v6 master br1
run ip link set v6 nomaster
monitor_stop
