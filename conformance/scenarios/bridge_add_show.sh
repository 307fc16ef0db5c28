#!/bin/bash
# A new bridge: flags, random MAC, -d details.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link show br0
run ip -d link show br0
