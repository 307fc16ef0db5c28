#!/bin/bash
# A bridge without ports keeps its carrier (UNKNOWN) until br_port_state_selection first
# runs: a MAC given at creation or changed to another one (br_stp_change_bridge_id), or
# kernel STP starting. Then it has no carrier (DOWN), also after STP stops; the same
# MAC again changes nothing.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link set br0 address 02:00:00:00:00:01
run ip link set br0 up
run ip -d link show br0
run ip link set br0 address 02:00:00:00:00:02
sleep 0.3
run ip -d link show br0
run ip link add br1 address 02:00:00:00:00:11 type bridge
run ip link set br1 up
sleep 0.3
run ip -d link show br1
run ip link add br2 type bridge stp_state 1
run ip link set br2 up
sleep 0.3
run ip -d link show br2
run ip link add br3 type bridge
run ip link set br3 up
run ip link set br3 type bridge stp_state 1
sleep 0.3
run ip link show br3
run ip link set br3 type bridge stp_state 0
sleep 0.3
run ip link show br3
run ip link set br3 down
run ip link show br3
run ip link set br3 up
sleep 0.3
run ip link show br3
ip link add br4 type bridge
ip link set br4 address "$(ip -br link show br4 | awk '{print $3}')"
echo "# br4 given the MAC it has"
run ip link set br4 up
sleep 0.3
run sh -c "ip link show br4 | head -1"
