#!/bin/bash
# Names that are too long or otherwise invalid.
. "$(dirname "$0")/../lib.sh"
run ip link add abcdefghijklmnop type bridge
run ip link add abcdefghijklmno type bridge
run ip link add 'a/b' type bridge
run ip link add 'a:b' type bridge
run ip link add 'a b' type bridge
run ip link add . type bridge
run ip link add .. type bridge
run ip link show
