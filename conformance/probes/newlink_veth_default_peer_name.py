"""RTM_NEWLINK veth without a peer name (veth0/veth1 style names), and without any name."""
s = Sock()
body = ifinfo() + attr_str(IFLA_NUM["IFNAME"], "x0") + linkinfo("veth")
s.talk(msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 1, body))
s.talk(msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, 2, ifinfo() + linkinfo("veth")))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 3, ifinfo()))
