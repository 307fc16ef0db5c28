#!/bin/bash
# ip -s and -s -s on links that never carried traffic: all counters zero.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip -s link show v0
run ip -s -s link show v1
run ip -s -j link show lo
