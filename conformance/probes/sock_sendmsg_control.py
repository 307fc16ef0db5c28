"""Control messages in a netlink sendmsg (scm_send): SCM_RIGHTS is for unix sockets only
(EINVAL, nothing sent), a control header shorter than struct cmsghdr or longer than the
control buffer is EINVAL, SCM_CREDENTIALS with the sender's own ids is accepted (the
request is handled), a level other than SOL_SOCKET is passed over."""
import array
import os

s = Sock()


def sendmsg(what, ancillary):
    data = msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, ifinfo(index=99))
    try:
        n = s.s.sendmsg([data], ancillary)
        out(f"{what}: sent {n}")
    except OSError as e:
        out(f"{what}: {errname(e.errno)}")
    s.recv(quiet=0.1)


r, w = os.pipe()
sendmsg("SCM_RIGHTS", [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [r]))])
sendmsg("SCM_RIGHTS of two descriptors", [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [r, w]))])
creds = struct.pack("=iII", os.getpid(), os.getuid(), os.getgid())
sendmsg("SCM_CREDENTIALS (own)", [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, creds)])
sendmsg("a level other than SOL_SOCKET", [(socket.SOL_IP, 1, b"\0" * 4)])
sendmsg("SOL_IP, then SCM_RIGHTS", [(socket.SOL_IP, 1, b"\0" * 4),
                                    (socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [r]))])

import ctypes

libc = ctypes.CDLL(None, use_errno=True)


class Iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


class Msghdr(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32), ("iov", ctypes.POINTER(Iovec)),
                ("iovlen", ctypes.c_size_t), ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t),
                ("flags", ctypes.c_int)]


def raw_sendmsg(what, control):
    data = ctypes.create_string_buffer(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 2, ifinfo(index=99)))
    iov = Iovec(ctypes.cast(data, ctypes.c_void_p), len(data.raw) - 1)
    cbuf = ctypes.create_string_buffer(control, len(control))
    m = Msghdr(None, 0, ctypes.pointer(iov), 1, ctypes.cast(cbuf, ctypes.c_void_p), len(control), 0)
    n = libc.sendmsg(s.s.fileno(), ctypes.byref(m), 0)
    out(f"{what}: {n} {errname(ctypes.get_errno()) if n < 0 else ''}")
    s.recv(quiet=0.1)


raw_sendmsg("cmsg_len 8 (shorter than the header)", struct.pack("=QiI", 8, socket.SOL_SOCKET, 1))
raw_sendmsg("cmsg_len 64 in 16 bytes", struct.pack("=QiI", 64, socket.SOL_SOCKET, 1))
