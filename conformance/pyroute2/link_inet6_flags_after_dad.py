"""IFLA_INET6_FLAGS of a veth: IF_READY once it is up with a carrier, IF_RS_SENT too once
its link-local address has finished DAD (addrconf_dad_completed solicits routers), both
gone when it goes down."""
import time

from _common import *  # noqa: F401,F403


def inet6_flags(name):
    link = ipr.get_links(idx(name))[0]
    return hex(link.get_attr("IFLA_AF_SPEC").get_attr("AF_INET6").get_attr("IFLA_INET6_FLAGS"))


attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
out("created:", inet6_flags("v0"))
ipr.link("set", index=idx("v0"), state="up")
ipr.link("set", index=idx("v1"), state="up")
time.sleep(0.2)
out("up with carrier:", inet6_flags("v0"))
time.sleep(2.5)
out("after DAD:", inet6_flags("v0"))
ipr.link("set", index=idx("v0"), state="down")
out("down:", inet6_flags("v0"))
