"""Strict link dumps: allowed filter attributes and a refused one."""
s = Sock()
s.opt(NETLINK_GET_STRICT_CHK, 1)
s.opt(NETLINK_EXT_ACK, 1)
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, ifinfo() + attr_u32(IFLA_NUM["MTU"], 1500)))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 2, ifinfo() + attr_u32(IFLA_NUM["EXT_MASK"], 1)))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 3, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "lo")))
