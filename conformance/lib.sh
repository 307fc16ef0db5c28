# Shared prelude of the iproute2 scenarios; each scenario sources it.
#
#   run CMD ARGS...       print "$ CMD ARGS", its stdout+stderr, then "[exit N]"
#   monitor_start ARGS... start `ip ARGS` (e.g. `monitor link`) in the background (bounded by timeout)
#   monitor_stop          stop it and print what it saw
#   wait_dad              sleep past IPv6 duplicate address detection (~1 s in Linux)
#
# Scripts run under `unshare -n` (kernel) and under `nlroute exec --` (emulation);
# they must not depend on anything outside the fresh network namespace.
set -u
export LC_ALL=C
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT

run() {
    printf '$ %s\n' "$*"
    local out rc
    out=$("$@" 2>&1)
    rc=$?
    [ -n "$out" ] && printf '%s\n' "$out"
    printf '[exit %d]\n' "$rc"
}

MONITOR_PID=
monitor_start() {
    timeout 10 ip "$@" >"$SCRATCH/monitor" 2>&1 &
    MONITOR_PID=$!
    sleep 0.3  # let it bind and join its groups
    printf "# ip %s (in background)\n" "$*"
}

monitor_stop() {
    sleep 0.3  # let the last notifications arrive
    kill "$MONITOR_PID" 2>/dev/null
    wait "$MONITOR_PID" 2>/dev/null
    printf '# monitor saw:\n'
    cat "$SCRATCH/monitor"
    printf '# end of monitor\n'
}

wait_dad() {
    sleep 2.5
}
