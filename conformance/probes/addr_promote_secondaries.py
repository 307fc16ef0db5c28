"""promote_secondaries (IPV4_DEVCONF_PROMOTE_SECONDARIES, set through IFLA_AF_SPEC /
IFLA_INET_CONF): deleting a primary promotes the first secondary of its subnet instead of
deleting them all (__inet_del_ifa): RTM_DELADDR of the primary, then RTM_NEWADDR of the
promoted address without IFA_F_SECONDARY. With another primary between the two, the
promoted address moves behind the last primary of the deleted one's scope or wider; with
none between, it takes the deleted one's place. The other secondaries stay, now the
promoted address's. Without the setting (the other veth end), a primary takes its
secondaries along."""
import struct

IFLA_AF_SPEC, IFLA_INET_CONF, IPV4_DEVCONF_PROMOTE_SECONDARIES = 26, 1, 20
sh("ip link add v0 type veth peer name v1")
listener = Sock(groups=RTMGRP_IPV4_IFADDR)
s = Sock()


def promote(index, on):
    s.talk(msg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, ifinfo(index=index) + nest(
        IFLA_AF_SPEC, nest(AF_INET, nest(IFLA_INET_CONF, attr(
            IPV4_DEVCONF_PROMOTE_SECONDARIES, struct.pack("=I", on)))))), quiet=0.05)


def order(dev):
    p = subprocess.run(f"ip -4 -o addr show dev {dev}", shell=True, capture_output=True, text=True)
    for line in p.stdout.splitlines():
        f = line.split()
        out("   " + " ".join(f[2:4] + [w for w in f[4:] if w in ("secondary", "scope", "host", "link", "global")]))


promote(3, 1)
title("the next secondary takes the primary's place")
for a in ("10.0.0.1/24", "10.0.0.2/24", "10.0.0.3/24"):
    sh(f"ip addr add {a} dev v0")
watch(listener)
sh("ip addr del 10.0.0.1/24 dev v0")
watch(listener)
order("v0")
sh("ip addr del 10.0.0.2/24 dev v0")
watch(listener)
order("v0")
sh("ip addr flush dev v0")
watch(listener)

title("a primary of another subnet between: the promoted one moves behind it")
for a in ("10.1.0.1/24", "10.2.0.1/24", "10.1.0.2/24", "10.2.0.2/24", "10.1.0.3/24"):
    sh(f"ip addr add {a} dev v0")
watch(listener)
order("v0")
sh("ip addr del 10.1.0.1/24 dev v0")
watch(listener)
order("v0")
sh("ip addr flush dev v0")
watch(listener)

title("scopes: the promoted one goes behind the last primary of the same or wider scope; "
      "a secondary's scope must be its primary's")
for a in ("10.3.0.1/24 scope host", "10.4.0.1/24 scope link", "10.5.0.1/24",
          "10.3.0.2/24 scope host", "10.3.0.3/24", "10.6.0.1/24 scope host"):
    sh(f"ip addr add {a} dev v0")
watch(listener)
order("v0")
sh("ip addr del 10.3.0.1/24 dev v0")
watch(listener)
order("v0")

title("deleting a secondary promotes nothing")
sh("ip addr add 10.7.0.1/24 dev v0")
sh("ip addr add 10.7.0.2/24 dev v0")
sh("ip addr add 10.7.0.3/24 dev v0")
watch(listener)
sh("ip addr del 10.7.0.2/24 dev v0")
watch(listener)
order("v0")

title("turned off again, and on the other end (never on): secondaries go with the primary")
promote(3, 0)
sh("ip addr del 10.7.0.1/24 dev v0")
watch(listener)
for a in ("10.8.0.1/24", "10.8.0.2/24"):
    sh(f"ip addr add {a} dev v1")
sh("ip addr del 10.8.0.1/24 dev v1")
watch(listener)
order("v0")
order("v1")
