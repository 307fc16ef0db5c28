#!/bin/bash
# IPv6 addresses by kind: link-local, site-local, loopback, multicast (only with autojoin, scoped by their scope field), mapped, the unspecified address; explicit scopes.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
for a in fe80::1/64 fec0::1/64 ::1/128 ff05::1/128 ff0e::1/128 ff01::1/128 ::ffff:1.2.3.4/96 ::1.2.3.4/96 2001:db8::5/64 :: ff02::7/128 fe80::2/10 ; do
run ip addr add $a dev v0 nodad
done
run ip addr add ff02::9/128 dev v0 autojoin nodad
run ip addr add ff02::a/128 dev v0 autojoin nodad scope global
run ip addr add 2001:db8::6/64 dev v0 nodad scope link
run ip addr add 2001:db8::7/64 dev v0 nodad scope host
run ip -6 addr show dev v0
