"""A listener with a tiny receive buffer overruns: ENOBUFS on the next read."""
listener = Sock(groups=RTMGRP_LINK)
listener.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
out(f"rcvbuf: {listener.s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)}")
sh("for i in 0 1 2 3 4 5 6 7; do ip link add a$i type veth peer name b$i; done")
try:
    data = listener.s.recv(65536)
    out(f"first read: {len(data)} bytes")
    data = listener.s.recv(65536)
    out(f"second read: {len(data)} bytes")
except OSError as e:
    out(f"read: {errname(e.errno)}")

title("getsockopt(SO_ERROR) takes the overrun: the next read has data")
l2 = Sock(groups=RTMGRP_LINK)
l2.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
sh("for i in 0 1 2 3; do ip link add c$i type veth peer name d$i; done")
select.select([l2.s], [], [], 1)
out(f"SO_ERROR: {errname(l2.s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))}")
out(f"SO_ERROR again: {l2.s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)}")
l2.s.setblocking(False)
try:
    out(f"then read: {len(l2.s.recv(65536))} bytes")
except OSError as e:
    out(f"then read: {errname(e.errno)}")
