//! `nlroute exec`: runs a command whose NETLINK_ROUTE sockets are served by nlroute.
//!
//! The child installs a seccomp filter ([`filter`]) with SECCOMP_FILTER_FLAG_NEW_LISTENER
//! before exec and hands the listener to this process, the supervisor. When the child (or any
//! descendant: they inherit the filter) calls `socket(AF_NETLINK, …, NETLINK_ROUTE)`, the
//! supervisor opens a data connection to the server and injects it with
//! SECCOMP_IOCTL_NOTIF_ADDFD at a free descriptor number in a reserved range at the top of
//! the descriptor table. (The preload library makes the pair itself and places the program's
//! end in that range; the supervisor then only takes the server end, see `preload`.) Calls a unix socket cannot answer like netlink are trapped only for
//! descriptors in that range and emulated in `emulate`; interface ioctls (`ifreq`) are
//! trapped on any descriptor; everything else never leaves the kernel. The supervisor keeps no copy of an injected socket, so when the program closes
//! it, the server sees the connection end and closes the netlink socket.

mod emulate;
pub mod filter;
mod ifreq;
mod kernel;
mod preload;

use super::daemon::{Config, Connector, Server, Shared};
use super::sys;
use kernel::Notifier;
use std::ffi::OsString;
use std::io;
use std::ops::Range;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;

pub struct Options {
    /// A running `nlroute serve` to attach to; None runs an embedded server.
    pub socket: Option<PathBuf>,
    /// State file of the embedded server.
    pub state: Option<PathBuf>,
    /// Load the preload companion into the command (`--no-preload` clears this).
    pub preload: bool,
    pub command: Vec<OsString>,
}

/// The descriptor numbers reserved for emulated sockets: the top of the table below
/// min(RLIMIT_NOFILE soft limit, 1024), where programs rarely allocate (and select() works).
pub fn reserved_range() -> Range<i32> {
    // SAFETY: rlimit is plain data.
    let mut rl: libc::rlimit = unsafe { std::mem::zeroed() };
    // SAFETY: getrlimit with a valid buffer.
    let soft = if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) } == 0 {
        rl.rlim_cur.min(1024) as i32
    } else {
        1024
    };
    let size = 256.min(soft / 4).max(1);
    (soft - size)..soft
}

/// SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (not in the libc crate yet).
const WAIT_KILLABLE_RECV: libc::c_ulong = 1 << 5;
// How the child reports the listener it made.
const KILLABLE: u8 = b'K';
const PLAIN: u8 = b'L';

