"""MTU within and outside veth and bridge bounds (EINVAL), and the values kept."""
from _common import *  # noqa: F401,F403

attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
attempt("add br0", ipr.link, "add", ifname="br0", kind="bridge")
for name in ("v0", "br0"):
    for mtu in (68, 67, 9000, 65535, 65536, 0):
        attempt(f"{name} mtu {mtu}", ipr.link, "set", index=idx(name), mtu=mtu)
view("links", links(), fields=("index",), attrs=("IFLA_IFNAME", "IFLA_MTU", "IFLA_MIN_MTU", "IFLA_MAX_MTU"))
