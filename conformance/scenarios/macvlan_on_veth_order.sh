#!/bin/bash
# A macvlan on a veth end follows it after the peer, in the order link watch heard of
# them (veth_close touches both ends before NETDEV_DOWN reaches the macvlan).
. "$(dirname "$0")/../lib.sh"
run ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11
run ip link add mv1 link v1 address 02:00:00:00:00:41 type macvlan
for d in v0 v1 mv1; do run ip link set $d up; done
sleep 1.5
monitor_start monitor link
run ip link set v1 down
sleep 1.5
run ip link set v1 up
sleep 1.5
monitor_stop
