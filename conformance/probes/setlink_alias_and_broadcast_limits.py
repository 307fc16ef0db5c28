"""IFLA_IFALIAS at its limits (255 bytes plus NUL, 255 unterminated, 256, a lone NUL,
an embedded NUL) and IFLA_BROADCAST on set (short, long, zero, unchanged) and a long one on create, with the
notifications each change sends on a down bridge (alias: none while down; broadcast:
NETDEV_CHANGEADDR, even when unchanged)."""
IFALIAS, BCAST, IFNAME = IFLA_NUM["IFALIAS"], IFLA_NUM["BROADCAST"], IFLA_NUM["IFNAME"]
ACKF = NLM_F_REQUEST | NLM_F_ACK
sh("ip link add br0 type bridge")
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
listener = Sock(groups=RTMGRP_LINK)


def set_(seq, a):
    s.talk(msg(RTM_SETLINK, ACKF, seq, ifinfo(index=2) + a), quiet=0.05)
    listener.recv(quiet=0.05)


def show(seq):
    s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, seq, ifinfo(index=2) + attr_u32(IFLA_NUM["EXT_MASK"], 8)), quiet=0.05)


title("alias: 255 bytes with NUL, 255 unterminated, 256 unterminated")
set_(1, attr(IFALIAS, b"a" * 255 + b"\0"))
set_(2, attr(IFALIAS, b"b" * 255))
show(3)
set_(4, attr(IFALIAS, b"c" * 256))
title("alias: embedded NUL, then the same again, then a lone NUL")
set_(5, attr(IFALIAS, b"ab\0cd"))
show(6)
set_(7, attr(IFALIAS, b"ab\0cd"))
set_(8, attr(IFALIAS, b"\0"))
show(9)
title("broadcast: 6 bytes, same again, 5 bytes, 8 bytes, zero")
set_(10, attr_mac(BCAST, "02:11:22:33:44:55"))
set_(11, attr_mac(BCAST, "02:11:22:33:44:55"))
set_(12, attr(BCAST, bytes.fromhex("0a0b0c0d0e")))
set_(13, attr(BCAST, bytes.fromhex("0a0b0c0d0e0f1011")))
show(14)
set_(15, attr(BCAST, bytes(6)))
show(16)
title("create with an 8-byte broadcast: the first 6 bytes are kept")
f = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK
s.talk(msg(RTM_NEWLINK, f, 17, ifinfo() + attr_str(IFNAME, "br1") + attr(BCAST, bytes.fromhex("06070809aabbccdd")) + linkinfo("bridge")), quiet=0.05)
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 18, ifinfo() + attr_str(IFNAME, "br1") + attr_u32(IFLA_NUM["EXT_MASK"], 8)), quiet=0.05)
listener.recv(quiet=0.05)
