"""Creating links: duplicate names (EEXIST), unknown kind, lo delete (EOPNOTSUPP)."""
from _common import *  # noqa: F401,F403

attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
attempt("add same name", ipr.link, "add", ifname="v0", kind="bridge")
attempt("add peer clash", ipr.link, "add", ifname="v5", kind="veth", peer="v1")
attempt("unknown kind", ipr.link, "add", ifname="x0", kind="nosuchkind")
attempt("delete lo", ipr.link, "del", index=1)
view("links", links(), fields=("index",), attrs=("IFLA_IFNAME",))
