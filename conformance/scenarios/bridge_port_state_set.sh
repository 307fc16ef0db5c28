#!/bin/bash
# A port state set by the user with STP off (br_set_port_state): blocking moves on to
# forwarding at once, other states stay until the port is enabled again; the bridge has
# carrier only while a port forwards.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge forward_delay 0
run ip link add v0 type veth peer name v1
run ip link set v0 master br0
for d in v1 v0 br0; do run ip link set $d up; done
sleep 1.2  # link watch announces the opened bridge within a second: let it
bridge monitor link >"$SCRATCH/bm" 2>&1 &
BM=$!
sleep 0.3
for s in 2 4 1 0 3 5; do
    run bridge link set dev v0 state $s
    run bridge link show
    run ip link show br0
done
run ip link set v0 type bridge_slave state 2
run bridge link show
run ip link set v1 down
run ip link set v1 up
run bridge link show
sleep 2.5  # link watch may hold a bridge's last change for up to a second (and a loaded
           # machine may need more to print it)
kill $BM
wait $BM 2>/dev/null
echo "# bridge monitor saw:"
cat "$SCRATCH/bm"
