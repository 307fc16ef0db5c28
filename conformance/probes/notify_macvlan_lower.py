"""Link notifications for a bridge-mode macvlan (up) on a veth end: the lower
going down and up (macvlan carrier/operstate follow through
macvlan_device_event), the lower's MTU lowered and raised, the macvlan going
down (macvlan_stop leaves its carrier alone; its unicast address leaves the
lower, and since veth has no IFF_UNICAST_FLT the lower's promiscuity follows
the uc list, see __dev_set_rx_mode), and deleting the lower. Counters are
left out."""
import time

sh("ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11")
sh("ip link add mv0 link v0 address 02:00:00:00:00:40 type macvlan mode bridge")
for d in ("v0", "v1", "mv0"):
    sh(f"ip link set {d} addrgenmode none")
sh("ip link set v1 up")
sh("ip link set v0 up")
sh("ip link set mv0 up")
time.sleep(1.0)
listener = Sock(groups=RTMGRP_LINK)
title("v0 down")
sh("ip link set v0 down")
time.sleep(1.2)
watch(listener)
title("v0 up")
sh("ip link set v0 up")
time.sleep(1.2)
watch(listener)
title("v0 mtu 1400, then 1600")
sh("ip link set v0 mtu 1400")
sh("ip link set v0 mtu 1600")
watch(listener)
title("mv0 down, then v0 txqlen 500 (shows v0's promiscuity)")
sh("ip link set mv0 down")
sh("ip link set v0 txqlen 500")
watch(listener)
title("delete v0")
sh("ip link del v0")
watch(listener)
