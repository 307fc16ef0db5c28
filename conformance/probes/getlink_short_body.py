"""RTM_GETLINK with a body shorter than ifinfomsg."""
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, b""))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 2, b"\0\0\0\0"))
