#!/bin/bash
# IPv6 tokens (IFLA_INET6_TOKEN): kept and reported per device, refused on the loopback
# device (with Linux's message) and on a device without IPv6 (below the IPv6 MTU).
. "$(dirname "$0")/../lib.sh"
ip link set lo up
run ip token set ::1/64 dev lo
ip link add v0 type veth peer name v1
run ip token set ::1/64 dev v0
run ip token get dev v0
run ip token set ::/0 dev v0
run ip token get dev v0
run ip token set ::1:2:3:4/64 dev v0
ip link add br0 type bridge
run ip token set ::2/64 dev br0
run ip token list
ip link set v0 mtu 1200
run ip token set ::1/64 dev v0
run ip token list
