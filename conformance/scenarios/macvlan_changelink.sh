#!/bin/bash
# ip link set DEV type macvlan|macvtap ...: macvlan_changelink changes the mode (passthru can
# be neither set nor left), the flags and the broadcast queue length; the used queue
# length is the largest any macvlan on the lower device asked for; another kind's data
# is refused.
. "$(dirname "$0")/../lib.sh"
ip link add v0 type veth peer name v1
ip link add v2 type veth peer name v3
ip link add mv0 link v0 type macvlan
ip link add mt0 link v0 type macvtap mode private
ip link add mp0 link v2 type macvlan mode passthru
run ip link set mv0 type macvlan mode bridge
run ip link set mv0 type macvlan mode source
run ip link set mv0 type macvlan mode passthru
run ip link set mp0 type macvlan mode vepa
run ip link set mp0 type macvlan mode passthru nopromisc
run ip link set mt0 type macvtap mode vepa bcqueuelen 2000
run ip link set mt0 type macvlan mode bridge
run ip link set mv0 type macvtap mode bridge
run ip link set v0 type macvlan mode bridge
run ip link set mv0 type macvlan bcqueuelen 500
run ip -d link show mv0
run ip -d link show mt0
run ip -d link show mp0
ip link set mv0 up
monitor_start monitor link
run ip link set mv0 type macvlan mode private
run ip link set mt0 type macvtap mode bridge
sleep 0.3
monitor_stop
run ip link del mt0
run ip -d link show mv0
