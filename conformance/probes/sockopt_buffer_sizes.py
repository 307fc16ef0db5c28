"""SO_RCVBUF and SO_SNDBUF of a netlink socket: what a new one has (net.core rmem_default,
wmem_default) and what a request reads back as (doubled, capped by rmem_max / wmem_max,
floored at Linux's minimums)."""
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
rcv = lambda: s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
snd = lambda: s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
out(f"new socket: SO_RCVBUF {rcv()}, SO_SNDBUF {snd()}")
for value in (0, 1, 4096, 100000, 1 << 20, 1 << 30, -1):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, value)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, value)
    out(f"asked {value}: SO_RCVBUF {rcv()}, SO_SNDBUF {snd()}")
s.close()
