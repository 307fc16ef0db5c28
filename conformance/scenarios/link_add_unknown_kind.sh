#!/bin/bash
# An unknown link kind is rejected with 'Unknown device type'.
. "$(dirname "$0")/../lib.sh"
run ip link add x0 type nosuchkind
run ip link add x0 type vxcan2
run ip link show
