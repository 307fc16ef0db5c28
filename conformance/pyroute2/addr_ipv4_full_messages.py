"""IPv4 addresses as whole RTM_NEWADDR messages (local, address, broadcast, label, flags, cacheinfo)."""
from _common import *  # noqa: F401,F403

attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
v0 = idx("v0")
attempt("add 192.0.2.1/24", ipr.addr, "add", index=v0, address="192.0.2.1", prefixlen=24, broadcast="192.0.2.255")
attempt("add 192.0.2.2/24", ipr.addr, "add", index=v0, address="192.0.2.2", prefixlen=24, label="v0:two")
attempt("add peer", ipr.addr, "add", index=v0, local="10.0.0.1", address="10.0.0.2", prefixlen=32)
show("addr dump", addrs(family=2))
