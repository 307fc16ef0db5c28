"""Address notifications (RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR) and
RTNLGRP_IPV6_IFINFO. IPv4: three addresses in one subnet (one labelled),
NLM_F_REPLACE of a secondary with a new label and a metric (__inet_insert_ifa
keeps the label), promote_secondaries=1 set through IFLA_AF_SPEC/IFLA_INET_CONF,
then deleting the primary (__inet_del_ifa promotes the next secondary). IPv6:
a global address whose duplicate already sits (nodad) on the veth peer, added
while down; both ends up: v0's DAD for it fails (neighbour advertisement from
v1) and addrconf_dad_failure announces IFA_F_DADFAILED, while the link-locals
complete DAD (~1-2 s)."""
import struct
import time

SKIP = {"STATS", "STATS64", "XDP", "MAP", "DEVLINK_PORT", "DPLL_PIN", "QDISC"}


def watch(sock, quiet=0.2, sort=False):
    """Compact print of every notification (link: header, attributes minus counters)."""
    n = 0
    lines = []
    while select.select([sock.s], [], [], quiet)[0]:
        data = sock.s.recv(65536)
        off = 0
        while off + 16 <= len(data):
            ln, t, f, seq, pid = struct.unpack_from("=IHHII", data, off)
            body = data[off + 16: off + ln]
            off += align(ln)
            n += 1
            name = TYPES.get(t, t)
            if t in (RTM_NEWLINK, RTM_DELLINK):
                fam, typ, idx, flg, chg = struct.unpack_from("=BxHiII", body)
                a = [fmt_link_attr(at, ab) for at, ab in attrs_of(body[16:])
                     if IFLA.get(at & 0x3FFF) not in SKIP]
                lines.append(f"   {name} fam={fam} idx={idx} flags=0x{flg:x} change=0x{chg:x} " + " ".join(a))
            elif t in (RTM_NEWADDR, RTM_DELADDR):
                fam, plen, flg, scope, idx = struct.unpack_from("=BBBBi", body)
                a = [fmt_addr_attr(at, ab, fam) for at, ab in attrs_of(body[8:])]
                lines.append(f"   {name} fam={fam}/{plen} flags=0x{flg:x} scope={scope} idx={idx} " + " ".join(a))
            else:
                lines.append(f"   {name} len={ln}")
    for line in (sorted(lines) if sort else lines):
        out(line)
    if n == 0:
        out("   (nothing)")


IFLA_AF_SPEC, IFLA_INET_CONF, IPV4_DEVCONF_PROMOTE_SECONDARIES = 26, 1, 20
sh("ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11")
listener = Sock(groups=RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR)
listener.join(12)  # RTNLGRP_IPV6_IFINFO
title("v4 adds")
sh("ip addr add 192.0.2.1/24 dev v0")
sh("ip addr add 192.0.2.2/24 dev v0 label v0:a")
sh("ip addr add 192.0.2.3/24 dev v0")
watch(listener)
title("replace secondary with new label and metric")
sh("ip addr change 192.0.2.2/24 dev v0 label v0:b metric 5")
watch(listener)
title("promote_secondaries=1 via IFLA_INET_CONF, then delete primary")
s = Sock()
s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, ifinfo(index=3) + nest(
    IFLA_AF_SPEC, nest(AF_INET, nest(IFLA_INET_CONF,
                                     attr(IPV4_DEVCONF_PROMOTE_SECONDARIES, struct.pack("=I", 1)))))),
       quiet=0.05)
sh("ip addr del 192.0.2.1/24 dev v0")
watch(listener)
title("duplicate v6 address on both ends, then v1 up, v0 up")
sh("ip addr add 2001:db8::5/64 dev v1 nodad")
sh("ip addr add 2001:db8::5/64 dev v0")
sh("ip link set v1 up")
sh("ip link set v0 up")
time.sleep(2.5)
title("everything up to DAD completion (sorted: each address's DAD has its own random delay)")
watch(listener, sort=True)
