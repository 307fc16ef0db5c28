#!/bin/bash
# IPv6 duplicate (EEXIST) and flags: noprefixroute, home, mngtmpaddr, optimistic.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 2001:db8::1/64 dev v0 nodad
run ip addr add 2001:db8::1/64 dev v0 nodad
run ip addr add 2001:db8::1/128 dev v0 nodad
run ip addr add 2001:db8::2/64 dev v0 nodad noprefixroute
run ip addr add 2001:db8::3/64 dev v0 nodad home
run ip addr add 2001:db8::4/64 dev v0 nodad mngtmpaddr
run ip -6 addr show dev v0
