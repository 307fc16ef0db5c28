#!/bin/bash
# A port rejoining a bridge without ports: the bridge takes its MAC (announced while
# link watch has not run: carrier without operational state), then link watch runs.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge forward_delay 0
run ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11
for d in v1 v0 br0; do run ip link set $d up; done
run ip link set v0 master br0
sleep 1.2
run ip link set v0 nomaster
sleep 1.5
run ip link show br0
monitor_start monitor link
run ip link set v0 master br0
monitor_stop
