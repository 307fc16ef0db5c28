"""IPv4 device configuration through IFLA_AF_SPEC (inet_validate_link_af, inet_set_link_af):
each IFLA_INET_CONF entry is checked (at least 4 bytes, an id from 1 to IPV4_DEVCONF_MAX)
before anything is set, and every family's entries before any is applied; the values set
come back in IFLA_AF_SPEC; a device below the IPv4 minimum MTU has no IPv4 device (the entry
is EAFNOSUPPORT, and the dump lists no AF_INET) and gets the defaults back with it."""
import struct

IFLA_AF_SPEC, AF_INET6, IFLA_INET_CONF = 26, 10, 1
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
watch = Sock(groups=RTMGRP_LINK)
s.talk(veth("v0", "v1"))
watch.recv(quiet=0.2)


def conf(*entries):
    return nest(AF_INET, nest(IFLA_INET_CONF, *(attr(i, v) for i, v in entries)))


def u32(v):
    return struct.pack("=I", v)


def setlink(seq, *families, index=3):
    s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, seq,
               ifinfo(index=index) + nest(IFLA_AF_SPEC, *families)), quiet=0.05)
    watch.recv(quiet=0.05)


def show_conf(seq, index=3):
    """The AF_INET devconf values of the link that differ from v1's (untouched)."""
    def values(ix):
        s.s.send(msg(RTM_GETLINK, NLM_F_REQUEST, seq, ifinfo(index=ix)))
        data = s.s.recv(65536)
        if struct.unpack_from("=H", data, 4)[0] != RTM_NEWLINK:
            return None
        for t, b in attrs_of(data[32:]):
            if t & 0x3FFF == IFLA_AF_SPEC:
                for ft, fb in attrs_of(b):
                    if ft == AF_INET:
                        for ct, cb in attrs_of(fb):
                            if ct == IFLA_INET_CONF:
                                return struct.unpack(f"={len(cb) // 4}I", cb)
        return None
    mine, fresh = values(index), values(2)
    if mine is None:
        out("  no AF_INET in IFLA_AF_SPEC")
        return
    diff = [f"{i + 1}={v}" for i, (v, d) in enumerate(zip(mine, fresh)) if v != d]
    out(f"  {len(mine)} values, differing from a fresh device: {' '.join(diff) or 'none'}")


out("forwarding (1), tag (12), force_igmp_version (17), drop_unicast_in_l2_multicast (30)")
setlink(10, conf((1, u32(1)), (12, u32(2)), (17, u32(1)), (30, u32(1))))
show_conf(11)
out("the same again")
setlink(12, conf((1, u32(1))))
out("id 0, id 34, id 33, a 2-byte value, an 8-byte value")
setlink(13, conf((0, u32(1))))
setlink(14, conf((34, u32(1))))
setlink(15, conf((33, u32(7))))
setlink(16, conf((2, struct.pack("=H", 1))))
setlink(17, conf((3, struct.pack("=Q", 5))))
show_conf(18)
out("an unknown AF_INET attribute, an empty IFLA_INET_CONF, IFLA_INET_CONF not nested")
setlink(19, nest(AF_INET, attr(2, u32(1))))
setlink(20, nest(AF_INET, attr(IFLA_INET_CONF)))
setlink(21, nest(AF_INET, attr(IFLA_INET_CONF, u32(1))))
out("a good AF_INET entry next to a bad AF_INET6 one: nothing is set")
setlink(22, conf((4, u32(1))), nest(AF_INET6, attr(8, b"\x09")))
show_conf(23)
out("lo below the IPv4 minimum MTU, then back")
setlink(24, conf((1, u32(1))), index=1)
s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 25, ifinfo(index=1) + attr_u32(4, 60)))
watch.recv(quiet=0.1)
setlink(26, conf((1, u32(0))), index=1)
setlink(27, conf((0, u32(0))), index=1)
show_conf(28, index=1)
s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 29, ifinfo(index=1) + attr_u32(4, 65536)))
watch.recv(quiet=0.1)
show_conf(30, index=1)
out("v0 up: a setting, an empty entry, a refused one")
s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 40, ifinfo(index=3, flags=1, change=1)))
watch.recv(quiet=0.2)
setlink(41, conf((1, u32(0))))
setlink(42, nest(AF_INET))
setlink(43, conf((0, u32(0))))
out("AF_BRIDGE, an unknown family")
setlink(44, nest(7, attr(1, u32(1))))
setlink(45, nest(99))
out("new links with an AF_INET, AF_INET6 or AF_BRIDGE entry, or one on the peer")
for seq, family, peer_family in ((31, AF_INET, None), (32, AF_INET6, None), (33, 7, None),
                                 (34, None, AF_INET)):
    own = nest(IFLA_AF_SPEC, nest(family, attr(9))) if family else b""
    peer = nest(IFLA_AF_SPEC, nest(peer_family)) if peer_family else b""
    s.talk(msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, seq,
               ifinfo() + attr_str(3, "v2") + own
               + linkinfo("veth", nest(VETH_INFO_PEER, ifinfo() + attr_str(3, "v3") + peer))))
    watch.recv(quiet=0.1)
