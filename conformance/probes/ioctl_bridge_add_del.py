"""The bridge ioctls of brctl (SIOCBRADDBR/SIOCBRDELBR with a name, SIOCBRADDIF/SIOCBRDELIF
with an ifreq naming the bridge and the port's index): what they change and every error
they give, then the links as a dump sees them."""
import fcntl

SIOCBRADDBR, SIOCBRDELBR, SIOCBRADDIF, SIOCBRDELIF = 0x89A0, 0x89A1, 0x89A2, 0x89A3
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)


def call(what, req, arg):
    try:
        fcntl.ioctl(s.fileno(), req, arg)
        out(f"{what}: ok")
    except OSError as e:
        out(f"{what}: {errname(e.errno)}")


def name(n):
    return n.encode().ljust(16, b"\0")[:16]


def ifr(bridge, index):
    return struct.pack("=16si20x", bridge.encode(), index)


def names(cmd):
    p = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    out(f"{cmd}: " + " ".join(l.split()[0] for l in p.stdout.splitlines()))


def index_of(n):
    try:
        return socket.if_nametoindex(n)
    except OSError:
        return 0


sh("ip link add v0 type veth peer name v1")
sh("ip link add d0 type veth peer name d1")
STEPS = [
    ("addbr br0", SIOCBRADDBR, lambda: name("br0")),
    ("addbr br0 again", SIOCBRADDBR, lambda: name("br0")),
    ("addbr lo", SIOCBRADDBR, lambda: name("lo")),
    ("addbr pattern", SIOCBRADDBR, lambda: name("brx%d")),
    ("addbr empty", SIOCBRADDBR, lambda: name("")),
    ("addbr bad name", SIOCBRADDBR, lambda: name("a/b")),
    ("addbr 16 bytes", SIOCBRADDBR, lambda: b"abcdefghijklmnop"),
    ("addif v0", SIOCBRADDIF, lambda: ifr("br0", index_of("v0"))),
    ("addif v0 again", SIOCBRADDIF, lambda: ifr("br0", index_of("v0"))),
    ("addif lo", SIOCBRADDIF, lambda: ifr("br0", 1)),
    ("addif itself", SIOCBRADDIF, lambda: ifr("br0", index_of("br0"))),
    ("addif missing index", SIOCBRADDIF, lambda: ifr("br0", 9999)),
    ("addif into lo", SIOCBRADDIF, lambda: ifr("lo", index_of("v1"))),
    ("addif into missing", SIOCBRADDIF, lambda: ifr("nosuch", index_of("v1"))),
    ("addif v0 into brx0", SIOCBRADDIF, lambda: ifr("brx0", index_of("v0"))),
    ("addif d0 into brx0", SIOCBRADDIF, lambda: ifr("brx0", index_of("d0"))),
    ("addif br0 into brx0", SIOCBRADDIF, lambda: ifr("brx0", index_of("br0"))),
    ("delif v1 (not a port)", SIOCBRDELIF, lambda: ifr("br0", index_of("v1"))),
    ("delif d0 from br0 (other bridge)", SIOCBRDELIF, lambda: ifr("br0", index_of("d0"))),
    ("delif missing index", SIOCBRDELIF, lambda: ifr("br0", 9999)),
]
# (Arguments are made when their step runs: indexes of links made by earlier steps.)
for what, req, arg in STEPS:
    call(what, req, arg())
names("ip -br link show master br0")
names("ip -br link show master brx0")
call("delif v0", SIOCBRDELIF, ifr("br0", index_of("v0")))
names("ip -br link show master br0")
sh("ip link set br0 up")
call("delbr br0 (up)", SIOCBRDELBR, name("br0"))
sh("ip link set br0 down")
for what, req, arg in [
    ("delbr br0", SIOCBRDELBR, lambda: name("br0")),
    ("delbr br0 again", SIOCBRDELBR, lambda: name("br0")),
    ("delbr lo", SIOCBRDELBR, lambda: name("lo")),
    ("delbr v0", SIOCBRDELBR, lambda: name("v0")),
    ("delbr brx0 with a port", SIOCBRDELBR, lambda: name("brx0")),
]:
    call(what, req, arg())
names("ip -br link")
s.close()