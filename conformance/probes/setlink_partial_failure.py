"""do_setlink applies attributes one by one (ADDRESS, MTU, GROUP, IFNAME, IFALIAS,
BROADCAST, MASTER, flags, CARRIER, TXQLEN, ..., PROTO_DOWN) and keeps what it applied
before a later one fails, with the notifications those caused, answering with the failing
one's error; what validate_linkmsg checks (address lengths, ...) and the namespace move
fail before anything is applied."""
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
title("address applied, then an MTU below the minimum fails")
t(7, ifinfo(index=4) + attr_mac(IFLA_NUM["ADDRESS"], "02:00:00:00:00:55") + attr_u32(MTU, 50))
get(8, 4)
title("a short broadcast address fails up front: the name before it is not applied")
t(9, ifinfo(index=4) + attr_str(IFNAME, "w0") + attr(IFLA_NUM["BROADCAST"], b"\xff\xff"))
get(10, 4)
title("up applied, then IFLA_CARRIER fails (veth has no ndo_change_carrier)")
t(11, ifinfo(index=4, flags=IFF_UP, change=IFF_UP) + attr_u8(IFLA_NUM["CARRIER"], 1))
get(12, 4)
title("txqlen applied, then IFLA_PROTO_DOWN fails")
t(13, ifinfo(index=4) + attr_u32(IFLA_NUM["TXQLEN"], 321) + attr_u8(IFLA_NUM["PROTO_DOWN"], 1))
get(14, 4)
title("a move to another namespace comes first: nothing applied")
t(15, ifinfo(index=4) + attr_u32(MTU, 1280) + attr_u32(IFLA_NUM["NET_NS_PID"], 999999))
get(16, 4)
