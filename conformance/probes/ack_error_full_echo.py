"""An error reply echoes the whole request unless NETLINK_CAP_ACK."""
s = Sock()
req = msg(RTM_SETLINK, NLM_F_REQUEST, 9, ifinfo(index=55) + attr_u32(IFLA_NUM["MTU"], 1400) + attr_str(IFLA_NUM["IFALIAS"], "x" * 40))
s.talk(req)
s.opt(NETLINK_CAP_ACK, 1)
s.talk(req)
