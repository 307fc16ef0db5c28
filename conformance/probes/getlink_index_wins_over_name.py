"""With both an index and a name, the index decides."""
sh("ip link add v0 type veth peer name v1")
s = Sock()
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 1, ifinfo(index=1) + attr_str(IFLA_NUM["IFNAME"], "v0")))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 2, ifinfo(index=42) + attr_str(IFLA_NUM["IFNAME"], "v0")))
