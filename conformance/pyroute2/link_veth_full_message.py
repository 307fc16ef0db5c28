"""A veth end as one whole RTM_NEWLINK (linkinfo, IFLA_LINK, carrier counters)."""
from _common import *  # noqa: F401,F403

attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
show("get v0", ipr.link("get", ifname="v0"))
