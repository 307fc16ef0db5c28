"""MSG_PEEK|MSG_TRUNC reports a reply's full size; then the read itself. (Through libc:
Python's recv_into with an empty buffer makes no system call at all.)"""
import ctypes
import socket as _socket

libc = ctypes.CDLL(None, use_errno=True)
s = Sock()
s.send(msg(RTM_GETLINK, NLM_F_REQUEST, 1, ifinfo(index=1)))
select.select([s.s], [], [], 2)
n = libc.recv(s.s.fileno(), None, 0, _socket.MSG_PEEK | _socket.MSG_TRUNC)
out(f"peek size: {n}")
data = s.s.recv(n)
out(f"read: {len(data)} bytes")
s.print_messages(data)
s.recv()
