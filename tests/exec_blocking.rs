//! Blocking receives, signals, timeouts and overruns through `nlroute exec`.

#[path = "clients/common.rs"]
mod common;
use common::*;

fn need() -> bool {
    if have("python3") && have("ip") {
        true
    } else {
        skip("python3 or ip is not installed");
        false
    }
}

#[test]
fn a_blocking_receive_interrupted_by_a_signal_loses_nothing() {
    if !need() {
        return;
    }
    // The receive blocks, a signal interrupts it (Python retries after its handler), and the
    // notification sent later still arrives, whole, to the retried call.
    let script = r#"
import socket, signal, subprocess, struct
fired = []
signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.bind((0, 1))  # RTMGRP_LINK
signal.setitimer(signal.ITIMER_REAL, 0.2)
subprocess.Popen(["sh", "-c", "sleep 0.6; ip link add sig0 type dummy"])
d = s.recv(65536)
ln, ty = struct.unpack_from("IH", d)
print("signals", len(fired), "type", ty, "whole", ln == len(d), "name", b"sig0\0" in d)
"#;
    let r = exec(&["python3", "-c", script]).expect_ok("python");
    assert_eq!(r.stdout.trim(), "signals 1 type 16 whole True name True");
}

/// Signals around receives, from the conformance probe that also runs them against the
/// kernel (one copy of the scenario): under a 50 µs timer no answer is lost or doubled
/// (blocking reads, reads that poll first, peeks, dumps; a lost one shows as a 5 s timeout,
/// a duplicate as a wrong sequence); and a signal sent to the process reaches the main
/// thread's handler while eight other threads block in receives, which then still get the
/// notification that follows.
fn run_signal_probe() -> Option<String> {
    if !need() {
        return None;
    }
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance");
    let probe = repo.join("probe.py");
    let scenario = repo.join("probes/recv_under_signals.py");
    let args = [
        "python3",
        probe.to_str().expect("utf-8 path"),
        scenario.to_str().expect("utf-8 path"),
    ];
    Some(exec(&args).expect_ok("signal probe").stdout)
}

#[test]
fn round_trips_under_a_stream_of_signals_lose_nothing() {
    let Some(out) = run_signal_probe() else {
        return;
    };
    assert!(
        out.contains("signal stream: answers out of order or lost 0 | many signals True\n"),
        "{out}"
    );
}

#[test]
fn a_process_signal_reaches_the_main_thread_while_other_threads_block_too() {
    let Some(out) = run_signal_probe() else {
        return;
    };
    assert!(
        out.contains(
            "process signal: main thread interrupted within 2 s True\n\
             other threads: received 8 errors []\n"
        ),
        "{out}"
    );
}

#[test]
fn so_rcvtimeo_and_nonblocking_receives_return_eagain() {
    if !need() {
        return;
    }
    let script = r#"
import socket, struct, time, errno
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 0, 300000))
t = time.monotonic()
try:
    s.recv(100)
except OSError as e:
    print("timeout", errno.errorcode[e.errno], round(time.monotonic() - t, 1))
s.setblocking(False)
try:
    s.recv(100)
except OSError as e:
    print("nonblocking", errno.errorcode[e.errno])
"#;
    let r = exec(&["python3", "-c", script]).expect_ok("python");
    assert_eq!(r.stdout, "timeout EAGAIN 0.3\nnonblocking EAGAIN\n");
}

#[test]
fn a_listener_that_does_not_read_gets_enobufs_once() {
    if !need() {
        return;
    }
    let dir = tmpdir("enobufs");
    let batch = dir.join("cmds");
    let cmds: String = (0..300)
        .map(|i| format!("link add ov{i} type dummy\n"))
        .collect();
    std::fs::write(&batch, cmds).expect("write batch");
    let script = format!(
        r#"
import socket, subprocess, errno
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.bind((0, 1))
subprocess.run(["ip", "-batch", "{}"], check=True)
seen = []
s.setblocking(False)
for _ in range(1000):
    try:
        s.recv(65536)
        seen.append("data")
    except OSError as e:
        seen.append(errno.errorcode[e.errno])
        if e.errno == errno.EAGAIN:
            break
print("enobufs", seen.count("ENOBUFS"), "data_after", "data" in seen[seen.index("ENOBUFS"):] if "ENOBUFS" in seen else None, "notifications", seen.count("data"))
"#,
        batch.display()
    );
    let r = exec(&["python3", "-c", &script]).expect_ok("python");
    let f: Vec<&str> = r.stdout.split_whitespace().collect();
    assert_eq!(f[..2], ["enobufs", "1"], "{}", r.stdout);
    let n: usize = f[5].parse().expect("count");
    assert!(
        n < 300,
        "every notification was kept despite a 4 KiB buffer: {}",
        r.stdout
    );
}

#[test]
fn select_then_blocking_receive_never_sees_a_consumed_datagram() {
    if !need() {
        return;
    }
    // select() runs natively on the socket; a datagram already returned by recv must be gone
    // from the queue by the time the program runs again, or after the last notification a
    // blocking recv would wait for data that select promised but that is no longer there.
    let dir = tmpdir("select");
    let batch = dir.join("cmds");
    let cmds: String = (0..100)
        .map(|i| format!("link add s{i} type dummy\n"))
        .collect();
    std::fs::write(&batch, cmds).expect("write batch");
    let script = dir.join("listen.py");
    std::fs::write(
        &script,
        format!(
            r#"
import socket, select, subprocess, sys
if sys.argv[1:] == ["worker"]:
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.bind((0, 1))  # RTMGRP_LINK
    print("ready", flush=True)
    n = 0
    while select.select([s], [], [], 1.0)[0]:
        s.recv(65536)
        n += 1
    print(n)
else:
    # Many listeners make the window, if there is one, easy to hit on their last datagram.
    ws = [subprocess.Popen([sys.executable, __file__, "worker"], stdout=subprocess.PIPE, text=True) for _ in range(16)]
    for w in ws:
        w.stdout.readline()
    subprocess.run(["ip", "-batch", "{}"], check=True)
    print(sorted(set(int(w.communicate()[0]) for w in ws)))
"#,
            batch.display()
        ),
    )
    .expect("write script");
    let r = exec(&["python3", script.to_str().expect("utf-8")]).expect_ok("python");
    assert_eq!(r.stdout.trim(), "[100]");
}
