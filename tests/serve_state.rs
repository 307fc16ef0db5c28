//! `nlroute serve`: sharing one stack between commands, durability of `--state`, startup
//! errors a user can act on.

#[path = "clients/common.rs"]
mod common;
use common::*;
use std::process::Command;
use std::time::Duration;

#[test]
fn two_commands_share_one_served_stack() {
    if !have("ip") {
        skip("iproute2's `ip` is not installed");
        return;
    }
    let dir = tmpdir("share");
    let sock = dir.join("s");
    let _srv = Serve::start(&sock, &[]);
    exec_at(&sock, &["ip", "link", "add", "shared0", "type", "dummy"]).expect_ok("add");
    let r = exec_at(&sock, &["ip", "-j", "link"]).expect_ok("list");
    assert_eq!(link_names(&r.stdout), ["lo", "shared0"]);
}

#[test]
fn state_survives_a_restart() {
    let dir = tmpdir("restart");
    let (sock, state) = (dir.join("s"), dir.join("state.json"));
    let st = state.to_str().expect("utf-8");
    let mut srv = Serve::start(&sock, &["--state", st]);
    {
        let fd = raw_socket(&sock);
        send(&fd, &new_dummy(1, "keep0")).expect("send");
        let ack = recv(&fd).expect("ack");
        assert_eq!(messages(&ack)[0].0, NLMSG_ERROR);
        assert_eq!(&messages(&ack)[0].2[..4], &0i32.to_ne_bytes(), "add failed");
    }
    assert_eq!(srv.stop(), Some(0), "clean stop");
    assert!(!sock.exists(), "socket left behind after a clean stop");
    let _srv = Serve::start(&sock, &["--state", st]);
    assert!(dump_link_names(&sock).contains("keep0"));
}

#[test]
fn kill_9_mid_batch_keeps_every_acknowledged_change() {
    let dir = tmpdir("kill9");
    let (sock, state) = (dir.join("s"), dir.join("state.json"));
    let st = state.to_str().expect("utf-8");
    for round in 0..3 {
        let mut srv = Serve::start(&sock, &["--state", st]);
        let fd = raw_socket(&sock);
        let total = 400u32;
        let names: Vec<String> = (0..total).map(|i| format!("r{round}n{i}")).collect();
        // Pipeline the whole batch from another thread while acknowledgements are read here.
        let writer = {
            let fd = fd.try_clone().expect("dup");
            let names = names.clone();
            std::thread::spawn(move || {
                for (i, n) in names.iter().enumerate() {
                    if send(&fd, &new_dummy(i as u32 + 1, n)).is_err() {
                        break;
                    }
                }
            })
        };
        let mut acked = Vec::new();
        let stop_after = 50 + 100 * round as usize;
        while acked.len() < stop_after {
            let Some(d) = recv(&fd) else { break };
            for (ty, seq, p) in messages(&d) {
                if ty == NLMSG_ERROR && p[..4] == 0i32.to_ne_bytes() {
                    acked.push(names[seq as usize - 1].clone());
                }
            }
        }
        srv.kill9();
        drop(fd);
        let _ = writer.join();
        assert!(
            acked.len() >= stop_after,
            "only {} acknowledged",
            acked.len()
        );
        let srv = Serve::start(&sock, &["--state", st]);
        let present = dump_link_names(&sock);
        let lost: Vec<&String> = acked.iter().filter(|n| !present.contains(*n)).collect();
        assert!(
            lost.is_empty(),
            "round {round}: acknowledged but lost: {lost:?}"
        );
        drop(srv);
    }
}

#[test]
fn corrupt_truncated_or_foreign_state_stops_the_start() {
    let dir = tmpdir("corrupt");
    let (sock, state) = (dir.join("s"), dir.join("state.json"));
    let st = state.to_str().expect("utf-8");
    let mut srv = Serve::start(&sock, &["--state", st]);
    {
        let fd = raw_socket(&sock);
        send(&fd, &new_dummy(1, "x0")).expect("send");
        recv(&fd).expect("ack");
    }
    srv.stop();
    let good = std::fs::read(&state).expect("state written");
    for (content, why) in [
        (good[..good.len() / 2].to_vec(), "truncated"),
        (b"\x7fELF\x02\x01".to_vec(), "not valid JSON"),
        (
            br#"{"some": "other program"}"#.to_vec(),
            "not an nlroute state file",
        ),
    ] {
        std::fs::write(&state, &content).expect("write");
        let r = run_limited(
            Command::new(nlroute())
                .args(["serve", "--state", st, "--socket"])
                .arg(&sock),
            Duration::from_secs(10),
        );
        assert_ne!(r.code, Some(0), "{why}: started anyway");
        assert!(
            r.stderr.contains(st) && r.stderr.contains(why),
            "{why}: {}",
            r.stderr
        );
        assert_eq!(
            std::fs::read(&state).expect("read"),
            content,
            "{why}: file was modified"
        );
    }
}

#[test]
fn a_second_server_on_the_same_socket_is_refused() {
    let dir = tmpdir("twice");
    let sock = dir.join("s");
    let _srv = Serve::start(&sock, &[]);
    let r = run_limited(
        Command::new(nlroute())
            .args(["serve", "--socket"])
            .arg(&sock),
        Duration::from_secs(10),
    );
    assert_ne!(r.code, Some(0));
    assert!(r.stderr.contains("already listening"), "{}", r.stderr);
}

#[test]
fn exec_with_an_absent_server_says_how_to_start_one() {
    let dir = tmpdir("absent");
    let r = exec_at(&dir.join("nothing"), &["true"]);
    assert_ne!(r.code, Some(0));
    assert!(r.stderr.contains("nlroute serve --socket"), "{}", r.stderr);
}
