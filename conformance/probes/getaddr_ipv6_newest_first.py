"""An IPv6 RTM_GETADDR by address on no particular device, when several links hold the
address: ipv6_get_ifaddr walks the address's hash chain, where ipv6_add_addr puts each new
address first, so the newest answers; a replace (inet6_addr_modify) does not move it, a
delete and add again does."""
sh("ip link add v0 type veth peer name v1")
sh("ip addr add 2001:db8::1/64 dev v1 nodad")
sh("ip addr add 2001:db8::1/64 dev v0 nodad")
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)


def lookup(seq):
    s.talk(msg(RTM_GETADDR, NLM_F_REQUEST, seq,
               ifaddr(AF_INET6) + attr_ip(IFA_NUM["ADDRESS"], "2001:db8::1")), quiet=0.05)


title("added on v1 (index 2), then v0 (index 3)")
lookup(1)
title("v1's replaced")
sh("ip addr replace 2001:db8::1/64 dev v1 nodad")
lookup(2)
title("v1's deleted and added again")
sh("ip addr del 2001:db8::1/64 dev v1")
sh("ip addr add 2001:db8::1/64 dev v1 nodad")
lookup(3)
title("on v0 only (index given)")
s.talk(msg(RTM_GETADDR, NLM_F_REQUEST, 4,
           ifaddr(AF_INET6, index=3) + attr_ip(IFA_NUM["ADDRESS"], "2001:db8::1")), quiet=0.05)
