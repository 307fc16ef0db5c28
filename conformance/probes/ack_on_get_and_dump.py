"""NLM_F_ACK on a get (reply then ACK) and on a dump (DONE only)."""
s = Sock()
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, ifinfo(index=1)))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, 2, ifinfo()))
s.opt(NETLINK_EXT_ACK, 1)
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, 3, ifinfo()))
