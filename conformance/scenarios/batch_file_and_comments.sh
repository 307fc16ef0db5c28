#!/bin/bash
# ip -batch from a file, with comments and blank lines.
. "$(dirname "$0")/../lib.sh"
cat >"$SCRATCH/cmds" <<'BATCH'
# a comment
link add br0 type bridge

link add v0 type veth peer name v1
link set v0 master br0
link show master br0
BATCH
cd "$SCRATCH" && run ip -batch cmds
run ip -batch /nonexistent/file
