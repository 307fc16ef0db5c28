"""bind() on a bound socket: only its own port id (or the groups with it) is accepted; port
0 there is EINVAL, whether bind or a send bound it (netlink_bind: nl_pid != portid)."""


def try_bind(sock, port, groups, what):
    try:
        sock.s.bind((port, groups))
        out(f"{what}: ok, groups {sock.s.getsockname()[1]}")
    except OSError as e:
        out(f"{what}: {errname(e.errno)}")


s = Sock()
try_bind(s, 0, 0, "bind 0 again")
try_bind(s, 0, 1, "bind 0 with a group")
try_bind(s, s.port, 1, "bind own port with a group")
try_bind(s, s.port, 0, "bind own port without")
t = Sock(bind=False)
t.talk(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 7, ifinfo(index=1)))
try_bind(t, 0, 0, "bind 0 after a send bound it")
try_bind(t, t.s.getsockname()[0], 0, "bind own port after a send")
