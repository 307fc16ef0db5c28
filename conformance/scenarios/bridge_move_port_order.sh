#!/bin/bash
# Moving a port between bridges: the old bridge finishes letting it go (MAC, features)
# before the new one takes it (do_set_master).
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link add br1 type bridge
run ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11
run ip link set v0 master br0
sleep 0.5
monitor_start monitor link
run ip link set v0 master br1
monitor_stop
