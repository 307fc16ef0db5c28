#!/bin/bash
# A dummy link up gets its EUI-64 link-local at once, never tentative (IFF_NOARP skips DAD).
# conformance: nlroute-only (this kernel has no dummy)
# net/ipv6/addrconf.c addrconf_dad_begin(): `if (dev->flags&(IFF_NOARP|IFF_LOOPBACK) || ...)`
# completes DAD immediately; addrconf_dev_config() generates the EUI-64 link-local for ARPHRD_ETHER.
. "$(dirname "$0")/../lib.sh"
run ip link add d0 type dummy
run ip link set d0 up
sleep 0.5
run ip -6 addr show dev d0
run ip addr add 192.0.2.1/24 dev d0
run ip -4 addr show dev d0
