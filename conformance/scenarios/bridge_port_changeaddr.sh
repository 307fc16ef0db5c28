#!/bin/bash
# A port changing its MAC: announced, the bridge follows the lowest MAC, then the port
# is announced by its bridge (NETDEV_CHANGEADDR), also while down.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge forward_delay 0
run ip link add v0 address 02:00:00:00:00:30 type veth peer name v1 address 02:00:00:00:00:11
run ip link set v0 master br0
for d in v1 v0 br0; do run ip link set $d up; done
sleep 1.2
bridge monitor link >"$SCRATCH/bm" 2>&1 &
BM=$!
sleep 0.3
run ip link set v0 address 02:00:00:00:00:05
sleep 0.5
run ip link set v0 down
sleep 1.5
run ip link set v0 address 02:00:00:00:00:06
sleep 1.5
kill $BM; wait $BM 2>/dev/null
echo "# bridge monitor saw:"; cat "$SCRATCH/bm"
