"""Below the IPv6 minimum MTU a device loses its IPv6 device (an AF_INET6 entry of
IFLA_AF_SPEC is then refused with EAFNOSUPPORT before it is read, even a malformed one),
except loopback, which keeps it at any MTU (addrconf_ifdown without unregistering): lo
still reads an AF_INET6 entry, and is listed in AF_INET6 link dumps."""
IFLA_AF_SPEC, AF_INET6, RTMGRP_IPV6_IFINFO = 26, 10, 0x800
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
watch = Sock(groups=RTMGRP_LINK | RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_IFINFO)
s.talk(veth("v0", "v1"))


def spec(index, seq, *attrs):
    return msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, seq,
               ifinfo(index=index) + nest(IFLA_AF_SPEC, nest(AF_INET6, *attrs)))


def mtu(index, value, seq):
    s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, seq, ifinfo(index=index) + attr_u32(4, value)))


watch.recv()
for index, name in [(1, "lo"), (3, "v0")]:
    out(f"{name} at MTU 1000")
    mtu(index, 1000, 10 + index)
    watch.recv()
    s.talk(spec(index, 20 + index, attr(7, bytes(4))))          # short token
    s.talk(spec(index, 30 + index, attr_u8(8, 1)))               # address generation mode
    s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 40 + index, ifinfo(index=index)))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 50, ifinfo(family=AF_INET6)))
for index, name in [(1, "lo"), (3, "v0")]:
    out(f"{name} back at MTU 1500")
    mtu(index, 1500, 60 + index)
    watch.recv()
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 70, ifinfo(family=AF_INET6)))
