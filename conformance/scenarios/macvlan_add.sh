#!/bin/bash
# macvlan on a veth end, with each mode.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link add link v0 name mv0 type macvlan
run ip link add link v0 name mv1 type macvlan mode bridge
run ip link add link v0 name mv2 type macvlan mode private
run ip link add link v0 name mv3 type macvlan mode passthru
run ip link show
run ip -d link show mv1
