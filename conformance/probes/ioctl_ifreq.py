"""Interface ioctls (SIOCGIF*, SIOCSIFMTU/FLAGS/NAME, SIOCGIFCONF) and glibc's
if_nametoindex()/if_indextoname(), which use them: answered about the emulated
interfaces, on AF_INET, AF_UNIX and netlink sockets alike."""
import array
import fcntl

for cmd in ("link add v0 type veth peer name v1", "addr add 10.1.2.3/24 dev v0",
            "addr add 10.1.2.4/24 brd + dev v0 label v0:1"):
    subprocess.run(["ip"] + cmd.split(), check=True)

inet = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
unix = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)


def ifreq(name, tail=b""):
    return struct.pack("16s", name.encode()) + tail.ljust(24, b"\0")


def ask(sock, req, name, tail=b""):
    try:
        return fcntl.ioctl(sock.fileno(), req, ifreq(name, tail))
    except OSError as e:
        print(f"  {name} {req:#x}: {errno_mod.errorcode[e.errno]}")
        return None


print("if_nametoindex", socket.if_nametoindex("v0"), socket.if_nametoindex("lo"))
print("if_indextoname", socket.if_indextoname(socket.if_nametoindex("v1")))
for name in ("nope", ""):
    try:
        socket.if_nametoindex(name)
    except OSError as e:
        print("if_nametoindex", repr(name), "fails:", e.errno)
for sock, what in ((inet, "inet"), (unix, "unix"), (nl, "netlink")):
    print(what)
    for name in ("v0", "v0:1", "lo", "nope"):
        r = ask(sock, 0x8933, name)
        if r:
            print(f"  {name} index", struct.unpack_from("i", r, 16)[0])
        r = ask(sock, 0x8913, name)
        if r:
            print(f"  {name} flags", hex(struct.unpack_from("H", r, 16)[0]))
    for req, field in ((0x8921, "mtu"), (0x8942, "txqlen"), (0x891d, "metric")):
        r = ask(sock, req, "v0")
        if r:
            print(f"  v0 {field}", struct.unpack_from("i", r, 16)[0])
    r = ask(sock, 0x8927, "v0")
    if r:
        print("  v0 hwaddr family", struct.unpack_from("H", r, 16)[0])
    r = ask(sock, 0x8910, "", struct.pack("i", socket.if_nametoindex("v1")))
    if r:
        print("  name of v1's index", r[:16].rstrip(b"\0").decode())
    ask(sock, 0x8910, "", struct.pack("i", 999))
print("inet addresses")
for name in ("v0", "v0:1", "v1", "nope"):
    for req, field in ((0x8915, "addr"), (0x891b, "netmask"), (0x8919, "brd"), (0x8917, "dst")):
        r = ask(inet, req, name)
        if r:
            print(f"  {name} {field}", socket.inet_ntoa(r[20:24]))
print("addresses on a unix socket")
ask(unix, 0x8915, "v0")
print("changes")
ask(inet, 0x8922, "v0", struct.pack("i", 1400))
ask(inet, 0x8922, "v0", struct.pack("i", 10))
ask(inet, 0x8943, "v0", struct.pack("i", 77))
flags = struct.unpack_from("H", ask(inet, 0x8913, "v0"), 16)[0]
ask(inet, 0x8914, "v0", struct.pack("H", flags | 1))
ask(inet, 0x8923, "v1", b"v9")
ask(inet, 0x8914, "v1", struct.pack("H", 0))
ask(inet, 0x8923, "v1", b"v9")
subprocess.run(["ip", "-o", "link", "show"], check=True)
print("ifconf")
buf = array.array("B", bytes(40 * 8))
addr, _ = buf.buffer_info()
for size in (40 * 8, 40, 0):
    used = struct.unpack("iL", fcntl.ioctl(inet.fileno(), 0x8912, struct.pack("iL", size, addr)))[0]
    print(" ", size, "->", used, [(bytes(buf[i:i + 16]).rstrip(b"\0").decode(), socket.inet_ntoa(bytes(buf[i + 20:i + 24])))
                                for i in range(0, used, 40)])
print("  no buffer ->", struct.unpack("iL", fcntl.ioctl(inet.fileno(), 0x8912, struct.pack("iL", 0, 0)))[0])
