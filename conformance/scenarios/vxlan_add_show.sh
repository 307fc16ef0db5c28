#!/bin/bash
# vxlan devices: options as vxlan_fill_info reports them, defaults (port 8472, learning,
# ageing 300), a lower device that gives the MTU (minus 50 or 70 bytes of headroom) and
# takes the device with it, errors of vxlan_validate and vxlan_config_validate.
. "$(dirname "$0")/../lib.sh"
ip link add v0 type veth peer name v1
run ip link add vx0 type vxlan id 42 dstport 4789
run ip -d link show vx0
run ip -j -d link show vx0
run ip link add vx1 type vxlan id 43
run ip link add vx2 type vxlan id 42 dstport 4789
run ip link add vx3 type vxlan id 42 dstport 4790
run ip link add vx4 type vxlan id 5 dstport 4789 dev v0 remote 192.0.2.1 local 192.0.2.2 ttl 5 tos 0x10
run ip -d link show vx4
run ip link add vx5 type vxlan id 6 dstport 4789 dev v0 remote 2001:db8::1 local 2001:db8::2 flowlabel 5
run ip -d link show vx5
run ip link add vx6 type vxlan id 7 dstport 4789 flowlabel 5
run ip link add vx6 type vxlan id 8 dstport 4789 dev nosuch
run ip link add vx6 type vxlan id 9 dstport 4789 srcport 200 100
run ip link add vx6 type vxlan id 10 dstport 4789 gbp remcsumrx noudpcsum nolearning ageing 10 maxaddress 7 srcport 100 200 proxy rsc l2miss l3miss tos inherit ttl inherit df set
run ip -d link show vx6
run ip link add vx7 type vxlan external dstport 4791
run ip link add vx8 type vxlan external dstport 4791
run ip link add vx8 type vxlan external dstport 4792 vnifilter
run ip -d link show vx8
run ip link add type vxlan id 20 dstport 4789
run ip link add vx9 mtu 1480 type vxlan id 21 dstport 4789 dev v0
run ip link add vx10 mtu 60 type vxlan id 22 dstport 4789
run ip link set vx4 mtu 1451
run ip link set vx4 mtu 1400
run ip link set vx4 mtu 67
run ip link set vx0 up
sleep 1.2
run ip -br link
run ip link del v0
run ip -br link
