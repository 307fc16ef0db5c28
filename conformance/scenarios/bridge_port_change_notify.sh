#!/bin/bash
# What a bridge announces about a port for changes that are not its carrier: flags other
# than up/promisc/allmulti (NETDEV_CHANGE), alias and group (netdev_state_change).
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge forward_delay 0
run ip link add v0 address 02:00:00:00:00:30 type veth peer name v1 address 02:00:00:00:00:11
run ip link set v0 master br0
for d in v1 v0 br0; do run ip link set $d up; done
sleep 1.2
: > "$SCRATCH/bm"
bridge monitor link >>"$SCRATCH/bm" 2>&1 &
BM=$!


sleep 0.3
step() { echo "## $*" >>"$SCRATCH/bm"; "$@" >/dev/null 2>&1; sleep 0.7; }
step ip link set v0 txqlen 50
step ip link set v0 alias foo
step ip link set v0 group 5
step ip link set v0 txqlen 50
step ip link set v0 multicast off
step ip link set v0 promisc on
step ip link set v0 promisc off
step ip link set br0 txqlen 50
step ip link set br0 multicast off
step ip link set br0 alias bar
step ip link set v1 txqlen 50
step ip link set v1 arp off
kill $BM; wait $BM 2>/dev/null
echo "# monitors saw:"; cat "$SCRATCH/bm"
