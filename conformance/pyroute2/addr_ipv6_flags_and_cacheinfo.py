"""IPv6 addresses as whole messages: nodad, tentative, IFA_FLAGS, IFA_CACHEINFO lifetimes."""
from _common import *  # noqa: F401,F403

attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
v0 = idx("v0")
attempt("nodad", ipr.addr, "add", index=v0, address="2001:db8::1", prefixlen=64, flags=0x02)
attempt("tentative", ipr.addr, "add", index=v0, address="2001:db8::2", prefixlen=64)
attempt("noprefixroute", ipr.addr, "add", index=v0, address="2001:db8::3", prefixlen=64, flags=0x02 | 0x200)
attempt("lifetimes", ipr.addr, "add", index=v0, address="2001:db8::4", prefixlen=64, flags=0x02, valid_lft=600, preferred_lft=300)
show("addr dump", addrs(family=10))
