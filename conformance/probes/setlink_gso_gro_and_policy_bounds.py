"""RTM_SETLINK attributes with policy bounds or device limits: HEADROOM/TAILROOM (NLA_REJECT),
IFLA_NEW_IFINDEX (NLA_POLICY_MIN 1, otherwise ignored without a netns move),
IFLA_TARGET_NETNSID of an unknown id, and the GSO/GRO sizes and segments checked by
validate_linkmsg against tso_max_size (bridge 65536, veth 524280), GSO_MAX_SEGS and
GRO_MAX_SIZE, then stored and reported (GSO/GRO_MAX_SIZE also move the IPv4 value
when <= 65536)."""
ACKF = NLM_F_REQUEST | NLM_F_ACK
sh("ip link add br0 type bridge")
sh("ip link add v0 type veth peer name v1")
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
cases = [
    ("HEADROOM", attr_u16(IFLA_NUM["HEADROOM"], 0)),
    ("TAILROOM", attr_u16(IFLA_NUM["TAILROOM"], 0)),
    ("NEW_IFINDEX 0", attr_u32(IFLA_NUM["NEW_IFINDEX"], 0)),
    ("NEW_IFINDEX -1", attr(IFLA_NUM["NEW_IFINDEX"], struct.pack("=i", -1))),
    ("NEW_IFINDEX 77", attr_u32(IFLA_NUM["NEW_IFINDEX"], 77)),
    ("TARGET_NETNSID 5", attr_u32(IFLA_NUM["TARGET_NETNSID"], 5)),
    ("GSO_MAX_SIZE 100", attr_u32(IFLA_NUM["GSO_MAX_SIZE"], 100)),
    ("GSO_MAX_SIZE 70000", attr_u32(IFLA_NUM["GSO_MAX_SIZE"], 70000)),
    ("GSO_MAX_SIZE 600000", attr_u32(IFLA_NUM["GSO_MAX_SIZE"], 600000)),
    ("GSO_MAX_SEGS 65536", attr_u32(IFLA_NUM["GSO_MAX_SEGS"], 65536)),
    ("GSO_MAX_SEGS 1000", attr_u32(IFLA_NUM["GSO_MAX_SEGS"], 1000)),
    ("GRO_MAX_SIZE 524281", attr_u32(IFLA_NUM["GRO_MAX_SIZE"], 524281)),
    ("GRO_MAX_SIZE 70000", attr_u32(IFLA_NUM["GRO_MAX_SIZE"], 70000)),
    ("GSO_IPV4_MAX_SIZE 100", attr_u32(IFLA_NUM["GSO_IPV4_MAX_SIZE"], 100)),
    ("GSO_IPV4_MAX_SIZE 80000", attr_u32(IFLA_NUM["GSO_IPV4_MAX_SIZE"], 80000)),
    ("GRO_IPV4_MAX_SIZE 600000", attr_u32(IFLA_NUM["GRO_IPV4_MAX_SIZE"], 600000)),
    ("GRO_IPV4_MAX_SIZE 80000", attr_u32(IFLA_NUM["GRO_IPV4_MAX_SIZE"], 80000)),
    ("GSO_MAX_SIZE 60000 (IPv4 follows)", attr_u32(IFLA_NUM["GSO_MAX_SIZE"], 60000)),
    ("GRO_MAX_SIZE 50000 (IPv4 follows)", attr_u32(IFLA_NUM["GRO_MAX_SIZE"], 50000)),
]
seq = 0
for dev, index in (("br0", 2), ("v0", 4)):
    for name, a in cases:
        seq += 1
        title(f"{dev} {name}")
        s.talk(msg(RTM_SETLINK, ACKF, seq, ifinfo(index=index) + a), quiet=0.05)
    s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 100 + index, ifinfo(index=index) + attr_u32(IFLA_NUM["EXT_MASK"], 8)), quiet=0.05)
