#!/bin/bash
# Attributes given for each end of a veth pair (mtu, address, txqlen).
. "$(dirname "$0")/../lib.sh"
run ip link add v0 mtu 1400 txqlen 500 address 02:00:00:00:00:0a type veth peer name v1 mtu 1300 address 02:00:00:00:00:0b
run ip link show
