#!/bin/bash
# ip monitor address sees IPv4 and IPv6 additions and deletions.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
monitor_start monitor address
run ip addr add 192.0.2.1/24 dev v0
run ip addr add 192.0.2.2/24 dev v0
run ip addr add 2001:db8::1/64 dev v0 nodad
sleep 0.3  # IPv6 notifications leave from addrconf work
run ip addr del 192.0.2.1/24 dev v0
run ip addr del 2001:db8::1/64 dev v0
monitor_stop
