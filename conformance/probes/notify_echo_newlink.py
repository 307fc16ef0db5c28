"""NLM_F_ECHO on link creation and change: what the requester receives."""
s = Sock()
s.talk(veth("v0", "v1", flags=NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK | NLM_F_ECHO, seq=31))
s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO, 32, ifinfo(index=3) + attr_u32(IFLA_NUM["MTU"], 1400)))
s.talk(msg(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO, 33, ifinfo(index=3)))
