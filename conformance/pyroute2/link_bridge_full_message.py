"""A bridge and a port as whole messages (bridge info data, IFLA_MASTER, slave data)."""
from _common import *  # noqa: F401,F403

attempt("add br0", ipr.link, "add", ifname="br0", kind="bridge")
attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
attempt("enslave v0", ipr.link, "set", index=idx("v0"), master=idx("br0"))
show("get br0", ipr.link("get", ifname="br0"))
show("get v0", ipr.link("get", ifname="v0"))
