"""Link dump with a full ifinfomsg; NLM_F_ROOT alone and NLM_F_MATCH alone."""
sh("ip link add br0 type bridge")
s = Sock()
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, ifinfo()))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ROOT, 2, ifinfo()))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_MATCH, 3, ifinfo()))
