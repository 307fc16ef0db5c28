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
