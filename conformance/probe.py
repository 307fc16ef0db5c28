#!/usr/bin/env python3
"""Wire probes: hand-built NETLINK_ROUTE requests on a raw socket, and a plain
record of every reply.

    python3 probe.py probes/NAME.py

runs one probe file with this module's names in scope. A probe builds messages
with msg()/ifinfo()/ifaddr()/attr helpers, sends them with Sock.talk() (one
datagram) and every reply is printed: datagram sizes and MSG_TRUNC, then per
message its type, flags, seq, port id (SELF for the probing socket itself),
and for errors the errno, the echoed request, extack text, offset and the
other TLVs; for links and addresses the attributes present, with values where
Linux makes them deterministic (lengths only for opaque blocks).
Stdlib only.
"""

import errno as errno_mod
import ipaddress
import os
import select
import socket
import struct
import subprocess
import sys

# --- constants (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h, linux/if_addr.h)
NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN = 1, 2, 3, 4
RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK = 16, 17, 18, 19
RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR = 20, 21, 22
RTM_GETROUTE = 26
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_ECHO = 0x1, 0x2, 0x4, 0x8
NLM_F_DUMP_INTR, NLM_F_DUMP_FILTERED = 0x10, 0x20
NLM_F_ROOT, NLM_F_MATCH, NLM_F_DUMP = 0x100, 0x200, 0x300
NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND = 0x100, 0x200, 0x400, 0x800
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP, NETLINK_DROP_MEMBERSHIP = 1, 2
NETLINK_CAP_ACK, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK = 10, 11, 12
RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR = 1, 5, 9
RTMGRP_LINK, RTMGRP_IPV4_IFADDR, RTMGRP_IPV6_IFADDR = 0x1, 0x10, 0x100
AF_UNSPEC, AF_INET, AF_INET6 = 0, 2, 10
IFF_UP, IFF_PROMISC = 0x1, 0x100
IFA_F_SECONDARY, IFA_F_NODAD, IFA_F_PERMANENT = 0x01, 0x02, 0x80

IFLA = {
    1: "ADDRESS", 2: "BROADCAST", 3: "IFNAME", 4: "MTU", 5: "LINK", 6: "QDISC", 7: "STATS",
    8: "COST", 9: "PRIORITY", 10: "MASTER", 11: "WIRELESS", 12: "PROTINFO", 13: "TXQLEN",
    14: "MAP", 15: "WEIGHT", 16: "OPERSTATE", 17: "LINKMODE", 18: "LINKINFO", 19: "NET_NS_PID",
    20: "IFALIAS", 21: "NUM_VF", 22: "VFINFO_LIST", 23: "STATS64", 24: "VF_PORTS",
    25: "PORT_SELF", 26: "AF_SPEC", 27: "GROUP", 28: "NET_NS_FD", 29: "EXT_MASK",
    30: "PROMISCUITY", 31: "NUM_TX_QUEUES", 32: "NUM_RX_QUEUES", 33: "CARRIER",
    34: "PHYS_PORT_ID", 35: "CARRIER_CHANGES", 36: "PHYS_SWITCH_ID", 37: "LINK_NETNSID",
    38: "PHYS_PORT_NAME", 39: "PROTO_DOWN", 40: "GSO_MAX_SEGS", 41: "GSO_MAX_SIZE", 42: "PAD",
    43: "XDP", 44: "EVENT", 45: "NEW_NETNSID", 46: "TARGET_NETNSID", 47: "CARRIER_UP_COUNT",
    48: "CARRIER_DOWN_COUNT", 49: "NEW_IFINDEX", 50: "MIN_MTU", 51: "MAX_MTU", 52: "PROP_LIST",
    53: "ALT_IFNAME", 54: "PERM_ADDRESS", 55: "PROTO_DOWN_REASON", 56: "PARENT_DEV_NAME",
    57: "PARENT_DEV_BUS_NAME", 58: "GRO_MAX_SIZE", 59: "TSO_MAX_SIZE", 60: "TSO_MAX_SEGS",
    61: "ALLMULTI", 62: "DEVLINK_PORT", 63: "GSO_IPV4_MAX_SIZE", 64: "GRO_IPV4_MAX_SIZE",
    65: "DPLL_PIN", 66: "MAX_PACING_OFFLOAD_HORIZON", 67: "NETNS_IMMUTABLE", 68: "HEADROOM",
    69: "TAILROOM",
}
IFLA_NUM = {v: k for k, v in IFLA.items()}
IFA = {1: "ADDRESS", 2: "LOCAL", 3: "LABEL", 4: "BROADCAST", 5: "ANYCAST", 6: "CACHEINFO",
       7: "MULTICAST", 8: "FLAGS", 9: "RT_PRIORITY", 10: "TARGET_NETNSID", 11: "PROTO"}
