#!/bin/bash
# ip monitor (dev v0) while a veth pair comes up, including the link-local address.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
monitor_start monitor link address dev v0
run ip link set v0 up
run ip link set v1 up
wait_dad
monitor_stop
