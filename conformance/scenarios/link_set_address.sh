#!/bin/bash
# Setting a unicast MAC; multicast and wrong lengths are refused.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link set v0 address 02:11:22:33:44:55
run ip link show v0
run ip link set v0 address 01:00:00:00:00:01
run ip link set v0 address 00:00:00:00:00:00
run ip link set v0 address 02:11:22
run ip link set v0 address 02:11:22:33:44:55:66:77
run ip link show v0
run ip link set lo address 02:00:00:00:00:01
run ip link show lo
