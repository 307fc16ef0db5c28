"""Messages without NLM_F_REQUEST: ignored, but ACKed when NLM_F_ACK is set."""
s = Sock()
title("no REQUEST, no ACK")
s.talk(msg(RTM_GETLINK, 0, 1, ifinfo(index=1)))
title("no REQUEST, ACK")
s.talk(msg(RTM_GETLINK, NLM_F_ACK, 2, ifinfo(index=1)))
title("no REQUEST, ACK, a change that must not happen")
s.talk(msg(RTM_SETLINK, NLM_F_ACK, 3, ifinfo(index=1) + attr_u32(IFLA_NUM["MTU"], 1280)))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 4, ifinfo(index=1)))
