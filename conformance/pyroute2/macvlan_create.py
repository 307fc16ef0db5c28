"""macvlan via IFLA_LINK and IFLA_MACVLAN_MODE; missing IFLA_LINK is EINVAL."""
from _common import *  # noqa: F401,F403

attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
attempt("macvlan bridge", ipr.link, "add", ifname="mv0", kind="macvlan", link=idx("v0"), macvlan_mode="bridge")
attempt("macvlan no link", ipr.link, "add", ifname="mv1", kind="macvlan")
attempt("macvlan bad link", ipr.link, "add", ifname="mv1", kind="macvlan", link=4242)
show("get mv0", ipr.link("get", ifname="mv0"))
