"""Notifications when lo goes up: link, then IPv4 and IPv6 addresses, to every group."""
listener = Sock(groups=RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR)
sh("ip link set lo up")
listener.recv()
sh("ip link set lo down")
listener.recv()
