"""RTM_NEWLINK creations that fail, and whether they use up an ifindex: a bridge t<N>
created after each failure shows the next index. Linux reserves the index in
register_netdevice, so checks before it (policy, ->validate, rtnl_create_link's queue
counts and validate_linkmsg, the name) leave it free, while a failure after it (IFLA_MASTER,
the second veth end) spends one per registered device. Also: a negative ifi_index, name
patterns with '%'."""
IFNAME, BCAST, ADDR = IFLA_NUM["IFNAME"], IFLA_NUM["BROADCAST"], IFLA_NUM["ADDRESS"]
F = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
n = [0]


def mark():
    n[0] += 1
    s.talk(msg(RTM_NEWLINK, F, 100 + n[0], ifinfo() + attr_str(IFNAME, "t%d" % n[0]) + linkinfo("bridge")), quiet=0.05)


def br(seq, what, name, extra=b"", index=0):
    title(what)
    s.talk(msg(RTM_NEWLINK, F, seq, ifinfo(index=index) + attr_str(IFNAME, name) + extra + linkinfo("bridge")), quiet=0.05)
    mark()


def vth(seq, what, name, peer, extra=b""):
    title(what)
    peer_info = attr(VETH_INFO_PEER, ifinfo() + attr_str(IFNAME, peer))
    s.talk(msg(RTM_NEWLINK, F, seq, ifinfo() + attr_str(IFNAME, name) + extra + linkinfo("veth", peer_info)), quiet=0.05)
    mark()


br(1, "broadcast of 2 bytes (validate_linkmsg)", "a1", attr(BCAST, bytes.fromhex("0102")))
br(2, "address of 5 bytes (br_validate)", "a2", attr(ADDR, bytes.fromhex("0201020304")))
br(3, "broadcast of 33 bytes (policy)", "a3", attr(BCAST, bytes(33)))
br(4, "NUM_TX_QUEUES 0", "a4", attr_u32(IFLA_NUM["NUM_TX_QUEUES"], 0))
br(5, "NUM_RX_QUEUES 5000", "a5", attr_u32(IFLA_NUM["NUM_RX_QUEUES"], 5000))
br(6, "MTU 10", "a6", attr_u32(IFLA_NUM["MTU"], 10))
br(7, "IFLA_MAP", "a7", attr(IFLA_NUM["MAP"], bytes(32)))
br(17, "GSO_MAX_SIZE above the TSO limit (validate_linkmsg)", "a17",
   attr_u32(IFLA_NUM["GSO_MAX_SIZE"], 600000))
br(8, "negative ifi_index", "a8", index=-5)
br(9, "name with two %d", "a%d%d")
br(10, "name with %s", "a%s")
br(11, "name pattern b%d", "b%d")
br(12, "IFLA_MASTER 99 (registered, then removed)", "a12", attr_u32(IFLA_NUM["MASTER"], 99))
br(13, "IFLA_MASTER lo", "a13", attr_u32(IFLA_NUM["MASTER"], 1))
vth(14, "veth: bad peer name", "a14", "p/14")
vth(15, "veth: bad name, peer registered first", "a%d%d", "p15")
vth(16, "veth: IFLA_MASTER 99, both ends registered", "a16", "p16", attr_u32(IFLA_NUM["MASTER"], 99))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 200, ifinfo() + attr_u32(IFLA_NUM["EXT_MASK"], 8)), quiet=0.1)
