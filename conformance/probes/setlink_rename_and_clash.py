"""IFLA_IFNAME rename, clash (EEXIST), rename to itself, invalid new name."""
sh("ip link add v0 type veth peer name v1")
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
for i, name in enumerate(["wan0", "v1", "wan0", "lo", "bad/x", "v0"]):
    title(name)
    s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, i + 1, ifinfo(index=3) + attr_str(IFLA_NUM["IFNAME"], name)))
