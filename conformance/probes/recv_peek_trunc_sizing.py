"""MSG_PEEK|MSG_TRUNC reports a reply's full size; then the read itself."""
import socket as _socket
s = Sock()
s.send(msg(RTM_GETLINK, NLM_F_REQUEST, 1, ifinfo(index=1)))
select.select([s.s], [], [], 2)
n = s.s.recv_into(bytearray(0), 0, _socket.MSG_PEEK | _socket.MSG_TRUNC)
out(f"peek size: {n}")
data = s.s.recv(n)
out(f"read: {len(data)} bytes")
s.print_messages(data)
s.recv()
