"""An unbound socket is autobound on first send; replies reach it."""
s = Sock(bind=False)
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 7, ifinfo(index=1)))
out(f"bound after send: {s.s.getsockname()[0] != 0}")
