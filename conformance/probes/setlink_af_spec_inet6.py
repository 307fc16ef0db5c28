"""IFLA_AF_SPEC / AF_INET6 of a change, checked by inet6_af_policy: a token shorter than
an IPv6 address and an empty address generation mode fail the policy (ERANGE, the
attribute's offset and policy); neither attribute is EINVAL; a full token is taken."""
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)
s.talk(veth("v0", "v1"))
IFLA_AF_SPEC, AF_INET6 = 26, 10


def inet6(*attrs, seq):
    return msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, seq,
               ifinfo(index=3) + nest(IFLA_AF_SPEC, nest(AF_INET6, *attrs)))


s.talk(inet6(attr(7, bytes(8)), seq=2))
s.talk(inet6(attr(8), seq=3))
s.talk(inet6(attr(9, bytes(4)), seq=4))
s.talk(inet6(attr(7, bytes(15) + b"\x01"), seq=5))
sh("ip token get dev v0")
