"""The operational state a program sets: IFLA_LINKMODE (ip link set mode dormant)
makes link watch turn an operational state of UP into DORMANT the next time it
runs for the link (rfc2863_policy; not at once), and IFLA_OPERSTATE asks
set_operstate for a transition: UP from DORMANT, TESTING or UNKNOWN; DORMANT or
TESTING from UP or UNKNOWN; anything else changes nothing. A change is announced
(netdev_state_change, on a running device) and RUNNING follows the state (UP or
UNKNOWN). What a supplicant does: mode dormant, then state UP once
authenticated. Shown on a veth end (its peer's carrier drives link watch) and on
a bridge without ports (no link watch: UNKNOWN until set)."""
import time

sh("ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11")
sh("ip link add br0 address 02:00:00:00:00:20 type bridge")
for d in ("v0", "v1", "br0"):
    sh(f"ip link set {d} addrgenmode none")
sh("ip link set v0 up")
sh("ip link set v1 up")
sh("ip link set br0 up")
time.sleep(1.2)
listener = Sock(groups=RTMGRP_LINK)
s = Sock()
seq = [0]
OPER = {0: "UNKNOWN", 1: "NOTPRESENT", 2: "DOWN", 3: "LOWERLAYERDOWN", 4: "TESTING", 5: "DORMANT", 6: "UP"}


def show(index):
    """The link's operational state, link mode and RUNNING, from RTM_GETLINK."""
    seq[0] += 1
    s.s.send(msg(RTM_GETLINK, NLM_F_REQUEST, seq[0], ifinfo(index=index)))
    data = s.s.recv(65536)
    body = data[16:]
    flags = struct.unpack_from("=I", body, 8)[0]
    a = {t: b for t, b in attrs_of(body[16:]) if t is not None}
    oper = a.get(IFLA_NUM["OPERSTATE"], b"\xff")[0]
    mode = a.get(IFLA_NUM["LINKMODE"], b"\xff")[0]
    out(f"   index {index}: operstate {OPER.get(oper, oper)} linkmode {mode} "
        f"running {int(bool(flags & 0x40))} up {int(bool(flags & 1))}")


def setlink(name, index, body=b"", flags=0, change=0):
    seq[0] += 1
    title(f"{name} on index {index}")
    s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, seq[0],
               ifinfo(index=index, flags=flags, change=change) + body), quiet=0.05)
    time.sleep(0.3)
    watch(listener, quiet=0.1)
    show(index)


def bounce_peer():
    """v1 down and up: link watch runs for v0 as its carrier goes and comes back."""
    sh("ip link set v1 down")
    sh("ip link set v1 up")
    time.sleep(1.2)
    watch(listener, quiet=0.1)


def operstate(v):
    return attr_u8(IFLA_NUM["OPERSTATE"], v)


def linkmode(v):
    return attr_u8(IFLA_NUM["LINKMODE"], v)


V0, V1, BR = 3, 2, 4
title("start")
for i in (V0, BR):
    show(i)
