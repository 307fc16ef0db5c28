#!/bin/bash
# A macvlan created above its lower device's MTU is refused before it is registered
# (no index used up); a lower device coming down takes its macvlans with it.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11
run ip link add mv1 link v1 address 02:00:00:00:00:41 type macvlan
ip -d link show mv1 | grep -o "minmtu [0-9]* maxmtu [0-9]*"
run ip link set mv1 mtu 1600
run ip link set v1 mtu 9000
ip -d link show mv1 | grep -o "minmtu [0-9]* maxmtu [0-9]*"
run ip link set mv1 mtu 9000
run ip link set mv1 mtu 9001
run ip link add mv2 link v1 mtu 9100 type macvlan
run ip link add mv2 link v1 mtu 8000 type macvlan
run ip link show mv2
run ip link set v1 mtu 1500
run ip link show mv1
run ip link show mv2
