#!/bin/bash
# ip -batch: commands run in order; an error stops the batch unless -force.
. "$(dirname "$0")/../lib.sh"
run ip -batch - <<'BATCH'
link add v0 type veth peer name v1
link set v0 mtu 1400
addr add 192.0.2.1/24 dev v0
addr add 192.0.2.1/24 dev v0
link set v1 mtu 1300
BATCH
run ip link show
run ip -force -batch - <<'BATCH'
link set v1 mtu 99999
link set v1 mtu 1200
addr add 2001:db8::1/64 dev v1 nodad
BATCH
run ip addr show
