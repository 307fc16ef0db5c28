"""ifi_flags/ifi_change: up, down, promisc, and a zero change mask."""
from _common import *  # noqa: F401,F403

attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
v0 = idx("v0")
fields = ("flags", "change", "state")
attempt("v0 up", ipr.link, "set", index=v0, state="up")
view("v0", ipr.link("get", index=v0), fields=fields, attrs=("IFLA_OPERSTATE", "IFLA_CARRIER", "IFLA_PROMISCUITY"))
attempt("v1 up", ipr.link, "set", index=idx("v1"), state="up")
view("v0", ipr.link("get", index=v0), fields=fields, attrs=("IFLA_OPERSTATE", "IFLA_CARRIER", "IFLA_CARRIER_CHANGES"))
attempt("promisc via flags+change", ipr.link, "set", index=v0, flags=IFF_PROMISC | IFF_UP, change=IFF_PROMISC)
view("v0", ipr.link("get", index=v0), fields=fields, attrs=("IFLA_PROMISCUITY",))
attempt("flags 0 change 0", ipr.link, "set", index=v0, flags=0, change=0)
view("v0", ipr.link("get", index=v0), fields=fields, attrs=("IFLA_OPERSTATE",))
attempt("down", ipr.link, "set", index=v0, state="down")
view("both", links(), fields=fields, attrs=("IFLA_IFNAME", "IFLA_OPERSTATE", "IFLA_CARRIER"))
