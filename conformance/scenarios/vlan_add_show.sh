#!/bin/bash
# A vlan on a veth end: name@parent, the parent's MAC, M-DOWN while the parent is down.
# conformance: nlroute-only (this kernel has no 8021q)
# net/8021q/vlan_netlink.c vlan_newlink(): mtu defaults to the real device's;
# net/8021q/vlan_dev.c vlan_dev_init(): a zero address takes real_dev->dev_addr.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link add link v0 name v0.10 type vlan id 10
run ip link show v0
run ip link show v0.10
run ip link show type vlan
