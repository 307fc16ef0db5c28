#!/bin/bash
# Bridge port settings through `ip link set DEV type bridge_slave ...` and `bridge link set`:
# stored and reported, checked as br_setport checks them, refused on a device that is no port.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link add v0 type veth peer name v1
run ip link set v0 address 02:00:00:00:00:10
run ip link set v0 master br0
run ip link set v0 type bridge_slave cost 10 priority 5 learning off flood off hairpin on isolated on mcast_flood off bcast_flood off
run ip -d -j link show v0
run ip link set v0 type bridge_slave state 2
run ip link set v0 type bridge_slave cost 0
run ip link set v0 type bridge_slave priority 64
run ip link set v0 type bridge_slave mcast_router 7
run ip link set v0 type bridge_slave group_fwd_mask 2
run ip link set v0 type bridge_slave mab on
run ip link set v1 type bridge_slave cost 10
run ip -d link show v0
run bridge link set dev v0 cost 20 learning on
run bridge link set dev v0 state 3
run bridge link set dev v1 cost 10
run bridge -d link show
run ip link set br0 up
run ip link set v0 up
run ip link set v1 up
wait_dad
monitor_start monitor link
run bridge link set dev v0 priority 7 guard on
run ip link set v0 type bridge_slave fastleave on
monitor_stop
run bridge -d link show
run ip link set v0 nomaster
run ip link set v0 master br0
run bridge link show
run bridge vlan show
