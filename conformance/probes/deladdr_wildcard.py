"""RTM_DELADDR with only an index (no address) deletes the first IPv4 address of the link."""
sh("ip link add v0 type veth peer name v1")
sh("ip addr add 192.0.2.1/24 dev v0")
sh("ip addr add 198.51.100.1/24 dev v0")
s = Sock()
s.talk(msg(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, 1, ifaddr(AF_INET, 0, index=3)))
s.talk(msg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 2, rtgen(AF_INET)))
