#!/bin/bash
# ip -j and -j -p link output.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link set v0 alias hello
run ip -j link
run ip -j -p link show v0
run ip -j link show nope
