"""RTM_NEWLINK with names Linux refuses: '', '.', '..', '/', ':', space, tab, 16 bytes."""
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
f = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK
for i, name in enumerate(["", ".", "..", "a/b", "a:b", "a b", "a\tb", "a\nb", "abcdefghijklmnop", "ok-name_1"]):
    title(repr(name))
    s.talk(msg(RTM_NEWLINK, f, i + 1, ifinfo() + attr_str(IFLA_NUM["IFNAME"], name) + linkinfo("bridge")))
