"""RTM_NEWLINKPROP / RTM_DELLINKPROP (alternative names): errors, partial success,
lookups by alternative name, and the RTM_NEWLINK that only an up link announces."""
RTM_NEWLINKPROP, RTM_DELLINKPROP, RTM_GETLINKPROP = 108, 109, 110
PROP_LIST, ALT = IFLA_NUM["PROP_LIST"], IFLA_NUM["ALT_IFNAME"]
ACKF = NLM_F_REQUEST | NLM_F_ACK


NESTED = 0x8000


def prop(kind, seq, names, index=3, extra=b"", flag=NESTED):
    return msg(kind, ACKF, seq, ifinfo(index=index) + extra + nest(PROP_LIST | flag, *[attr_str(ALT, n) for n in names]))


s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
s.talk(veth("v0", "v1"))
listener = Sock(groups=RTMGRP_LINK)
title("add to a down link: ACK, no notification")
s.talk(prop(RTM_NEWLINKPROP, 2, ["foo"]))
listener.recv()
title("errors: no NLA_F_NESTED, taken names, bad names, no such link, no target")
s.talk(prop(RTM_NEWLINKPROP, 3, ["nonest"], flag=0))
s.talk(msg(RTM_NEWLINKPROP, ACKF, 3, ifinfo(index=3) + attr(0, b"zero") + nest(PROP_LIST | NESTED, attr_str(ALT, "z"))))
s.talk(msg(RTM_NEWLINKPROP, ACKF, 3, ifinfo(index=3) + attr_u32(IFLA_NUM["MTU"], 1400) + b"\0\0" + nest(PROP_LIST | NESTED, attr_str(ALT, "z"))))
s.talk(msg(RTM_NEWLINKPROP, ACKF, 3, ifinfo(index=3) + attr_u16(IFLA_NUM["MTU"], 1400) + nest(PROP_LIST | NESTED, attr_str(ALT, "z"))))
s.talk(msg(RTM_NEWLINKPROP, ACKF, 3, ifinfo(index=3) + attr(IFLA_NUM["MAP"], b"\0" * 32) + nest(PROP_LIST | NESTED, attr_str(ALT, "z"))))
s.talk(msg(RTM_NEWLINKPROP, ACKF, 3, ifinfo(index=3) + nest(PROP_LIST | NESTED, attr(ALT | NESTED, b"z\0"))))
s.talk(prop(RTM_NEWLINKPROP, 3, ["foo"]))
s.talk(prop(RTM_NEWLINKPROP, 4, ["v1"]))
s.talk(prop(RTM_NEWLINKPROP, 5, [""]))
s.talk(prop(RTM_NEWLINKPROP, 6, ["y" * 128]))
s.talk(prop(RTM_NEWLINKPROP, 7, ["a/b", "a b"]))
s.talk(prop(RTM_NEWLINKPROP, 8, ["x"], index=99))
s.talk(prop(RTM_NEWLINKPROP, 9, ["x"], index=0))
s.talk(msg(RTM_NEWLINKPROP, ACKF, 10, ifinfo(index=3)))
title("the first name is added, the second fails")
s.talk(prop(RTM_NEWLINKPROP, 11, ["bar", "foo", "baz"]))
title("the target named by an alternative name")
s.talk(prop(RTM_NEWLINKPROP, 12, ["qux"], index=0, extra=attr_str(ALT, "foo")))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 13, ifinfo() + attr_str(ALT, "bar")))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 14, ifinfo() + attr_str(IFLA_NUM["IFNAME"], "qux")))
title("delete: primary name, another link's name, missing, then a real one")
s.talk(prop(RTM_DELLINKPROP, 15, ["v0"]))
s.talk(prop(RTM_DELLINKPROP, 16, ["v1"]))
s.talk(prop(RTM_DELLINKPROP, 17, ["nothere"]))
s.talk(prop(RTM_DELLINKPROP, 18, ["bar"]))
s.talk(msg(RTM_GETLINKPROP, NLM_F_REQUEST | NLM_F_ACK, 19, ifinfo(index=3)))
listener.recv()
title("an up link announces the change")
s.talk(msg(RTM_SETLINK, ACKF, 20, ifinfo(index=3, flags=1, change=1)))
listener.recv()
s.talk(prop(RTM_NEWLINKPROP, 21, ["up1"]))
listener.recv()
s.talk(prop(RTM_DELLINKPROP, 22, ["up1"]))
listener.recv()
title("a deleted link frees its alternative names")
s.talk(msg(RTM_SETLINK, ACKF, 23, ifinfo(index=3, flags=0, change=1)))
s.talk(msg(RTM_DELLINK, ACKF, 23, ifinfo(index=3)))
listener.recv()
s.talk(veth("foo", "qux", seq=24))
