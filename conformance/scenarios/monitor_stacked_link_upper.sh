#!/bin/bash
# Stacking a device on a lower device, or taking it away, raises NETDEV_CHANGEUPPER on the
# lower one, which rtnetlink announces (before the new device's own announcement, before
# the deleted one's); not when the lower device is going itself.
. "$(dirname "$0")/../lib.sh"
ip link add v0 type veth peer name v1
monitor_start monitor link
run ip link add mv0 link v0 type macvlan
run ip link add mt0 link v0 type macvtap
run ip link add vx0 type vxlan id 1 dstport 4789 dev v0
run ip link del mv0
run ip link del vx0
run ip link del v0
sleep 0.3
monitor_stop
