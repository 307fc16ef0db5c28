"""getsockopt after setsockopt: every netlink flag and SO_RCVBUF read back at once, also
when another process (a forked child sharing the socket) set it, or through a dup; a length
shorter than an int; NETLINK_LIST_MEMBERSHIPS before and after the socket's groups are
sized (netlink_realloc_groups: a bind with groups, any membership change, even one refused)."""
import ctypes
import os

libc = ctypes.CDLL(None, use_errno=True)

FLAGS = {3: "PKTINFO", 4: "BROADCAST_ERROR", 5: "NO_ENOBUFS", 8: "LISTEN_ALL_NSID",
         10: "CAP_ACK", 11: "EXT_ACK", 12: "GET_STRICT_CHK"}
LIST_MEMBERSHIPS = 9


def get(sock, level, name, size=None):
    try:
        v = sock.getsockopt(level, name) if size is None else sock.getsockopt(level, name, size)
        return v.hex() if isinstance(v, bytes) else v
    except OSError as e:
        return errname(e.errno)


def raw(sock, level, name, size):
    """getsockopt through libc into a buffer of `size` bytes of 0xee: what it wrote, and the
    length it reported."""
    buf = ctypes.create_string_buffer(b"\xee" * size, size)
    n = ctypes.c_uint32(size)
    if libc.getsockopt(sock.fileno(), level, name, buf, ctypes.byref(n)) != 0:
        return errname(ctypes.get_errno())
    return f"{buf.raw.hex()} (length {n.value})"


s = Sock(bind=False)
for o, name in FLAGS.items():
    before = get(s.s, SOL_NETLINK, o)
    s.s.setsockopt(SOL_NETLINK, o, 7)
    on = get(s.s, SOL_NETLINK, o)
    s.s.setsockopt(SOL_NETLINK, o, 0)
    out(f"{name}: before {before}, after 7 {on}, after 0 {get(s.s, SOL_NETLINK, o)}")
out(f"EXT_ACK with a 2-byte buffer: {get(s.s, SOL_NETLINK, 11, 2)}")
out(f"EXT_ACK with an 8-byte buffer: {get(s.s, SOL_NETLINK, 11, 8)}")
for size in (65536, 1):
    s.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, size)
    out(f"SO_RCVBUF after {size}: {get(s.s, socket.SOL_SOCKET, socket.SO_RCVBUF)}")
out(f"SO_RCVBUF with a 2-byte buffer: {get(s.s, socket.SOL_SOCKET, socket.SO_RCVBUF, 2)}")

# Set by a child, read by the parent once the child is done; set through a dup.
for o in (11, 12, 3):
    pid = os.fork()
    if pid == 0:
        s.s.setsockopt(SOL_NETLINK, o, 1)
        os._exit(0)
    os.waitpid(pid, 0)
    out(f"{FLAGS[o]} set by a child: {get(s.s, SOL_NETLINK, o)}")
d = socket.socket(fileno=os.dup(s.s.fileno()))
d.setsockopt(SOL_NETLINK, 10, 1)
out(f"CAP_ACK set through a dup: {get(s.s, SOL_NETLINK, 10)}")
d.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 100000)
out(f"SO_RCVBUF set through a dup: {get(s.s, socket.SOL_SOCKET, socket.SO_RCVBUF)}")

out(f"LIST_MEMBERSHIPS of a new socket: {get(s.s, SOL_NETLINK, LIST_MEMBERSHIPS, 8)}")
s.s.bind((0, 0))
out(f"... bound without groups: {get(s.s, SOL_NETLINK, LIST_MEMBERSHIPS, 8)}")
try:
    s.s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, 0)
except OSError as e:
    out(f"join group 0: {errname(e.errno)}")
out(f"... after that refusal: {get(s.s, SOL_NETLINK, LIST_MEMBERSHIPS, 8)}")
s.s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, 5)
out(f"... joined group 5: {get(s.s, SOL_NETLINK, LIST_MEMBERSHIPS, 8)}")
for size in (12, 5, 2, 0):
    out(f"... into {size} bytes: {raw(s.s, SOL_NETLINK, LIST_MEMBERSHIPS, size)}")
for size in (4, 3):
    out(f"EXT_ACK into {size} bytes: {raw(s.s, SOL_NETLINK, 11, size)}")
    out(f"SO_RCVBUF into {size} bytes: {raw(s.s, socket.SOL_SOCKET, socket.SO_RCVBUF, size)}")
# Bad pointers: EFAULT, also once good ones were used (the library remembers good pages).
n = ctypes.c_uint32(4)
for what, val, length in (("value at 8", ctypes.c_void_p(8), ctypes.byref(n)),
                          ("length at 8", ctypes.create_string_buffer(4), ctypes.c_void_p(8)),
                          ("value at -4096", ctypes.c_void_p(-4096), ctypes.byref(n))):
    for level, name in ((SOL_NETLINK, 11), (socket.SOL_SOCKET, socket.SO_RCVBUF)):
        r = libc.getsockopt(s.s.fileno(), level, name, val, length)
        out(f"getsockopt {level}/{name}, {what}: {r} {errname(ctypes.get_errno()) if r else ''}")
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                      ctypes.c_long)
ro = ctypes.c_void_p(libc.mmap(None, 4096, 1, 0x22, -1, 0))  # PROT_READ, private anonymous
r = libc.getsockopt(s.s.fileno(), SOL_NETLINK, 11, ro, ctypes.byref(n))
out(f"getsockopt into read-only memory: {r} {errname(ctypes.get_errno()) if r else ''}")
t = Sock(groups=1)
out(f"bound with group 1: {get(t.s, SOL_NETLINK, LIST_MEMBERSHIPS, 8)}")
