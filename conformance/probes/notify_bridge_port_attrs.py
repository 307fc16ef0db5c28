"""Link notifications (AF_UNSPEC and AF_BRIDGE) for bridge port changes:
priority/cost through IFLA_LINKINFO slave data and through `bridge link set`
(AF_BRIDGE IFLA_PROTINFO) on a down bridge, a port state change refused on a
down bridge, the port coming up on an up bridge (STP off, forward_delay 0),
a port state set on an up bridge, the peer going down (port loses carrier),
and deleting a bridge that still has its port. Counters are left out."""
import time

sh("ip link add br0 address 02:00:00:00:00:01 type bridge forward_delay 0 stp_state 0")
sh("ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11")
for d in ("br0", "v0", "v1"):
    sh(f"ip link set {d} addrgenmode none")
sh("ip link set v0 master br0")
listener = Sock(groups=RTMGRP_LINK)
title("slave data priority 5 cost 7 (bridge down)")
sh("ip link set v0 type bridge_slave priority 5 cost 7")
watch(listener)
title("bridge link set cost 9 (bridge down), then the same again")
sh("bridge link set dev v0 cost 9")
sh("bridge link set dev v0 cost 9")
watch(listener)
title("bridge link set state 3 (bridge down)")
sh("bridge link set dev v0 state 3")
watch(listener)
title("br0 up")
sh("ip link set br0 up")
watch(listener)
title("v1 up, v0 up")
sh("ip link set v1 up")
sh("ip link set v0 up")
time.sleep(1.2)
watch(listener)
title("bridge link set state 1 (bridge up)")
sh("bridge link set dev v0 state 1")
time.sleep(1.2)
watch(listener)
title("v1 down: v0 loses carrier")
sh("ip link set v1 down")
time.sleep(1.2)
watch(listener)
title("delete bridge with port")
sh("ip link del br0")
watch(listener)
