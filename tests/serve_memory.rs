//! `nlroute serve` memory under clients that do not keep up: a multicast listener that never
//! reads, and clients that hang up in the middle of a large dump. The server's resident set
//! (VmRSS of the real server process) must stay flat; the queues are bounded as on Linux.
//!
//! Measuring RSS: the allocator does not hand freed memory back, and the first requests grow
//! buffers to their working size, so every test measures after a warm-up phase and compares
//! with a second, larger phase run under exactly the same stack contents. Anything still
//! growing between the two samples is memory held per message or per connection.

#[path = "clients/common.rs"]
mod common;
use common::*;
use nlroute::server::proto::{self, Hello, Reply, Request, Welcome};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::Path;
use std::time::{Duration, Instant};

const RTM_SETLINK: u16 = 19;
const IFLA_MTU: u16 = 4;
const RTNLGRP_LINK: u32 = 1;

/// The server's resident set size in bytes (VmRSS of /proc/<pid>/status).
fn rss(srv: &Serve) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{}/status", srv.child.id()))
        .expect("read /proc/<pid>/status");
    let kb: u64 = s
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS in /proc/<pid>/status");
    kb * 1024
}

fn mib(b: i64) -> f64 {
    b as f64 / (1024.0 * 1024.0)
}

/// Prerequisites: /proc with VmRSS for our children.
fn prerequisites() -> bool {
    let ok = std::fs::read_to_string("/proc/self/status")
        .map(|s| s.contains("VmRSS:"))
        .unwrap_or(false);
    if !ok {
        skip("no /proc/<pid>/status with VmRSS here");
    }
    ok
}

/// bind(2) the data connection `token` to `groups`, over a control connection.
fn bind_groups(sock: &Path, token: u32, groups: u32) -> OwnedFd {
    let ctl = seqpacket_connect(sock).expect("connect");
    send(&ctl, &Hello::Control.encode()).expect("control handshake");
    assert!(Welcome::decode(&recv(&ctl).expect("welcome")).is_some());
    let req = Request {
        op: proto::OP_BIND,
        token,
        b: groups,
        ..Request::default()
    };
    send(&ctl, &req.encode()).expect("bind");
    let r = Reply::decode(&recv(&ctl).expect("bind reply")).expect("reply format");
    assert_eq!(r.status, 0, "bind failed");
    ctl
}

/// One datagram, or None when nothing arrives within `ms` (or on end-of-file).
fn recv_within(fd: &OwnedFd, ms: i32) -> Option<Vec<u8>> {
    let mut p = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: poll on one valid pollfd.
    if unsafe { libc::poll(&mut p, 1, ms) } <= 0 {
        return None;
    }
    recv(fd)
}

/// Sends one request and waits for its ACK (an NLMSG_ERROR with error 0), panicking otherwise.
fn acked(fd: &OwnedFd, req: &[u8], seq: u32) {
    send(fd, req).expect("send request");
    loop {
        let d = recv_within(fd, 10_000).unwrap_or_else(|| panic!("no ACK for seq {seq}"));
        for (ty, s, p) in messages(&d) {
            if ty == NLMSG_ERROR && s == seq {
                let err = i32::from_ne_bytes(p[..4].try_into().expect("4"));
                assert_eq!(err, 0, "request seq {seq} failed");
                return;
            }
        }
    }
}

/// RTM_SETLINK by name setting the MTU (`ip link set NAME mtu N`).
fn set_mtu(seq: u32, name: &str, mtu: u32) -> Vec<u8> {
    let mut body = vec![0u8; 16]; // struct ifinfomsg, ifi_index 0: by name
    let mut n = name.as_bytes().to_vec();
    n.push(0);
    body.extend(attr(IFLA_IFNAME, &n));
    body.extend(attr(IFLA_MTU, &mtu.to_ne_bytes()));
    message(
        RTM_SETLINK,
        (libc::NLM_F_REQUEST | libc::NLM_F_ACK) as u16,
        seq,
        &body,
    )
}

