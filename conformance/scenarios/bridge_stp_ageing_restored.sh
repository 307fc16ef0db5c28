#!/bin/bash
# A bridge losing its topology change as it stops gets its ageing time back
# (br_stp_disable_bridge); with STP stopped first, Linux never restores it.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge stp_state 1 forward_delay 200
run ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11
run ip link set v0 master br0
for d in v1 v0 br0; do run ip link set $d up; done
sleep 4.5
run bridge link show
ip -d link show br0 | grep -o "topology_change [0-9]\|topology_change_detected [0-9]\|ageing_time [0-9]*"
run ip link set br0 down
ip -d link show br0 | grep -o "topology_change [0-9]\|topology_change_detected [0-9]\|ageing_time [0-9]*"
run ip link set br0 up
ip -d link show br0 | grep -o "topology_change [0-9]\|topology_change_detected [0-9]\|ageing_time [0-9]*"
sleep 4.5
ip -d link show br0 | grep -o "topology_change [0-9]\|topology_change_detected [0-9]\|ageing_time [0-9]*"
run ip link set br0 type bridge stp_state 0
ip -d link show br0 | grep -o "topology_change [0-9]\|topology_change_detected [0-9]\|ageing_time [0-9]*"
