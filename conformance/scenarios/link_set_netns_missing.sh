#!/bin/bash
# Moving a link to a namespace that does not exist.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link set v0 netns 99999
run ip link set v0 netns nosuchns
run ip link show
