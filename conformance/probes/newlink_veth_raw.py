"""RTM_NEWLINK creating a veth pair with VETH_INFO_PEER; then the pair as dumped."""
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
s.talk(veth("v0", "v1"))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 2, ifinfo()))
