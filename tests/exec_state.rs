//! `nlroute exec --state FILE`: a private stack that persists between runs.

#[path = "clients/common.rs"]
mod common;
use common::*;
use std::time::Duration;

#[test]
fn a_private_stack_carries_over_to_the_next_run() {
    if !have("ip") {
        skip("iproute2's `ip` is not installed");
        return;
    }
    let dir = tmpdir("exec-state");
    let state = dir.join("net.json");
    let st = state.to_str().expect("utf-8");
    let run = |args: &[&str]| {
        let mut c = std::process::Command::new(nlroute());
        c.args(["exec", "--state", st, "--"]).args(args);
        run_limited(&mut c, Duration::from_secs(30))
    };
    let first = run(&[
        "sh",
        "-c",
        "ip link add keep0 type dummy && ip -br link show keep0",
    ])
    .expect_ok("add");
    let r = run(&["ip", "-j", "link"]).expect_ok("list");
    assert_eq!(link_names(&r.stdout), ["lo", "keep0"]);
    // The same link, down to its random MAC address, whether it came back from the journal
    // or from a snapshot.
    for _ in 0..2 {
        let again = run(&["ip", "-br", "link", "show", "keep0"]).expect_ok("show");
        assert_eq!(again.stdout, first.stdout);
    }
    // A broken file stops the run before the command starts, naming the file.
    std::fs::write(&state, "{").expect("write");
    let r = run(&["echo", "should not run"]);
    assert_ne!(r.code, Some(0));
    assert!(!r.stdout.contains("should not run"));
    assert!(
        r.stderr.contains(st) && r.stderr.contains("truncated"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_request_sent_just_before_exit_is_applied_and_saved() {
    if !have("python3") {
        skip("python3 is not installed");
        return;
    }
    // On Linux the change happens inside send(); here the program exits right after it, and
    // the embedded server must still apply and save it before `nlroute exec` returns.
    let dir = tmpdir("exec-fire");
    let state = dir.join("net.json");
    let st = state.to_str().expect("utf-8");
    let script = r#"
import socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
def attr(t, p):
    a = struct.pack("HH", 4 + len(p), t) + p
    return a + b"\0" * (-len(a) % 4)
body = struct.pack("BxHiII", 0, 0, 0, 0, 0) + attr(3, b"fire0\0") + attr(18, attr(1, b"dummy\0"))
s.send(struct.pack("IHHII", 16 + len(body), 16, 1 | 0x600, 1, 0) + body)
"#;
    let mut c = std::process::Command::new(nlroute());
    c.args(["exec", "--state", st, "--", "python3", "-c", script]);
    run_limited(&mut c, Duration::from_secs(30)).expect_ok("fire and forget");
    let mut c = std::process::Command::new(nlroute());
    c.args(["exec", "--state", st, "--", "python3", "-c"])
        .arg("import socket; print([n for _, n in socket.if_nameindex()])");
    let r = run_limited(&mut c, Duration::from_secs(30)).expect_ok("list");
    assert_eq!(r.stdout.trim(), "['lo', 'fire0']");
}
