"""NLM_F_ECHO: the requester receives the notification of its own address change (seq and pid as Linux sets them)."""
sh("ip link add v0 type veth peer name v1")
s = Sock()
other = Sock(groups=RTMGRP_IPV4_IFADDR)
f = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK
s.talk(msg(RTM_NEWADDR, f | NLM_F_ECHO, 21, ifaddr(AF_INET, 24, index=3) + attr_ip(IFA_NUM["LOCAL"], "192.0.2.1")))
s.talk(msg(RTM_NEWADDR, f, 22, ifaddr(AF_INET, 24, index=3) + attr_ip(IFA_NUM["LOCAL"], "192.0.2.2")))
s.talk(msg(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO, 23, ifaddr(AF_INET, 24, index=3) + attr_ip(IFA_NUM["LOCAL"], "192.0.2.2")))
title("the other listener")
other.recv()
