#!/bin/bash
# Adding an IPv4 address twice: EEXIST; same local with another prefix is another address.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 192.0.2.1/24 dev v0
run ip addr add 192.0.2.1/24 dev v0
run ip addr add 192.0.2.1/25 dev v0
run ip addr add 192.0.2.1/24 dev v1
run ip addr show
