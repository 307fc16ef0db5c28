#!/bin/bash
# tun/tap devices are made with the /dev/net/tun ioctl: RTM_NEWLINK naming kind tun is
# refused (tun_validate), for a new device and an existing one alike; "tap" is no kind.
. "$(dirname "$0")/../lib.sh"
run ip link add t0 type tun
run ip link add lo type tun
run ip link set lo type tun
run ip link add t0 type tap
run ip -br link
