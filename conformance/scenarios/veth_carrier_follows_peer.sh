#!/bin/bash
# A veth end is NO-CARRIER/LOWERLAYERDOWN while its peer is down.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link set v0 up
run ip link show v0
run ip link show v1
run ip link set v1 up
run ip link show v0
run ip link show v1
run ip link set v1 down
run ip link show v0
