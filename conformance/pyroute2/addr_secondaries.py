"""Primary and secondary IPv4 addresses: IFA_F_SECONDARY; deleting the primary deletes the rest."""
from _common import *  # noqa: F401,F403

attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
v0 = idx("v0")
for i in (1, 2, 3):
    attempt(f"add 192.0.2.{i}/24", ipr.addr, "add", index=v0, address=f"192.0.2.{i}", prefixlen=24)
attempt("add 198.51.100.1/24", ipr.addr, "add", index=v0, address="198.51.100.1", prefixlen=24)
view("addrs", addrs(family=2), fields=("prefixlen", "flags"), attrs=("IFA_ADDRESS", "IFA_FLAGS"))
attempt("del primary", ipr.addr, "del", index=v0, address="192.0.2.1", prefixlen=24)
view("addrs", addrs(family=2), fields=("prefixlen", "flags"), attrs=("IFA_ADDRESS", "IFA_FLAGS"))