IFA_NUM = {v: k for k, v in IFA.items()}
IFLA_INFO = {1: "KIND", 2: "DATA", 3: "XSTATS", 4: "SLAVE_KIND", 5: "SLAVE_DATA"}
NLMSGERR = {1: "MSG", 2: "OFFS", 3: "COOKIE", 4: "POLICY", 5: "MISS_TYPE", 6: "MISS_NEST"}
TYPES = {1: "NLMSG_NOOP", 2: "NLMSG_ERROR", 3: "NLMSG_DONE", 4: "NLMSG_OVERRUN",
         16: "RTM_NEWLINK", 17: "RTM_DELLINK", 18: "RTM_GETLINK", 19: "RTM_SETLINK",
         20: "RTM_NEWADDR", 21: "RTM_DELADDR", 22: "RTM_GETADDR"}
IFLA_STRINGS = {"IFNAME", "QDISC", "IFALIAS", "ALT_IFNAME", "PHYS_PORT_NAME", "PARENT_DEV_NAME"}
IFLA_MACS = {"ADDRESS", "BROADCAST", "PERM_ADDRESS"}
IFLA_OPAQUE = {"STATS", "STATS64", "MAP", "AF_SPEC", "XDP", "PROTINFO", "PROP_LIST", "VFINFO_LIST"}
VETH_INFO_PEER = 1
IFLA_MACVLAN_MODE = 1
IFLA_VLAN_ID = 1
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2


# --- building requests
def align(n):
    return (n + 3) & ~3


def pad(b):
    return b + b"\0" * (align(len(b)) - len(b))


def attr(atype, data=b"", length=None):
    """One attribute; `length` overrides nla_len to build bad ones."""
    n = 4 + len(data) if length is None else length
    return pad(struct.pack("=HH", n, atype) + data)


def attr_str(atype, s, nul=True):
    return attr(atype, s.encode() + (b"\0" if nul else b""))


def attr_u32(atype, v):
    return attr(atype, struct.pack("=I", v))


def attr_u16(atype, v):
    return attr(atype, struct.pack("=H", v))


def attr_u8(atype, v):
    return attr(atype, struct.pack("=B", v))


def attr_ip(atype, addr):
    return attr(atype, ipaddress.ip_address(addr).packed)


def attr_mac(atype, mac):
    return attr(atype, bytes(int(x, 16) for x in mac.split(":")))


def nest(atype, *attrs):
    return attr(atype, b"".join(attrs))


def linkinfo(kind, data=b""):
    inner = attr_str(IFLA_INFO_KIND, kind)
    if data:
        inner += attr(IFLA_INFO_DATA, data)
    return attr(IFLA_NUM["LINKINFO"], inner)


def ifinfo(family=0, ifi_type=0, index=0, flags=0, change=0):
    return struct.pack("=BxHiII", family, ifi_type, index, flags, change)


def ifaddr(family=AF_INET, prefixlen=0, flags=0, scope=0, index=0):
    return struct.pack("=BBBBi", family, prefixlen, flags, scope, index)


def rtgen(family=0):
    return struct.pack("=B", family)


