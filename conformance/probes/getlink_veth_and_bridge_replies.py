"""Whole RTM_NEWLINK replies for a veth end, a bridge and a bridge port."""
sh("ip link add br0 type bridge")
sh("ip link add v0 type veth peer name v1")
sh("ip link set v0 master br0")
s = Sock()
for i in (2, 3, 4):
    s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, i, ifinfo(index=i)))
