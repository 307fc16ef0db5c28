"""Notifications to an RTMGRP_LINK listener: veth creation, change, deletion."""
from _common import *  # noqa: F401,F403

from pyroute2.netlink.rtnl import RTMGRP_LINK

ev = listener(RTMGRP_LINK)
attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
attempt("mtu", ipr.link, "set", index=idx("v0"), mtu=1400)
attempt("same mtu again", ipr.link, "set", index=idx("v0"), mtu=1400)
attempt("del", ipr.link, "del", index=idx("v0"))
show("events", drain(ev))
