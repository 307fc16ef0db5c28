#!/bin/bash
# Deleting a bridge whose ports run: each port is released (disabled, its AF_BRIDGE view
# withdrawn) before the bridge goes.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge forward_delay 0
run ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11
run ip link add v2 address 02:00:00:00:00:20 type veth peer name v3 address 02:00:00:00:00:21
run ip link set v0 master br0
run ip link set v2 master br0
for d in v1 v0 v3 v2 br0; do run ip link set $d up; done
sleep 1.2
bridge monitor link >"$SCRATCH/bm" 2>&1 &
BM=$!
sleep 0.3
run ip link del br0
run ip link show
run bridge link show
sleep 1.5
kill $BM
wait $BM 2>/dev/null
echo "# bridge monitor saw:"
cat "$SCRATCH/bm"
