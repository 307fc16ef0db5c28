"""lo after up: the whole RTM_NEWLINK and its two automatic addresses."""
from _common import *  # noqa: F401,F403

attempt("set lo up", ipr.link, "set", index=1, state="up")
show("get lo", ipr.link("get", index=1))
show("addr dump", addrs())
