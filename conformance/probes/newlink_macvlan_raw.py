"""RTM_NEWLINK macvlan: IFLA_LINK required, mode data, missing parent."""
sh("ip link add v0 type veth peer name v1")
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
f = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK
mode = attr_u32(IFLA_MACVLAN_MODE, 4)
s.talk(msg(RTM_NEWLINK, f, 1, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "mv0") + linkinfo("macvlan", mode)))
s.talk(msg(RTM_NEWLINK, f, 2, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "mv0") + attr_u32(IFLA_NUM["LINK"], 77) + linkinfo("macvlan", mode)))
s.talk(msg(RTM_NEWLINK, f, 3, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "mv0") + attr_u32(IFLA_NUM["LINK"], 3) + linkinfo("macvlan", mode)))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 4, ifinfo(index=4)))
