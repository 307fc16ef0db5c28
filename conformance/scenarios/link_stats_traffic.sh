#!/bin/bash
# ip -s on links that carried traffic (counters normalized). conformance: normalize-stats
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link set v0 up
run ip link set v1 up
wait_dad
run ip -s link show v0
run ip -s -j link show v1
