#!/bin/bash
# Bridge VLAN filtering, like a kernel built without it: asking for it either way is
# EOPNOTSUPP, and a bridge refused at creation still used up an interface index.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge vlan_filtering 1
run ip link add br0 type bridge vlan_filtering 0
run ip link add br1 type bridge
run ip link set br1 type bridge vlan_filtering 0
run ip link set br1 type bridge vlan_filtering 1
ip -d link show br1 | grep -o "vlan_filtering [0-9]\|vlan_protocol [^ ]*\|vlan_default_pvid [0-9]*\|vlan_stats_enabled [0-9]*"
run ip link set br1 type bridge vlan_protocol 802.1ad vlan_default_pvid 5 vlan_stats_enabled 1
ip -d link show br1 | grep -o "vlan_filtering [0-9]\|vlan_protocol [^ ]*\|vlan_default_pvid [0-9]*\|vlan_stats_enabled [0-9]*"
run ip -br link show
run ip link add br2 type bridge hello_time 1
run ip link add br3 type bridge
ip -o link show | cut -d" " -f1,2
