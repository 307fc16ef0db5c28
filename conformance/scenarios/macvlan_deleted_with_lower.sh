#!/bin/bash
# Deleting a lower device: its macvlans go first, each announced while the lower device
# is still there (macvlan_device_event on NETDEV_UNREGISTER), then the lower device.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11
run ip link add mv1 link v1 address 02:00:00:00:00:41 type macvlan
run ip link add br0 type bridge
run ip link add mv0 link br0 address 02:00:00:00:00:40 type macvlan
monitor_start monitor link
run ip link del br0
run ip link del v0
monitor_stop
