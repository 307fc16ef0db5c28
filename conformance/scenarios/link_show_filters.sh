#!/bin/bash
# ip link show filtered by type, master, up, and by index.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link add v0 type veth peer name v1
run ip link add link v0 name mv0 type macvlan
run ip link set v0 master br0
run ip link set br0 up
run ip link show type veth
run ip link show type bridge
run ip link show type macvlan
run ip link show type bridge_slave
run ip link show master br0
run ip link show up
run ip link show dev v1
