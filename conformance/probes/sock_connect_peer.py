"""connect() on NETLINK_ROUTE: getpeername before/after (netlink_getname gives nl_groups as
netlink_group_mask(dst_group), dst_group = ffs(nl_groups)); after connect() to another
socket's port id, send() goes to that socket (netlink_sendmsg uses dst_portid), not to the
kernel, and the receiver sees the sender's port id as source; a socket connected elsewhere
refuses datagrams from others (netlink_getsockbyportid: ECONNREFUSED); connect(AF_UNSPEC)
disconnects and send() reaches the kernel again."""
import ctypes

libc = ctypes.CDLL(None, use_errno=True)


def peer(sock, what):
    p, g = sock.s.getpeername()
    out(f"{what}: getpeername pid={sock.pid(p)} groups=0x{g:x}")


def do_connect(sock, port, groups, what):
    try:
        sock.s.connect((port, groups))
        out(f"{what}: ok")
    except OSError as e:
        out(f"{what}: {errname(e.errno)}")


def unspec(sock, what):
    sa = struct.pack("=HHII", socket.AF_UNSPEC, 0, 0, 0)
    r = libc.connect(sock.s.fileno(), sa, len(sa))
    out(f"{what}: {r} {errname(ctypes.get_errno()) if r else ''}")


def recv_from(sock, what):
    """One datagram with its source address, or nothing."""
    if not select.select([sock.s], [], [], 0.1)[0]:
        out(f"{what}: (nothing)")
        return
    data, addr = sock.s.recvfrom(65536)
    out(f"{what}: {len(data)} bytes from pid={sock.pid(addr[0])} groups=0x{addr[1]:x}")
    sock.print_messages(data)


a = Sock()
b = Sock()
peer(a, "bound, not connected")
do_connect(a, 0, 0x5, "connect (0, 0x5)")
peer(a, "after connect (0, 0x5)")
do_connect(a, 0, 0, "connect (0, 0)")
peer(a, "after connect (0, 0)")
a.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, ifinfo(index=99)), quiet=0.05)

title("connected to another socket")
do_connect(a, b.port, 0, "connect (B, 0)")
peer(a, "after connect (B, 0)")
a.send(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 2, ifinfo(index=99)))
recv_from(a, "A")
recv_from(b, "B")

title("the receiver is connected to the kernel")
do_connect(b, 0, 0, "B connect (0, 0)")
a.send(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 3, ifinfo(index=99)))
recv_from(b, "B")
do_connect(b, a.port, 0, "B connect (A, 0)")
a.send(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 4, ifinfo(index=99)))
recv_from(b, "B")

title("connected to a port nobody has")
do_connect(a, 0x7ffffff0, 0, "connect (unused port, 0)")
a.send(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 5, ifinfo(index=99)))

title("disconnect")
unspec(a, "connect AF_UNSPEC")
peer(a, "after AF_UNSPEC")
a.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 6, ifinfo(index=99)), quiet=0.05)
recv_from(b, "B")
