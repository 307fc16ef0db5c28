#!/bin/bash
# A macvlan on a bridge follows the bridge's carrier when link watch handles the bridge
# (NETDEV_CHANGE), which for a carrier loss can be up to a second later.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge forward_delay 0
run ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11
run ip link set v0 master br0
run ip link add mv0 link br0 type macvlan mode bridge
for d in v1 v0 br0 mv0; do run ip link set $d up; done
sleep 1.2
monitor_start monitor link
run ip link set v1 down
run ip -br link show
sleep 1.2
run ip -br link show
run ip link set v1 up
sleep 1.2
run ip -br link show
sleep 1
monitor_stop
