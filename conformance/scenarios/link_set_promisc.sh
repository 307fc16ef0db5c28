#!/bin/bash
# Promiscuous mode and allmulticast flags and counters.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link set v0 promisc on
run ip link show v0
run ip -d link show v0
run ip link set v0 allmulticast on
run ip link show v0
run ip link set v0 promisc off
run ip link set v0 allmulticast off
run ip -d link show v0
run ip link set v0 multicast off
run ip link set v0 arp off
run ip link show v0
