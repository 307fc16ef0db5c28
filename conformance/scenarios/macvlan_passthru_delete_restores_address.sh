#!/bin/bash
# Deleting the last passthru macvlan gives its lower device back the address it had when
# the macvlan was made (macvlan_port_destroy: port->perm_addr), announced; an address set
# on the lower device meanwhile is lost too. A lower device whose address did not move
# hears nothing.
. "$(dirname "$0")/../lib.sh"
ip link add v0 address 02:00:00:00:00:01 type veth peer name v1
ip link add mp0 link v0 type macvlan mode passthru
ip link set mp0 address 02:00:00:00:00:0a
run ip -br link show v0
monitor_start monitor link
run ip link del mp0
sleep 0.3
monitor_stop
run ip -br link show v0
# Set through the lower device itself while the macvlan is there.
ip link add mp1 link v0 type macvlan mode passthru
ip link set v0 address 02:00:00:00:00:0b
run ip -br link show mp1
run ip link del mp1
run ip -br link show v0
# Nothing moved: nothing to give back.
ip link add mp2 link v0 type macvlan mode passthru
monitor_start monitor link
run ip link del mp2
sleep 0.3
monitor_stop
run ip -br link show v0
# Deleted together with its lower device.
ip link add mp3 link v0 type macvlan mode passthru
ip link set mp3 address 02:00:00:00:00:0c
monitor_start monitor link
run ip link del v0
sleep 0.3
monitor_stop
