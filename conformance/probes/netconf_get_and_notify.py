"""RTM_GETNETCONF (ip netconf): a dump per family (AF_INET: every device with IPv4, then
"all" and "default"; AF_INET6 likewise; AF_UNSPEC both), a get by NETCONFA_IFINDEX, the
strict checks of each, and RTM_NEWNETCONF / RTM_DELNETCONF to RTNLGRP_IPV4_NETCONF and
RTNLGRP_IPV6_NETCONF as devices come and go (and as an MTU below 1280 takes the IPv6
device away)."""
import time

RTM_NEWNETCONF, RTM_DELNETCONF, RTM_GETNETCONF = 80, 81, 82
NETCONF = {1: "IFINDEX", 2: "FORWARDING", 3: "RP_FILTER", 4: "MC_FORWARDING", 5: "PROXY_NEIGH",
           6: "IGNORE_ROUTES_WITH_LINKDOWN", 7: "INPUT", 8: "BC_FORWARDING"}
NAMES = {RTM_NEWNETCONF: "RTM_NEWNETCONF", RTM_DELNETCONF: "RTM_DELNETCONF", 2: "NLMSG_ERROR", 3: "NLMSG_DONE"}


def show(data):
    off = 0
    while off + 16 <= len(data):
        n, t, f, seq, pid = struct.unpack_from("=IHHII", data, off)
        body = data[off + 16: off + n]
        if t in (RTM_NEWNETCONF, RTM_DELNETCONF):
            attrs = []
            for at, ab in attrs_of(body[4:]):
                if at is None:
                    attrs.append(str(ab))
                else:
                    attrs.append(f"{NETCONF.get(at, at)}={struct.unpack_from('=i', ab)[0] if len(ab) >= 4 else ab.hex()}")
            out(f"   {NAMES[t]} len={n} flags=0x{f:x} family={body[0]} " + " ".join(attrs))
        elif t == 2:
            err = struct.unpack_from("=i", body)[0]
            tail = ""
            if f & 0x200:
                for at, ab in attrs_of(body[4 + 16 + (0 if f & 0x100 else max(0, struct.unpack_from("=I", body, 4)[0] - 16)):]):
                    if at == 1:
                        tail += f" msg={cstr(ab)}"
                    elif at == 2:
                        tail += f" offs={struct.unpack_from('=I', ab)[0]}"
            out(f"   NLMSG_ERROR error={err}{tail}")
        elif t == 3:
            tail = ""
            if f & 0x200:
                for at, ab in attrs_of(body[4:]):
                    if at == 1:
                        tail += f" msg={cstr(ab)}"
            out(f"   NLMSG_DONE error={struct.unpack_from('=i', body)[0] if len(body) >= 4 else ''}{tail}")
        elif t in (RTM_NEWLINK, RTM_DELLINK):
            idx = struct.unpack_from("=i", body, 4)[0]
            out(f"   {TYPES.get(t, t)} index={idx}")
        else:
            out(f"   type {t} len={n}")
        off += align(n)


def talk(what, m, strict=False):
    title(what)
    s.s.setsockopt(SOL_NETLINK, 12, 1 if strict else 0)  # NETLINK_GET_STRICT_CHK
    s.s.send(m)
    while select.select([s.s], [], [], 0.1)[0]:
        show(s.s.recv(65536))


def ncm(family, pad=b"\0\0\0"):
    return struct.pack("=B", family) + pad


def nc_attr_ifindex(i):
    return attr(1, struct.pack("=i", i))


def notifications(what):
    """What the listener heard (netconf and link messages) since it last looked."""
    title(f"notifications: {what}")
    while select.select([listener.s], [], [], 0.2)[0]:
        show(listener.s.recv(65536))


listener = Sock(groups=RTMGRP_LINK)
listener.join(24)  # RTNLGRP_IPV4_NETCONF
listener.join(25)  # RTNLGRP_IPV6_NETCONF
s = Sock()
s.s.setsockopt(SOL_NETLINK, 11, 1)  # NETLINK_EXT_ACK
seq = 1
DUMP = NLM_F_REQUEST | NLM_F_DUMP

