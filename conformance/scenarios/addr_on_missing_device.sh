#!/bin/bash
# Address commands naming a device that does not exist.
. "$(dirname "$0")/../lib.sh"
run ip addr add 192.0.2.1/24 dev nope
run ip addr del 192.0.2.1/24 dev nope
run ip addr show dev nope
run ip addr flush dev nope
