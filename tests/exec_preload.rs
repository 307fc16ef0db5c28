//! The preload library `nlroute exec` loads into programs (preload/src/lib.rs) takes some
//! receives and socket options without a trap. These tests hold its answers to the kernel's
//! and to those of the trapped path (`exec --no-preload`).

#[path = "clients/common.rs"]
mod common;
use common::*;
use std::process::Command;
use std::time::Duration;

fn exec_no_preload(args: &[&str]) -> Run {
    let mut c = Command::new(nlroute());
    c.args(["exec", "--no-preload", "--"]).args(args);
    run_limited(&mut c, Duration::from_secs(30))
}

fn differences(a: &str, b: &str, what: &str) -> Vec<String> {
    let mut d: Vec<String> = a
        .lines()
        .zip(b.lines())
        .filter(|(x, y)| x != y)
        .map(|(x, y)| format!("kernel {x} / {what} {y}"))
        .collect();
    if a.lines().count() != b.lines().count() {
        d.push(format!(
            "{what}: {} lines, kernel {}",
            b.lines().count(),
            a.lines().count()
        ));
    }
    d
}

#[test]
fn receives_and_options_answered_in_the_program_match_the_kernel() {
    let Some(prog) = build_c("nlfast.c", false) else {
        return;
    };
    let prog = prog.to_str().expect("utf-8 path");
    if !is_root() || !have("unshare") {
        skip("needs root and unshare for the kernel reference in a fresh namespace");
        return;
    }
    let kernel = run_limited(
        Command::new("unshare").args(["-n", prog]),
        Duration::from_secs(30),
    );
    if !kernel.ok() {
        skip(&format!(
            "no fresh network namespace here: {}",
            kernel.stderr
        ));
        return;
    }
    let with = exec(&[prog]).expect_ok("nlfast under exec");
    let without = exec_no_preload(&[prog]).expect_ok("nlfast under exec --no-preload");
    let mut diff = differences(&kernel.stdout, &with.stdout, "exec");
    diff.extend(differences(
        &kernel.stdout,
        &without.stdout,
        "exec --no-preload",
    ));
    assert!(diff.is_empty(), "{diff:#?}\nkernel:\n{}", kernel.stdout);
}

#[test]
fn exec_offers_the_library_unless_told_not_to() {
    let r = exec(&["sh", "-c", "echo \"$LD_PRELOAD\" \"$NLROUTE_PRELOAD\""]).expect_ok("env");
    let line = r.stdout.trim();
    assert!(line.contains("nlroute-preload-"), "{line}");
    let gate = line.split_whitespace().nth(1).unwrap_or("");
    assert_eq!(gate.split(':').count(), 3, "{line}");
    let r = exec_no_preload(&["sh", "-c", "echo \"${NLROUTE_PRELOAD:-none}\""])
        .expect_ok("env without");
    assert_eq!(r.stdout.trim(), "none");
}

#[test]
fn dump_parts_taken_in_the_program_are_paced_as_by_the_kernel() {
    if !have("ip") || !have("python3") {
        skip("needs ip and python3");
        return;
    }
    if !is_root() || !have("unshare") {
        skip("needs root and unshare for the kernel reference in a fresh namespace");
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clients/dump_parts.sh");
    let kernel = run_limited(
        Command::new("unshare").args(["-n", "sh", script]),
        Duration::from_secs(60),
    );
    if !kernel.ok() {
        skip(&format!(
            "no fresh network namespace with veth here: {}",
            kernel.stderr
        ));
        return;
    }
    let with = exec(&["sh", script]).expect_ok("dump parts under exec");
    let without = exec_no_preload(&["sh", script]).expect_ok("dump parts, --no-preload");
    let mut diff = differences(&kernel.stdout, &with.stdout, "exec");
    diff.extend(differences(
        &kernel.stdout,
        &without.stdout,
        "exec --no-preload",
    ));
    assert!(diff.is_empty(), "{diff:#?}\nkernel:\n{}", kernel.stdout);
}
