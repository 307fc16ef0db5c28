#!/usr/bin/env python3
"""Captures the request datagrams that real clients (iproute2's `ip`, pyroute2) send on
NETLINK_ROUTE sockets, as seeds for the fuzz targets.

    unshare -n python3 fuzz/capture_seeds.py fuzz/corpus/seeds

Each client command runs under `strace -f -e trace=sendmsg,sendto -xx`; every netlink
datagram it sends is written to OUT/<sha1-prefix> (duplicates collapse). Run it as root
inside a fresh network namespace so the commands act on an empty stack.
"""
import hashlib
import os
import re
import subprocess
import sys
import tempfile

IP_COMMANDS = [
    "ip link show",
    "ip -d link show",
    "ip addr show",
    "ip -br addr",
    "ip link set lo up",
    "ip link add v0 type veth peer name v1",
    "ip link add br0 type bridge",
    "ip link add d0 type dummy",
    "ip link add link d0 name mv0 type macvlan mode bridge",
    "ip link add link d0 name d0.5 type vlan id 5",
    "ip link set v0 master br0",
    "ip link set v0 up",
    "ip link set br0 up mtu 1400",
    "ip link set d0 address 02:00:00:00:00:01 alias hello txqueuelen 50",
    "ip link set d0 name d1",
    "ip link set v0 nomaster",
    "ip addr add 10.0.0.1/24 brd + dev br0",
    "ip addr add 10.0.0.2/24 dev br0 label br0:1",
    "ip addr add 2001:db8::1/64 dev br0 nodad",
    "ip addr add 2001:db8::2/64 dev br0 valid_lft 100 preferred_lft 50",
    "ip addr add 10.1.0.1 peer 10.1.0.2 dev d1",
    "ip addr del 10.0.0.2/24 dev br0",
    "ip addr flush dev br0",
    "ip link del d0.5",
    "ip link del v0",
    "ip -s link show",
    "ip link show type bridge",
    "ip link show master br0",
    "ip -6 addr show dev lo",
    "ip monitor link & sleep 0.1; kill $!",
]

PYROUTE2 = r"""
from pyroute2 import IPRoute
with IPRoute() as ip:
    ip.get_links()
    ip.get_addr()
    ip.link('add', ifname='pv0', kind='veth', peer='pv1')
    ip.link('add', ifname='pbr', kind='bridge')
    i = ip.link_lookup(ifname='pv0')[0]
    b = ip.link_lookup(ifname='pbr')[0]
    ip.link('set', index=i, master=b, state='up')
    ip.addr('add', index=b, address='192.168.7.1', prefixlen=24)
    ip.addr('add', index=b, address='fd00::7', prefixlen=64)
    ip.get_addr(index=b)
    ip.link('get', index=b)
    ip.addr('del', index=b, address='192.168.7.1', prefixlen=24)
    ip.link('set', index=i, mtu=1280, ifname='pv9')
    ip.link('del', index=b)
"""

HEX = re.compile(r"^(?:\d+ +)?\s*\| [0-9a-f]{5}  ((?:[0-9a-f]{2} {1,2}){1,16})")


def datagrams(log):
    """Each traced send, as the bytes strace's write dump shows (all its buffers joined)."""
    cur = None
    for line in log:
        if re.match(r"^(\d+ +)?(sendmsg|sendto)\(", line):
            if cur:
                yield bytes(cur)
            cur = bytearray()
            continue
        m = HEX.match(line)
        if m and cur is not None:
            cur.extend(bytes.fromhex(m.group(1).replace(" ", "")))
    if cur:
        yield bytes(cur)


def capture(argv, out, seen):
    with tempfile.NamedTemporaryFile(suffix=".strace") as log:
        subprocess.run(["strace", "-f", "-qq", "-e", "trace=sendmsg,sendto", "-e", "write=all",
                        "-s", "0", "-o", log.name] + argv,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for data in datagrams(open(log.name, errors="replace")):
            # A netlink request: a whole header whose length fits in the datagram.
            if len(data) < 16 or int.from_bytes(data[:4], "little") > len(data):
                continue
            h = hashlib.sha1(data).hexdigest()[:16]
            if h not in seen:
                seen.add(h)
                with open(os.path.join(out, h), "wb") as f:
                    f.write(data)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seen = set(os.listdir(out))
    for cmd in IP_COMMANDS:
        capture(["sh", "-c", cmd], out, seen)
    capture([sys.executable, "-c", PYROUTE2], out, seen)
    print(f"{len(seen)} seeds in {out}")


if __name__ == "__main__":
    main()
