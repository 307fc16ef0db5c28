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
    run(&["ip", "link", "add", "keep0", "type", "dummy"]).expect_ok("add");
    let r = run(&["ip", "-j", "link"]).expect_ok("list");
    assert_eq!(link_names(&r.stdout), ["lo", "keep0"]);
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
