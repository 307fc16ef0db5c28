"""RTM_GETADDR without NLM_F_DUMP: EOPNOTSUPP for IPv4, a lookup for IPv6."""
sh("ip link set lo up")
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
s.talk(msg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_ACK, 1, ifaddr(family=AF_INET, index=1) + attr_ip(IFA_NUM["LOCAL"], "127.0.0.1")))
s.talk(msg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_ACK, 2, ifaddr(family=AF_UNSPEC, index=1)))
s.talk(msg(RTM_GETADDR, NLM_F_REQUEST, 3, ifaddr(family=AF_INET6, prefixlen=128, index=1) + attr_ip(IFA_NUM["ADDRESS"], "::1")))
s.talk(msg(RTM_GETADDR, NLM_F_REQUEST, 4, ifaddr(family=AF_INET6, prefixlen=128, index=1) + attr_ip(IFA_NUM["ADDRESS"], "::2")))
