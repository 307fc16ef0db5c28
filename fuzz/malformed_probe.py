#!/usr/bin/env python3
"""Sends malformed NETLINK_ROUTE datagrams to the running kernel and summarises each answer
in the format of tests/malformed.rs (which feeds it the exact bytes of its table).

    unshare -n python3 fuzz/malformed_probe.py < cases

Each input line is `STRICT HEX` (HEX `-` for an empty datagram). Every case runs in a fresh
network namespace of its own (unshare(CLONE_NEWNET) before the socket is opened), on a
socket with NETLINK_EXT_ACK (and NETLINK_GET_STRICT_CHK when STRICT is 1); every reply is
read until none is left. One output line per case. Stdlib only; needs root.
"""
import ctypes
import errno
import os
import socket
import struct
import sys

SOL_NETLINK, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK = 270, 11, 12
CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def summarize(datagrams):
    items = []
    for d in datagrams:
        rest = d
        while len(rest) >= 16:
            ln, kind, flags = struct.unpack_from("=IHH", rest)
            ln = min(ln, len(rest))
            m = rest[:ln]
            if kind == 2:
                err = -struct.unpack_from("=i", m, 16)[0]
                if err == 0:
                    item = "ack"
                else:
                    # errno 95 is both ENOTSUP and EOPNOTSUPP on Linux; the kernel means the latter.
                    item = "EOPNOTSUPP" if err == errno.EOPNOTSUPP else errno.errorcode.get(err, f"E{err}")
                    if flags & 0x200:
                        echoed = 16 if flags & 0x100 else struct.unpack_from("=I", m, 20)[0]
                        t = 20 + ((echoed + 3) & ~3)
                        while t + 4 <= len(m):
                            l, ty = struct.unpack_from("=HH", m, t)
                            if l < 4 or t + l > len(m):
                                break
                            p = m[t + 4:t + l]
                            if ty == 1:
                                item += ' "%s"' % p.split(b"\0")[0].decode(errors="replace")
                            elif ty == 2 and len(p) == 4:
                                item += " @%d" % struct.unpack("=I", p)[0]
                            t += (l + 3) & ~3
            elif kind == 3:
                item = "done"
            else:
                item = f"t{kind}"
            if items and item.startswith("t") and items[-1].rstrip("*") == item:
                if not items[-1].endswith("*"):
                    items[-1] += "*"
            else:
                items.append(item)
            rest = rest[min((ln + 3) & ~3, len(rest)):]
    return ", ".join(items) if items else "none"


def run(strict, data):
    if libc.unshare(CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "unshare")
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    try:
        s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        if strict:
            s.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1)
        s.bind((0, 0))
        try:
            s.sendto(data, (0, 0))
        except OSError as e:
            return "send:" + errno.errorcode[e.errno]
        # rtnetlink answers in the sender's context: replies (and a dump's first part) are
        # queued before sendto returns; later dump parts are made as we read.
        out = []
        while True:
            try:
                out.append(s.recv(1 << 20, socket.MSG_DONTWAIT))
            except BlockingIOError:
                break
            except OSError as e:
                out_err = errno.errorcode[e.errno]
                return f"{out_err} (recv)"
        return summarize(out)
    finally:
        s.close()


def main():
    if os.geteuid() != 0:
        print("SKIPPED: not root")
        return
    for line in sys.stdin:
        line = line.split()
        if not line:
            continue
        strict = line[0] == "1"
        data = b"" if line[1] == "-" else bytes.fromhex(line[1])
        print(run(strict, data), flush=True)


if __name__ == "__main__":
    main()
