"""nlmsg_len larger than the datagram: nothing is processed."""
s = Sock()
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, ifinfo(index=1), length=200))
