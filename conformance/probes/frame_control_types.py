"""Control types below 16 (NOOP, DONE, ERROR, 15) only get an ACK with NLM_F_ACK."""
s = Sock()
for t in (NLMSG_NOOP, NLMSG_DONE, NLMSG_ERROR, NLMSG_OVERRUN, 15):
    title(f"type {t} without ACK")
    s.talk(msg(t, NLM_F_REQUEST, t, b"\0" * 20))
    title(f"type {t} with ACK")
    s.talk(msg(t, NLM_F_REQUEST | NLM_F_ACK, 100 + t, b"\0" * 20))
