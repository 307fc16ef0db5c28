#!/bin/bash
# Link watch announces after the command: a veth end going down is announced, loses its
# IPv6 addresses (NETDEV_DOWN), and only then its peer's carrier loss is announced.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11
run ip link set v0 up
run ip link set v1 up
sleep 3
monitor_start monitor link address
run ip link set v1 down
sleep 1.5
monitor_stop
