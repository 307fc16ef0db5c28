#!/bin/bash
# Taking lo down again: IPv4 stays, ::1 is removed.
. "$(dirname "$0")/../lib.sh"
run ip link set lo up
run ip link set lo down
run ip addr show lo
run ip link set lo up
run ip addr show lo
