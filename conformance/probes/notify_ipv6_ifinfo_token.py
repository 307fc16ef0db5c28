"""RTNLGRP_IPV6_IFINFO on an IPv6 token set (inet6_set_iftoken announces the device) and
on an address generation mode change (which it does not), on a veth up with carrier and
on one down."""
RTNLGRP_IPV6_IFINFO = 12
sh("ip link add v0 type veth peer name v1")
sh("ip link add v2 type veth peer name v3")
sh("ip link set v0 up")
sh("ip link set v1 up")
ipv6_only = Sock()
ipv6_only.join(RTNLGRP_IPV6_IFINFO)
ipv6_only.recv()
sh("ip token set ::11/64 dev v0")
ipv6_only.recv()
sh("ip token set ::11/64 dev v0")
ipv6_only.recv()
sh("ip token set ::/0 dev v0")
ipv6_only.recv()
sh("ip token set ::12/64 dev v2")
ipv6_only.recv()
sh("ip link set v0 addrgenmode none")
ipv6_only.recv()
sh("ip link set v2 addrgenmode stable_secret")
ipv6_only.recv()
