#!/bin/bash
# A bridge port cannot carry a macvlan (the bridge holds its rx handler: EBUSY), and a macvlan
# on a bridge cannot join that bridge (a loop: EBUSY).
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link add v0 type veth peer name v1
run ip link set v0 master br0
run ip link add link v0 name mv0 type macvlan
run ip link add link br0 name mv1 type macvlan
run ip link set mv1 master br0
run ip -br link show
