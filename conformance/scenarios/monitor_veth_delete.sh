#!/bin/bash
# ip monitor all while a veth pair with addresses is deleted.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 192.0.2.1/24 dev v0
run ip addr add 2001:db8::1/64 dev v1 nodad
monitor_start monitor link address
run ip link del v0
monitor_stop
