//! `nlroute serve` with a thousand concurrent client connections doing mixed dumps and
//! changes: every request answered, no connection starved, the state consistent at the end.

#[path = "clients/common.rs"]
mod common;
use common::*;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

const CLIENTS: usize = 1000;

fn raise_fd_limit(need: u64) -> bool {
    // SAFETY: rlimit is plain data; getrlimit/setrlimit with valid pointers.
    unsafe {
        let mut rl: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) != 0 || rl.rlim_max < need {
            return false;
        }
        rl.rlim_cur = rl.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &rl) == 0
    }
}

#[test]
fn a_thousand_clients_are_all_answered() {
    if !raise_fd_limit(2 * CLIENTS as u64 + 100) {
        skip("the hard RLIMIT_NOFILE is too low for 1000 client connections");
        return;
    }
    let dir = tmpdir("load");
    let sock = dir.join("s");
    let _srv = Serve::start(&sock, &[]);
    let start = Instant::now();
    let conns: Vec<_> = (0..CLIENTS).map(|_| raw_socket(&sock)).collect();
    for c in &conns {
        // A starved connection fails the test instead of hanging it.
        let tv = libc::timeval {
            tv_sec: 20,
            tv_usec: 0,
        };
        // SAFETY: setsockopt with a valid timeval.
        unsafe {
            libc::setsockopt(
                c.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_RCVTIMEO,
                (&tv as *const libc::timeval).cast(),
                std::mem::size_of::<libc::timeval>() as libc::socklen_t,
            )
        };
    }
    let dump = message(
        RTM_GETLINK,
        (libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16,
        7,
        &[0u8; 16],
    );
    // Every request goes out before any answer is read.
    for (i, c) in conns.iter().enumerate() {
        let req = if i % 10 == 0 {
            new_dummy(7, &format!("load{i}"))
        } else {
            dump.clone()
        };
        send(c, &req).expect("send");
    }
    for (i, c) in conns.iter().enumerate() {
        'answer: loop {
            let d = recv(c).unwrap_or_else(|| panic!("client {i} got no answer"));
            for (ty, seq, p) in messages(&d) {
                assert_eq!(seq, 7);
                match ty {
                    NLMSG_ERROR => {
                        assert_eq!(&p[..4], &0i32.to_ne_bytes(), "client {i} failed");
                        break 'answer;
                    }
                    NLMSG_DONE => break 'answer,
                    _ => {}
                }
            }
        }
    }
    let names = dump_link_names(&sock);
    for i in (0..CLIENTS).step_by(10) {
        assert!(names.contains(&format!("load{i}")), "load{i} missing");
    }
    assert_eq!(names.len(), 1 + CLIENTS / 10);
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "took {:?}",
        start.elapsed()
    );
}
