"""sendto() with a destination address (netlink_sendmsg): a port id other than 0 delivers the
datagram to that socket (itself included) instead of the kernel, the receiver seeing the
sender's port id; a port nobody has is ECONNREFUSED; nl_groups broadcasts a copy to the
group ffs(nl_groups) (the sender and the destination port excluded, netlink_broadcast /
do_one_broadcast) and the kernel still handles it; an explicit (0, 0) overrides connect();
a short or non-AF_NETLINK address is EINVAL."""
import ctypes

libc = ctypes.CDLL(None, use_errno=True)


def sendto(sock, data, port, groups, what):
    try:
        n = sock.s.sendto(data, (port, groups))
        out(f"{what}: sent {n}")
    except OSError as e:
        out(f"{what}: {errname(e.errno)}")


def raw_sendto(sock, data, sa, what):
    r = libc.sendto(sock.s.fileno(), data, len(data), 0, sa, len(sa))
    out(f"{what}: {r} {errname(ctypes.get_errno()) if r < 0 else ''}")


def recv_from(sock, what):
    """Every datagram queued, with its source address."""
    got = False
    while select.select([sock.s], [], [], 0.05)[0]:
        data, addr = sock.s.recvfrom(65536)
        got = True
        out(f"{what}: {len(data)} bytes from pid={sock.pid(addr[0])} groups=0x{addr[1]:x}")
        sock.print_messages(data)
    if not got:
        out(f"{what}: (nothing)")


def req(seq):
    return msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, seq, ifinfo(index=99))


a = Sock(groups=RTMGRP_LINK)
b = Sock(groups=0x3)
c = Sock(groups=RTMGRP_LINK)


def everyone():
    recv_from(a, "A")
    recv_from(b, "B")
    recv_from(c, "C")


title("to another socket's port")
sendto(a, req(1), b.port, 0, "A sendto (B, 0)")
everyone()
title("to its own port")
sendto(a, req(2), a.port, 0, "A sendto (A, 0)")
everyone()
title("to a port nobody has")
sendto(a, req(3), 0x7ffffff0, 0, "A sendto (unused, 0)")
everyone()
title("to the kernel and group 1")
sendto(a, req(4), 0, RTMGRP_LINK, "A sendto (0, 0x1)")
everyone()
title("to the kernel and groups 0x6 (group 2 only)")
sendto(a, req(5), 0, 0x6, "A sendto (0, 0x6)")
everyone()
title("to B and group 1")
sendto(a, req(6), b.port, RTMGRP_LINK, "A sendto (B, 0x1)")
everyone()
title("explicit (0, 0) on a socket connected to B")
a.s.connect((b.port, 0))
sendto(a, req(7), 0, 0, "A sendto (0, 0)")
everyone()
a.s.connect((0, 0))
title("bad addresses")
good = struct.pack("=HHII", socket.AF_NETLINK, 0, 0, 0)
raw_sendto(a, req(8), good[:8], "8-byte address")
raw_sendto(a, req(9), struct.pack("=HHII", socket.AF_INET, 0, 0, 0), "AF_INET address")
raw_sendto(a, req(10), struct.pack("=HHII", socket.AF_UNSPEC, 0, 0, 0), "AF_UNSPEC address")
raw_sendto(a, req(11), good + b"\0" * 4, "16-byte address")
everyone()
