#!/bin/bash
# Below MTU 1280 a link has no IPv6: no link-local at up, addresses refused; a drop below removes them, a rise back while up configures the link again (ipv6_add_dev).
. "$(dirname "$0")/../lib.sh"
ip link add v0 type veth peer name v1
run ip addr add 2001:db8::1/64 dev v0 nodad
run ip addr add 192.0.2.1/24 dev v0
run ip link set v0 mtu 1200
run ip -o addr show dev v0
run ip addr add 2001:db8::2/64 dev v0 nodad
run ip -o addr show dev v0
run ip -6 addr show dev v0
ip link set v0 up; ip link set v1 up
wait_dad
run ip -o addr show dev v0
run ip link set v0 mtu 1500
wait_dad
run ip -o addr show dev v0
run ip link set v0 mtu 1279
run ip -o addr show dev v0
run ip link set v0 mtu 1280
wait_dad
run ip -o addr show dev v0
run ip link set v0 mtu 60
run ip link set v0 mtu 68
run ip addr add 192.0.2.2/24 dev v0
run ip -o addr show dev v0
