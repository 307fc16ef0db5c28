"""RTM_NEWADDR IPv6: IFA_FLAGS nodad, lifetimes via IFA_CACHEINFO, prefixlen 129, duplicate."""
sh("ip link add v0 type veth peer name v1")
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
f = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK
base = lambda a, plen=64: ifaddr(AF_INET6, plen, index=3) + attr_ip(IFA_NUM["ADDRESS"], a)
s.talk(msg(RTM_NEWADDR, f, 1, base("2001:db8::1") + attr_u32(IFA_NUM["FLAGS"], IFA_F_NODAD)))
s.talk(msg(RTM_NEWADDR, f, 2, base("2001:db8::2") + attr_u32(IFA_NUM["FLAGS"], IFA_F_NODAD) + attr(IFA_NUM["CACHEINFO"], struct.pack("=IIII", 300, 600, 0, 0))))
s.talk(msg(RTM_NEWADDR, f, 3, base("2001:db8::3") + attr(IFA_NUM["CACHEINFO"], struct.pack("=IIII", 600, 300, 0, 0))))
s.talk(msg(RTM_NEWADDR, f, 4, base("2001:db8::4") + attr(IFA_NUM["CACHEINFO"], struct.pack("=IIII", 0, 0, 0, 0))))
s.talk(msg(RTM_NEWADDR, f, 5, base("2001:db8::5", 129)))
s.talk(msg(RTM_NEWADDR, f, 6, base("2001:db8::1") + attr_u32(IFA_NUM["FLAGS"], IFA_F_NODAD)))
s.talk(msg(RTM_NEWADDR, f, 7, ifaddr(AF_INET6, 64, index=3)))
s.talk(msg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 8, rtgen(AF_INET6)))
