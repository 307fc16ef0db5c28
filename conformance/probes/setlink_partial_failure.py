"""do_setlink applies attributes one by one (ADDRESS, MTU, GROUP, IFNAME, IFALIAS,
BROADCAST, flags, MASTER, ...) and keeps what it applied before a later one fails, with the
notifications those caused. nlroute checks a whole change before applying any of it (see
KNOWN_DIFFERENCES)."""
IFNAME, GROUP, MTU = IFLA_NUM["IFNAME"], IFLA_NUM["GROUP"], IFLA_NUM["MTU"]
ACKF = NLM_F_REQUEST | NLM_F_ACK
sh("ip link add br0 type bridge")
sh("ip link add v0 type veth peer name v1")
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
listener = Sock(groups=RTMGRP_LINK)


def t(seq, body, kind=RTM_SETLINK):
    s.talk(msg(kind, ACKF, seq, body), quiet=0.05)
    listener.recv(quiet=0.05)


def get(seq, idx):
    s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, seq, ifinfo(index=idx) + attr_u32(IFLA_NUM["EXT_MASK"], 8)), quiet=0.05)


title("GROUP applied, then the rename clashes")
t(1, ifinfo(index=4) + attr_u32(GROUP, 9) + attr_str(IFNAME, "v1"))
get(2, 4)
title("MTU applied, then IFLA_MASTER 77 fails")
t(3, ifinfo(index=4) + attr_u32(MTU, 1300) + attr_u32(IFLA_NUM["MASTER"], 77))
get(4, 4)
title("IFALIAS applied, then IFLA_MASTER of lo fails")
t(5, ifinfo(index=4) + attr_str(IFLA_NUM["IFALIAS"], "kept") + attr_u32(IFLA_NUM["MASTER"], 1))
get(6, 4)
