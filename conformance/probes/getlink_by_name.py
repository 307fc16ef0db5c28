"""RTM_GETLINK by IFLA_IFNAME, by IFLA_ALT_IFNAME, and a missing name."""
sh("ip link add v0 type veth peer name v1")
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 1, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "v1")))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 2, ifinfo() + attr_str(IFLA_NUM["ALT_IFNAME"], "v1")))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 3, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "nope")))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 4, ifinfo()))
