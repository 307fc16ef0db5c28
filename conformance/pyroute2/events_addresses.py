"""Notifications to IPv4 and IPv6 address listeners, including lo coming up."""
from _common import *  # noqa: F401,F403

from pyroute2.netlink.rtnl import RTMGRP_IPV4_IFADDR, RTMGRP_IPV6_IFADDR

ev = listener(RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR)
attempt("lo up", ipr.link, "set", index=1, state="up")
attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
attempt("v4", ipr.addr, "add", index=idx("v0"), address="192.0.2.1", prefixlen=24)
attempt("v4 secondary", ipr.addr, "add", index=idx("v0"), address="192.0.2.2", prefixlen=24)
attempt("v6", ipr.addr, "add", index=idx("v0"), address="2001:db8::1", prefixlen=64, flags=0x02)
settle(0.3)  # IPv6 notifications leave from addrconf work, after the request returns
attempt("del primary", ipr.addr, "del", index=idx("v0"), address="192.0.2.1", prefixlen=24)
show("events", drain(ev))