/// Runs the command; returns its exit status (128 + signal number when a signal killed it).
pub fn run(opts: Options) -> Result<i32, String> {
    let Some((program, args)) = opts.command.split_first() else {
        return Err("no command given; usage: nlroute exec -- COMMAND [ARGS...]".into());
    };
    // Signals arrive through a signalfd; block them before any thread exists so that every
    // thread inherits the mask (the child gets a clean mask back from std before exec).
    let sigfd = signal_fd(&[
        libc::SIGCHLD,
        libc::SIGINT,
        libc::SIGTERM,
        libc::SIGHUP,
        libc::SIGQUIT,
    ])
    .map_err(|e| format!("cannot set up signal handling: {e}"))?;

    let (connector, embedded) = match &opts.socket {
        Some(path) => {
            let c = Connector::Path(path.clone());
            // Fail now, with a useful message, rather than at the program's first socket().
            drop(c.connect().map_err(|e| e.to_string())?);
            (c, None)
        }
        None => {
            let server = Server::new(Config {
                state_file: opts.state.clone(),
                ..Config::default()
            })?;
            let shared = Shared::new(server);
            (Connector::Embedded(shared.clone()), Some(shared))
        }
    };

    let range = reserved_range();
    // Without the library everything still works, each receive trapped.
    let preload = if opts.preload {
        preload::Preload::prepare()
            .map_err(|e| tracing::warn!("running without the preload library: {e}"))
            .ok()
    } else {
        None
    };
    let prog = filter::build(range.clone(), preload.as_ref().map(|p| p.gate_ips()));
    let (parent_end, child_end) =
        sys::seqpacket_pair().map_err(|e| format!("cannot create a socket pair: {e}"))?;

    // Orphaned descendants are re-parented to us, so we stay their ancestor (process memory
    // access needs that under Yama) and can reap them.
    // SAFETY: prctl with integer arguments.
    unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };

    let mut cmd = Command::new(program);
    cmd.args(args);
    if let Some(p) = &preload {
        cmd.envs(p.env(&range, embedded.is_some()));
    }
    let child_sock = child_end.as_raw_fd();
    let fprog = libc::sock_fprog {
        len: prog.len() as u16,
        filter: prog.as_ptr() as *mut libc::sock_filter,
    };
    let fprog_addr = &fprog as *const libc::sock_fprog as usize;
    // SAFETY: the closure runs between fork and exec and only makes async-signal-safe
    // system calls on memory that was prepared before the fork (`prog`, `fprog`).
    unsafe {
        cmd.pre_exec(move || {
            let empty: libc::sigset_t = std::mem::zeroed();
            libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());
            if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
                return Err(io::Error::last_os_error());
            }
            let install = |flags: libc::c_ulong| {
                libc::syscall(
                    libc::SYS_seccomp,
                    libc::SECCOMP_SET_MODE_FILTER,
                    flags,
                    fprog_addr as *const libc::sock_fprog,
                )
            };
            // A call the supervisor has taken is then no longer cut short by a signal
            // (only by death): on Linux a reply can otherwise be lost although
            // SECCOMP_IOCTL_NOTIF_SEND succeeded, and with it a received datagram.
            // Linux 5.19; older kernels get the plain listener.
            let mut mode = KILLABLE;
            let mut listener = install(libc::SECCOMP_FILTER_FLAG_NEW_LISTENER | WAIT_KILLABLE_RECV);
            if listener < 0 {
                mode = PLAIN;
                listener = install(libc::SECCOMP_FILTER_FLAG_NEW_LISTENER);
            }
            if listener < 0 {
                return Err(io::Error::last_os_error());
            }
            sys::send_fd(child_sock, &[mode], listener as i32)?;
            libc::close(listener as i32);
            Ok(())
        });
    }
    let child = cmd.spawn().map_err(|e| {
        format!(
            "cannot run {}: {e}{}",
            program.to_string_lossy(),
            if e.kind() == io::ErrorKind::NotFound {
                " (not found in PATH?)"
            } else {
                ""
            }
        )
    })?;
    drop(child_end);
    drop(prog);
    let (listener, mode) = sys::recv_fd(parent_end.as_raw_fd())
        .map_err(|e| format!("did not receive the seccomp listener from the child: {e}"))?;
    drop(parent_end);

    let notifier = Notifier(listener);
    if !notifier.prefer_sync_wakeups() {
        tracing::debug!("kernel has no synchronous seccomp wake-ups; trapped calls are slower");
    }
    let status_ip = preload.as_ref().map(|p| p.socket_ip());
    let mut sup = emulate::Supervisor::new(notifier, connector, range, mode == KILLABLE, status_ip);
    let status = sup
        .run(child.id() as libc::pid_t, sigfd)
        .map_err(|e| format!("supervisor failed: {e}"));
    drop(sup);
    if let Some(e) = embedded {
        e.finish();
    }
    status
}

/// Blocks `signals` in this thread (and threads started later) and returns a signalfd for them.
pub fn signal_fd(signals: &[i32]) -> io::Result<OwnedFd> {
    // SAFETY: sigset_t is plain data manipulated through libc; signalfd returns a new fd.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in signals {
            libc::sigaddset(&mut set, *s);
        }
        sys::cvt(libc::pthread_sigmask(
            libc::SIG_BLOCK,
            &set,
            std::ptr::null_mut(),
        ))?;
        let fd = sys::cvt(libc::signalfd(
            -1,
            &set,
            libc::SFD_CLOEXEC | libc::SFD_NONBLOCK,
        ))?;
        Ok(OwnedFd::from_raw_fd(fd))
    }
}
