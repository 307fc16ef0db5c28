#!/bin/bash
# A passthru macvlan makes its lower device promiscuous while it runs (announced before
# itself), unless created nopromisc; toggling nopromisc moves the count at once, even on
# a device that is down (where Linux takes it below zero).
. "$(dirname "$0")/../lib.sh"
promisc() { ip -d link show "$1" | grep -o "promiscuity [0-9]*"; }
ip link add v0 type veth peer name v1
ip link add mp0 link v0 type macvlan mode passthru
run promisc v0
monitor_start monitor link
run ip link set mp0 up
run promisc v0
run ip link set mp0 down
run promisc v0
run ip link set mp0 up
run ip link del mp0
run promisc v0
sleep 0.3
monitor_stop
ip link add mp1 link v0 type macvlan mode passthru nopromisc
ip link set mp1 up
run promisc v0
run ip link set mp1 type macvlan mode passthru nopromisc
run promisc v0
ip link set mp1 down
run ip link set mp1 type macvlan mode passthru
run promisc v0
ip link del mp1
ip link add mp2 link v0 type macvlan mode passthru
run ip link set mp2 type macvlan mode passthru nopromisc
run promisc v0
ip link add v2 type veth peer name v3
ip link add mp3 link v2 type macvlan mode passthru
ip link set mp3 up
monitor_start monitor link
run ip link del v2
sleep 0.3
monitor_stop
# Its address is its lower device's: it follows that one, and setting its own sets both.
ip link del mp2
ip link add mp4 link v0 type macvlan mode passthru
monitor_start monitor link
run ip link set v0 address 02:00:00:00:00:09
run ip link set mp4 address 02:00:00:00:00:0a
sleep 0.3
monitor_stop
run ip -br link show v0
run ip -br link show mp4
# Created with an address of its own, it still takes its lower device's.
ip link add v4 address 02:00:00:00:00:21 type veth peer name v5
run ip link add mp5 link v4 address 02:00:00:00:00:11 type macvlan mode passthru
run ip -br link show mp5
