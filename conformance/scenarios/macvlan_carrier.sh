#!/bin/bash
# A macvlan's state follows its lower device; deleting the lower deletes it.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link add link v0 name mv0 type macvlan mode bridge
run ip link set mv0 up
run ip link show mv0
run ip link set v0 up
run ip link set v1 up
sleep 0.3
run ip link show mv0
run ip link del v1
run ip link show
