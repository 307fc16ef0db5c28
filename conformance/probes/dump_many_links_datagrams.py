"""A dump of 61 links: how parts are packed into datagrams for a 32 KiB reader."""
sh("for i in $(seq 0 29); do echo link add a$i type veth peer name b$i; done > /tmp/nlprobe_batch.$$ && ip -batch /tmp/nlprobe_batch.$$; rm -f /tmp/nlprobe_batch.$$")
s = Sock()
s.send(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, ifinfo()))
s.recv(bufsize=32768)
