"""Link notifications for raw RTM_SETLINK changes on an up veth end with
carrier (v0) and on a down one (v2): IFLA_TXQLEN, IFLA_GROUP, IFLA_IFALIAS,
IFLA_MTU, IFLA_ADDRESS, IFF_PROMISC via ifi_flags/ifi_change, IFLA_IFNAME,
and several of these in one request. Group and alias notify only through
do_setlink's closing netdev_state_change(), a no-op on a down device; address,
mtu, name, broadcast, flags and txqlen each notify through their own netdev
event, so one request changing several sends one RTM_NEWLINK per change, in
do_setlink order, each showing the link as that step left it (with a closing
one for group or alias on a running device). Counters are left out."""
import time

sh("ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11")
sh("ip link add v2 address 02:00:00:00:00:20 type veth peer name v3 address 02:00:00:00:00:21")
for d in ("v0", "v1"):
    sh(f"ip link set {d} addrgenmode none")
    sh(f"ip link set {d} up")
time.sleep(1.0)
listener = Sock(groups=RTMGRP_LINK)
s = Sock()
seq = [0]


def setlink(name, index, body=b"", flags=0, change=0):
    seq[0] += 1
    title(f"{name} on index {index}")
    s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, seq[0],
               ifinfo(index=index, flags=flags, change=change) + body), quiet=0.05)
    watch(listener, quiet=0.1)


for idx in (3, 5):  # v0 (up, carrier), v2 (down)
    setlink("txqlen 500", idx, attr_u32(IFLA_NUM["TXQLEN"], 500))
    setlink("group 3", idx, attr_u32(IFLA_NUM["GROUP"], 3))
    setlink("alias", idx, attr_str(IFLA_NUM["IFALIAS"], "x"))
    setlink("mtu 1400", idx, attr_u32(IFLA_NUM["MTU"], 1400))
    setlink("address", idx, attr_mac(IFLA_NUM["ADDRESS"], "02:00:00:00:00:99"))
    setlink("txqlen 600 + mtu 1300", idx, attr_u32(IFLA_NUM["TXQLEN"], 600) + attr_u32(IFLA_NUM["MTU"], 1300))
    setlink("promisc on", idx, flags=IFF_PROMISC, change=IFF_PROMISC)
    setlink("rename", idx, attr_str(IFLA_NUM["IFNAME"], f"w{idx}"))
    setlink("name + address + mtu + txqlen + promisc off in one request", idx,
            attr_str(IFLA_NUM["IFNAME"], f"x{idx}") + attr_mac(IFLA_NUM["ADDRESS"], "02:00:00:00:00:98")
            + attr_u32(IFLA_NUM["MTU"], 1200) + attr_u32(IFLA_NUM["TXQLEN"], 700), flags=0, change=IFF_PROMISC)

# More combinations: quiet settings (group, alias) add netdev_state_change's message on a
# running device; an MTU below 1280 leaves the later messages without an IPv6 section.
for idx in (3, 5):
    setlink("mtu + group", idx, attr_u32(IFLA_NUM["MTU"], 1400) + attr_u32(IFLA_NUM["GROUP"], 4))
    setlink("mtu 1200 + name + txqlen", idx, attr_u32(IFLA_NUM["MTU"], 1200) + attr_str(IFLA_NUM["IFNAME"], f"m{idx}")
            + attr_u32(IFLA_NUM["TXQLEN"], 850))
    setlink("mtu 1400 again", idx, attr_u32(IFLA_NUM["MTU"], 1400))
    setlink("address + alias", idx,
            attr_mac(IFLA_NUM["ADDRESS"], "02:00:00:00:00:97") + attr_str(IFLA_NUM["IFALIAS"], "y"))
    setlink("txqlen + alias", idx, attr_u32(IFLA_NUM["TXQLEN"], 800) + attr_str(IFLA_NUM["IFALIAS"], "z"))
    setlink("name + mtu + broadcast", idx,
            attr_str(IFLA_NUM["IFNAME"], f"n{idx}") + attr_u32(IFLA_NUM["MTU"], 1350)
            + attr_mac(IFLA_NUM["BROADCAST"], "ff:ff:ff:ff:ff:fe"))
    setlink("mtu unchanged + txqlen", idx, attr_u32(IFLA_NUM["MTU"], 1350) + attr_u32(IFLA_NUM["TXQLEN"], 900))
    setlink("promisc + txqlen + group", idx, attr_u32(IFLA_NUM["TXQLEN"], 1000) + attr_u32(IFLA_NUM["GROUP"], 5),
            flags=IFF_PROMISC, change=IFF_PROMISC)

title("v2 up with mtu and txqlen in one request")
setlink("up + mtu + txqlen", 5, attr_u32(IFLA_NUM["MTU"], 1300) + attr_u32(IFLA_NUM["TXQLEN"], 700),
        flags=IFF_UP, change=IFF_UP)
sh("ip link set v3 up")
time.sleep(1.5)
watch(listener, quiet=0.1)
