"""A dump of 200 addresses across families packs and resumes in order."""
sh("ip link add v0 type veth peer name v1")
sh("(for i in $(seq 1 100); do echo addr add 10.0.$i.1/24 dev v0; echo addr add 2001:db8:$i::1/64 dev v1 nodad; done) | ip -batch -")
s = Sock()
s.send(msg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 1, rtgen(AF_UNSPEC)))
s.recv(bufsize=8192)
