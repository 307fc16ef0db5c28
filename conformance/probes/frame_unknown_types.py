"""Unknown rtnetlink types and families get EOPNOTSUPP."""
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
for t in (23, 99, 200, 1000):
    title(f"type {t}")
    s.talk(msg(t, NLM_F_REQUEST, t, ifinfo()))
title("type 200 without ACK flag but as a dump")
s.talk(msg(200, NLM_F_REQUEST | NLM_F_DUMP, 5, ifinfo()))
