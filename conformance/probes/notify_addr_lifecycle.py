"""Address notifications (RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR) and
RTNLGRP_IPV6_IFINFO. IPv4: three addresses in one subnet (one labelled),
NLM_F_REPLACE of a secondary with a new label and a metric (__inet_insert_ifa
keeps the label), then deleting the primary (its secondaries go first; promotion is
addr_promote_secondaries). IPv6:
a global address whose duplicate already sits (nodad) on the veth peer, added
while down; both ends up: v0's DAD for it fails (neighbour advertisement from
v1) and addrconf_dad_failure announces IFA_F_DADFAILED, while the link-locals
complete DAD (~1-2 s)."""
import time

sh("ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11")
listener = Sock(groups=RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR)
listener.join(12)  # RTNLGRP_IPV6_IFINFO
title("v4 adds")
sh("ip addr add 192.0.2.1/24 dev v0")
sh("ip addr add 192.0.2.2/24 dev v0 label v0:a")
sh("ip addr add 192.0.2.3/24 dev v0")
watch(listener)
title("replace secondary with new label and metric")
sh("ip addr change 192.0.2.2/24 dev v0 label v0:b metric 5")
watch(listener)
title("delete primary")
sh("ip addr del 192.0.2.1/24 dev v0")
watch(listener)
title("duplicate v6 address on both ends, then v1 up, v0 up")
sh("ip addr add 2001:db8::5/64 dev v1 nodad")
sh("ip addr add 2001:db8::5/64 dev v0")
sh("ip link set v1 up")
sh("ip link set v0 up")
time.sleep(2.5)
title("everything up to DAD completion (sorted: each address's DAD has its own random delay)")
watch(listener, sort=True)
