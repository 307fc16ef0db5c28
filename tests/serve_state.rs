//! `nlroute serve`: sharing one stack between commands, durability of `--state`, startup
//! errors a user can act on.

#[path = "clients/common.rs"]
mod common;
use common::*;
use nlroute::server::proto::{DataHello, Hello, Welcome};
use std::collections::BTreeSet;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const RTM_NEWLINK: u16 = 16;
const RTM_GETLINK: u16 = 18;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const IFLA_IFNAME: u16 = 3;
const IFLA_LINKINFO: u16 = 18;
const IFLA_INFO_KIND: u16 = 1;

fn attr(ty: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&((4 + payload.len()) as u16).to_ne_bytes());
    v.extend_from_slice(&ty.to_ne_bytes());
    v.extend_from_slice(payload);
    while v.len() % 4 != 0 {
        v.push(0);
    }
    v
}

fn message(ty: u16, flags: u16, seq: u32, body: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&((16 + body.len()) as u32).to_ne_bytes());
    v.extend_from_slice(&ty.to_ne_bytes());
    v.extend_from_slice(&flags.to_ne_bytes());
    v.extend_from_slice(&seq.to_ne_bytes());
    v.extend_from_slice(&0u32.to_ne_bytes());
    v.extend_from_slice(body);
    v
}

/// RTM_NEWLINK creating a dummy link, as `ip link add NAME type dummy` sends it.
fn new_dummy(seq: u32, name: &str) -> Vec<u8> {
    let mut body = vec![0u8; 16]; // struct ifinfomsg
    let mut n = name.as_bytes().to_vec();
    n.push(0);
    body.extend(attr(IFLA_IFNAME, &n));
    body.extend(attr(IFLA_LINKINFO, &attr(IFLA_INFO_KIND, b"dummy\0")));
    let flags = libc::NLM_F_REQUEST | libc::NLM_F_ACK | libc::NLM_F_CREATE | libc::NLM_F_EXCL;
    message(RTM_NEWLINK, flags as u16, seq, &body)
}

/// A netlink socket opened directly over the server protocol (no exec).
fn raw_socket(socket: &Path) -> OwnedFd {
    let fd = seqpacket_connect(socket).expect("connect to server");
    let hello = Hello::Data(DataHello {
        pid: std::process::id(),
        sock_type: libc::SOCK_RAW,
        protocol: libc::NETLINK_ROUTE,
        uid: 0,
        gid: 0,
    });
    send(&fd, &hello.encode()).expect("handshake");
    let w = Welcome::decode(&recv(&fd).expect("welcome")).expect("welcome format");
    assert_eq!(w.status, 0);
    fd
}

fn send(fd: &OwnedFd, b: &[u8]) -> std::io::Result<()> {
    // SAFETY: sending from a valid slice.
    let r = unsafe {
        libc::send(
            fd.as_raw_fd(),
            b.as_ptr().cast(),
            b.len(),
            libc::MSG_NOSIGNAL,
        )
    };
    if r < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(())
    }
}

fn recv(fd: &OwnedFd) -> Option<Vec<u8>> {
    let mut b = vec![0u8; 65536];
    // SAFETY: receiving into a valid buffer.
    let n = unsafe { libc::recv(fd.as_raw_fd(), b.as_mut_ptr().cast(), b.len(), 0) };
    if n <= 0 {
        return None;
    }
    b.truncate(n as usize);
    Some(b)
}

/// (type, seq, payload) of each message in a datagram.
fn messages(d: &[u8]) -> Vec<(u16, u32, Vec<u8>)> {
    let mut out = Vec::new();
    let mut off = 0;
    while off + 16 <= d.len() {
        let len = u32::from_ne_bytes(d[off..off + 4].try_into().expect("4")) as usize;
        if len < 16 || off + len > d.len() {
            break;
        }
        let ty = u16::from_ne_bytes([d[off + 4], d[off + 5]]);
        let seq = u32::from_ne_bytes(d[off + 8..off + 12].try_into().expect("4"));
        out.push((ty, seq, d[off + 16..off + len].to_vec()));
        off += (len + 3) & !3;
    }
    out
}

/// Link names from a full RTM_GETLINK dump over a raw socket.
fn dump_link_names(socket: &Path) -> BTreeSet<String> {
    let fd = raw_socket(socket);
    let req = message(
        RTM_GETLINK,
        (libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16,
        1,
        &[0u8; 16],
    );
    send(&fd, &req).expect("dump request");
    let mut names = BTreeSet::new();
    loop {
        let d = recv(&fd).expect("dump reply");
        for (ty, _, p) in messages(&d) {
            match ty {
                NLMSG_DONE => return names,
                NLMSG_ERROR => panic!("dump failed: {p:?}"),
                RTM_NEWLINK => {
                    let mut off = 16;
                    while off + 4 <= p.len() {
                        let alen = u16::from_ne_bytes([p[off], p[off + 1]]) as usize;
                        let aty = u16::from_ne_bytes([p[off + 2], p[off + 3]]);
                        if alen < 4 || off + alen > p.len() {
                            break;
                        }
                        if aty == IFLA_IFNAME {
                            let s = &p[off + 4..off + alen];
                            let s = s.split(|c| *c == 0).next().unwrap_or(s);
                            names.insert(String::from_utf8_lossy(s).into_owned());
                        }
                        off += (alen + 3) & !3;
                    }
                }
                _ => {}
            }
        }
    }
}

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