def msg(mtype, flags=NLM_F_REQUEST, seq=1, body=b"", pid=0, length=None):
    """One netlink message; `length` overrides nlmsg_len to build bad ones."""
    n = 16 + len(body) if length is None else length
    return pad(struct.pack("=IHHII", n, mtype, flags, seq, pid) + body)


def veth(name, peer, flags=NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, seq=1):
    peer_info = attr(VETH_INFO_PEER, ifinfo() + attr_str(IFLA_NUM["IFNAME"], peer))
    body = ifinfo() + attr_str(IFLA_NUM["IFNAME"], name) + linkinfo("veth", peer_info)
    return msg(RTM_NEWLINK, flags, seq, body)


# --- printing replies
def out(*a):
    print(*a)
    sys.stdout.flush()


def errname(e):
    return errno_mod.errorcode.get(e, str(e))


def mac(b):
    return ":".join(f"{x:02x}" for x in b)


def attrs_of(data):
    """[(type, payload)] of a packed attribute stream; stops on a malformed one."""
    res, off = [], 0
    while off + 4 <= len(data):
        n, t = struct.unpack_from("=HH", data, off)
        if n < 4 or off + n > len(data):
            res.append((None, f"<malformed nla_len={n} at {off}>"))
            break
        res.append((t, data[off + 4: off + n]))
        off += align(n)
    return res


def cstr(b):
    return repr(b.split(b"\0")[0].decode(errors="replace")) + ("" if b.endswith(b"\0") else "(unterminated)")


def fmt_int(b):
    if len(b) == 1:
        return str(b[0])
    if len(b) == 2:
        return str(struct.unpack("=H", b)[0])
    if len(b) == 4:
        return str(struct.unpack("=I", b)[0])
    if len(b) == 8:
        return str(struct.unpack("=Q", b)[0])
    return f"<{len(b)} bytes>"


def fmt_link_attr(t, b):
    name = IFLA.get(t & 0x3FFF, f"type{t}")
    if t & 0x8000:
        name += "(nested-flag)"
    if name in IFLA_STRINGS:
        return f"{name}={cstr(b)}"
    if name in IFLA_MACS:
        return f"{name}={mac(b)}"
    if name in ("STATS", "STATS64"):
        zero = "zero" if not any(b) else "counting"
        return f"{name}(len={len(b)},{zero})"
    if name in IFLA_OPAQUE:
        return f"{name}(len={len(b)})"
    if name == "LINKINFO":
        parts = []
        for it, ib in attrs_of(b):
            iname = IFLA_INFO.get(it, f"type{it}")
            if iname in ("KIND", "SLAVE_KIND"):
                parts.append(f"{iname}={cstr(ib)}")
            elif iname in ("DATA", "SLAVE_DATA"):
                parts.append(f"{iname}[" + ",".join(str(x[0]) for x in attrs_of(ib)) + "]")
            else:
                parts.append(f"{iname}(len={len(ib)})")
        return "LINKINFO{" + " ".join(parts) + "}"
    return f"{name}={fmt_int(b)}"


