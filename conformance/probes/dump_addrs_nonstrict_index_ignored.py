"""Non-strict address dumps ignore ifa_index and header junk."""
sh("ip link set lo up")
sh("ip link add v0 type veth peer name v1")
sh("ip addr add 192.0.2.1/24 dev v0")
s = Sock()
s.talk(msg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 1, ifaddr(family=AF_INET, prefixlen=7, index=3)))
