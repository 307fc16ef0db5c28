#!/bin/bash
# Bridge carrier: no running ports -> NO-CARRIER/DOWN, a running port -> UP.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link set br0 up
run ip link show br0
run ip link add v0 type veth peer name v1
run ip link set v0 master br0
run ip link set v0 up
run ip link show br0
run ip link set v1 up
sleep 0.5
run ip link show v0
run ip link set v0 nomaster
sleep 0.2
run ip link show br0
