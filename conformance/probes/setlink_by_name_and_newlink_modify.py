"""RTM_SETLINK by IFLA_IFNAME (index 0) and RTM_NEWLINK without CREATE modify a link."""
sh("ip link add br0 type bridge")
s = Sock()
s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "br0") + attr_u32(IFLA_NUM["MTU"], 1300)))
s.talk(msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 2, ifinfo(index=2) + attr_u32(IFLA_NUM["TXQLEN"], 3)))
s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 3, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "nope") + attr_u32(IFLA_NUM["MTU"], 1300)))
s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 4, ifinfo()))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 5, ifinfo(index=2)))
