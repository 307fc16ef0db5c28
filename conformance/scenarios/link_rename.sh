#!/bin/bash
# Renaming a down link; the old name is gone, the new one works.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link set v0 name renamed0
run ip link show
run ip link show v0
run ip link set dev renamed0 name v0
run ip link show v0
