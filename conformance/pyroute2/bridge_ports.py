"""IFLA_MASTER on and off; the bridge MAC follows its lowest port; carrier from ports."""
from _common import *  # noqa: F401,F403

attempt("add br0", ipr.link, "add", ifname="br0", kind="bridge")
attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1", address="02:00:00:00:00:02")
attempt("set v1 address", ipr.link, "set", index=idx("v1"), address="02:00:00:00:00:01")
attempt("v0 master", ipr.link, "set", index=idx("v0"), master=idx("br0"))
attempt("v1 master", ipr.link, "set", index=idx("v1"), master=idx("br0"))
attempt("br0 up", ipr.link, "set", index=idx("br0"), state="up")
view("links", links(), fields=("index", "flags"), attrs=("IFLA_IFNAME", "IFLA_MASTER", "IFLA_ADDRESS", "IFLA_OPERSTATE", "IFLA_CARRIER"))
attempt("v1 nomaster", ipr.link, "set", index=idx("v1"), master=0)
attempt("master self", ipr.link, "set", index=idx("br0"), master=idx("br0"))
attempt("master missing", ipr.link, "set", index=idx("v0"), master=4242)
view("links", links(), fields=("index",), attrs=("IFLA_IFNAME", "IFLA_MASTER", "IFLA_ADDRESS"))
