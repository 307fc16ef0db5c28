//! `nlroute serve` under clients that misbehave: garbage handshakes, garbage control
//! requests, tokens that are not theirs, disconnects mid-dump. The server answers or drops
//! the offender and keeps serving everyone else.

#[path = "clients/common.rs"]
mod common;
use common::*;
use nlroute::server::proto::{self, DataHello, Hello, Reply, Request, Welcome};
use std::os::fd::{AsRawFd, OwnedFd};
use std::time::Duration;

fn send(fd: &OwnedFd, b: &[u8]) -> bool {
    // SAFETY: sending from a valid slice.
    unsafe {
        libc::send(
            fd.as_raw_fd(),
            b.as_ptr().cast(),
            b.len(),
            libc::MSG_NOSIGNAL,
        ) >= 0
    }
}

/// One datagram, or None on end-of-file / nothing within two seconds.
fn recv(fd: &OwnedFd) -> Option<Vec<u8>> {
    let mut p = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: poll on one valid pollfd.
    if unsafe { libc::poll(&mut p, 1, 2000) } <= 0 {
        return None;
    }
    let mut b = vec![0u8; 65536];
    // SAFETY: receiving into a valid buffer.
    let n = unsafe { libc::recv(fd.as_raw_fd(), b.as_mut_ptr().cast(), b.len(), 0) };
    if n <= 0 {
        return None;
    }
    b.truncate(n as usize);
    Some(b)
}

#[test]
fn garbage_from_clients_never_stops_the_server() {
    let dir = tmpdir("garbage");
    let sock = dir.join("s");
    let mut srv = Serve::start(&sock, &[]);

    // A bad handshake: dropped.
    let bad = seqpacket_connect(&sock).expect("connect");
    assert!(send(&bad, b"hello there, not nlroute"));
    assert_eq!(recv(&bad), None);

    // A data handshake for another protocol: the errno socket() would give.
    let fd = seqpacket_connect(&sock).expect("connect");
    let hello = Hello::Data(DataHello {
        pid: 1,
        sock_type: libc::SOCK_RAW,
        protocol: libc::NETLINK_GENERIC,
        uid: 0,
        gid: 0,
        marks: false,
    });
    assert!(send(&fd, &hello.encode()));
    let w = Welcome::decode(&recv(&fd).expect("welcome")).expect("format");
    assert_eq!(w.status, libc::EPROTONOSUPPORT);

    // Garbage netlink datagrams of every small length, then one empty datagram.
    let (data, token) = data_conn(&sock);
    let mut seed = 0x2545_f491_u32;
    for len in 0..200usize {
        let d: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                seed as u8
            })
            .collect();
        assert!(send(&data, &d));
    }

    // Control garbage: short requests, unknown ops, a token that does not exist.
    let ctl = seqpacket_connect(&sock).expect("connect");
    assert!(send(&ctl, &Hello::Control.encode()));
    assert!(Welcome::decode(&recv(&ctl).expect("welcome")).is_some());
    for req in [
        vec![1, 2, 3],
        Request {
            op: 999,
            token,
            ..Request::default()
        }
        .encode(),
        Request {
            op: proto::OP_BIND,
            token: token + 1000,
            ..Request::default()
        }
        .encode(),
    ] {
        assert!(send(&ctl, &req));
        let r = Reply::decode(&recv(&ctl).expect("reply")).expect("reply format");
        assert_ne!(r.status, 0);
    }
    // A real control request still works after all that.
    assert!(send(
        &ctl,
        &Request {
            op: proto::OP_GETSOCKNAME,
            token,
            ..Request::default()
        }
        .encode()
    ));
    let r = Reply::decode(&recv(&ctl).expect("reply")).expect("reply format");
    assert_eq!(r.status, 0);

    // Disconnect in the middle of a dump, with requests queued.
    let (quitter, _) = data_conn(&sock);
    let dump = [
        32u32.to_ne_bytes().as_slice(),
        &18u16.to_ne_bytes(),
        &0x301u16.to_ne_bytes(),
        &[0u8; 24],
    ]
    .concat();
    for _ in 0..50 {
        send(&quitter, &dump);
    }
    drop(quitter);

    // Everyone else is still served.
    let r = run_limited(
        &mut exec_cmd(
            Some(&sock),
            &[
                "python3",
                "-c",
                "import socket; print(socket.if_nameindex())",
            ],
        ),
        Duration::from_secs(20),
    );
    if have("python3") {
        assert_eq!(r.stdout.trim(), "[(1, 'lo')]", "{}", r.stderr);
    }
    assert!(srv.child.try_wait().expect("wait").is_none(), "server died");
    assert_eq!(srv.stop(), Some(0));
}

#[test]
fn a_token_is_only_good_for_the_process_that_opened_it() {
    let dir = tmpdir("token");
    let sock = dir.join("s");
    let _srv = Serve::start(&sock, &[]);
    let (_data, token) = data_conn(&sock);
    // Another process (a child here) cannot bind our socket through its control connection.
    let script = format!(
        "import socket,struct\n\
         s=socket.socket(socket.AF_UNIX,socket.SOCK_SEQPACKET); s.connect('{}')\n\
         s.send(b'NLRT'+struct.pack('<HH',1,2)); s.recv(64)\n\
         s.send(struct.pack('<IIiiII',{},{},0,0,0,0)); print(struct.unpack_from('<i', s.recv(64))[0])",
        sock.display(),
        proto::OP_BIND,
        token
    );
    if !have("python3") {
        skip("python3 is not installed");
        return;
    }
    let r = run_limited(
        std::process::Command::new("python3").args(["-c", &script]),
        Duration::from_secs(10),
    )
    .expect_ok("python");
    assert_eq!(r.stdout.trim(), libc::EBADF.to_string());
}
