"""A socket bound to RTMGRP_LINK receives RTM_NEWLINK/DELLINK with seq 0 and pid 0."""
listener = Sock(groups=RTMGRP_LINK)
sh("ip link add v0 type veth peer name v1")
sh("ip link set v0 mtu 1400")
sh("ip link del v0")
listener.recv()
