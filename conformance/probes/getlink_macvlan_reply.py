"""Whole RTM_NEWLINK reply for a macvlan."""
sh("ip link add v0 type veth peer name v1")
sh("ip link add link v0 name mv0 type macvlan mode bridge")
s = Sock()
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 1, ifinfo(index=4)))
