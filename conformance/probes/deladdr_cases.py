"""RTM_DELADDR: missing address (EADDRNOTAVAIL + text), primary with secondaries, IPv6, no device."""
sh("ip link add v0 type veth peer name v1")
sh("ip addr add 192.0.2.1/24 dev v0")
sh("ip addr add 192.0.2.2/24 dev v0")
sh("ip addr add 2001:db8::1/64 dev v0 nodad")
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
f = NLM_F_REQUEST | NLM_F_ACK
s.talk(msg(RTM_DELADDR, f, 1, ifaddr(AF_INET, 24, index=3) + attr_ip(IFA_NUM["LOCAL"], "192.0.2.9")))
s.talk(msg(RTM_DELADDR, f, 2, ifaddr(AF_INET6, 64, index=3) + attr_ip(IFA_NUM["ADDRESS"], "2001:db8::9")))
s.talk(msg(RTM_DELADDR, f, 3, ifaddr(AF_INET, 24, index=77) + attr_ip(IFA_NUM["LOCAL"], "192.0.2.1")))
s.talk(msg(RTM_DELADDR, f, 4, ifaddr(AF_INET, 24, index=3) + attr_ip(IFA_NUM["LOCAL"], "192.0.2.1")))
s.talk(msg(RTM_DELADDR, f, 5, ifaddr(AF_INET6, 64, index=3) + attr_ip(IFA_NUM["ADDRESS"], "2001:db8::1")))
s.talk(msg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 6, rtgen(AF_UNSPEC)))
