#!/bin/bash
# One ip link set with several changes; one invalid item fails the whole.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link set v0 mtu 1400 txqlen 100 alias x address 02:00:00:00:00:33 up
run ip link show v0
run ip link set v0 txqlen 200 mtu 99999
run ip link set v0 txqlen 300 address 01:00:00:00:00:01
run ip link show v0
