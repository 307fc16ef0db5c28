#!/bin/bash
# ip monitor while a veth pair comes up, including the link-local address.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
monitor_start monitor link address
run ip link set v0 up
run ip link set v1 up
wait_dad
monitor_stop
