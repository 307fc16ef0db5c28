"""Link dump with a 1-byte rtgenmsg body (non-strict legacy form)."""
sh("ip link add v0 type veth peer name v1")
s = Sock()
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, rtgen(AF_UNSPEC)))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 2, b""))
