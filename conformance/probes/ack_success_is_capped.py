"""A successful ACK carries only the request header (NLM_F_CAPPED), with and without CAP_ACK."""
sh("ip link add v0 type veth peer name v1")
s = Sock()
s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, ifinfo(index=3) + attr_u32(IFLA_NUM["MTU"], 1400)))
s.opt(NETLINK_CAP_ACK, 1)
s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 2, ifinfo(index=3) + attr_u32(IFLA_NUM["MTU"], 1450)))
s.opt(NETLINK_EXT_ACK, 1)
s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 3, ifinfo(index=3) + attr_u32(IFLA_NUM["MTU"], 1500)))
