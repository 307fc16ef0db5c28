"""A datagram shorter than a netlink header is dropped silently."""
s = Sock()
s.send(b"\x10\x00\x00\x00\x12\x00\x01\x00\x01\x00")
s.recv()
