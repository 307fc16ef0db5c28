"""RTM_GETLINK dumps for AF_BRIDGE list bridge ports with IFLA_PROTINFO (rtnl_bridge_getlink);
a bridge describes itself only when IFLA_EXT_MASK asks for VLAN (or MRP, CFM) data; strict
checks on the request."""
sh("ip link add br0 type bridge; ip link add v0 type veth peer name v1; ip link set v0 master br0")
sh("ip link add br1 type bridge; ip link add v2 type veth peer name v3; ip link set v3 master br1")
s = Sock()
for m in (0, 2, 4, 8, 0x10):
    title(f"bridge family dump, ext mask {m:#x}")
    s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 30 + m, ifinfo(family=7) + attr_u32(IFLA_NUM["EXT_MASK"], m)))
title("bridge family dump, no attributes, then only a family byte")
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 40, ifinfo(family=7)))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 41, rtgen(7)))
title("strict: header values, unsupported attribute")
s.opt(NETLINK_GET_STRICT_CHK, 1)
s.opt(NETLINK_EXT_ACK, 1)
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 42, ifinfo(family=7, index=3)))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 43, ifinfo(family=7) + attr_u32(IFLA_NUM["MTU"], 1500)))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 44, ifinfo(family=7) + attr_u32(IFLA_NUM["EXT_MASK"], 2)))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 45, rtgen(7)))
