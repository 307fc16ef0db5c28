#!/bin/bash
# Creating a link whose name exists fails with EEXIST, also for the peer.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link add v0 type veth peer name v2
run ip link add v2 type veth peer name v0
run ip link add v1 type bridge
run ip link show
