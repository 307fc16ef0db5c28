"""Getting links that do not exist: ENODEV by name and by index."""
from _common import *  # noqa: F401,F403

attempt("get by name", ipr.link, "get", ifname="nope")
attempt("get by index", ipr.link, "get", index=4242)
attempt("del by index", ipr.link, "del", index=4242)
attempt("set by index", ipr.link, "set", index=4242, mtu=1400)
