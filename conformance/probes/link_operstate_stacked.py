"""A macvlan takes its lower device's DORMANT as its own dormant bit
(netif_stacked_transfer_operstate, on the lower device's NETDEV_CHANGE): it
shows IFF_DORMANT and, once link watch ran for it, the operational state
DORMANT; the lower device back UP releases it. Whether the lower device was set
DORMANT with IFLA_OPERSTATE or by its link mode at a carrier change."""
import time

sh("ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11")
sh("ip link add mv0 link v0 address 02:00:00:00:00:40 type macvlan mode bridge")
for d in ("v0", "v1", "mv0"):
    sh(f"ip link set {d} addrgenmode none")
    sh(f"ip link set {d} up")
time.sleep(1.2)
listener = Sock(groups=RTMGRP_LINK)
s = Sock()
seq = [0]
V0, MV0 = 3, 4


def show(name):
    p = subprocess.run(f"ip link show {name} | head -1", shell=True, capture_output=True, text=True)
    out("   " + p.stdout.strip())


def setlink(title_text, index, body):
    seq[0] += 1
    title(title_text)
    s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, seq[0], ifinfo(index=index) + body), quiet=0.05)
    time.sleep(1.2)
    watch(listener, quiet=0.1)
    show("v0")
    show("mv0")


setlink("v0 state DORMANT", V0, attr_u8(IFLA_NUM["OPERSTATE"], 5))
setlink("v0 state UP", V0, attr_u8(IFLA_NUM["OPERSTATE"], 6))
setlink("v0 mode dormant", V0, attr_u8(IFLA_NUM["LINKMODE"], 1))
title("v1 down and up: link watch makes v0 DORMANT")
sh("ip link set v1 down")
sh("ip link set v1 up")
time.sleep(1.5)
watch(listener, quiet=0.1)
show("v0")
show("mv0")
setlink("v0 state UP", V0, attr_u8(IFLA_NUM["OPERSTATE"], 6))
title("mv0 down and up while v0 is DORMANT")
setlink("v0 state DORMANT", V0, attr_u8(IFLA_NUM["OPERSTATE"], 5))
sh("ip link set mv0 down")
sh("ip link set mv0 up")
time.sleep(1.2)
watch(listener, quiet=0.1)
show("mv0")

title("IFLA_OPERSTATE DORMANT at creation: kept by kinds without link watch (ifb, a bridge)")
for kind, name in (("ifb", "i0"), ("bridge", "b0")):
    seq[0] += 1
    s.talk(msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, seq[0],
               ifinfo() + attr_str(IFLA_NUM["IFNAME"], name) + attr_u8(IFLA_NUM["OPERSTATE"], 5)
               + linkinfo(kind)), quiet=0.05)
    sh(f"ip link set {name} addrgenmode none")
    sh(f"ip link set {name} up")
time.sleep(1.2)
watch(listener, quiet=0.1)
show("i0")
show("b0")
