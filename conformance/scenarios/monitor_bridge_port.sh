#!/bin/bash
# ip monitor link while enslaving and releasing a bridge port.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link add v0 type veth peer name v1
monitor_start monitor link
run ip link set v0 master br0
run ip link set v0 nomaster
monitor_stop
