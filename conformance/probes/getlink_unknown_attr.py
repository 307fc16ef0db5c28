"""An unknown attribute type in RTM_GETLINK, non-strict and strict."""
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
req = msg(RTM_GETLINK, NLM_F_REQUEST, 1, ifinfo(index=1) + attr_u32(999, 7))
s.talk(req)
s.opt(NETLINK_GET_STRICT_CHK, 1)
s.talk(req)
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 2, ifinfo(index=1) + attr_u32(IFLA_NUM["MTU"], 7)))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 3, ifinfo(index=1, flags=1)))
