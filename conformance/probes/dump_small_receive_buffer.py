"""A dump read with a 4 KiB buffer: datagrams fit the reader, messages never split."""
sh("for i in $(seq 0 9); do ip link add a$i type veth peer name b$i; done")
s = Sock()
s.send(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, ifinfo()))
s.recv(bufsize=4096)
