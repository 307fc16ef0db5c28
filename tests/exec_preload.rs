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

/// Runs `args` in a fresh namespace (the kernel), under `exec` and under `exec
/// --no-preload`, and asserts that all three print the same. Returns false (after saying
/// SKIPPED) when there is no fresh namespace here to compare with.
fn same_in_all_three(args: &[&str], limit: Duration, what: &str) -> bool {
    if !is_root() || !have("unshare") {
        skip("needs root and unshare for the kernel reference in a fresh namespace");
        return false;
    }
    let kernel = run_limited(Command::new("unshare").arg("-n").args(args), limit);
    if !kernel.ok() {
        skip(&format!(
            "no fresh network namespace here: {}",
            kernel.stderr
        ));
        return false;
    }
    let with = exec(args).expect_ok(&format!("{what} under exec"));
    let without = exec_no_preload(args).expect_ok(&format!("{what} under exec --no-preload"));
    let mut diff = differences(&kernel.stdout, &with.stdout, "exec");
    diff.extend(differences(
        &kernel.stdout,
        &without.stdout,
        "exec --no-preload",
    ));
    assert!(diff.is_empty(), "{diff:#?}\nkernel:\n{}", kernel.stdout);
    true
}

#[test]
fn receives_and_options_answered_in_the_program_match_the_kernel() {
    let Some(prog) = build_c("nlfast.c", false) else {
        return;
    };
    let prog = prog.to_str().expect("utf-8 path");
    same_in_all_three(&[prog], Duration::from_secs(30), "nlfast");
}

#[test]
fn exec_offers_the_library_unless_told_not_to() {
    let r = exec(&["sh", "-c", "echo \"$LD_PRELOAD\" \"$NLROUTE_PRELOAD\""]).expect_ok("env");
    let line = r.stdout.trim();
    assert!(line.contains("nlroute-preload-"), "{line}");
    let gate = line.split_whitespace().nth(1).unwrap_or("");
    // GATE:LOW:HIGH, and `pairs`: the embedded server takes sockets the library makes.
    assert_eq!(gate.split(':').count(), 4, "{line}");
    assert!(gate.ends_with(":pairs"), "{line}");
    let r = exec_no_preload(&["sh", "-c", "echo \"${NLROUTE_PRELOAD:-none}\""])
        .expect_ok("env without");
    assert_eq!(r.stdout.trim(), "none");
}

/// Runs a script of tests/clients with `interpreter` in all three (see
/// `same_in_all_three`); it drives `ip`.
fn client_script_in_all_three(interpreter: &str, script: &str, what: &str) {
    if !have("ip") || !have("python3") {
        skip("needs ip and python3");
        return;
    }
    let path = format!("{}/tests/clients/{script}", env!("CARGO_MANIFEST_DIR"));
    same_in_all_three(&[interpreter, &path], Duration::from_secs(60), what);
}

#[test]
fn dump_parts_taken_in_the_program_are_paced_as_by_the_kernel() {
    client_script_in_all_three("sh", "dump_parts.sh", "dump parts");
}

#[test]
fn nonblocking_receives_see_what_the_kernel_would_have_queued() {
    client_script_in_all_three("python3", "nonblocking.py", "nonblocking");
}

#[test]
fn reads_answered_from_the_memo_match_the_kernel() {
    let Some(prog) = build_c("nlmemo.c", false) else {
        return;
    };
    let prog = prog.to_str().expect("utf-8 path");
    same_in_all_three(&[prog], Duration::from_secs(30), "nlmemo");
}

/// Receives the supervisor had to answer while `args` ran under exec (its trace log).
fn trapped_receives(preload: bool, args: &[&str]) -> (String, usize) {
    trapped(preload, args, &[libc::SYS_recvfrom, libc::SYS_recvmsg])
}

/// `args` run under exec, with or without the library, logging at `level`.
fn exec_logged(preload: bool, args: &[&str], level: &str) -> Run {
    let mut c = Command::new(nlroute());
    c.arg("exec");
    if !preload {
        c.arg("--no-preload");
    }
    c.arg("--")
        .args(args)
        .env("RUST_LOG", format!("nlroute={level}"));
    run_limited(&mut c, Duration::from_secs(30)).expect_ok(args[0])
}

