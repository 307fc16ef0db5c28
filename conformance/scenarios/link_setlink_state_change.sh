#!/bin/bash
# Link settings that end in netdev_state_change: alias and group (even unchanged) and a
# new link mode are announced while the link is up, and not at all while it is down.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 address 02:00:00:00:00:30 type veth peer name v1 address 02:00:00:00:00:11
run ip link set v1 up
run ip link set v0 up
sleep 1.2
: > "$SCRATCH/bm"
ip monitor link >>"$SCRATCH/bm" 2>&1 &
BM=$!
sleep 0.3
step() { echo "## $*" >>"$SCRATCH/bm"; "$@" >/dev/null 2>&1; sleep 0.7; }
step ip link set v0 group 3
step ip link set v0 group 3
step ip link set v0 mode dormant
step ip link set v0 mode dormant
step ip link set v0 mode default
step ip link set v0 gso_max_size 60000
step ip link set v0 gso_max_segs 100
step ip link set v0 gro_max_size 60000
step ip link set v1 down
step ip link set v1 alias baz
step ip link set v1 mode dormant
step ip link set v1 gso_max_size 60000
step ip link set v0 group 0
kill $BM; wait $BM 2>/dev/null
echo "# monitors saw:"; cat "$SCRATCH/bm"
