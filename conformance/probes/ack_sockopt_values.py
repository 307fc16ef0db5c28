"""Reading back netlink socket options after setting them."""
s = Sock()
for o in (NETLINK_CAP_ACK, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK):
    out(f"get {o} before: {s.s.getsockopt(SOL_NETLINK, o)}")
    s.opt(o, 1)
    out(f"get {o} after: {s.s.getsockopt(SOL_NETLINK, o)}")
