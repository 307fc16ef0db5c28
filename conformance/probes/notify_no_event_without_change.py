"""Setting an attribute to its current value sends no notification."""
sh("ip link add v0 type veth peer name v1")
listener = Sock(groups=RTMGRP_LINK)
s = Sock()
s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, ifinfo(index=3) + attr_u32(IFLA_NUM["MTU"], 1500)))
s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 2, ifinfo(index=3) + attr_u32(IFLA_NUM["TXQLEN"], 1000)))
s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 3, ifinfo(index=3)))
title("listener")
listener.recv()
