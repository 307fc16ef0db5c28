"""Link dump filtered by IFLA_LINKINFO kind: NLM_F_DUMP_FILTERED, strict and not."""
sh("ip link add br0 type bridge")
sh("ip link add v0 type veth peer name v1")
s = Sock()
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, ifinfo() + linkinfo("veth")))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 2, ifinfo() + linkinfo("bridge")))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 3, ifinfo() + linkinfo("nosuch")))
s.opt(NETLINK_GET_STRICT_CHK, 1)
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 4, ifinfo() + linkinfo("veth")))
