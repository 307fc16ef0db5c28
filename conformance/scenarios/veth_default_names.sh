#!/bin/bash
# ip link add type veth with no names gives veth0/veth1, then veth2/veth3.
. "$(dirname "$0")/../lib.sh"
run ip link add type veth
run ip link add type veth
run ip link show