def fmt_addr_attr(t, b, family):
    name = IFA.get(t, f"type{t}")
    if name in ("ADDRESS", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST") and len(b) in (4, 16):
        return f"{name}={ipaddress.ip_address(b)}"
    if name == "LABEL":
        return f"{name}={cstr(b)}"
    if name == "CACHEINFO" and len(b) == 16:
        p, v, c, tt = struct.unpack("=IIII", b)
        return f"CACHEINFO(ifa_preferred={p} ifa_valid={v} cstamp={c} tstamp={tt})"
    return f"{name}={fmt_int(b)}"


ALL_SOCKS = []
FOREIGN = {}


class Sock:
    """A raw NETLINK_ROUTE socket of this probe. Port ids print as SELF (this
    socket), SOCKn (another socket of this probe), 0, or PORTn (a socket of
    another process, e.g. `ip`, whose port id is its pid: random)."""

    def __init__(self, groups=0, bind=True):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        if bind:
            self.s.bind((0, groups))
        self.port = self.s.getsockname()[0]
        ALL_SOCKS.append(self)

    def opt(self, name, value):
        try:
            self.s.setsockopt(SOL_NETLINK, name, value)
            out(f"setsockopt({name}, {value}): ok")
        except OSError as e:
            out(f"setsockopt({name}, {value}): {errname(e.errno)}")

    def join(self, group):
        self.opt(NETLINK_ADD_MEMBERSHIP, group)

    def leave(self, group):
        self.opt(NETLINK_DROP_MEMBERSHIP, group)

    def send(self, *msgs):
        data = b"".join(msgs)
        try:
            n = self.s.send(data)
            out(f">> sent {len(msgs)} message(s) in one datagram of {len(data)} bytes: {n}")
        except OSError as e:
            out(f">> send failed: {errname(e.errno)}")

    def recv(self, bufsize=65536, flags=0, quiet=0.3, max_datagrams=10000):
        """Read datagrams until `quiet` seconds pass without one; print each."""
        n = 0
        while n < max_datagrams and select.select([self.s], [], [], quiet)[0]:
            data, _anc, mflags, _addr = self.s.recvmsg(bufsize, 0, flags)
            n += 1
            trunc = " MSG_TRUNC" if mflags & socket.MSG_TRUNC else ""
            out(f"<< datagram {len(data)} bytes{trunc}")
            self.print_messages(data)
            if flags & socket.MSG_PEEK:
                break
        if n == 0:
            out("<< (nothing)")

    def talk(self, *msgs, bufsize=65536, quiet=0.15):
        self.send(*msgs)
        self.recv(bufsize=bufsize, quiet=quiet)

    def pid(self, p):
        if p == 0:
            return "0"
        for i, other in enumerate(ALL_SOCKS):
            other.port = other.s.getsockname()[0]
            if other.port == p:
                return "SELF" if other is self else f"SOCK{i + 1}"
        if p not in FOREIGN:
            FOREIGN[p] = f"PORT{len(FOREIGN) + 1}"
        return FOREIGN[p]

    def print_messages(self, data):
        off = 0
        while off + 16 <= len(data):
            n, t, f, seq, pid = struct.unpack_from("=IHHII", data, off)
            body = data[off + 16: off + n]
            who = self.pid(pid)
            if who.startswith("PORT"):
                seq = "FOREIGN"  # another program's sequence numbers (iproute2 uses the time)
            head = f"   {TYPES.get(t, t)} len={n} flags=0x{f:x} seq={seq} pid={who}"
            if n < 16 or off + n > len(data):
                out(head + f" (truncated: {len(data) - off} bytes present)")
                return
            out(head + self.describe(t, f, body))
            off += align(n)

    def describe(self, t, f, body):
        if t == NLMSG_ERROR:
            if len(body) < 4:
                return f" <short error body {len(body)}>"
            err = struct.unpack_from("=i", body)[0]
            s = f" error={err}" + (f"({errname(-err)})" if err else "(ack)")
            if len(body) >= 20:
                en, et, ef, es, ep = struct.unpack_from("=IHHII", body, 4)
                s += f" echo[len={en} type={TYPES.get(et, et)} flags=0x{ef:x} seq={es} pid={self.pid(ep)}]"
                rest = body[20:]
                if not (f & NLM_F_CAPPED):
                    s += f" echoed_payload={len(rest[: max(0, en - 16)])}"
                    rest = rest[align(max(0, en - 16)):]
                if f & NLM_F_ACK_TLVS:
                    s += " tlvs{" + self.tlvs(rest) + "}"
                elif rest:
                    s += f" trailing={len(rest)}"
            return s
        if t == NLMSG_DONE:
            s = ""
            if len(body) >= 4:
                err = struct.unpack_from("=i", body)[0]
                s = f" done_error={err}" + (f"({errname(-err)})" if err else "")
            if f & NLM_F_ACK_TLVS:
                s += " tlvs{" + self.tlvs(body[4:]) + "}"
            elif len(body) > 4:
                s += f" trailing={len(body) - 4}"
            return s
        if t in (RTM_NEWLINK, RTM_DELLINK) and len(body) >= 16:
            fam, typ, idx, flg, chg = struct.unpack_from("=BxHiII", body)
            a = " ".join(fmt_link_attr(at, ab) if at is not None else ab for at, ab in attrs_of(body[16:]))
            return f" ifi[family={fam} type={typ} index={idx} flags=0x{flg:x} change=0x{chg:x}] {a}"
        if t in (RTM_NEWADDR, RTM_DELADDR) and len(body) >= 8:
            fam, plen, flg, scope, idx = struct.unpack_from("=BBBBi", body)
            a = " ".join(fmt_addr_attr(at, ab, fam) if at is not None else ab for at, ab in attrs_of(body[8:]))
            return f" ifa[family={fam} prefixlen={plen} flags=0x{flg:x} scope={scope} index={idx}] {a}"
        return f" body={len(body)} bytes"

    def tlvs(self, data):
        parts = []
        for t, b in attrs_of(data):
            nested = "(nested)" if t is not None and t & 0x8000 else ""
            name = NLMSGERR.get(t & 0x3FFF, f"type{t}") + nested if t is not None else ""
            if t is None:
                parts.append(b)
            elif name == "MSG":
                parts.append(f"MSG={cstr(b)}")
            elif name in ("OFFS", "MISS_TYPE", "MISS_NEST", "COOKIE"):
                parts.append(f"{name}={fmt_int(b)}")
            else:
                parts.append(f"{name}(len={len(b)})")
        return " ".join(parts)


# What `watch` leaves out of link messages: counters and state that vary between runs.
WATCH_SKIP = {"STATS", "STATS64", "XDP", "MAP", "DEVLINK_PORT", "DPLL_PIN", "QDISC"}


def watch(sock, quiet=0.2, sort=False):
    """Compact print of every notification on `sock` until it is quiet: a link message's
    header and attributes without WATCH_SKIP, an address message's header and attributes.
    `sort` orders the lines (events whose order depends on per-address timers)."""
    lines = []
    while select.select([sock.s], [], [], quiet)[0]:
        data = sock.s.recv(65536)
        off = 0
        while off + 16 <= len(data):
            ln, t = struct.unpack_from("=IH", data, off)
            body = data[off + 16: off + ln]
            off += align(ln)
            name = TYPES.get(t, t)
            if t in (RTM_NEWLINK, RTM_DELLINK):
                fam, _, idx, flg, chg = struct.unpack_from("=BxHiII", body)
                a = [fmt_link_attr(at, ab) for at, ab in attrs_of(body[16:])
                     if IFLA.get(at & 0x3FFF) not in WATCH_SKIP]
                lines.append(f"   {name} fam={fam} idx={idx} flags=0x{flg:x} change=0x{chg:x} "
                             + " ".join(a))
            elif t in (RTM_NEWADDR, RTM_DELADDR):
                fam, plen, flg, scope, idx = struct.unpack_from("=BBBBi", body)
                a = [fmt_addr_attr(at, ab, fam) for at, ab in attrs_of(body[8:])]
                lines.append(f"   {name} fam={fam}/{plen} flags=0x{flg:x} scope={scope} idx={idx} "
                             + " ".join(a))
            else:
                lines.append(f"   {name} len={ln}")
    for line in (sorted(lines) if sort else lines):
        out(line)
    if not lines:
        out("   (nothing)")


def sh(cmd):
    """Set up state with iproute2 (same namespace); prints the command only."""
    p = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    out(f"# {cmd} -> exit {p.returncode}" + (f": {p.stdout.strip()} {p.stderr.strip()}".rstrip() if p.returncode else ""))


def title(text):
    out(f"## {text}")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: probe.py probes/NAME.py")
    path = sys.argv[1]
    with open(path, encoding="utf-8") as f:
        code = compile(f.read(), path, "exec")
    scope = {k: v for k, v in globals().items() if not k.startswith("__")}
    scope["__name__"] = "__probe__"
    exec(code, scope)


if __name__ == "__main__":
    main()
