"""Address dumps filtered by family and index."""
from _common import *  # noqa: F401,F403

attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
attempt("lo up", ipr.link, "set", index=1, state="up")
attempt("v4 on v0", ipr.addr, "add", index=idx("v0"), address="192.0.2.1", prefixlen=24)
attempt("v6 on v1", ipr.addr, "add", index=idx("v1"), address="2001:db8::1", prefixlen=64, flags=0x02)
fields = ("family", "index")
view("all", addrs(), fields=fields, attrs=("IFA_ADDRESS",))
view("inet", addrs(family=2), fields=fields, attrs=("IFA_ADDRESS",))
view("inet6", addrs(family=10), fields=fields, attrs=("IFA_ADDRESS",))
view("index 1", addrs(index=1), fields=fields, attrs=("IFA_ADDRESS",))
