"""Duplicate address detection across a veth pair (the only neighbour nlroute emulates):
the peer holding the address (nodad) answers the probe, so the new address fails DAD
(IFA_F_DADFAILED, still tentative); an address whose DAD failed answers nobody, so the
peer's new one succeeds; both ends probing for the same address (added down, then both
up): the first probe makes the other end's fail and that one answers nobody, so exactly
one end keeps it (which one is random). (Sorted: each address's DAD has its own random
delay.)"""
import time

sh("ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11")
listener = Sock(groups=RTMGRP_IPV6_IFADDR)
sh("ip link set v1 up")
sh("ip link set v0 up")
time.sleep(2.5)
watch(listener, sort=True)

title("the peer holds it: ours fails")
sh("ip addr add 2001:db8::1/64 dev v1 nodad")
sh("ip addr add 2001:db8::1/64 dev v0")
time.sleep(2.5)
watch(listener, sort=True)

title("a failed address answers nobody: the peer's new one succeeds")
sh("ip addr del 2001:db8::1/64 dev v1")
sh("ip addr add 2001:db8::1/64 dev v1")
time.sleep(2.5)
watch(listener, sort=True)

title("both probe at once: one end keeps it")
sh("ip link set v0 down; ip link set v1 down")
sh("ip addr add 2001:db8::2/64 dev v0; ip addr add 2001:db8::2/64 dev v1")
sh("ip link set v0 up; ip link set v1 up")
time.sleep(3)
while select.select([listener.s], [], [], 0.2)[0]:  # which end fails is random: not shown
    listener.s.recv(65536)
p = subprocess.run("ip -6 -o addr show to 2001:db8::2/128", shell=True, capture_output=True, text=True)
lines = p.stdout.splitlines()
out(f"ends holding it: {len(lines)}, failed: {sum('dadfailed' in l for l in lines)}")
