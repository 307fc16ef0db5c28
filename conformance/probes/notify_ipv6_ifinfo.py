"""RTNLGRP_IPV6_IFINFO: addrconf announces an IPv6 device each time it becomes ready (an
AF_INET6 RTM_NEWLINK: after rtnetlink's RTM_NEWLINK when lo comes up, before link watch's
when a veth gets its carrier), and on no other change (an MTU change, down). After the
carrier came, only the IPv6 group is listened to: the link messages would show the
kernel's traffic counters moving (IPv6 sends packets on a running veth)."""
RTNLGRP_IPV6_IFINFO = 12
listener = Sock(groups=RTMGRP_LINK)
listener.join(RTNLGRP_IPV6_IFINFO)
ipv6_only = Sock()
ipv6_only.join(RTNLGRP_IPV6_IFINFO)
sh("ip link set lo up")
listener.recv()
sh("ip link add v0 type veth peer name v1")
listener.recv()
sh("ip link set v0 up")
listener.recv()
sh("ip link set v1 up")
listener.recv()
ipv6_only.recv()
sh("ip link set v0 mtu 1400")
sh("ip link set v0 down")
ipv6_only.recv()
sh("ip link set v0 up")
ipv6_only.recv()
sh("ip link set lo down")
sh("ip link set lo up")
ipv6_only.recv()
