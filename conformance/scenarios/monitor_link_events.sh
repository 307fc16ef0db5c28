#!/bin/bash
# ip monitor link sees creation, changes and deletion.
. "$(dirname "$0")/../lib.sh"
monitor_start monitor link
run ip link add v0 type veth peer name v1
run ip link set v0 mtu 1400
run ip link set v0 alias hi
run ip link del v0
monitor_stop