#[test]
fn a_listener_that_never_reads_keeps_server_memory_flat() {
    if !prerequisites() {
        return;
    }
    let dir = tmpdir("mem-listener");
    let sock = dir.join("s");
    let srv = Serve::start(&sock, &[]);
    let t0 = Instant::now();

    let (listener, token) = data_conn(&sock);
    let _ctl = bind_groups(&sock, token, 1 << (RTNLGRP_LINK - 1));

    // Design: the stack's size is fixed before the first sample. All links are created up
    // front; afterwards only one link's MTU toggles, which changes no table size. The
    // warm-up already overflows the listener's receive buffer many times over (the server
    // accounts the engine queue against SO_RCVBUF, ~200 KiB), so at the first sample the
    // queue is as large as it is ever allowed to be. The measured phase then makes four
    // times as many changes; each notification is ~1.4 KiB (148 fit in the buffer), so a
    // server that queued for the silent listener would grow by ~5.5 MiB plus allocation
    // overhead. The bound is therefore 2 MiB, not the looser 8 MiB, so that such a queue
    // cannot hide under it; a bounded server measures ~0 here.
    let changer = raw_socket(&sock);
    let mut seq = 0u32;
    const LINKS: usize = 50;
    for i in 0..LINKS {
        seq += 1;
        acked(&changer, &new_dummy(seq, &format!("m{i}")), seq);
    }
    const WARMUP: usize = 1000;
    const MEASURED: usize = 4000;
    for i in 0..WARMUP {
        seq += 1;
        acked(&changer, &set_mtu(seq, "m0", 1400 + (i % 2) as u32), seq);
    }
    let before = rss(&srv);
    for i in 0..MEASURED {
        seq += 1;
        acked(&changer, &set_mtu(seq, "m0", 1400 + (i % 2) as u32), seq);
    }
    let after = rss(&srv);
    let growth = after as i64 - before as i64;
    println!(
        "listener: {} changes ACKed; RSS after warm-up {:.2} MiB, after {MEASURED} more \
         changes {:.2} MiB, growth {:.2} MiB; {:?}",
        LINKS + WARMUP + MEASURED,
        mib(before as i64),
        mib(after as i64),
        mib(growth),
        t0.elapsed()
    );

    // The listener finally reads: what fit in its buffer, and exactly one overrun (ENOBUFS).
    let mut overruns = 0;
    let mut notifications = 0;
    while let Some(d) = recv_within(&listener, 500) {
        if d.len() < proto::NLMSG_HDRLEN {
            assert_eq!(d, proto::overrun_marker(), "unexpected short datagram");
            overruns += 1;
        } else {
            notifications += messages(&d).len();
        }
    }
    println!("listener read {notifications} notifications and {overruns} overrun(s)");
    assert_eq!(overruns, 1, "the listener should see ENOBUFS exactly once");
    assert!(
        notifications > 0,
        "the listener got no notifications at all"
    );
    assert!(
        notifications < LINKS + WARMUP + MEASURED,
        "the listener got every notification; nothing was dropped"
    );
    assert!(
        growth < 2 * 1024 * 1024,
        "server RSS grew by {:.2} MiB while a listener did not read",
        mib(growth)
    );
}

#[test]
fn clients_that_disconnect_mid_dump_leak_nothing() {
    if !prerequisites() {
        return;
    }
    let dir = tmpdir("mem-dump");
    let sock = dir.join("s");
    let srv = Serve::start(&sock, &[]);
    let t0 = Instant::now();

    const LINKS: usize = 5000;
    let creator = raw_socket(&sock);
    for i in 0..LINKS {
        let seq = i as u32 + 1;
        acked(&creator, &new_dummy(seq, &format!("d{i}")), seq);
    }
    drop(creator);
    let created = t0.elapsed();

    // Connect, ask for a dump of all links, take one datagram, hang up. A server that kept
    // an abandoned dump (its cursor, its pending datagram, or the whole ~7 MiB rendering
    // of 5000 links) would grow well past 4 MiB over 180 of them.
    let quit_mid_dump = || {
        let fd = raw_socket(&sock);
        let req = message(
            RTM_GETLINK,
            (libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16,
            1,
            &[0u8; 16],
        );
        send(&fd, &req).expect("dump request");
        let d = recv_within(&fd, 10_000).expect("first dump datagram");
        assert!(
            messages(&d).iter().any(|(ty, _, _)| *ty == RTM_NEWLINK),
            "the first dump datagram holds no link"
        );
    };
    const WARMUP: usize = 20;
    const MEASURED: usize = 180;
    for _ in 0..WARMUP {
        quit_mid_dump();
    }
    let before = rss(&srv);
    for _ in 0..MEASURED {
        quit_mid_dump();
    }
    // Let the server notice the last hang-ups before sampling.
    std::thread::sleep(Duration::from_millis(200));
    let after = rss(&srv);
    let growth = after as i64 - before as i64;

    let names = dump_link_names(&sock);
    println!(
        "dump: {LINKS} links created in {created:?}; RSS after {WARMUP} abandoned dumps \
         {:.2} MiB, after {MEASURED} more {:.2} MiB, growth {:.2} MiB; full dump has {} \
         links; {:?}",
        mib(before as i64),
        mib(after as i64),
        mib(growth),
        names.len(),
        t0.elapsed()
    );
    assert_eq!(names.len(), LINKS + 1, "a full dump is lo plus every dummy");
    assert!(names.contains("lo") && names.contains("d0") && names.contains("d4999"));
    assert!(
        growth < 4 * 1024 * 1024,
        "server RSS grew by {:.2} MiB over {MEASURED} abandoned dumps",
        mib(growth)
    );
}
