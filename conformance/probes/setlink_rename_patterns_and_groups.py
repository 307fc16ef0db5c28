"""Renames and group operations (do_setlink, rtnl_group_changelink, rtnl_group_dellink):
IFLA_IFNAME "" with an index renames nothing; a name with %d picks a free number (the
device's own name counting as taken), other % patterns are EINVAL. Group operations with
index 0 and no name: RTM_NEWLINK without CREATE changes every member, RTM_DELLINK deletes
them (group 0: EPERM, no member: ENODEV, a member without dellink such as lo: EOPNOTSUPP,
nothing deleted)."""
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


title("IFLA_IFNAME '' by index: nothing renamed")
t(7, ifinfo(index=4) + attr_str(IFNAME, ""))
title("rename patterns: v%d (v0 and v1 taken), %d, e%s, %d%d, x%dy%d")
t(8, ifinfo(index=4) + attr_str(IFNAME, "v%d"))
t(9, ifinfo(index=3) + attr_str(IFNAME, "%d"))
t(10, ifinfo(index=3) + attr_str(IFNAME, "e%s"))
t(11, ifinfo(index=3) + attr_str(IFNAME, "%d%d"))
t(12, ifinfo(index=3) + attr_str(IFNAME, "x%dy%d"))
title("RTM_NEWLINK on group 9 (index 0, no name, no CREATE)")
t(13, ifinfo(index=3) + attr_u32(GROUP, 9))
t(14, ifinfo() + attr_u32(GROUP, 9) + attr_u32(IFLA_NUM["TXQLEN"], 33), RTM_NEWLINK)
t(15, ifinfo() + attr_u32(GROUP, 42) + attr_u32(IFLA_NUM["TXQLEN"], 34), RTM_NEWLINK)
title("RTM_DELLINK by group: 0, missing, with lo, then 9")
t(16, ifinfo() + attr_u32(GROUP, 0), RTM_DELLINK)
t(17, ifinfo() + attr_u32(GROUP, 42), RTM_DELLINK)
t(18, ifinfo(index=1) + attr_u32(GROUP, 5))
t(19, ifinfo(index=2) + attr_u32(GROUP, 5))
t(20, ifinfo() + attr_u32(GROUP, 5), RTM_DELLINK)
t(21, ifinfo() + attr_u32(GROUP, 9), RTM_DELLINK)
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 22, ifinfo() + attr_u32(IFLA_NUM["EXT_MASK"], 8)), quiet=0.1)
