#!/bin/bash
# AF_BRIDGE requests nlroute answers like a kernel without bridge VLAN filtering: adding a
# VLAN is EOPNOTSUPP, deleting one succeeds; a device that is no port, and the device itself
# (self), are EOPNOTSUPP.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link add v0 type veth peer name v1
run ip link set v0 master br0
for c in "bridge vlan add dev v0 vid 10" "bridge vlan show" "bridge vlan del dev v0 vid 10" "bridge vlan del dev v0 vid 20" "bridge vlan add dev v1 vid 10" "bridge link set dev v1 cost 5" "bridge link set dev v0 hwmode vepa" "bridge link set dev v0 self cost 5"; do run $c; done
# Both the master and the device itself: the port's settings apply, then EOPNOTSUPP.
run bridge link set dev v0 cost 9 master self
run bridge link show
run bridge link set dev v0 cost 11 master
run bridge link show
