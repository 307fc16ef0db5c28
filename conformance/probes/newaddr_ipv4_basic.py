"""RTM_NEWADDR IPv4 with IFA_LOCAL only, with LOCAL+ADDRESS, with BROADCAST and LABEL; dumped."""
sh("ip link add v0 type veth peer name v1")
s = Sock()
f = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK
s.talk(msg(RTM_NEWADDR, f, 1, ifaddr(AF_INET, 24, index=3) + attr_ip(IFA_NUM["LOCAL"], "192.0.2.1")))
s.talk(msg(RTM_NEWADDR, f, 2, ifaddr(AF_INET, 32, index=3) + attr_ip(IFA_NUM["LOCAL"], "10.0.0.1") + attr_ip(IFA_NUM["ADDRESS"], "10.0.0.2")))
s.talk(msg(RTM_NEWADDR, f, 3, ifaddr(AF_INET, 24, index=3) + attr_ip(IFA_NUM["LOCAL"], "198.51.100.1") + attr_ip(IFA_NUM["BROADCAST"], "198.51.100.255") + attr_str(IFA_NUM["LABEL"], "v0:x")))
s.talk(msg(RTM_NEWADDR, f, 4, ifaddr(AF_INET, 24, index=3) + attr_ip(IFA_NUM["ADDRESS"], "203.0.113.1")))
s.talk(msg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 5, rtgen(AF_INET)))
