"""A reply read into a 64-byte buffer is truncated (MSG_TRUNC) and the rest is lost."""
s = Sock()
s.send(msg(RTM_GETLINK, NLM_F_REQUEST, 1, ifinfo(index=1)), msg(RTM_GETLINK, NLM_F_REQUEST, 2, ifinfo(index=77)))
s.recv(bufsize=64)
