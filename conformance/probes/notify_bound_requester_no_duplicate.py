"""A requester that listens too: notification with ECHO comes once, without ECHO by broadcast."""
sh("ip link add v0 type veth peer name v1")
s = Sock(groups=RTMGRP_IPV4_IFADDR)
f = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK
title("without ECHO")
s.talk(msg(RTM_NEWADDR, f, 41, ifaddr(AF_INET, 24, index=3) + attr_ip(IFA_NUM["LOCAL"], "192.0.2.1")))
title("with ECHO")
s.talk(msg(RTM_NEWADDR, f | NLM_F_ECHO, 42, ifaddr(AF_INET, 24, index=3) + attr_ip(IFA_NUM["LOCAL"], "192.0.2.2")))
