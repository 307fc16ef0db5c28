"""A bad header in the middle of a datagram ends it: later messages are not processed."""
s = Sock()
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, ifinfo(index=1)),
       msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 2, ifinfo(index=1), length=12),
       msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 3, ifinfo(index=1)))
