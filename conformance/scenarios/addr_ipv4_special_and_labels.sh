#!/bin/bash
# Special IPv4 addresses (0.0.0.0, broadcast, multicast, loopback on a bridge), labels (own name, trailing colon, longest, empty: no IFA_LABEL), broadcast +/-, peers.
. "$(dirname "$0")/../lib.sh"
ip link add br0 type bridge
run ip addr add 0.0.0.0/0 dev br0
run ip addr add 0.0.0.0/8 dev br0
run ip addr add 0.0.0.1/8 dev br0
run ip addr add 255.255.255.255/32 dev br0
run ip addr add 224.0.0.1/24 dev br0
run ip addr add 127.0.0.5/8 dev br0
run ip addr add 192.0.2.1/33 dev br0
run ip addr add 192.0.2.1/32 dev br0 label foo
run ip addr add 192.0.2.2/32 dev br0 label br0
run ip addr add 192.0.2.3/32 dev br0 label br0:
run ip addr add 192.0.2.4/32 dev br0 label br0:123456789a
run ip addr add 192.0.2.5/32 dev br0 label br0:123456789ab
run ip addr add 192.0.2.6/32 dev br0 label ''
run ip addr add 192.0.2.7/31 dev br0
run ip addr add 192.0.2.9/30 dev br0 broadcast +
run ip addr add 192.0.2.17/28 dev br0 broadcast -
run ip addr add 192.0.2.33/28 dev br0 brd 1.2.3.4
run ip addr add 192.0.2.65/26 dev br0 peer 192.0.2.66
run ip addr add 192.0.2.65/26 dev br0 peer 192.0.2.67
run ip addr add 192.0.2.65/26 dev br0
run ip addr add 192.0.2.129 peer 10.0.0.0/8 dev br0 broadcast +
run ip -d addr show dev br0
run ip -j addr show dev br0
