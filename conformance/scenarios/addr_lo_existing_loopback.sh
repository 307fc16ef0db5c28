#!/bin/bash
# lo up adds 127.0.0.1/8 and ::1/128 only when the device lacks them; what lo keeps across down and up.
. "$(dirname "$0")/../lib.sh"
run ip addr add ::1/128 dev lo
run ip addr add 127.0.0.1/8 dev lo
run ip -o addr show
run ip link set lo up
run ip -o addr show
run ip addr add ::2/128 dev lo
run ip addr add 2001:db8::1/0 dev lo
run ip addr add 2001:db8::2/64 dev lo
run ip addr add 127.0.0.2/8 dev lo
run ip addr add 10.0.0.1/32 dev lo
run ip -o addr show
run ip link set lo down
run ip -o addr show
run ip link set lo up
run ip -o addr show
run ip addr del 127.0.0.1/8 dev lo
run ip addr del ::1/128 dev lo
run ip -o addr show
run ip link set lo down
run ip link set lo up
run ip -o addr show
