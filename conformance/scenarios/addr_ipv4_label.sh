#!/bin/bash
# Address labels: derived from the device, explicit, and invalid ones.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 192.0.2.1/24 dev v0 label v0:web
run ip addr add 192.0.2.2/24 dev v0 label v0
run ip addr add 192.0.2.3/24 dev v0 label other
run ip addr add 192.0.2.4/24 dev v0 label v0:abcdefghijklmnopq
run ip addr show dev v0
run ip addr show label 'v0:*'
run ip addr show label v0:web
