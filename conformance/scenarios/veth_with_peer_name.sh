#!/bin/bash
# A veth pair with chosen names; the peer is created first (lower ifindex).
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link show
run ip link show v0
run ip link show dev v1
