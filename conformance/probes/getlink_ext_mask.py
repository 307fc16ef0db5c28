"""IFLA_EXT_MASK on a get (VF and brvlan filters change nothing on these kinds)."""
s = Sock()
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 1, ifinfo(index=1) + attr_u32(IFLA_NUM["EXT_MASK"], 1)))
s.talk(msg(RTM_GETLINK, NLM_F_REQUEST, 2, ifinfo(index=1) + attr_u32(IFLA_NUM["EXT_MASK"], 0xFFFF)))
