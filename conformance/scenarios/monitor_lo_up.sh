#!/bin/bash
# ip monitor of everything while lo goes up (link and its automatic addresses).
. "$(dirname "$0")/../lib.sh"
monitor_start monitor link address
run ip link set lo up
monitor_stop
