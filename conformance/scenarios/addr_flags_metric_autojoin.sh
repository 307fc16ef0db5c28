#!/bin/bash
# Address options: metric, noprefixroute, home, mngtmpaddr, autojoin on multicast and unicast addresses (IPv4 and IPv6).
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 192.0.2.1/24 dev v0 metric 100
run ip addr add 198.51.100.1/24 dev v0 noprefixroute
run ip addr add 2001:db8::1/64 dev v0 metric 200 nodad
run ip addr add 2001:db8:1::1/64 dev v0 noprefixroute nodad
run ip addr add 2001:db8:2::1/64 dev v0 home nodad
run ip addr add 2001:db8:3::1/64 dev v0 mngtmpaddr nodad
run ip addr add 224.0.0.5/32 dev v0 autojoin
run ip addr add ff02::5/128 dev v0 autojoin
run ip -d addr show dev v0
run ip -j addr show dev v0
run ip link add v2 type veth peer name v3
run ip addr add 192.0.2.1/24 dev v2 autojoin
run ip addr add 2001:db8::1/64 dev v2 autojoin nodad
run ip addr add 239.1.1.1/32 dev v2 autojoin
run ip addr add 239.1.1.1/32 dev v3 autojoin
run ip addr add ff05::1/128 dev v2 autojoin
run ip addr add ff05::1/128 dev v3 autojoin
run ip -o addr show
