"""Group numbers a NETLINK_ROUTE socket may join: NETLINK_ADD_MEMBERSHIP takes 1..ngroups
(netlink_setsockopt: val - 1 >= nlk->ngroups is EINVAL, ngroups = RTNLGRP_MAX of the running
kernel), LIST_MEMBERSHIPS and getsockname after joining high groups, bind() keeping the
groups above 32; and a socket that joins without being bound: setsockopt does not autobind
it (port id 0) and do_one_broadcast skips port id 0 (nlk->portid == p->portid), so it gets
no notification until a send autobinds it."""

LIST_MEMBERSHIPS = 9


def try_join(sock, g):
    try:
        sock.s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g)
        return "ok"
    except OSError as e:
        return errname(e.errno)


def show(sock, what):
    p, g = sock.s.getsockname()
    m = sock.s.getsockopt(SOL_NETLINK, LIST_MEMBERSHIPS, 16)
    out(f"{what}: getsockname pid={sock.pid(p)} groups=0x{g:x}, memberships {m.hex()} ({len(m)} bytes)")


def types(sock, what):
    got = []
    while select.select([sock.s], [], [], 0.1)[0]:
        data = sock.s.recv(65536)
        got.append(TYPES.get(struct.unpack_from("=H", data, 4)[0], "?"))
    out(f"{what}: {' '.join(got) or '(nothing)'}")


s = Sock()
res = {}
for g in list(range(1, 50)) + [63, 64, 65, 100, 1024]:
    res.setdefault(try_join(s, g), []).append(g)
for k, v in sorted(res.items()):
    out(f"join {k}: {v}")
show(s, "after joining all that were accepted")
s.s.bind((s.port, 0x1))
show(s, "after bind with groups 0x1")
for g in (12, 28, 33, 39):
    s.leave(g)
show(s, "after leaving 12 28 33 39")

title("membership without bind")
u = Sock(bind=False)
u.join(RTNLGRP_LINK)
show(u, "unbound after joining group 1")
actor = Sock()
actor.talk(veth("v0", "v1"), quiet=0.05)
types(u, "unbound listener")
u.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 9, ifinfo(index=99)), quiet=0.05)
show(u, "after a send")
actor.talk(msg(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 10, ifinfo(index=3)), quiet=0.05)
types(u, "autobound listener")
