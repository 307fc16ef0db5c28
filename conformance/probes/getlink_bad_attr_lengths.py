"""Attributes with nla_len below 4 or running past the message."""
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
title("nla_len 2")
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 1, ifinfo(index=1) + attr(IFLA_NUM["IFNAME"], b"lo\0\0", length=2)))
title("nla_len past the end")
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 2, ifinfo(index=1) + attr(IFLA_NUM["IFNAME"], b"lo\0\0", length=40)))
title("trailing 2 bytes after the last attribute")
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 3, ifinfo(index=1) + attr_u32(IFLA_NUM["EXT_MASK"], 0) + b"\x01\x00"))
