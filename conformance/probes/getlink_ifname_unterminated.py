"""IFLA_IFNAME without a terminating NUL, and one of exactly 15 characters."""
sh("ip link add abcdefghijklmno type bridge")
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 1, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "lo", nul=False)))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 2, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "abcdefghijklmno", nul=False)))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 3, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "abcdefghijklmno")))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 4, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "abcdefghijklmnop")))
