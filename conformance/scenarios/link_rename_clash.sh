#!/bin/bash
# Renaming onto an existing name fails with EEXIST; to its own name is a no-op.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link set v0 name v1
run ip link set v0 name v0
run ip link set v0 name lo
run ip link show
