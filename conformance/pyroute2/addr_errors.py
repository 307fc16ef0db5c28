"""Address errors: duplicate EEXIST, delete missing EADDRNOTAVAIL, bad prefix EINVAL, no device ENODEV."""
from _common import *  # noqa: F401,F403

attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
v0 = idx("v0")
attempt("add", ipr.addr, "add", index=v0, address="192.0.2.1", prefixlen=24)
attempt("add again", ipr.addr, "add", index=v0, address="192.0.2.1", prefixlen=24)
attempt("del missing", ipr.addr, "del", index=v0, address="192.0.2.9", prefixlen=24)
attempt("prefixlen 33", ipr.addr, "add", index=v0, address="192.0.2.7", prefixlen=33)
attempt("prefixlen 129", ipr.addr, "add", index=v0, address="2001:db8::7", prefixlen=129)
attempt("no such device", ipr.addr, "add", index=4242, address="192.0.2.8", prefixlen=24)
attempt("v6 add", ipr.addr, "add", index=v0, address="2001:db8::1", prefixlen=64, flags=0x02)
attempt("v6 add again", ipr.addr, "add", index=v0, address="2001:db8::1", prefixlen=64, flags=0x02)
attempt("v6 del missing", ipr.addr, "del", index=v0, address="2001:db8::2", prefixlen=64)
view("addrs", addrs(), fields=("family", "prefixlen", "flags", "scope"), attrs=("IFA_ADDRESS", "IFA_LABEL"))
