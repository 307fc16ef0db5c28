"""Renaming by index; a clash is EEXIST; the index stays."""
from _common import *  # noqa: F401,F403

attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
attempt("rename v0 -> wan", ipr.link, "set", index=idx("v0"), ifname="wan")
attempt("rename wan -> v1", ipr.link, "set", index=idx("wan"), ifname="v1")
attempt("rename wan -> bad/name", ipr.link, "set", index=idx("wan"), ifname="bad/name")
view("links", links(), fields=("index",), attrs=("IFLA_IFNAME", "IFLA_LINK"))
