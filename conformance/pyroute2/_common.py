"""Shared helpers of the pyroute2 scenarios.

Each scenario drives pyroute2's IPRoute and prints, in a stable text form, the
messages it got back (as parsed by pyroute2) and the NetlinkError codes it hit.
Normalized here, because Linux randomizes it: the client's own port id (SELF),
IFLA_INET6_CACHEINFO reachable_time (neigh_rand_reach_time). Everything else is
printed as parsed; the runner normalizes MACs, lifetimes and timestamps.
"""

import sys
import time

from pyroute2 import IPRoute
from pyroute2.netlink.exceptions import NetlinkError

IFF_UP = 0x1
IFF_PROMISC = 0x100

ipr = IPRoute()


def own_port_id():
    """The port id the kernel (or nlroute) bound this client's socket to."""
    try:
        return ipr.asyncore.transport.get_extra_info("socket").getsockname()[0]
    except Exception:
        return None


def plain(obj):
    """pyroute2's message objects -> plain dicts, lists and (name, value) pairs."""
    if type(obj).__name__ == "nla_slot":
        return (obj[0], plain(obj[1]))
    if hasattr(obj, "keys") and hasattr(obj, "__getitem__"):
        return {k: plain(obj[k]) for k in obj.keys()}
    if isinstance(obj, (list, tuple)):
        return [plain(x) for x in obj]
    return obj


def out(*args):
    print(*args)
    sys.stdout.flush()


def _scalar(key, v):
    if key == "pid" and v not in (0, None) and v == own_port_id():
        return "SELF"
    if key == "reachable_time":
        return "RANDOM"
    return repr(v)


def fmt(obj, indent="  ", key=None):
    """Stable multi-line rendering of a parsed message (order preserved)."""
    lines = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("target", "stats", "__align"):
                continue
            if isinstance(v, (dict, list, tuple)) and v:
                lines.append(f"{indent}{k}:")
                lines.extend(fmt(v, indent + "  ", k))
            else:
                lines.append(f"{indent}{k}: {_scalar(k, v)}")
    elif isinstance(obj, (list, tuple)):
        if all(isinstance(x, (list, tuple)) and len(x) == 2 and isinstance(x[0], str) for x in obj):
            for name, v in obj:  # an attribute list
                if isinstance(v, (dict, list, tuple)) and v:
                    lines.append(f"{indent}{name}:")
                    lines.extend(fmt(v, indent + "  ", name))
                else:
                    lines.append(f"{indent}{name}: {_scalar(name, v)}")
        else:
            for v in obj:
                lines.extend(fmt(v, indent, key))
    else:
        lines.append(f"{indent}{_scalar(key, obj)}")
    return lines


def show(title, msgs):
    """Print whole messages."""
    msgs = list(msgs)
    out(f"== {title}: {len(msgs)} message(s)")
    for m in msgs:
        out(f"- {m.get('event')}")
        out("\n".join(fmt(plain(m))))


def view(title, msgs, fields=(), attrs=()):
    """Print chosen header fields and attributes of each message."""
    msgs = list(msgs)
    out(f"== {title}: {len(msgs)} message(s)")
    for m in msgs:
        parts = [str(m.get("event"))]
        for f in fields:
            parts.append(f"{f}={m.get(f)!r}")
        for a in attrs:
            parts.append(f"{a}={m.get_attr(a)!r}")
        out("  " + " ".join(parts))


def attempt(title, fn, *args, **kwargs):
    """Run one request; print OK (with the reply count) or the NetlinkError."""
    try:
        r = fn(*args, **kwargs)
        r = list(r) if r is not None else []
        out(f"{title}: OK ({len(r)} repl{'y' if len(r) == 1 else 'ies'})")
        return r
    except NetlinkError as e:
        out(f"{title}: NetlinkError code={e.code} {e.args[1] if len(e.args) > 1 else ''}")
    except Exception as e:  # pyroute2 refusing locally is also behaviour worth seeing
        out(f"{title}: {type(e).__name__}: {e}")
    return None


def idx(name):
    r = ipr.link_lookup(ifname=name)
    return r[0] if r else None


def links():
    return ipr.link("dump")


def addrs(**kw):
    return ipr.addr("dump", **kw)


def settle(seconds=0.3):
    time.sleep(seconds)


def listener(groups):
    """A plain NETLINK_ROUTE socket bound to multicast groups (RTMGRP_* mask);
    what it receives is parsed by pyroute2's own marshal in drain()."""
    import socket

    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    sock.bind((0, groups))
    return sock


def drain(sock, quiet=0.5):
    """Every notification that arrives until `quiet` seconds pass without one."""
    import select

    from pyroute2.netlink.rtnl.marshal import MarshalRtnl

    marshal = MarshalRtnl()
    got = []
    while select.select([sock], [], [], quiet)[0]:
        got.extend(marshal.parse(sock.recv(65536)))
    return got
