"""IFLA_INET6_CACHEINFO over an IPv6 device's life: tstamp dates its creation, each time it
becomes ready and each ifdown, and nothing else; reachable_time is drawn once per IPv6
device (neigh_rand_reach_time, 15 s to 45 s) and again when the device is made anew.

Both values are normalized away in full-message scenarios (the clock and the draw differ),
so this one prints how they move instead."""
import time

from _common import *  # noqa: F401,F403


def cacheinfo(name):
    link = ipr.get_links(idx(name))[0]
    inet6 = link.get_attr("IFLA_AF_SPEC").get_attr("AF_INET6")
    if inet6 is None:
        return None
    c = inet6.get_attr("IFLA_INET6_CACHEINFO")
    return c["tstamp"], c["reachable_time"]


last = {}


def step(what, name, action=None):
    if action:
        action()
    time.sleep(0.15)
    now = cacheinfo(name)
    if now is None:
        out(f"{what}: {name} has no IPv6 device")
        last.pop(name, None)
        return
    tstamp, reachable = now
    before = last.get(name)
    if before is None:
        out(f"{what}: {name} reachable_time in [15000, 45000): {15000 <= reachable < 45000}")
    else:
        dated = "later" if tstamp > before[0] else "same" if tstamp == before[0] else "EARLIER"
        kept = "kept" if reachable == before[1] else "drawn again"
        out(f"{what}: {name} tstamp {dated}, reachable_time {kept}")
    last[name] = now


def setlink(name, **kw):
    return lambda: ipr.link("set", index=idx(name), **kw)


attempt("add veth", ipr.link, "add", ifname="v0", kind="veth", peer="v1")
step("created", "v0")
step("created", "v1")
out("two devices drew the same reachable_time:", last["v0"][1] == last["v1"][1])
step("v0 up without carrier", "v0", setlink("v0", state="up"))
step("v1 up: v0 ready", "v0", setlink("v1", state="up"))
step("address added", "v0", lambda: ipr.addr("add", index=idx("v0"), address="2001:db8::1", prefixlen=64))
step("mtu 1400", "v0", setlink("v0", mtu=1400))
step("down", "v0", setlink("v0", state="down"))
step("mtu 1200", "v0", setlink("v0", mtu=1200))
step("mtu 1500 again", "v0", setlink("v0", mtu=1500))
step("after the new device", "v0")
step("lo", "lo")
step("lo up", "lo", setlink("lo", state="up"))
