#!/bin/bash
# A dummy link: NOARP, no MULTICAST, qdisc noop when down, noqueue when up, state UNKNOWN.
# conformance: nlroute-only (this kernel has no dummy); expected/dummy_add_show.expected follows
# drivers/net/dummy.c dummy_setup(): ether_setup(), flags |= IFF_NOARP, flags &= ~IFF_MULTICAST,
# priv_flags IFF_NO_QUEUE (qdisc noqueue once up), eth_hw_addr_random(); no ndo_change_carrier
# caller, so carrier stays on and operstate is UNKNOWN when up (net/core/link_watch.c default_operstate).
. "$(dirname "$0")/../lib.sh"
run ip link add d0 type dummy
run ip link show d0
run ip link set d0 up
run ip link show d0
run ip link add d0 type dummy
run ip link del d0
run ip link show
