#!/bin/bash
# ip -o monitor and monitor with label.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
monitor_start -o monitor address
run ip addr add 192.0.2.1/24 dev v0
monitor_stop
monitor_start monitor label link
run ip link set v0 txqlen 7
monitor_stop