talk("dump AF_INET, only lo", msg(RTM_GETNETCONF, DUMP, 1, ncm(AF_INET)))
sh("ip link add v0 type veth peer name v1")
notifications("veth pair added")
talk("dump AF_INET", msg(RTM_GETNETCONF, DUMP, 2, ncm(AF_INET)))
talk("dump AF_INET6", msg(RTM_GETNETCONF, DUMP, 3, ncm(AF_INET6)))
talk("dump AF_UNSPEC", msg(RTM_GETNETCONF, DUMP, 4, ncm(0)))
talk("dump AF_INET strict", msg(RTM_GETNETCONF, DUMP, 5, ncm(AF_INET)), strict=True)
talk("dump AF_INET strict, short header", msg(RTM_GETNETCONF, DUMP, 6, b""), strict=True)
talk("dump AF_INET strict, an attribute", msg(RTM_GETNETCONF, DUMP, 7, ncm(AF_INET) + nc_attr_ifindex(2)), strict=True)
talk("dump AF_INET6 strict, an attribute", msg(RTM_GETNETCONF, DUMP, 8, ncm(AF_INET6) + nc_attr_ifindex(2)), strict=True)
talk("dump AF_INET not strict, an attribute", msg(RTM_GETNETCONF, DUMP, 9, ncm(AF_INET) + nc_attr_ifindex(2)))
talk("get AF_INET v0", msg(RTM_GETNETCONF, NLM_F_REQUEST, 10, ncm(AF_INET) + nc_attr_ifindex(3)))
talk("get AF_INET all", msg(RTM_GETNETCONF, NLM_F_REQUEST, 11, ncm(AF_INET) + nc_attr_ifindex(-1)))
talk("get AF_INET default", msg(RTM_GETNETCONF, NLM_F_REQUEST, 12, ncm(AF_INET) + nc_attr_ifindex(-2)))
talk("get AF_INET6 v1", msg(RTM_GETNETCONF, NLM_F_REQUEST, 13, ncm(AF_INET6) + nc_attr_ifindex(2)))
talk("get AF_INET6 all", msg(RTM_GETNETCONF, NLM_F_REQUEST, 14, ncm(AF_INET6) + nc_attr_ifindex(-1)))
talk("get AF_INET without an index", msg(RTM_GETNETCONF, NLM_F_REQUEST, 15, ncm(AF_INET)))
talk("get AF_INET index 99", msg(RTM_GETNETCONF, NLM_F_REQUEST, 16, ncm(AF_INET) + nc_attr_ifindex(99)))
talk("get AF_INET6 index 99", msg(RTM_GETNETCONF, NLM_F_REQUEST, 17, ncm(AF_INET6) + nc_attr_ifindex(99)))
talk("get AF_INET6 strict, extra attribute", msg(RTM_GETNETCONF, NLM_F_REQUEST, 26, ncm(AF_INET6) + nc_attr_ifindex(3) + attr(2, struct.pack("=i", 1))), strict=True)
talk("get AF_INET6 strict, short rp_filter", msg(RTM_GETNETCONF, NLM_F_REQUEST, 32, ncm(AF_INET6) + nc_attr_ifindex(3) + attr(3, b"\1")), strict=True)
talk("get AF_INET strict, short rp_filter", msg(RTM_GETNETCONF, NLM_F_REQUEST, 33, ncm(AF_INET) + nc_attr_ifindex(3) + attr(3, b"\1")), strict=True)
talk("get AF_INET short header", msg(RTM_GETNETCONF, NLM_F_REQUEST, 27, b"\2"))
talk("dump AF_INET6 strict, short header", msg(RTM_GETNETCONF, DUMP, 28, b"\x0a"), strict=True)
talk("get AF_INET strict, extra attribute", msg(RTM_GETNETCONF, NLM_F_REQUEST, 18, ncm(AF_INET) + nc_attr_ifindex(3) + attr(2, struct.pack("=i", 1))), strict=True)
talk("get AF_INET strict", msg(RTM_GETNETCONF, NLM_F_REQUEST, 19, ncm(AF_INET) + nc_attr_ifindex(3)), strict=True)
title("v1's IPv4 settings set through IFLA_AF_SPEC (no netconf notification)")
conf = b"".join(attr(i, struct.pack("=I", v)) for i, v in ((1, 1), (2, 3), (3, 4), (8, 2), (29, 5), (32, 6)))
s.s.send(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 30, ifinfo(index=2)
             + nest(IFLA_NUM["AF_SPEC"], nest(AF_INET, nest(1, conf)))))
show(s.s.recv(65536))
notifications("none expected")
talk("get AF_INET v1", msg(RTM_GETNETCONF, NLM_F_REQUEST, 31, ncm(AF_INET) + nc_attr_ifindex(2)))
talk("get AF_PACKET", msg(RTM_GETNETCONF, NLM_F_REQUEST, 20, ncm(17) + nc_attr_ifindex(3)))
talk("dump AF_PACKET", msg(RTM_GETNETCONF, DUMP, 21, ncm(17)))
talk("get AF_INET short ifindex", msg(RTM_GETNETCONF, NLM_F_REQUEST, 22, ncm(AF_INET) + attr(1, b"\1\0")))
sh("ip link set v0 mtu 1200")
notifications("v0 below the IPv6 minimum MTU")
talk("dump AF_INET6 with v0 below 1280", msg(RTM_GETNETCONF, DUMP, 23, ncm(AF_INET6)))
sh("ip link set v0 mtu 1500")
notifications("v0 back at 1500")
sh("ip link set v0 mtu 60")
notifications("v0 below the IPv4 minimum MTU")
talk("dump AF_INET with v0 below 68", msg(RTM_GETNETCONF, DUMP, 24, ncm(AF_INET)))
talk("get AF_INET v0 below 68", msg(RTM_GETNETCONF, NLM_F_REQUEST, 25, ncm(AF_INET) + nc_attr_ifindex(3)))
sh("ip link set v0 mtu 1500")
notifications("v0 back at 1500 again")
sh("ip link add br0 type bridge")
sh("ip link del v0")
notifications("bridge added, veth pair deleted")
sh("ip link add ifb0 mtu 1000 type ifb")
notifications("ifb0 made with MTU 1000 (no IPv6 device)")
for mtu in (60, 1000, 1500, 1400):
    sh(f"ip link set ifb0 mtu {mtu}")
    notifications(f"ifb0 at MTU {mtu}")
p = subprocess.run("ip netconf show; ip -6 netconf show dev br0", shell=True, capture_output=True, text=True)
for line in (p.stdout + p.stderr).splitlines():
    out("   " + line)
