"""NLM_F_REPLACE updates in place; NLM_F_EXCL on an existing address is EEXIST."""
from _common import *  # noqa: F401,F403

attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
v0 = idx("v0")
attempt("replace (creates)", ipr.addr, "replace", index=v0, address="192.0.2.1", prefixlen=24)
attempt("replace label", ipr.addr, "replace", index=v0, address="192.0.2.1", prefixlen=24, label="v0:new")
attempt("add (excl)", ipr.addr, "add", index=v0, address="192.0.2.1", prefixlen=24)
attempt("v6 replace lifetimes", ipr.addr, "replace", index=v0, address="2001:db8::1", prefixlen=64, flags=0x02, valid_lft=100, preferred_lft=100)
attempt("v6 replace forever", ipr.addr, "replace", index=v0, address="2001:db8::1", prefixlen=64, flags=0x02)
view("addrs", addrs(), fields=("family", "flags"), attrs=("IFA_ADDRESS", "IFA_LABEL", "IFA_CACHEINFO"))
