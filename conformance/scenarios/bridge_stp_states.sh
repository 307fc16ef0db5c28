#!/bin/bash
# Kernel STP on a bridge alone: an enabled port listens, learns, then forwards, one forward
# delay each; the bridge has carrier only once a port forwards, which starts a topology
# change (ageing time cut to twice the forward delay). Stopping STP leaves a port's
# transition to its timer.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge stp_state 1 forward_delay 200
run ip link add v0 type veth peer name v1
run ip link set v0 master br0
run ip link set v1 up
run ip link set v0 up
bridge monitor link >"$SCRATCH/bm" 2>&1 &
BM=$!
sleep 0.3
run ip link set br0 up
run bridge link show
run ip link show br0
sleep 2.2
run bridge link show
sleep 2.2
run bridge link show
run ip link show br0
ip -d link show br0 | grep -o "ageing_time [0-9]*\|topology_change [0-9]\|topology_change_detected [0-9]\|stp_state [0-9]"
run bridge link set dev v0 state 3
run ip link set v1 down
run ip link set v1 up
run bridge link show
run ip link set br0 type bridge stp_state 0
run bridge link show
sleep 2.2
run bridge link show
sleep 2.2
run bridge link show
ip -d link show br0 | grep -o "ageing_time [0-9]*\|topology_change [0-9]\|topology_change_detected [0-9]\|stp_state [0-9]"
sleep 2.5  # link watch may hold a bridge's last change for up to a second (and a loaded
           # machine may need more to print it)
kill $BM
wait $BM 2>/dev/null
echo "# bridge monitor saw:"
cat "$SCRATCH/bm"
