#!/bin/bash
# Bringing lo up adds 127.0.0.1/8 (scope host) and ::1/128; operstate UNKNOWN.
. "$(dirname "$0")/../lib.sh"
run ip link set lo up
run ip link show lo
run ip addr show lo
run ip -j addr show dev lo