/// How many of the system calls `nrs` the supervisor answered while `args` ran under exec
/// (its trace log), and what the program printed.
fn trapped(preload: bool, args: &[&str], nrs: &[libc::c_long]) -> (String, usize) {
    let r = exec_logged(preload, args, "trace");
    let suffixes: Vec<String> = nrs
        .iter()
        .map(|nr| format!("trapped system call {nr}\n"))
        .collect();
    let n = r
        .stderr
        .split_inclusive('\n')
        .filter(|l| suffixes.iter().any(|suffix| l.ends_with(suffix.as_str())))
        .count();
    (r.stdout, n)
}

#[test]
fn sockets_are_made_in_the_program_and_taken_by_the_server() {
    let Some(prog) = build_c("nlmemo.c", false) else {
        return;
    };
    let prog = prog.to_str().expect("utf-8 path");
    // The full nlmemo run makes several sockets (and forks); each must come out the same.
    let made = |preload: bool| {
        let r = exec_logged(preload, &[prog], "debug");
        let placed = |l: &&str| l.contains("netlink socket at fd");
        let lines: Vec<&str> = r.stderr.lines().filter(placed).collect();
        let by_library = lines
            .iter()
            .filter(|l| l.ends_with("(made by the library)"))
            .count();
        (lines.len(), by_library)
    };
    let (all, by_library) = made(true);
    assert!(all >= 2, "sockets made: {all}");
    assert_eq!(by_library, all, "every socket's pair made by the library");
    let (all, by_library) = made(false);
    assert!(all >= 2, "sockets made without the library: {all}");
    assert_eq!(by_library, 0, "none without the library");
}

#[test]
fn through_a_separate_server_sends_stay_native() {
    let Some(prog) = build_c("nlmemo.c", false) else {
        return;
    };
    let prog = prog.to_str().expect("utf-8 path");
    let socket = tmpdir("preload-serve").join("nl.sock");
    let _serve = Serve::start(&socket, &[]);
    // Only the embedded server takes a request during its send, or a pair the library
    // made: through `nlroute serve` a trapped send or pair would be a trap for nothing.
    let mut c = exec_cmd(Some(&socket), &[prog, "changes", "20", "2"]);
    c.env("RUST_LOG", "nlroute=trace");
    let r = run_limited(&mut c, Duration::from_secs(30)).expect_ok("nlmemo via serve");
    assert_eq!(r.stdout.trim(), "acknowledged=20 of 20");
    let count = |nr: libc::c_long| {
        let suffix = format!("trapped system call {nr}");
        r.stderr.lines().filter(|l| l.ends_with(&suffix)).count()
    };
    assert_eq!(count(libc::SYS_sendto), 0, "sends trapped");
    assert_eq!(
        count(libc::SYS_socket),
        1,
        "one socket, one socket() trapped"
    );
}

#[test]
fn through_a_separate_server_receives_give_the_group_and_pktinfo() {
    let Some(prog) = build_c("nlfast.c", false) else {
        return;
    };
    let prog = prog.to_str().expect("utf-8 path");
    let socket = tmpdir("preload-serve-groups").join("nl.sock");
    let _serve = Serve::start(&socket, &[]);
    // `nlroute serve` marks multicast datagrams for exec's readers too (the handshake asks
    // for it), with and without the library. (These lines read the same in the kernel.)
    for preload in [true, false] {
        let mut c = Command::new(nlroute());
        c.arg("exec").arg("--socket").arg(&socket);
        if !preload {
            c.arg("--no-preload");
        }
        c.args(["--", prog]);
        let r = run_limited(&mut c, Duration::from_secs(30)).expect_ok("nlfast via serve");
        for line in [
            "pktinfo_64_4096=1 type=16 nlflags=0 pid=0 groups=0x1 flags=0 controllen=24 cmsg 20/270/3/1",
            "pktinfo_64_7=1 type=16 nlflags=0 pid=0 groups=0x1 flags=0 controllen=24 cmsg 20/270/3/1",
            "no_pktinfo=1 type=16 nlflags=0 pid=0 groups=0x1 flags=0 controllen=0 cmsg",
            "passcred_64=1 type=16 nlflags=0 pid=0 groups=0x1 flags=0 controllen=56 cmsg 20/270/3/1 28/1/2/0",
            "pktinfo_ack=1 type=2 nlflags=0x100 pid=0 groups=0 flags=0 controllen=24 cmsg 20/270/3/0",
        ] {
            assert!(
                r.stdout.lines().any(|l| l == line),
                "preload {preload}: {line}\n{}",
                r.stdout
            );
        }
    }
}

