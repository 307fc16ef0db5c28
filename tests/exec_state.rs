//! `nlroute exec --state FILE`: a private stack that persists between runs.

#[path = "clients/common.rs"]
mod common;
use common::*;
use std::time::Duration;

/// A state file in a fresh directory, and `nlroute exec --state FILE -- ARGS`; None (and
/// SKIPPED) without `ip`.
fn with_state(name: &str) -> Option<(std::path::PathBuf, impl Fn(&[&str]) -> Run)> {
    if !have("ip") {
        skip("iproute2's `ip` is not installed");
        return None;
    }
    let state = tmpdir(name).join("net.json");
    let st = state.to_str().expect("utf-8").to_string();
    let run = move |args: &[&str]| {
        let mut c = std::process::Command::new(nlroute());
        c.args(["exec", "--state", &st, "--"]).args(args);
        run_limited(&mut c, Duration::from_secs(30))
    };
    Some((state, run))
}

#[test]
fn a_private_stack_carries_over_to_the_next_run() {
    let Some((state, run)) = with_state("exec-state") else {
        return;
    };
    let st = state.to_str().expect("utf-8");
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

/// A snapshot written before nlroute kept IPv6's per-link readiness (IF_READY) has no
/// `inet6_ready`: a link that was up with carrier counts as ready on load, so DAD still
/// completes for addresses added after the upgrade.
#[test]
fn an_older_snapshot_without_ipv6_readiness_still_runs_dad() {
    let Some((state, run)) = with_state("exec-state-upgrade") else {
        return;
    };
    run(&[
        "sh",
        "-c",
        "ip link add v0 type veth peer name v1 && ip link set v0 up && ip link set v1 up",
    ])
    .expect_ok("setup");
    // The next start replays the journal into a fresh snapshot that holds the links.
    run(&["true"]).expect_ok("compact");
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&state).expect("read")).expect("json");
    fn strip(v: &mut serde_json::Value) -> usize {
        match v {
            serde_json::Value::Object(m) => {
                let here = m.remove("inet6_ready").is_some() as usize;
                here + m.values_mut().map(strip).sum::<usize>()
            }
            serde_json::Value::Array(a) => a.iter_mut().map(strip).sum(),
            _ => 0,
        }
    }
    assert!(
        strip(&mut doc) >= 2,
        "the snapshot should hold the veth pair"
    );
    std::fs::write(&state, serde_json::to_vec(&doc).expect("json")).expect("write");
    let r = run(&[
        "sh",
        "-c",
        "ip addr add 2001:db8::1/64 dev v0 && sleep 1.5 && ip -6 -o addr show dev v0 scope global",
    ])
    .expect_ok("add");
    assert!(r.stdout.contains("2001:db8::1/64"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("tentative"),
        "DAD never ran: {}",
        r.stdout
    );
}

/// Every kind of change reaches the state file: alternative names, bridge options (also
/// those applied before a later one failed, as br_changelink leaves them) and port settings.
#[test]
fn names_and_bridge_settings_carry_over() {
    let Some((_, run)) = with_state("exec-state-bridge") else {
        return;
    };
    run(&[
        "sh",
        "-c",
        "ip link add br0 type bridge && ip link property add dev br0 altname lan \
         && ip link add v0 type veth peer name v1 && ip link set v0 master br0 \
         && bridge link set dev v0 cost 7 \
         && ! ip link set br0 type bridge forward_delay 300 hello_time 50",
    ])
    .expect_ok("setup");
    let r = run(&[
        "sh",
        "-c",
        "ip link show lan && ip -d link show br0 && bridge link show",
    ])
    .expect_ok("show");
    assert!(r.stdout.contains("altname lan"), "{}", r.stdout);
    assert!(r.stdout.contains("forward_delay 300"), "{}", r.stdout);
    assert!(r.stdout.contains("cost 7"), "{}", r.stdout);
}
