"""Link dump filtered by IFLA_MASTER (ports of a bridge; a missing master)."""
sh("ip link add br0 type bridge")
sh("ip link add v0 type veth peer name v1")
sh("ip link set v0 master br0")
s = Sock()
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, ifinfo() + attr_u32(IFLA_NUM["MASTER"], 2)))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 2, ifinfo() + attr_u32(IFLA_NUM["MASTER"], 99)))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 3, ifinfo() + attr_u32(IFLA_NUM["MASTER"], 2) + linkinfo("veth")))
