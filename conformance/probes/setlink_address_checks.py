"""IFLA_ADDRESS on set: right length unicast ok; short EINVAL; multicast EADDRNOTAVAIL."""
sh("ip link add v0 type veth peer name v1")
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
for i, a in enumerate([bytes.fromhex("020000000001"), bytes.fromhex("0200000000"), bytes.fromhex("02000000000102"), bytes.fromhex("010000000001"), bytes(6)]):
    title(a.hex())
    s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, i + 1, ifinfo(index=3) + attr(IFLA_NUM["ADDRESS"], a)))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 9, ifinfo(index=3)))
