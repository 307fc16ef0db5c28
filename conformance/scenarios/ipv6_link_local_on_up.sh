#!/bin/bash
# An up link with carrier gains its EUI-64 link-local, tentative, then valid.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link set v0 up
run ip -6 addr show dev v0
run ip link set v1 up
run ip -6 addr show tentative
wait_dad
run ip -6 addr show
