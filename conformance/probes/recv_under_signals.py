"""Signals around receives: under a 50 µs interval timer no answer is lost or doubled
(blocking reads with SO_RCVTIMEO, reads that poll first, peeks, dumps); and a signal sent
to the process reaches the main thread's handler while other threads block in receives,
which then still get the notification that follows."""
import signal
import threading
import time

ticks = [0]


def tick(*_):
    ticks[0] += 1


def getlink(seq, dump):
    body = struct.pack("BxHiII", 0, 0, 0 if dump else 1, 0, 0)
    flags = NLM_F_REQUEST | (NLM_F_DUMP if dump else 0)
    return struct.pack("IHHII", 16 + len(body), RTM_GETLINK, flags, seq, 0) + body


blocking = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
blocking.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 5, 0))
polling = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
polling.settimeout(5.0)
signal.signal(signal.SIGALRM, tick)
signal.setitimer(signal.ITIMER_REAL, 0.00005, 0.00005)
bad = seq = 0
for s in (blocking, polling):
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        seq += 1
        mode = seq % 3
        s.send(getlink(seq, mode == 2))
        done = False
        while not done:
            if mode == 1:
                s.recv(65536, socket.MSG_PEEK | socket.MSG_TRUNC)
            d = s.recv(65536)
            off = 0
            while off < len(d):
                ln, ty, fl, sq = struct.unpack_from("IHHI", d, off)
                bad += sq != seq
                done = done or mode != 2 or ty == NLMSG_DONE
                off += (ln + 3) & ~3
signal.setitimer(signal.ITIMER_REAL, 0)
print("signal stream: answers out of order or lost", bad, "| many signals", ticks[0] > 1000)


class Alarm(Exception):
    pass


def alarm(*_):
    raise Alarm()


signal.signal(signal.SIGALRM, alarm)
got, errors = [], []


def wait(s):
    try:
        got.append(len(s.recv(65536)) > 0)
    except OSError as e:
        errors.append(e.errno)


threads = []
for _ in range(8):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.bind((0, RTMGRP_LINK))
    t = threading.Thread(target=wait, args=(s,))
    t.start()
    threads.append(t)
main = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
main.bind((0, RTMGRP_LINK))
time.sleep(0.2)
signal.setitimer(signal.ITIMER_REAL, 0.1)
t0 = time.monotonic()
try:
    main.recv(65536)
except Alarm:
    print("process signal: main thread interrupted within 2 s", time.monotonic() - t0 < 2)
subprocess.run(["ip", "link", "add", "sig0", "type", "veth", "peer", "name", "sig1"], check=True)
for t in threads:
    t.join(5)
print("other threads: received", got.count(True), "errors", errors)
