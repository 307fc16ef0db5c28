#!/bin/bash
# Renaming a link renames its IPv4 address labels (inetdev_changename) and announces each
# address again; IPv6 addresses have no labels.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 192.0.2.1/24 dev v0
run ip addr add 192.0.2.2/24 dev v0 label v0:web
run ip addr add 198.51.100.1/24 dev v0
run ip addr add 203.0.113.1/24 dev v0 label other
run ip addr add 2001:db8::1/64 dev v0 nodad
monitor_start monitor link address
run ip link set dev v0 name longername12
monitor_stop
run ip -o -4 addr show dev longername12
run ip link set dev longername12 name v0
run ip -o -4 addr show dev v0
run ip addr add 10.0.0.1/8 dev v1 label v1:abcdefghijk
run ip link set dev v1 name tenchars01
run ip -o -4 addr show dev tenchars01
