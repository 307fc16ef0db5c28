"""Notifications when a veth end joins and leaves a bridge."""
sh("ip link add br0 type bridge")
sh("ip link add v0 type veth peer name v1")
listener = Sock(groups=RTMGRP_LINK)
sh("ip link set v0 master br0")
listener.recv()
sh("ip link set v0 nomaster")
listener.recv()
