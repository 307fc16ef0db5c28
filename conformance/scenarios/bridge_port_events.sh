#!/bin/bash
# The AF_BRIDGE announcements of a port as it, its peer and its bridge come and go, with
# STP off: enabled ports forward at once, and the forward delay timer still runs (its
# expiry announces the port once more).
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge forward_delay 200
run ip link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11
run ip link set v0 master br0
# A second pair, up before listening starts: both ends opening is a race in Linux itself
# (which end link watch announces first).
run ip link add v2 address 02:00:00:00:00:20 type veth peer name v3 address 02:00:00:00:00:21
run ip link set v2 up
run ip link set v3 up
bridge monitor link >"$SCRATCH/bm" 2>&1 &
BM=$!
sleep 0.3
run ip link set v0 up
run ip link set v1 up
run bridge link show
run ip link set br0 up
run bridge link show
run ip link set v1 down
run bridge link show
run ip link set v1 up
sleep 2.5
run ip link set br0 down
run bridge link show
run ip link set br0 up
sleep 0.1  # link watch runs apart from the commands: let it
run ip link set v2 master br0
run bridge link show
run ip link set v2 nomaster
run ip link set v0 down
run ip link del v0
sleep 2.5  # link watch may hold a bridge's last change for up to a second (and a loaded
           # machine may need more to print it)
kill $BM
wait $BM 2>/dev/null
echo "# bridge monitor saw:"
cat "$SCRATCH/bm"
