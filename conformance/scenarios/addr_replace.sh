#!/bin/bash
# ip addr replace and change: create or update in place.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr replace 192.0.2.1/24 dev v0
run ip addr replace 192.0.2.1/24 dev v0 label v0:x
run ip addr change 192.0.2.1/24 dev v0 brd 192.0.2.255
run ip addr change 192.0.2.9/24 dev v0
run ip addr show dev v0
run ip addr replace 2001:db8::1/64 dev v0 nodad valid_lft 100 preferred_lft 50
run ip addr replace 2001:db8::1/64 dev v0 nodad
run ip addr show dev v0