#[test]
fn a_change_is_handled_during_its_send_and_its_answer_read_in_the_program() {
    let Some(prog) = build_c("nlmemo.c", false) else {
        return;
    };
    let prog = prog.to_str().expect("utf-8 path");
    let receives = [libc::SYS_recvfrom, libc::SYS_recvmsg];
    // Each way of sending: sendmsg, sendto, send.
    for how in ["0", "1", "2"] {
        let args = [prog, "changes", "100", how];
        let (out, without) = trapped(false, &args, &receives);
        assert_eq!(out.trim(), "acknowledged=100 of 100");
        assert!(
            without >= 100,
            "receives trapped without the library: {without}"
        );
        let r = exec_logged(true, &args, "trace");
        assert_eq!(r.stdout.trim(), "acknowledged=100 of 100");
        let count = |what: &str| r.stderr.lines().filter(|l| l.ends_with(what)).count();
        let sends = count(&format!("trapped system call {}", libc::SYS_sendto));
        assert_eq!(
            sends, 100,
            "send by {how}: requests handled during the send"
        );
        // Each names its socket: the supervisor need not take the descriptor to look.
        let named = count("a request on the socket the library named");
        assert_eq!(
            named, 100,
            "send by {how}: {named} of 100 named their socket"
        );
        let (_, with) = trapped(true, &args, &receives);
        assert_eq!(with, 0, "send by {how}: {with} receives trapped of 100");
    }
}

#[test]
fn options_are_read_back_in_the_program() {
    let Some(prog) = build_c("nlmemo.c", false) else {
        return;
    };
    let prog = prog.to_str().expect("utf-8 path");
    let args = [prog, "options", "200"];
    let (out, without) = trapped(false, &args, &[libc::SYS_getsockopt]);
    assert_eq!(out.trim(), "options=200 of 200");
    assert_eq!(without, 400, "getsockopt trapped without the library");
    let (out, with) = trapped(true, &args, &[libc::SYS_getsockopt]);
    assert_eq!(out.trim(), "options=200 of 200");
    // The first reads may come before the server has taken the changes: those trap.
    assert!(with <= 4, "{with} of 400 getsockopt trapped");
    // The changes travel on the status page, which wakes nobody, not as notes on the
    // connection (see preload/src/status.rs, "Options").
    let log = exec_logged(true, &args, "trace").stderr;
    assert!(
        log.contains("option changes taken from the status page"),
        "{log}"
    );
    assert!(!log.contains("option note"), "{log}");
    let log = exec_logged(false, &args, "trace").stderr;
    assert!(!log.contains("taken from the status page"), "{log}");
}

#[test]
fn a_read_asked_again_is_answered_in_the_program() {
    let Some(prog) = build_c("nlmemo.c", false) else {
        return;
    };
    let prog = prog.to_str().expect("utf-8 path");
    // Each way of sending: sendmsg, sendto, send.
    for how in ["0", "1", "2"] {
        let (out, without) = trapped_receives(false, &[prog, "loop", "200", how]);
        assert_eq!(out.trim(), "answered=200 of 200");
        assert!(without >= 200, "trapped without the library: {without}");
        let (out, with) = trapped_receives(true, &[prog, "loop", "200", how]);
        assert_eq!(out.trim(), "answered=200 of 200");
        // The first answer (or two, while the server is still at work) comes from the
        // server; the rest from the memo.
        assert!(with <= 3, "send by {how}: {with} receives trapped of 200");
    }
}
