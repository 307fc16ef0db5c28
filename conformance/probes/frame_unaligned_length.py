"""A message whose nlmsg_len is not 4-aligned, followed by another."""
s = Sock()
m1 = msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, ifinfo(index=1) + b"\x01", length=16 + 17)
s.talk(m1, msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 2, ifinfo(index=1)))
