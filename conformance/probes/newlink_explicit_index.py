"""RTM_NEWLINK with ifi_index chosen by the caller; a taken index is EBUSY/EEXIST."""
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
f = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK
s.talk(msg(RTM_NEWLINK, f, 1, ifinfo(index=50) + attr_str(IFLA_NUM["IFNAME"], "br0") + linkinfo("bridge")))
s.talk(msg(RTM_NEWLINK, f, 2, ifinfo(index=50) + attr_str(IFLA_NUM["IFNAME"], "br1") + linkinfo("bridge")))
s.talk(msg(RTM_NEWLINK, f, 3, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "br2") + linkinfo("bridge")))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 4, ifinfo()))
