"""SOL_SOCKET options where a netlink socket differs from a connected unix socket: it has no
peer (SO_PEERCRED gives pid 0, uid and gid -1; SO_PEERGROUPS and SO_PEERPIDFD ENODATA), no
peek offset (SO_PEEK_OFF: EOPNOTSUPP both ways), and passes no pidfds or rights
(SO_PASSPIDFD, SO_PASSRIGHTS: EOPNOTSUPP). A refused SO_PEEK_OFF leaves MSG_PEEK as it was:
two peeks see the same message."""
import errno as errno_mod

SO_PEERCRED, SO_PEEK_OFF, SO_PEERGROUPS = 17, 42, 59
SO_PASSPIDFD, SO_PEERPIDFD, SO_PASSRIGHTS = 76, 77, 83
s = Sock()
for name in (SO_PEERCRED, SO_PEEK_OFF, SO_PEERGROUPS, SO_PASSPIDFD, SO_PEERPIDFD, SO_PASSRIGHTS):
    for size in (4, 12, 64):
        try:
            out(f"getsockopt({name}, {size}): {s.s.getsockopt(socket.SOL_SOCKET, name, size).hex()}")
        except OSError as e:
            out(f"getsockopt({name}, {size}): {errname(e.errno)}")
    for value in (0, 1):
        try:
            s.s.setsockopt(socket.SOL_SOCKET, name, value)
            out(f"setsockopt({name}, {value}): ok")
        except OSError as e:
            out(f"setsockopt({name}, {value}): {errname(e.errno)}")
s.send(msg(RTM_GETLINK, NLM_F_REQUEST, 1, ifinfo(index=1)))
select.select([s.s], [], [], 1)
first = s.s.recv(16, socket.MSG_PEEK)
second = s.s.recv(16, socket.MSG_PEEK)
out(f"two peeks alike: {first == second}")
s.recv()
