#!/usr/bin/env python3
"""One repetition of the client work, run INSIDE the environment under test
(`unshare -n` or `nlroute exec --`). Prints one JSON object of timings on stdout.

Used by bench/run.py; not meant to be run by hand (it creates and deletes N links)."""
import json, os, random, select, socket, struct, subprocess, sys, tempfile, time

NETLINK_ROUTE = 0
RTM_NEWLINK, RTM_GETLINK, RTM_SETLINK = 16, 18, 19
RTM_GETADDR = 22
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
IFLA_MTU = 4
RTMGRP_LINK = 1
BUF = 32768  # iproute2's receive buffer


def ip(*args, stdin=None):
    t = time.perf_counter()
    subprocess.run(("ip",) + args, check=True, stdout=subprocess.DEVNULL, stdin=stdin)
    return time.perf_counter() - t


def nlmsg(kind, flags, seq, body):
    return struct.pack("=IHHII", 16 + len(body), kind, flags, seq, 0) + body


def ifinfo(index=0):
    return struct.pack("=BxHiII", 0, 0, index, 0, 0)


def nla_u32(kind, v):
    return struct.pack("=HHI", 8, kind, v)


def sock():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((0, 0))
    return s


def dump(s, kind, body):
    """Full dump; returns (messages excluding NLMSG_DONE, seconds)."""
    t = time.perf_counter()
    s.send(nlmsg(kind, NLM_F_REQUEST | NLM_F_DUMP, 1, body))
    n = 0
    unpack = struct.unpack_from
    while True:
        d = s.recv(BUF)
        off, end = 0, len(d)
        while off + 16 <= end:
            ln, typ = unpack("=IH", d, off)
            if typ == NLMSG_DONE:
                return n, time.perf_counter() - t
            if typ == NLMSG_ERROR:
                raise RuntimeError("dump error")
            n += 1
            off += (ln + 3) & ~3


def link_indexes(s):
    s.send(nlmsg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 2, ifinfo()))
    out = []
    while True:
        d = s.recv(BUF)
        off = 0
        while off + 16 <= len(d):
            ln, typ = struct.unpack_from("=IH", d, off)
            if typ == NLMSG_DONE:
                return [i for i in out if i != 1]
            out.append(struct.unpack_from("=i", d, off + 20)[0])
            off += (ln + 3) & ~3


def round_trips(s, indexes, count, ack):
    """count request/reply round trips: RTM_GETLINK by index, or RTM_SETLINK mtu (+ACK)."""
    t = time.perf_counter()
    for i in range(count):
        idx = indexes[i % len(indexes)]
        if ack:
            body = ifinfo(idx) + nla_u32(IFLA_MTU, 1400 if i % 2 else 1500)
            s.send(nlmsg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, i, body))
        else:
            s.send(nlmsg(RTM_GETLINK, NLM_F_REQUEST, i, ifinfo(idx)))
        d = s.recv(BUF)
        typ = struct.unpack_from("=H", d, 4)[0]
        if ack and (typ != NLMSG_ERROR or struct.unpack_from("=i", d, 16)[0] != 0):
            raise RuntimeError("setlink failed")
    return count / (time.perf_counter() - t)


def plain_calls(s, count):
    """getsockopt(SO_RCVBUF) calls per second: a system call the kernel answers at once. Under
    nlroute exec the preload library answers it from the server's status page, after one
    fstat to check the descriptor (without the library it is a trapped call, the unit every
    per-request row pays)."""
    t = time.perf_counter()
    for _ in range(count):
        s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    return count / (time.perf_counter() - t)


def notify_latency(s, idx, listeners, changes):
    ls = []
    for _ in range(listeners):
        l = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
        l.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        l.bind((0, RTMGRP_LINK))
        l.setblocking(False)
        ls.append(l)
    p = select.poll()
    by_fd = {l.fileno(): l for l in ls}
    out = []
    for c in range(changes):
        pending = set(by_fd)
        for fd in pending:
            p.register(fd, select.POLLIN)
        t = time.perf_counter()
        s.send(nlmsg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, c,
                     ifinfo(idx) + nla_u32(IFLA_MTU, 1400 if c % 2 == 0 else 1500)))
        while pending:
            for fd, _ in p.poll(5000):
                try:
                    while by_fd[fd].recv(BUF):
                        pass
                except BlockingIOError:
                    pass
                pending.discard(fd)
                p.unregister(fd)
        out.append(time.perf_counter() - t)
        s.recv(BUF)  # the ACK
        time.sleep(0.01)
        for l in ls:  # drain any second notification of the same change
            try:
                while l.recv(BUF):
                    pass
            except BlockingIOError:
                pass
    for l in ls:
        l.close()
    out.sort()
    return out[len(out) // 2]


def main():
    n = int(sys.argv[1])
    pairs = n // 2
    one_by_one = int(sys.argv[2]) if len(sys.argv) > 2 else 20  # pairs deleted singly
    tmp = tempfile.mkdtemp()

    def f(name, lines):
        path = os.path.join(tmp, name)
        with open(path, "w") as out:
            out.write("".join(lines))
        return path
    names = [f"v{i}{s}" for i in range(pairs) for s in "ab"]
    create = f("create", (f"link add v{i}a group 7 type veth peer name v{i}b group 7\n" for i in range(pairs)))
    addrs = f("addr", (f"addr add 10.{k >> 8 & 255}.{k & 255}.1/24 dev {nm}\n" for k, nm in enumerate(names)))
    dels = f("del", (f"link del v{i}a\n" for i in range(one_by_one)))
    r = {}
    r["create N links (ip -batch)"] = ip("-batch", create)
    r["add N IPv4 addresses (ip -batch)"] = ip("-batch", addrs)
    r["ip -o link show"] = ip("-o", "link", "show")
    r["ip -o addr show"] = ip("-o", "addr", "show")
    k = 20
    r["ip link show NAME (mean of 20)"] = sum(ip("link", "show", names[(i * 7919) % n]) for i in range(k)) / k

    s = sock()
    idx = random.Random(1).sample(link_indexes(s), 200)
    links, secs = min(dump(s, RTM_GETLINK, ifinfo()) for _ in range(3))
    assert links >= n, links
    r["raw: link dump msgs/s"] = links / secs
    addrs_n, secs = min(dump(s, RTM_GETADDR, struct.pack("=BBBBI", 0, 0, 0, 0, 0)) for _ in range(3))
    assert addrs_n >= n, addrs_n
    r["raw: addr dump msgs/s"] = addrs_n / secs
    r["raw: getsockopt(SO_RCVBUF) calls/s"] = plain_calls(s, 20000)
    r["raw: RTM_GETLINK round trips/s"] = round_trips(s, idx, 2000, ack=False)
    r["raw: RTM_SETLINK+ACK round trips/s"] = round_trips(s, idx, 2000, ack=True)
    r["raw: notify 100 listeners (median s)"] = notify_latency(s, idx[0], 100, 15)
    s.close()

    r[f"delete {one_by_one} veth pairs one by one (ip -batch)"] = ip("-batch", dels)
    r["delete the rest (ip link del group 7)"] = ip("link", "del", "group", "7")
    json.dump(r, sys.stdout)


if __name__ == "__main__":
    main()
