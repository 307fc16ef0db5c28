"""Setting a link's MAC: unicast ok, multicast EADDRNOTAVAIL, wrong length EINVAL."""
from _common import *  # noqa: F401,F403

attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
v0 = idx("v0")
attempt("unicast", ipr.link, "set", index=v0, address="02:00:00:00:00:42")
attempt("multicast", ipr.link, "set", index=v0, address="03:00:00:00:00:42")
attempt("zero", ipr.link, "set", index=v0, address="00:00:00:00:00:00")
attempt("short", ipr.link, "set", index=v0, address="02:00:00")
view("v0", ipr.link("get", index=v0), attrs=("IFLA_ADDRESS", "IFLA_BROADCAST"))
