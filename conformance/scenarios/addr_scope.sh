#!/bin/bash
# Address scopes: explicit names and numbers, and host scope for 127/8.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 192.0.2.1/24 dev v0 scope link
run ip addr add 192.0.2.2/24 dev v0 scope host
run ip addr add 192.0.2.3/24 dev v0 scope 100
run ip addr add 2001:db8::1/64 dev v0 scope link nodad
run ip addr add 127.0.0.5/8 dev v0
run ip addr add 127.0.0.2/8 dev lo
run ip addr show
run ip addr show scope link
run ip addr show scope host
