"""Three requests in one datagram are answered in order."""
s = Sock()
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 1, ifinfo(index=1)),
       msg(RTM_GETLINK, NLM_F_REQUEST, 2, ifinfo(index=77)),
       msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 3, ifinfo(index=1)))
