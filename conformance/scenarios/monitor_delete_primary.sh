#!/bin/bash
# ip monitor address while a primary and its secondaries go away.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 192.0.2.1/24 dev v0
run ip addr add 192.0.2.2/24 dev v0
monitor_start monitor address
run ip addr del 192.0.2.1/24 dev v0
monitor_stop
