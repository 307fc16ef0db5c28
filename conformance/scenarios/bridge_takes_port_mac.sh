#!/bin/bash
# A bridge without a set MAC takes its lowest port MAC; a set MAC sticks.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link add v0 address 02:00:00:00:00:20 type veth peer name v1 address 02:00:00:00:00:10
run ip link set v0 master br0
run ip link show br0
run ip link set v1 master br0
run ip link show br0
run ip link set v1 nomaster
run ip link show br0
run ip link set br0 address 02:00:00:00:00:99
run ip link set v1 master br0
run ip link show br0
