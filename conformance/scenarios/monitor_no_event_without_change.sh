#!/bin/bash
# Changes that change nothing send no notification.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
monitor_start monitor link address
run ip link set v0 down
run ip link set v0 mtu 1500
run ip addr add 192.0.2.1/24 dev v0
run ip addr add 192.0.2.1/24 dev v0
monitor_stop
