"""RTM_GETLINK for lo by index: the whole reply."""
s = Sock()
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 1, ifinfo(index=1)))
sh("ip link set lo up")
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 2, ifinfo(index=1)))
