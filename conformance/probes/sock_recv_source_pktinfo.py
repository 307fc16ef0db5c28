"""What recvmsg() reports besides the data: the source address (netlink_recvmsg: nl_pid 0,
nl_groups = netlink_group_mask(NETLINK_CB(skb).dst_group)) and, with NETLINK_PKTINFO, a
SOL_NETLINK/NETLINK_PKTINFO control message holding that group number
(netlink_cmsg_recv_pktinfo), for a unicast reply, for notifications of groups 1 and 5, and
for the NLM_F_ECHO copy the requester gets (nlmsg_notify sets dst_group before the unicast);
without the option no control message. Then a zero-length read consumes a datagram."""

NETLINK_PKTINFO = 3


def summary(data):
    res, off = [], 0
    while off + 16 <= len(data):
        n, t, f, seq, _pid = struct.unpack_from("=IHHII", data, off)
        res.append(f"{TYPES.get(t, t)}/0x{f:x}/seq={seq}")
        if n < 16:
            break
        off += align(n)
    return " ".join(res)


def recv_all(sock, what):
    got = False
    while select.select([sock.s], [], [], 0.1)[0]:
        data, anc, mflags, addr = sock.s.recvmsg(65536, 256)
        got = True
        cm = []
        for level, ctype, cdata in anc:
            v = struct.unpack("=I", cdata)[0] if len(cdata) == 4 else cdata.hex()
            cm.append(f"({level},{ctype},{v})")
        out(f"{what}: {len(data)} bytes from pid={sock.pid(addr[0])} groups=0x{addr[1]:x} "
            f"flags=0x{mflags:x} cmsg[{' '.join(cm)}] {summary(data)}")
    if not got:
        out(f"{what}: (nothing)")


r = Sock()
r.opt(NETLINK_PKTINFO, 1)
lis = Sock(groups=RTMGRP_LINK)
lis.opt(NETLINK_PKTINFO, 1)
lis.join(RTNLGRP_IPV4_IFADDR)
quiet = Sock(groups=RTMGRP_LINK)

title("unicast reply")
r.send(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, ifinfo(index=99)))
recv_all(r, "R")
title("link created with ECHO")
r.send(veth("v0", "v1", flags=NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK | NLM_F_ECHO, seq=2))
recv_all(r, "R")
recv_all(lis, "L")
recv_all(quiet, "Q")
title("address added with ECHO")
r.send(msg(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK | NLM_F_ECHO, 3,
           ifaddr(AF_INET, 24, index=3) + attr_ip(IFA_NUM["LOCAL"], "192.0.2.1")))
recv_all(r, "R")
recv_all(lis, "L")
recv_all(quiet, "Q")
title("address removed without ECHO")
r.send(msg(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, 4,
           ifaddr(AF_INET, 24, index=3) + attr_ip(IFA_NUM["LOCAL"], "192.0.2.1")))
recv_all(r, "R")
recv_all(lis, "L")

title("zero-length reads")
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
r.send(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 5, ifinfo(index=99)))
select.select([r.s], [], [], 1)
n, _anc, mflags, _addr = r.s.recvmsg_into([bytearray(0)], 0, 0)
out(f"recvmsg into 0 bytes, no control buffer: {n}, flags 0x{mflags:x}")
recv_all(r, "R after it")
# Python's recv_into() makes no system call for an empty buffer: libc's recv does.
for seq, flags in ((6, 0), (7, socket.MSG_TRUNC), (8, socket.MSG_TRUNC | socket.MSG_PEEK)):
    r.send(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, seq, ifinfo(index=99)))
    select.select([r.s], [], [], 1)
    n = libc.recv(r.s.fileno(), ctypes.create_string_buffer(4), 0, flags)
    out(f"recv(len 0, flags 0x{flags:x}): {n}")
    recv_all(r, "R after it")
