#!/bin/bash
# ip link property add/del altname: lookups, clashes with names, rename, delete by altname.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link property add dev v0 altname foo
run ip link property add dev v0 altname foo
run ip link property add dev v1 altname foo
run ip link property add dev v1 altname v0
run ip link property add dev v0 altname a:b
run ip link property add dev v0 altname "$(printf 'x%.0s' $(seq 127))"
run ip link property add dev v0 altname "$(printf 'y%.0s' $(seq 128))"
run ip link property add dev v0 altname bar altname baz
run ip link show foo
run ip link property del dev v0 altname v0
run ip link property del dev v1 altname foo
run ip link property del dev v0 altname nothere
run ip link property del dev v0 altname bar
run ip link add foo type veth peer name foo2
run ip link set v1 name baz
run ip link set v0 name v9
run ip -br link show baz
run ip link del baz
run ip -br link show
