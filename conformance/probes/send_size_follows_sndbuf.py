"""SO_SNDBUF bounds the size of a request datagram: sendmsg fails with EMSGSIZE above
sndbuf - 32 bytes, at once (netlink_sendmsg), and the socket stays usable."""
s = Sock()
for value in (32768, 1, 100000):
    s.s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, value)
    sndbuf = s.s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
    out(f"SO_SNDBUF {value}: reads back {sndbuf}")
    for size in (sndbuf - 32, sndbuf - 31):
        # A GETLINK of lo padded with zeros (Linux parses them as no attributes), exactly
        # `size` bytes long (msg() would round it up to 4).
        body = ifinfo(index=1) + b"\0" * (size - 32)
        s.send(struct.pack("=IHHII", size, RTM_GETLINK, NLM_F_REQUEST, size, 0) + body)
        try:
            data = s.s.recv(1 << 20, socket.MSG_DONTWAIT)
            mtype, seq = struct.unpack_from("=HxxI", data, 4)
            out(f"   answer: type {mtype}, seq matches {seq == size}")
        except BlockingIOError:
            out("   answer: (nothing)")
