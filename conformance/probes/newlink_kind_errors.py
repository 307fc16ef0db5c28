"""RTM_NEWLINK: unknown kind, no kind, kind of an existing link changed."""
sh("ip link add br0 type bridge")
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
f = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK
s.talk(msg(RTM_NEWLINK, f, 1, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "x0") + linkinfo("nosuchkind")))
s.talk(msg(RTM_NEWLINK, f, 2, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "x0")))
s.talk(msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK, 3, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "br0") + linkinfo("veth")))
s.talk(msg(RTM_NEWLINK, f, 4, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "x0") + attr(IFLA_NUM["LINKINFO"], b"")))
