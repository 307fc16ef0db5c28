#!/bin/bash
# vlan errors: id 4095, duplicate id on one parent, no parent, mtu above the parent's.
# conformance: nlroute-only (this kernel has no 8021q)
# net/8021q/vlan_netlink.c vlan_validate(): id >= VLAN_VID_MASK -> ERANGE "Invalid VLAN id";
# vlan_newlink(): no IFLA_LINK -> EINVAL "link not specified";
# net/8021q/vlan.c vlan_check_real_dev(): EEXIST "VLAN device already exists";
# net/8021q/vlan_dev.c vlan_dev_change_mtu(): above the real device's mtu -> ERANGE.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link add link v0 name bad type vlan id 4095
run ip link add link v0 name v0.10 type vlan id 10
run ip link add link v0 name again type vlan id 10
run ip link add name orphan type vlan id 5
run ip link set v0.10 mtu 1600
run ip link set v0.10 mtu 1400
run ip link show v0.10
