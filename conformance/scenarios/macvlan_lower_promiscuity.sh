#!/bin/bash
# A running macvlan puts its MAC on its lower device's unicast list; a lower device without
# a unicast filter (veth, bridge, vxlan) is then promiscuous: one reference however many
# macvlans (__dev_set_rx_mode), not shown as a flag, taken back when the last one stops. A
# lower device that is down changes nothing until it opens. A passthru macvlan takes its
# own reference instead. A macvlan keeps the carrier its lower device gave it when it stops.
. "$(dirname "$0")/../lib.sh"
promisc() {
    for d in "$@"; do
        printf '%s: ' "$d"
        ip -d link show "$d" | grep -o 'promiscuity [0-9]*'
    done
}
run ip link add v0 type veth peer name v1
run ip link set v1 up
run ip link set v0 up
run ip link add mv0 link v0 type macvlan mode bridge
run ip link add mv1 link v0 type macvlan mode private
promisc v0
run ip link set mv0 up
promisc v0
run ip link set mv1 up
promisc v0
run ip link set mv0 down
promisc v0
run ip link show mv0
run ip link set v0 down
run ip link set mv1 down
promisc v0
run ip link set mv0 up
promisc v0
run ip link set v0 up
promisc v0
run ip link set mv0 down
promisc v0
run ip link add br0 type bridge
run ip link set br0 up
run ip link add mv2 link br0 type macvlan
run ip link set mv2 up
promisc br0
run ip link add mv3 link mv2 type macvlan
run ip link set mv3 up
promisc br0 mv2
run ip link del mv2
promisc br0
run ip link del mv3
promisc br0
run ip link del mv1
promisc v0
run ip link del mv0
run ip link add mv4 link v0 type macvlan mode passthru
run ip link set mv4 up
promisc v0
run ip link del mv4
promisc v0
