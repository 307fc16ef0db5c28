"""Options a bound listener sets take effect on the next change another process makes,
though the listener makes no other call in between: a tiny receive buffer overruns
(ENOBUFS on the next read), and NETLINK_NO_ENOBUFS set with it hides the overrun."""
NETLINK_NO_ENOBUFS = 5


def reads(sock):
    """Every read until the socket is empty: 'data' or the error, runs collapsed."""
    sock.s.setblocking(False)
    seen = []
    while len(seen) < 1000:
        try:
            what = "data" if sock.s.recv(65536) else "empty datagram"
        except BlockingIOError:
            break
        except OSError as e:
            what = errname(e.errno)
        if not seen or seen[-1] != what:
            seen.append(what)
    return ", then ".join(seen) or "nothing"


title("a tiny buffer set after bind")
tiny = Sock(groups=RTMGRP_LINK)
tiny.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
sh("for i in 0 1 2 3 4 5; do ip link add a$i type veth peer name b$i; done")
out(f"reads: {reads(tiny)}")

title("the same with NETLINK_NO_ENOBUFS")
quiet = Sock(groups=RTMGRP_LINK)
quiet.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
quiet.s.setsockopt(SOL_NETLINK, NETLINK_NO_ENOBUFS, 1)
sh("for i in 0 1 2 3 4 5; do ip link del a$i; done")
out(f"reads: {reads(quiet)}")

title("a large buffer again: nothing lost")
tiny.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
reads(tiny)
sh("ip link add c0 type veth peer name d0; ip link set c0 up; ip link del c0")
out(f"reads: {reads(tiny)}")
