"""Listener sees veth carrier changes and the IPv6 link-local after DAD. conformance: normalize-stats"""
from _common import *  # noqa: F401,F403

from pyroute2.netlink.rtnl import RTMGRP_IPV6_IFADDR, RTMGRP_LINK

attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
ev = listener(RTMGRP_LINK | RTMGRP_IPV6_IFADDR)
attempt("v0 up", ipr.link, "set", index=idx("v0"), state="up")
settle(0.2)
view("after v0 up", drain(ev, 0.3), fields=("index", "flags"), attrs=("IFLA_IFNAME", "IFLA_OPERSTATE", "IFLA_CARRIER"))
attempt("v1 up", ipr.link, "set", index=idx("v1"), state="up")
settle(2.5)
got = drain(ev, 0.5)
view("after v1 up (links)", [m for m in got if m["event"].endswith("LINK")], fields=("index", "flags"), attrs=("IFLA_IFNAME", "IFLA_OPERSTATE", "IFLA_CARRIER"))
v6 = sorted([m for m in got if m["event"].endswith("ADDR")], key=lambda m: m["index"])
view("after v1 up (addresses, by index)", v6, fields=("index", "flags", "scope", "prefixlen"), attrs=("IFA_ADDRESS",))
