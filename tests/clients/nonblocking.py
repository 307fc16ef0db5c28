"""Non-blocking receives, as event loops make them: until EAGAIN.

Under `nlroute exec` the preload library answers EAGAIN itself when an emulated socket is
surely empty (the server's status page). Each case here would catch it answering too soon:
a notification whose change was made by another process that has exited, or by this
process on another socket without waiting for the ACK, and the parts of a dump, which Linux
makes during the receive. Prints what it saw, to be compared with the kernel's."""
import errno
import os
import socket
import struct
import subprocess
import sys

RTM_NEWLINK, RTM_GETLINK, RTM_SETLINK = 16, 18, 19
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_DONE = 3
IFLA_MTU = 4


def nlmsg(kind, flags, seq, body):
    return struct.pack("=IHHII", 16 + len(body), kind, flags, seq, 0) + body


def ifinfo(index=0):
    return struct.pack("=BxHiII", 0, 0, index, 0, 0)


def set_mtu(mtu):
    body = ifinfo(1) + struct.pack("=HHI", 8, IFLA_MTU, mtu)
    return nlmsg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, mtu, body)


def drain(s):
    """Receives until EAGAIN: the kinds and errors seen, in order."""
    seen = []
    for _ in range(10000):
        try:
            d = s.recv(65536)
        except OSError as e:
            seen.append(errno.errorcode[e.errno])
            if e.errno == errno.EAGAIN:
                return seen
            continue
        seen.append(struct.unpack_from("=H", d, 4)[0] if len(d) >= 16 else "short")
    return seen


def listener(rcvbuf=None):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((0, 1))  # RTMGRP_LINK
    s.setblocking(False)
    return s


def main():
    ip = sys.argv[1] if len(sys.argv) > 1 else "ip"
    mtus = [1400 + (i % 2) * 100 for i in range(20)]

    # 1. Changes made by another process, which exited before we look.
    l = listener()
    print("empty:", drain(l))
    got = []
    for m in mtus:
        subprocess.run([ip, "link", "set", "lo", "mtu", str(m)], check=True)
        got.append(drain(l))
    print("after ip exits:", sorted(set(map(str, got))), len(got))

    # 2. A change sent on another socket of ours, the ACK not read yet.
    c = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    c.bind((0, 0))
    got = []
    for m in mtus:
        c.send(set_mtu(m - 10))
        got.append(drain(l))
        c.recv(65536)
    print("before the ack:", sorted(set(map(str, got))), len(got))

    # 3. A listener that overflows: the error, what it kept, then EAGAIN; after that it
    #    takes notifications again.
    small = listener(rcvbuf=4096)
    subprocess.run([ip, "link", "set", "lo", "mtu", "1300"], check=True)
    for m in mtus:
        c.send(set_mtu(m))
        c.recv(65536)
    seen = drain(small)
    # Linux reports the error before what is still queued, and keeps what fits by its
    # buffers' true sizes (the connection under exec counts too).
    print("overflow:", seen)
    print("overflow again:", drain(small))
    c.send(set_mtu(1280))
    c.recv(65536)
    print("after the drain:", drain(small))

    # 3b. Congestion (NETLINK_S_CONGESTED): after an overrun nothing more is queued, not
    #     even the socket's own ACK, until its reader has emptied the queue.
    def one(s):
        try:
            d = s.recv(65536)
            return struct.unpack_from("=H", d, 4)[0]
        except OSError as e:
            return errno.errorcode[e.errno]

    r = listener(rcvbuf=4096)
    for m in mtus[:6]:
        c.send(set_mtu(m))
        c.recv(65536)
    seen = [one(r), one(r)]
    c.send(set_mtu(1300))  # dropped: congested
    c.recv(65536)
    seen += [one(r), one(r), one(r)]
    c.send(set_mtu(1310))  # queued: the queue was emptied
    c.recv(65536)
    seen += [one(r), one(r)]
    for m in mtus[:6]:
        c.send(set_mtu(m))
        c.recv(65536)
    r.send(set_mtu(1450))  # its ACK is dropped too
    seen.append("|")
    seen += drain(r)
    print("congestion:", seen)

    # 4. A dump read in small pieces, never waiting: Linux makes each part during the
    #    receive, so no EAGAIN comes before NLMSG_DONE.
    n = 12
    lines = "".join(f"link add nbv{i} type veth peer name nbp{i}\n" for i in range(n))
    subprocess.run([ip, "-batch", "-"], input=lines.encode(), check=True)
    d = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    d.bind((0, 0))
    d.setblocking(False)
    d.send(nlmsg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, ifinfo()))
    parts, links, eagain = 0, 0, 0
    while True:
        try:
            b = d.recv(4096)
        except BlockingIOError:
            eagain += 1
            if eagain > 1000:
                break
            continue
        parts += 1
        off, done = 0, False
        while off + 16 <= len(b):
            ln, kind = struct.unpack_from("=IH", b, off)
            if kind == NLMSG_DONE:
                done = True
            elif kind == RTM_NEWLINK:
                links += 1
            off += (ln + 3) & ~3
        if done:
            break
    print("dump: links", links, "eagain before done", eagain)
    print("after the dump:", drain(d))


if __name__ == "__main__":
    main()
