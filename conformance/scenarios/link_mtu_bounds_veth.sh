#!/bin/bash
# veth MTU: 68..65535; errors name the bound.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link set v0 mtu 9000
run ip link set v0 mtu 68
run ip link set v0 mtu 65535
run ip link show v0
run ip link set v0 mtu 67
run ip link set v0 mtu 65536
run ip link set v0 mtu 0
run ip link show v0
run ip link add v2 mtu 70000 type veth peer name v3
run ip link add v2 mtu 60 type veth peer name v3
