"""IFLA_IFALIAS, IFLA_TXQLEN, IFLA_GROUP set and read back; alias cleared."""
from _common import *  # noqa: F401,F403

attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
v0 = idx("v0")
attempt("alias", ipr.link, "set", index=v0, ifalias="to the core")
attempt("txqlen", ipr.link, "set", index=v0, txqlen=77)
attempt("group", ipr.link, "set", index=v0, group=4294967295)
view("v0", ipr.link("get", index=v0), attrs=("IFLA_IFALIAS", "IFLA_TXQLEN", "IFLA_GROUP"))
attempt("clear alias", ipr.link, "set", index=v0, ifalias="")
view("v0", ipr.link("get", index=v0), attrs=("IFLA_IFALIAS", "IFLA_TXQLEN", "IFLA_GROUP"))
