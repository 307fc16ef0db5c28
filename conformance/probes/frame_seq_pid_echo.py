"""Replies carry the request's seq and the requester's port id, whatever pid it claimed."""
s = Sock()
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 0xDEADBEEF, ifinfo(index=1), pid=12345))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 0, ifinfo(index=99), pid=0))
