#!/bin/bash
# IPv6 addresses on lo before and after it is up.
. "$(dirname "$0")/../lib.sh"
run ip addr add 2001:db8::1/128 dev lo
run ip -6 addr show dev lo
run ip link set lo up
run ip -6 addr show dev lo
run ip addr add ::1/128 dev lo
