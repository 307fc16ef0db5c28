//! The floor of a seccomp user-notification round trip on this machine: a child traps
//! getppid() and a minimal supervisor answers each call (poll, receive, send) with nothing
//! else to do. `nlroute exec` pays this, plus its own work, for every trapped call.
//!
//!     cargo run --release --example seccomp_floor [CALLS]
//!
//! Prints the microseconds per trapped call, and per plain call for comparison.

use std::time::Instant;

fn main() {
    let calls: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let mut sv = [0i32; 2];
    // SAFETY: plain system calls on this process's own descriptors and memory.
    unsafe {
        if libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, sv.as_mut_ptr()) != 0 {
            eprintln!("socketpair failed");
            std::process::exit(1);
        }
        let child = libc::fork();
        if child == 0 {
            // BPF: getppid -> USER_NOTIF, everything else allowed.
            let filter = [
                libc::sock_filter {
                    code: (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u16,
                    jt: 0,
                    jf: 0,
                    k: 0,
                },
                libc::sock_filter {
                    code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16,
                    jt: 0,
                    jf: 1,
                    k: libc::SYS_getppid as u32,
                },
                libc::sock_filter {
                    code: (libc::BPF_RET | libc::BPF_K) as u16,
                    jt: 0,
                    jf: 0,
                    k: libc::SECCOMP_RET_USER_NOTIF,
                },
                libc::sock_filter {
                    code: (libc::BPF_RET | libc::BPF_K) as u16,
                    jt: 0,
                    jf: 0,
                    k: libc::SECCOMP_RET_ALLOW,
                },
            ];
            let prog = libc::sock_fprog {
                len: filter.len() as u16,
                filter: filter.as_ptr() as *mut _,
            };
            libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            let listener = libc::syscall(
                libc::SYS_seccomp,
                libc::SECCOMP_SET_MODE_FILTER,
                libc::SECCOMP_FILTER_FLAG_NEW_LISTENER,
                &prog as *const libc::sock_fprog,
            ) as i32;
            libc::write(sv[1], &listener as *const i32 as *const libc::c_void, 4);
            // Wait until the parent holds the listener.
            let mut go = 0u8;
            libc::read(sv[1], &mut go as *mut u8 as *mut libc::c_void, 1);
            let t = Instant::now();
            for _ in 0..calls {
                libc::syscall(libc::SYS_getppid);
            }
            let trapped = t.elapsed().as_secs_f64() / calls as f64 * 1e6;
            let t = Instant::now();
            for _ in 0..calls {
                libc::syscall(libc::SYS_getpid);
            }
            let plain = t.elapsed().as_secs_f64() / calls as f64 * 1e6;
            println!(
                "trapped call (poll + receive + send): {trapped:.2} µs; plain call: {plain:.2} µs"
            );
            libc::_exit(0);
        }
        let mut fd_in_child = -1i32;
        libc::read(sv[0], &mut fd_in_child as *mut i32 as *mut libc::c_void, 4);
        let pidfd = libc::syscall(libc::SYS_pidfd_open, child, 0) as i32;
        let listener = libc::syscall(libc::SYS_pidfd_getfd, pidfd, fd_in_child, 0) as i32;
        // SECCOMP_IOCTL_NOTIF_SET_FLAGS(SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP), as exec does.
        libc::ioctl(listener, 0x4008_2104, 1u64);
        libc::write(sv[0], b"g".as_ptr() as *const libc::c_void, 1);
        loop {
            let mut p = libc::pollfd {
                fd: listener,
                events: libc::POLLIN,
                revents: 0,
            };
            libc::poll(&mut p, 1, -1);
            if p.revents & libc::POLLIN == 0 {
                break;
            }
            let mut n: libc::seccomp_notif = std::mem::zeroed();
            if libc::ioctl(listener, libc::SECCOMP_IOCTL_NOTIF_RECV as _, &mut n) != 0 {
                continue;
            }
            let r = libc::seccomp_notif_resp {
                id: n.id,
                val: 0,
                error: 0,
                flags: 0,
            };
            libc::ioctl(listener, libc::SECCOMP_IOCTL_NOTIF_SEND as _, &r);
        }
        libc::waitpid(child, std::ptr::null_mut(), 0);
    }
}