setlink("mode dormant (no link watch run yet)", V0, linkmode(1))
setlink("mode dormant again", V0, linkmode(1))
title("peer down and up: link watch runs for v0")
bounce_peer()
show(V0)
setlink("state UP (authenticated)", V0, operstate(6))
setlink("state UP again", V0, operstate(6))
setlink("state DORMANT", V0, operstate(5))
setlink("state DOWN (not a transition)", V0, operstate(2))
setlink("state LOWERLAYERDOWN (not a transition)", V0, operstate(3))
setlink("state 200 (not a transition)", V0, operstate(200))
setlink("state UP and mode default in one request", V0, operstate(6) + linkmode(0))
setlink("state TESTING", V0, operstate(4))
setlink("state DORMANT from TESTING (not a transition)", V0, operstate(5))
setlink("state UP from TESTING", V0, operstate(6))
setlink("mode testing", V0, linkmode(2))
title("peer down and up with mode testing")
bounce_peer()
show(V0)
setlink("mode dormant and state UP in one request", V0, linkmode(1) + operstate(6))
title("v0 down: reported DOWN; state DORMANT while down")
sh("ip link set v0 down")
time.sleep(0.3)
watch(listener, quiet=0.1)
show(V0)
setlink("state DORMANT while down", V0, operstate(5))
setlink("state UP while down", V0, operstate(6))
title("v0 up again with mode dormant")
sh("ip link set v0 up")
time.sleep(1.2)
watch(listener, quiet=0.1)
show(V0)
setlink("mode default, then a carrier bounce", V0, linkmode(0))
bounce_peer()
show(V0)
setlink("bridge without ports: state UP from UNKNOWN", BR, operstate(6))
setlink("bridge: state DORMANT", BR, operstate(5))
setlink("bridge: mode dormant", BR, linkmode(1))
title("bridge down and up")
sh("ip link set br0 down")
sh("ip link set br0 up")
time.sleep(1.2)
watch(listener, quiet=0.1)
show(BR)
setlink("bridge: state UP", BR, operstate(6))
title("ip shows the state and mode")
bounce_peer()
p = subprocess.run("ip -d link show v0 | head -1; ip link show br0 | head -1", shell=True,
                   capture_output=True, text=True)
for line in p.stdout.splitlines():
    out("   " + line)

title("created with mode dormant and state UP (a veth: link watch replaces the state)")
seq[0] += 1
peer_info = attr(VETH_INFO_PEER, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "v3")
                 + attr_mac(IFLA_NUM["ADDRESS"], "02:00:00:00:00:31"))
s.talk(msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, seq[0],
           ifinfo() + attr_str(IFLA_NUM["IFNAME"], "v2") + attr_mac(IFLA_NUM["ADDRESS"], "02:00:00:00:00:30")
           + operstate(6) + linkmode(1) + linkinfo("veth", peer_info)), quiet=0.05)
time.sleep(0.3)
watch(listener, quiet=0.1)
V2, V3 = 6, 5
sh("ip link set v2 up")
time.sleep(0.3)
watch(listener, quiet=0.1)
show(V2)
title("peer up: v2 DORMANT, no IPv6 link-local address until state UP")
sh("ip link set v3 addrgenmode none")
sh("ip link set v3 up")
time.sleep(2.5)
watch(listener, quiet=0.1)
show(V2)
p = subprocess.run("ip -6 addr show dev v2", shell=True, capture_output=True, text=True)
out("   addresses: " + (" ".join(l.split()[1] for l in p.stdout.splitlines() if "inet6" in l) or "none"))
setlink("state UP: addrconf configures it", V2, operstate(6))
time.sleep(2.5)
watch(listener, quiet=0.1)
p = subprocess.run("ip -6 addr show dev v2", shell=True, capture_output=True, text=True)
out("   addresses: " + (" ".join(l.split()[1] for l in p.stdout.splitlines() if "inet6" in l) or "none"))

title("a bridge port set DORMANT is disabled (br_port_carrier_check)")
sh("ip link add br1 address 02:00:00:00:00:40 type bridge")
sh("ip link set br1 addrgenmode none")
sh("ip link set v1 master br1")
sh("ip link set br1 up")
time.sleep(1.5)  # the bridge's carrier waits for the port to forward, then for link watch
watch(listener, quiet=0.1)
p = subprocess.run("bridge link show dev v1", shell=True, capture_output=True, text=True)
out("   " + p.stdout.strip())
setlink("port state DORMANT", V1, operstate(5))
time.sleep(1.2)  # the bridge's carrier change waits for link watch's next full run
watch(listener, quiet=0.1)
p = subprocess.run("bridge link show dev v1; ip link show br1 | head -1", shell=True, capture_output=True, text=True)
for line in p.stdout.splitlines():
    out("   " + line)
setlink("port state UP", V1, operstate(6))
time.sleep(1.2)
watch(listener, quiet=0.1)
p = subprocess.run("bridge link show dev v1; ip link show br1 | head -1", shell=True, capture_output=True, text=True)
for line in p.stdout.splitlines():
    out("   " + line)
