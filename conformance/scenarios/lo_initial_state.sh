#!/bin/bash
# A fresh namespace holds only lo, down, without addresses.
. "$(dirname "$0")/../lib.sh"
run ip link show
run ip addr show
run ip -6 addr show
run ip -4 addr show
