#!/bin/bash
# macvlan without a lower device, on a missing one, on lo.
. "$(dirname "$0")/../lib.sh"
run ip link add mv0 type macvlan
run ip link add link nope name mv0 type macvlan
run ip link add link lo name mv0 type macvlan
run ip link show
