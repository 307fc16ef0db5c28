"""IFLA_MASTER: enslave, release (0), missing master, non-bridge master, a bridge into itself."""
sh("ip link add br0 type bridge")
sh("ip link add v0 type veth peer name v1")
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
for i, (dev, master) in enumerate([(4, 2), (4, 0), (4, 77), (4, 3), (2, 2), (1, 2)]):
    title(f"dev {dev} master {master}")
    s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, i + 1, ifinfo(index=dev) + attr_u32(IFLA_NUM["MASTER"], master)))
