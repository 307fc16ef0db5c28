#!/bin/bash
# macvtap: a macvlan with a 500-packet queue and its own kind name (macvtap%d); it shares
# its lower device's macvlan port with macvlans (passthru clashes across both kinds).
. "$(dirname "$0")/../lib.sh"
ip link add v0 type veth peer name v1
run ip link add mt0 link v0 type macvtap
run ip -d link show mt0
run ip -j -d link show mt0
run ip link add mt1 link v0 type macvtap mode bridge
run ip link add link v0 type macvtap
run ip link add mt2 link v0 type macvtap mode passthru
run ip link add mv0 link v0 type macvlan
run ip link add mt3 type macvtap
run ip link add mt3 link lo type macvtap
ip link set v0 up
ip link set v1 up
run ip link set mt0 up
sleep 1.2
run ip -br link
run ip link del v0
run ip -br link
