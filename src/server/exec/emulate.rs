//! The supervisor loop: receives seccomp notifications and emulates netlink socket calls.
//!
//! Receives peek, copy, then consume: the datagram is peeked and copied into the caller's
//! memory while it stays queued, so a call found interrupted (SECCOMP_IOCTL_NOTIF_ID_VALID)
//! loses nothing. Right before the call is completed the datagram is dequeued — the program
//! may poll the moment it runs again and must not see it still there — and should the
//! completion still fail (interrupted in that instant), it is stashed and served first to the
//! next receive. A blocking receive with nothing to read is parked (this loop polls the
//! socket) instead of blocking the supervisor.

use super::filter;
use super::ifreq;
use super::kernel::{
    self, Errno, Notifier, Pidfds, read_i32, read_mem, write_gather, write_mem, write_u32,
};
use super::preload;
use crate::server::daemon::Connector;
use crate::server::proto::{self, Hello, Reply, Request, Welcome};
use crate::server::status::{GATE_SEND_MAX, StatusPage};
use crate::server::sys;
use std::collections::{HashMap, VecDeque};
use std::io;
use std::ops::Range;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::{debug, trace, warn};

const SOCKADDR_NL_LEN: usize = 12;
/// Linux's UIO_MAXIOV: longer iovec arrays get EMSGSIZE (recvmsg) or EINVAL (readv).
const UIO_MAXIOV: u64 = 1024;
/// Largest datagram the supervisor copies in one receive.
const MAX_COPY: usize = 1024 * 1024;
/// How often parked receives are checked for callers that went away.
const SWEEP: Duration = Duration::from_millis(500);
/// How often the threads of parked receives are checked for signals (killable mode): often
/// at first, then less, so that a long wait (`ip monitor`) costs little; and how many at
/// most per check (a /proc read each): with more parked, each waits longer.
const SIGNAL_CHECK: Duration = Duration::from_millis(10);
const SIGNAL_CHECK_LONG_WAIT: Duration = Duration::from_millis(50);
const LONG_WAIT: Duration = Duration::from_secs(1);
const SIGNAL_CHECKS_PER_TICK: usize = 8;
/// Linux's internal "interrupted; restart if the handler allows" error. Answered to a parked
/// receive whose thread Linux marked for a signal, it acts as Linux's interrupted recvmsg:
/// the call restarts under SA_RESTART and fails with EINTR otherwise. (To a thread not
/// marked it would reach the program as errno 512.)
const ERESTARTSYS: Errno = 512;
/// How long the supervisor waits for the server's handshake answer.
const HANDSHAKE_TIMEOUT_MS: i32 = 10_000;
// struct msghdr on 64-bit Linux.
const MSGHDR_LEN: usize = 56;
const MMSGHDR_LEN: u64 = 64;
const SOL_NETLINK: i32 = 270;
const NETLINK_LIST_MEMBERSHIPS: i32 = 9;

/// One emulated netlink socket, found by the inode of its connection.
struct Sock {
    token: u32,
    sock_type: i32,
    reader_len: usize,
}

// The supervisor's poll set: the seccomp listener, the embedded server, signals, then the
// sockets of parked receives. The listener comes before the server: poll looks at them in
// this order, so when it sees a trapped call it also sees every request the calling thread
// sent before trapping (which `Server::read_up_to_date` relies on).
const POLL_LISTENER: usize = 0;
const POLL_SERVER: usize = 1;
const POLL_SIGNALS: usize = 2;
const POLL_PARKED: usize = 3;

/// A blocking receive waiting for data.
struct Parked {
    notif: libc::seccomp_notif,
    file: OwnedFd,
    inode: u64,
    deadline: Option<Instant>,
    /// Process-wide signals its thread could take, as the last signal check saw them.
    shared_signals: u64,
    since: Instant,
}

enum Outcome {
    Done,
    WouldBlock,
}

pub struct Supervisor {
    notifier: Notifier,
    connector: Connector,
    control: Option<OwnedFd>,
    socks: HashMap<u64, Sock>,
    range: Range<i32>,
    parked: Vec<Parked>,
    prune_at: usize,
    buf: Vec<u8>,
    /// Datagrams dequeued for a call that was interrupted before it could return them.
    stash: HashMap<u64, VecDeque<Vec<u8>>>,
    pidfds: Pidfds,
    /// Length of the datagram the last receive peeked from a socket into `buf`, when all of
    /// it fit there.
    peeked: Option<usize>,
    /// A datagram the last receive took straight from the embedded server (its socket's
    /// token with it), not consumed yet: `release_output` gives it back otherwise.
    direct: Option<(u32, Vec<u8>)>,
    /// The embedded server holds output to write at `release_output` (see `Shared::round`).
    held: bool,
    /// Calls taken from the listener wait killable (see exec/mod.rs): a signal no longer
    /// cuts a parked receive short by itself, so the loop looks for one (`SIGNAL_CHECK`).
    killable: bool,
    /// Where the next signal check starts in `parked` (round robin).
    signal_cursor: usize,
    /// The id the next notification has if none is withdrawn (the kernel numbers them in
    /// order); None before the first.
    next_notif_id: Option<u64>,
    /// The embedded server's status page, and the instruction pointer from which the
    /// preload library asks for it (see `crate::server::status`).
    status: Option<(Arc<StatusPage>, u64)>,
    /// A receive is being completed: its datagram is out of the connection (see `finish`).
    completing: bool,
    /// The instruction pointer of the preload library's pair entry (see `do_socket_pair`),
    /// whichever the server.
    pair_ip: Option<u64>,
}

impl Supervisor {
    pub fn new(
        notifier: Notifier,
        connector: Connector,
        range: Range<i32>,
        killable: bool,
        status_ip: Option<u64>,
    ) -> Supervisor {
        let status = match (&connector, status_ip) {
            (Connector::Embedded(shared), Some(ip)) => {
                shared.inspect(|s| s.status().cloned()).map(|p| (p, ip))
            }
            _ => None,
        };
        Supervisor {
            notifier,
            connector,
            control: None,
            socks: HashMap::new(),
            range,
            parked: Vec::new(),
            prune_at: 1024,
            buf: vec![0; 64 * 1024],
            stash: HashMap::new(),
            pidfds: Pidfds::default(),
            peeked: None,
            direct: None,
            held: false,
            killable,
            signal_cursor: 0,
            next_notif_id: None,
            status,
            completing: false,
            pair_ip: status_ip.map(|ip| ip + preload::PAIR_SOCKET_IP_DISTANCE),
        }
    }

    /// Serves notifications (and the embedded server's connections) until `child` exits;
    /// returns its exit status.
    pub fn run(&mut self, child: libc::pid_t, sigfd: OwnedFd) -> io::Result<i32> {
        let mut listener_open = true;
        let mut last_sweep = Instant::now();
        let mut last_signal_check = Instant::now();
        let embedded = match &self.connector {
            Connector::Embedded(shared) => Some(shared.clone()),
            Connector::Path(_) => None,
        };
        loop {
            let (server_fd, server_timeout) = match &embedded {
                Some(shared) => shared.inspect(|s| (s.ready_fd(), s.poll_timeout())),
                None => (-1, -1),
            };
            let mut pfds = vec![
                sys::pollfd(
                    if listener_open {
                        self.notifier.0.as_raw_fd()
                    } else {
                        -1
                    },
                    libc::POLLIN,
                ),
                sys::pollfd(server_fd, libc::POLLIN),
                sys::pollfd(sigfd.as_raw_fd(), libc::POLLIN),
            ];
            for p in &self.parked {
                pfds.push(sys::pollfd(p.file.as_raw_fd(), libc::POLLIN));
            }
            let mut timeout = if self.parked.is_empty() {
                server_timeout
            } else if server_timeout < 0 {
                SWEEP.as_millis() as i32
            } else {
                server_timeout.min(SWEEP.as_millis() as i32)
            };
            if self.killable && !self.parked.is_empty() {
                let ms = self.signal_check_interval().as_millis() as i32;
                timeout = if timeout < 0 { ms } else { timeout.min(ms) };
            }
            let now = Instant::now();
            for p in &self.parked {
                if let Some(d) = p.deadline {
                    let ms = d.saturating_duration_since(now).as_millis() as i32;
                    timeout = if timeout < 0 { ms } else { timeout.min(ms) };
                }
            }
            sys::poll(&mut pfds, timeout)?;

            let listener = pfds[POLL_LISTENER].revents;
            let notif = if listener & libc::POLLIN != 0 {
                self.notifier.recv()?
            } else {
                None
            };
            // Polling the listener first means the call it reported was trapped, and its
            // requests sent, before the server was polled. Unless a signal withdrew that call
            // before RECV: then RECV returns a newer one, whose requests the poll may have
            // missed. A gap in the ids gives that away (and the first call has no
            // predecessor); the round below then reads the server regardless.
            let unpolled_call = notif
                .as_ref()
                .is_some_and(|n| self.next_notif_id != Some(n.id));
            if let Some(n) = &notif {
                self.next_notif_id = Some(n.id.wrapping_add(1));
            }
            // Requests first, so that their answers are there for the call trapped now; held
            // in the engine, so that a receive takes its answer from there.
            if let Some(shared) = &embedded
                && (pfds[POLL_SERVER].revents != 0
                    || unpolled_call
                    || (server_timeout >= 0 && shared.inspect(|s| s.poll_timeout()) == 0))
            {
                shared.round(notif.is_some());
                self.held |= notif.is_some();
            }
            if pfds[POLL_SIGNALS].revents != 0
                && let Some(status) = self.signals(&sigfd, child)
            {
                self.release_output();
                return Ok(status);
            }
            if let Some(n) = notif {
                self.dispatch(n);
                self.release_output();
            } else if listener & (libc::POLLHUP | libc::POLLERR) != 0 {
                // No process with the filter is left; wait for the child's exit status.
                listener_open = false;
            }
            // Retry parked receives whose socket became readable, oldest first.
            let ready: Vec<RawFd> = pfds[POLL_PARKED..]
                .iter()
                .filter(|p| p.revents != 0)
                .map(|p| p.fd)
                .collect();
            if !ready.is_empty() {
                self.retry_parked(&ready);
            }
            let now = Instant::now();
            if now.duration_since(last_sweep) >= SWEEP
                || self
                    .parked
                    .iter()
                    .any(|p| p.deadline.is_some_and(|d| d <= now))
            {
                last_sweep = now;
                self.sweep(now);
            }
            if self.killable
                && !self.parked.is_empty()
                && now.duration_since(last_signal_check) >= self.signal_check_interval()
            {
                last_signal_check = now;
                self.interrupt_signalled();
            }
            self.release_output();
        }
    }

    /// Output the embedded server held this round goes to the connections before any
    /// program runs again (see `Shared::round`); a datagram a receive took from the server
    /// and did not consume goes back first.
    fn release_output(&mut self) {
        if let Connector::Embedded(shared) = &self.connector {
            let mut flush = std::mem::take(&mut self.held);
            if let Some((token, d)) = self.direct.take() {
                shared.put_back(token, d);
                flush = true;
            }
            if flush {
                shared.release();
            }
        }
    }

    // Every way of resuming a trapped call releases held output first.
    fn reply(&mut self, id: u64, v: i64) -> bool {
        self.release_output();
        self.notifier.reply(id, v)
    }

    fn fail(&mut self, id: u64, e: Errno) -> bool {
        self.release_output();
        self.notifier.fail(id, e)
    }

    fn pass(&mut self, id: u64) -> bool {
        self.release_output();
        self.notifier.pass(id)
    }

    /// Handles queued signals; returns the child's status once it has exited.
    fn signals(&mut self, sigfd: &OwnedFd, child: libc::pid_t) -> Option<i32> {
        let mut status = None;
        loop {
            // SAFETY: signalfd_siginfo is plain data; read fills at most its size.
            let mut si: libc::signalfd_siginfo = unsafe { std::mem::zeroed() };
            let n = unsafe {
                libc::read(
                    sigfd.as_raw_fd(),
                    &mut si as *mut _ as *mut libc::c_void,
                    std::mem::size_of::<libc::signalfd_siginfo>(),
                )
            };
            if n != std::mem::size_of::<libc::signalfd_siginfo>() as isize {
                break;
            }
            let sig = si.ssi_signo as i32;
            if sig == libc::SIGCHLD {
                continue;
            }
            // The terminal sends SIGINT/SIGQUIT to the whole foreground group, child
            // included; forward only signals someone sent to us (kill, timeout, ...).
            let from_tty =
                (sig == libc::SIGINT || sig == libc::SIGQUIT) && si.ssi_code == libc::SI_KERNEL;
            if !from_tty {
                // SAFETY: kill with a pid we spawned.
                unsafe { libc::kill(child, sig) };
            }
        }
        // Reap every exited descendant (we are their subreaper); note the child's status.
        loop {
            let mut st = 0;
            // SAFETY: waitpid with a valid status pointer.
            let pid = unsafe { libc::waitpid(-1, &mut st, libc::WNOHANG) };
            if pid <= 0 {
                break;
            }
            if pid == child {
                status = Some(if libc::WIFEXITED(st) {
                    libc::WEXITSTATUS(st)
                } else if libc::WIFSIGNALED(st) {
                    128 + libc::WTERMSIG(st)
                } else {
                    1
                });
            }
        }
        status
    }

    fn dispatch(&mut self, n: libc::seccomp_notif) {
        // A thread makes one call at a time: a receive it had parked was interrupted (a
        // signal), and must not linger until the sweep. Under a stream of signals those
        // would pile up, each polled every round.
        if !self.parked.is_empty() {
            self.parked.retain(|p| p.notif.pid != n.pid);
        }
        let nr = n.data.nr as libc::c_long;
        trace!("pid {}: trapped system call {nr}", n.pid);
        if nr == libc::SYS_socket {
            self.do_socket(&n);
            return;
        }
        if nr == libc::SYS_ioctl {
            self.do_ioctl(&n);
            return;
        }
        // A request from the library's gate names its socket: the connection's inode, which
        // the library has just read from the descriptor, in the address length (the kernel
        // ignores it without an address). That spares taking the descriptor to look
        // (pidfd_getfd), ~1 µs of each request. An inode we do not know (0 from a library
        // that does not say) is looked up as below.
        if nr == libc::SYS_sendto && n.data.args[4] == 0 && self.socks.contains_key(&n.data.args[5])
        {
            trace!("pid {}: a request on the socket the library named", n.pid);
            let result = self.do_gate_send(&n, n.data.args[5]);
            self.complete(n.id, result);
            return;
        }
        let fd = n.data.args[0] as i32;
        // Is this descriptor one of ours? Its inode says; anything else runs natively.
        let Ok(file) = self.pidfds.take_fd(n.pid, fd) else {
            self.pass(n.id);
            return;
        };
        let Some(inode) = kernel::inode(file.as_raw_fd())
            .ok()
            .filter(|i| self.socks.contains_key(i))
        else {
            self.pass(n.id);
            return;
        };
        if nr == libc::SYS_shutdown {
            self.fail(n.id, libc::EOPNOTSUPP);
            return;
        }
        if nr == libc::SYS_dup || nr == libc::SYS_fcntl {
            self.do_dup(&n, &file);
            return;
        }
        let result = match nr {
            libc::SYS_bind => self.do_bind(&n, inode, false),
            libc::SYS_connect => self.do_bind(&n, inode, true),
            libc::SYS_getsockname => self.do_getname(&n, inode, proto::OP_GETSOCKNAME),
            libc::SYS_getpeername => self.do_getname(&n, inode, proto::OP_GETPEERNAME),
            libc::SYS_setsockopt => self.do_setsockopt(&n, inode),
            libc::SYS_getsockopt => self.do_getsockopt(&n, &file, inode),
            libc::SYS_sendto => self.do_gate_send(&n, inode),
            _ => {
                match self.do_recv(&n, &file, inode) {
                    Ok(Outcome::Done) => {}
                    Ok(Outcome::WouldBlock) => {
                        let deadline = rcv_timeout(file.as_raw_fd()).map(|t| Instant::now() + t);
                        self.parked.push(Parked {
                            notif: n,
                            file,
                            inode,
                            deadline,
                            shared_signals: 0,
                            since: Instant::now(),
                        });
                    }
                    Err(e) => {
                        self.fail(n.id, e);
                    }
                }
                return;
            }
        };
        self.complete(n.id, result);
    }

    /// Answers call `id` with `result`: a value, Linux's errno, or None to run it natively.
    fn complete(&mut self, id: u64, result: Result<Option<i64>, Errno>) {
        match result {
            Ok(Some(v)) => {
                self.reply(id, v);
            }
            Ok(None) => {
                self.pass(id);
            }
            Err(e) => {
                self.fail(id, e);
            }
        }
    }

    /// socket(AF_NETLINK, type, NETLINK_ROUTE): a new data connection, injected in the caller;
    /// or, from the gate's pair entry, one the preload library made itself.
    fn do_socket(&mut self, n: &libc::seccomp_notif) {
        if self.pair_ip == Some(n.data.instruction_pointer) {
            self.do_socket_pair(n);
            return;
        }
        let ty = n.data.args[1] as i32;
        let base = ty & 0xf;
        let flags = ty & !0xf;
        if flags & !(libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK) != 0 {
            self.fail(n.id, libc::EINVAL);
            return;
        }
        let Ok(task) = self.pidfds.task_info(n.pid) else {
            self.fail(n.id, libc::ESRCH);
            return;
        };
        let conn =
            match self.open_data(task.tgid, base, n.data.args[2] as i32, task.euid, task.egid) {
                Ok(Ok(c)) => c,
                Ok(Err(errno)) => {
                    self.fail(n.id, errno);
                    return;
                }
                Err(e) => {
                    warn!("netlink socket for pid {} failed: {e}", task.tgid);
                    self.fail(n.id, libc::ECONNREFUSED);
                    return;
                }
            };
        let (fd, token) = conn;
        if ty & libc::SOCK_NONBLOCK != 0 && sys::set_nonblocking(fd.as_raw_fd(), true).is_err() {
            self.fail(n.id, libc::ENOMEM);
            return;
        }
        let Ok(ino) = kernel::inode(fd.as_raw_fd()) else {
            self.fail(n.id, libc::ENOMEM);
            return;
        };
        self.hand_out_status(n, token);
        // From the top down: far from where the program's own descriptors grow.
        let Some(target) = self.pidfds.free_fd_from_top(n.pid, &self.range) else {
            self.fail(n.id, libc::EMFILE);
            return;
        };
        self.socks.insert(
            ino,
            Sock {
                token,
                sock_type: base,
                reader_len: 0,
            },
        );
        self.release_output();
        match self.notifier.add_fd_and_reply(
            n.id,
            fd.as_raw_fd(),
            target,
            ty & libc::SOCK_CLOEXEC != 0,
        ) {
            Ok(_) => debug!("pid {}: netlink socket at fd {target}", task.tgid),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {
                // The caller was interrupted or died; our copy closes the connection below.
                self.socks.remove(&ino);
            }
            Err(e) => {
                self.socks.remove(&ino);
                warn!("cannot place a netlink socket in pid {}: {e}", task.tgid);
                self.fail(n.id, libc::EMFILE);
            }
        }
        // `fd` is dropped here: the program holds the only copy from now on.
        self.maybe_prune();
    }

    /// socket(AF_NETLINK, type, NETLINK_ROUTE, program_end, server_end, with_page) from the
    /// gate's pair entry: the preload library made a seqpacket pair, put one end in the
    /// reserved range for the program and keeps a copy of the other; the server takes that
    /// one (pidfd_getfd) as the socket's connection. The call returns the program's end.
    /// Nothing is installed in the program: SECCOMP_IOCTL_NOTIF_ADDFD wakes the caller
    /// wherever the scheduler likes (an idle CPU: 40-80 µs here), where the reply wakes it on
    /// this one. Only the embedded server takes such a pair: elsewhere it is ENOSYS, and the
    /// library makes the socket the usual way.
    fn do_socket_pair(&mut self, n: &libc::seccomp_notif) {
        let Connector::Embedded(shared) = &self.connector else {
            self.fail(n.id, libc::ENOSYS);
            return;
        };
        let shared = shared.clone();
        let ty = n.data.args[1] as i32;
        let (base, flags) = (ty & 0xf, ty & !0xf);
        let (program_fd, server_fd) = (n.data.args[3] as i32, n.data.args[4] as i32);
        // The library read the program end's inode (it made the pair): no need to take that
        // end to look.
        let (ino, with_page) = (n.data.args[5] >> 1, n.data.args[5] & 1 != 0);
        if flags & !(libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK) != 0
            || !self.range.contains(&program_fd)
        {
            self.fail(n.id, libc::EINVAL);
            return;
        }
        let Ok(task) = self.pidfds.task_info(n.pid) else {
            self.fail(n.id, libc::ESRCH);
            return;
        };
        let Ok(server_end) = self.pidfds.take_fd(n.pid, server_fd) else {
            self.fail(n.id, libc::EBADF);
            return;
        };
        if ino == 0 || self.socks.contains_key(&ino) {
            self.fail(n.id, libc::EINVAL);
            return;
        }
        let hello = proto::DataHello {
            pid: task.tgid,
            sock_type: base,
            protocol: n.data.args[2] as i32,
            uid: task.euid,
            gid: task.egid,
            marks: true,
        };
        let welcome = match shared.adopt_data(server_end, ino, hello) {
            Ok(w) if w.status == 0 => w,
            Ok(w) => {
                self.fail(n.id, w.status);
                return;
            }
            Err(e) => {
                warn!("netlink socket for pid {} failed: {e}", task.tgid);
                self.fail(n.id, libc::ECONNREFUSED);
                return;
            }
        };
        if with_page && let Err(e) = shared.hand_out_status(welcome.token, true, false) {
            debug!("pid {}: status page not handed out: {e}", n.pid);
        }
        self.socks.insert(
            ino,
            Sock {
                token: welcome.token,
                sock_type: base,
                reader_len: 0,
            },
        );
        debug!(
            "pid {}: netlink socket at fd {program_fd} (made by the library)",
            task.tgid
        );
        self.reply(n.id, i64::from(program_fd));
        self.maybe_prune();
    }

    /// An interface ioctl ([`ifreq`]) on any socket, answered from the emulated stack with
    /// the caller's rights (or refused, for the ones that would change the host's stack);
    /// on anything that is not a socket it runs in the kernel, except TUNSETIFF on
    /// /dev/net/tun, which is refused.
    fn do_ioctl(&mut self, n: &libc::seccomp_notif) {
        let (tid, fd, request, arg) = (
            n.pid,
            n.data.args[0] as i32,
            n.data.args[1] as u32,
            n.data.args[2],
        );
        let file = self.pidfds.take_fd(tid, fd).ok();
        if request == ifreq::TUNSETIFF {
            // On /dev/net/tun it would make a device in the host's namespace.
            let tun = file
                .as_ref()
                .and_then(|f| sys::stat(f.as_raw_fd()).ok())
                .is_some_and(|st| ifreq::is_tun_device(st.st_mode, st.st_rdev));
            if tun {
                self.fail(n.id, libc::EOPNOTSUPP);
            } else {
                self.pass(n.id);
            }
            return;
        }
        let Some(family) = file.and_then(|f| sys::socket_domain(f.as_raw_fd())) else {
            self.pass(n.id);
            return;
        };
        if ifreq::refused(request) {
            self.fail(n.id, libc::EOPNOTSUPP);
            return;
        }
        if !ifreq::emulated(request, family) {
            self.pass(n.id);
            return;
        }
        let Ok(task) = self.pidfds.task_info(tid) else {
            self.fail(n.id, libc::ESRCH);
            return;
        };
        let mut ask = Query { sup: self, task };
        let result = if request == ifreq::SIOCGIFCONF {
            ifconf(&mut ask, n, arg)
        } else if request == ifreq::SIOCBRADDBR || request == ifreq::SIOCBRDELBR {
            // Their argument is a bridge name, not a struct ifreq.
            read_mem(tid, arg, ifreq::IFNAMSIZ).and_then(|b| {
                let mut name = [0u8; ifreq::IFNAMSIZ];
                name.copy_from_slice(&b);
                ifreq::bridge_by_name(request, &name, &mut ask)
            })
        } else {
            read_mem(tid, arg, ifreq::IFREQ_LEN).and_then(|b| {
                let mut ifr = [0u8; ifreq::IFREQ_LEN];
                ifr.copy_from_slice(&b);
                ifreq::ifreq(request, &mut ifr, &mut ask)?;
                if !ask.sup.notifier.valid(n.id) {
                    return Err(libc::EINTR);
                }
                write_mem(tid, arg, &ifr)
            })
        };
        match result {
            Ok(()) => self.reply(n.id, 0),
            Err(e) => self.fail(n.id, e),
        };
    }

    /// dup(2) and fcntl(F_DUPFD/F_DUPFD_CLOEXEC): the copy goes in the reserved range (the
    /// lowest free number at or above the one asked for), so it is emulated too.
    fn do_dup(&mut self, n: &libc::seccomp_notif, file: &OwnedFd) {
        let (min, cloexec) = if n.data.nr as libc::c_long == libc::SYS_dup {
            (0, false)
        } else {
            match n.data.args[1] as i32 {
                libc::F_DUPFD => (n.data.args[2] as i32, false),
                libc::F_DUPFD_CLOEXEC => (n.data.args[2] as i32, true),
                _ => {
                    self.pass(n.id);
                    return;
                }
            }
        };
        let used = kernel::used_fds(n.pid, &self.range).unwrap_or_default();
        let Some(target) = (min.max(self.range.start)..self.range.end).find(|f| !used.contains(f))
        else {
            // Nothing free where asked: the kernel places it (outside the range).
            self.pass(n.id);
            return;
        };
        if let Err(e) = self
            .notifier
            .add_fd_and_reply(n.id, file.as_raw_fd(), target, cloexec)
            && e.raw_os_error() != Some(libc::ENOENT)
        {
            self.fail(n.id, libc::EMFILE);
        }
    }

    /// Opens a data connection; the inner error is the errno the server gave to socket().
    fn open_data(
        &mut self,
        pid: u32,
        sock_type: i32,
        protocol: i32,
        uid: u32,
        gid: u32,
    ) -> io::Result<Result<(OwnedFd, u32), Errno>> {
        let hello = proto::DataHello {
            pid,
            sock_type,
            protocol,
            uid,
            gid,
            marks: true,
        };
        if let Connector::Embedded(shared) = &self.connector {
            let (fd, w) = shared.open_data(hello)?;
            return Ok(if w.status != 0 {
                Err(w.status)
            } else {
                Ok((fd, w.token))
            });
        }
        let fd = self.connector.connect()?;
        sys::send(fd.as_raw_fd(), &Hello::Data(hello).encode(), 0)?;
        let mut p = [sys::pollfd(fd.as_raw_fd(), libc::POLLIN)];
        if sys::poll(&mut p, HANDSHAKE_TIMEOUT_MS)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "server did not answer",
            ));
        }
        let mut b = [0u8; 64];
        let n = sys::recv(fd.as_raw_fd(), &mut b, libc::MSG_DONTWAIT)?;
        let w = Welcome::decode(&b[..n.min(b.len())])
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "bad handshake answer"))?;
        Ok(if w.status != 0 {
            Err(w.status)
        } else {
            Ok((fd, w.token))
        })
    }

    /// One control request and its reply, reconnecting the control connection if needed.
    fn control(&mut self, req: Request) -> Result<Reply, Errno> {
        if let Connector::Embedded(shared) = &self.connector {
            return Ok(shared.control(req));
        }
        for _ in 0..2 {
            if self.control.is_none() {
                let fd = self.connector.connect().map_err(|_| libc::ECONNREFUSED)?;
                let ok = sys::send(fd.as_raw_fd(), &Hello::Control.encode(), 0).is_ok()
                    && sys::recv(fd.as_raw_fd(), &mut self.buf, 0)
                        .ok()
                        .and_then(|n| Welcome::decode(&self.buf[..n.min(self.buf.len())]))
                        .is_some_and(|w| w.status == 0);
                if !ok {
                    return Err(libc::ECONNREFUSED);
                }
                self.control = Some(fd);
            }
            let Some(fd) = &self.control else { continue };
            let fd = fd.as_raw_fd();
            // Room for the largest answer (a query's) and its header.
            if self.buf.len() < proto::MAX_QUERY_ANSWER + 64 {
                self.buf.resize(proto::MAX_QUERY_ANSWER + 64, 0);
            }
            let reply = sys::send(fd, &req.encode(), 0)
                .and_then(|_| sys::recv(fd, &mut self.buf, 0))
                .ok()
                .filter(|n| *n > 0 && *n <= self.buf.len())
                .and_then(|n| Reply::decode(&self.buf[..n]));
            match reply {
                Some(r) => return Ok(r),
                None => self.control = None,
            }
        }
        Err(libc::ECONNREFUSED)
    }

    /// A control request about the socket with this inode.
    fn sock_op(&mut self, inode: u64, mut req: Request) -> Result<Reply, Errno> {
        req.token = self.socks.get(&inode).map(|s| s.token).ok_or(libc::EBADF)?;
        let r = self.control(req)?;
        if r.status != 0 { Err(r.status) } else { Ok(r) }
    }

    /// A request the preload library sends from its gate (`sendto(fd, buf, len, 0, NULL,
    /// 0)`, the only sendto the filter traps): handled before the call returns, as Linux
    /// does, so that its answer is queued when the program goes to read it. Without the
    /// embedded server, or if the server does not know the socket, the send runs natively.
    fn do_gate_send(&mut self, n: &libc::seccomp_notif, inode: u64) -> Result<Option<i64>, Errno> {
        let Connector::Embedded(shared) = &self.connector else {
            return Ok(None);
        };
        // (Its flags are MSG_DONTWAIT and MSG_NOSIGNAL at most, which change nothing here.)
        let (buf, len, addr) = (n.data.args[1], n.data.args[2] as usize, n.data.args[4]);
        // A signal could cut short a call that is not killable once received: the request,
        // handled, would then be sent again (the restarted call). Such calls go natively.
        if len > GATE_SEND_MAX || addr != 0 || !self.killable {
            return Ok(None);
        }
        let Some(token) = self.socks.get(&inode).map(|s| s.token) else {
            return Ok(None);
        };
        let request = read_mem(n.pid, buf, len)?;
        if !shared.submit(token, &request) {
            return Ok(None);
        }
        self.held = true;
        Ok(Some(len as i64))
    }

    /// bind(2) and connect(2) with a sockaddr_nl.
    fn do_bind(
        &mut self,
        n: &libc::seccomp_notif,
        inode: u64,
        connect: bool,
    ) -> Result<Option<i64>, Errno> {
        let (tid, addr, len) = (n.pid, n.data.args[1], n.data.args[2] as i32);
        if connect && len >= 2 {
            let fam = read_mem(tid, addr, 2)?;
            if u16::from_ne_bytes([fam[0], fam[1]]) == libc::AF_UNSPEC as u16 {
                self.sock_op(inode, op(proto::OP_CONNECT))?;
                return Ok(Some(0));
            }
        }
        if len < SOCKADDR_NL_LEN as i32 {
            return Err(libc::EINVAL);
        }
        let sa = read_mem(tid, addr, SOCKADDR_NL_LEN)?;
        if u16::from_ne_bytes([sa[0], sa[1]]) != libc::AF_NETLINK as u16 {
            return Err(libc::EINVAL);
        }
        let port = u32::from_ne_bytes([sa[4], sa[5], sa[6], sa[7]]);
        let groups = u32::from_ne_bytes([sa[8], sa[9], sa[10], sa[11]]);
        let code = if connect {
            proto::OP_CONNECT
        } else {
            proto::OP_BIND
        };
        self.sock_op(
            inode,
            Request {
                a: port,
                b: groups,
                ..op(code)
            },
        )?;
        Ok(Some(0))
    }

    fn do_getname(
        &mut self,
        n: &libc::seccomp_notif,
        inode: u64,
        code: u32,
    ) -> Result<Option<i64>, Errno> {
        let (tid, addr, lenp) = (n.pid, n.data.args[1], n.data.args[2]);
        let len = read_i32(tid, lenp)?;
        if len < 0 {
            return Err(libc::EINVAL);
        }
        let r = self.sock_op(inode, op(code))?;
        let sa = sockaddr_nl(r.a, r.b);
        let full = (SOCKADDR_NL_LEN as u32).to_ne_bytes();
        let sa = &sa[..(len as usize).min(SOCKADDR_NL_LEN)];
        write_gather(tid, &[(addr, sa), (lenp, &full)])?;
        Ok(Some(0))
    }

    fn do_setsockopt(&mut self, n: &libc::seccomp_notif, inode: u64) -> Result<Option<i64>, Errno> {
        let (tid, level, name) = (n.pid, n.data.args[1] as i32, n.data.args[2] as i32);
        let (val, len) = (n.data.args[3], n.data.args[4] as i32);
        if level == libc::SOL_SOCKET && !filter::EMULATED_SETSOCKOPT.contains(&name) {
            // The send buffer, timeouts, SO_PASSCRED, filters...: the unix socket itself
            // takes them (the filter lets them through untrapped; see there).
            return Ok(None);
        }
        if len < 0 {
            return Err(libc::EINVAL);
        }
        let value = read_mem(tid, val, (len as usize).min(proto::MAX_CONTROL))?;
        self.sock_op(
            inode,
            Request {
                level,
                name,
                payload: value,
                ..op(proto::OP_SETSOCKOPT)
            },
        )?;
        Ok(Some(0))
    }

    fn do_getsockopt(
        &mut self,
        n: &libc::seccomp_notif,
        file: &OwnedFd,
        inode: u64,
    ) -> Result<Option<i64>, Errno> {
        let (tid, level, name) = (n.pid, n.data.args[1] as i32, n.data.args[2] as i32);
        let (val, lenp) = (n.data.args[3], n.data.args[4]);
        let local = match (level, name) {
            // sock_error: an overrun is the socket's pending error, and reading it clears it.
            (libc::SOL_SOCKET, libc::SO_ERROR) => Some(if self.take_error(inode, file) {
                libc::ENOBUFS
            } else {
                0
            }),
            (libc::SOL_SOCKET, libc::SO_DOMAIN) => Some(libc::AF_NETLINK),
            (libc::SOL_SOCKET, libc::SO_PROTOCOL) => Some(libc::NETLINK_ROUTE),
            (libc::SOL_SOCKET, libc::SO_TYPE) => self.socks.get(&inode).map(|s| s.sock_type),
            (libc::SOL_SOCKET, o) if !filter::EMULATED_GETSOCKOPT.contains(&o) => {
                return Ok(None);
            }
            _ => None,
        };
        let len = read_i32(tid, lenp)?;
        if len < 0 {
            return Err(libc::EINVAL);
        }
        let value = match local {
            Some(v) => v.to_ne_bytes().to_vec(),
            None => {
                let req = Request {
                    level,
                    name,
                    ..op(proto::OP_GETSOCKOPT)
                };
                self.sock_op(inode, req)?.payload
            }
        };
        let len = len as usize;
        let (copy, report) = if level == SOL_NETLINK && name == NETLINK_LIST_MEMBERSHIPS {
            // Linux copies the whole u32 words that fit and reports the size needed.
            (len.min(value.len()) / 4 * 4, value.len())
        } else if level == SOL_NETLINK {
            if len < value.len() {
                return Err(libc::EINVAL);
            }
            (value.len(), value.len())
        } else {
            let c = len.min(value.len());
            (c, c)
        };
        // The value and its length in one system call.
        let report = (report as u32).to_ne_bytes();
        write_gather(tid, &[(val, &value[..copy]), (lenp, &report)])?;
        Ok(Some(0))
    }

    /// The preload library makes its first netlink socket() from its gate, asking for the
    /// status page (see `crate::server::status`): it is queued on the new connection, where
    /// the library takes it before the program sees the socket. Should that fail, the
    /// library does without.
    fn hand_out_status(&mut self, n: &libc::seccomp_notif, token: u32) {
        let Some((_, ip)) = &self.status else { return };
        let with_page = n.data.instruction_pointer == *ip;
        let peer_only = n.data.instruction_pointer == ip + preload::PEER_SOCKET_IP_DISTANCE;
        if let Connector::Embedded(shared) = &self.connector
            && (with_page || peer_only)
            && let Err(e) = shared.hand_out_status(token, with_page, true)
        {
            debug!("pid {}: status page not handed out: {e}", n.pid);
        }
    }

    /// The supervisor holds datagrams out of their connections (stashed, or one being
    /// completed): the library must not take an empty connection for an empty socket.
    fn publish_stash(&self) {
        if let Some((page, _)) = &self.status {
            page.set_stashed(self.stash.len() as u64 + u64::from(self.completing));
        }
    }

    /// recvmsg, recvfrom, recvmmsg, read, readv.
    fn do_recv(
        &mut self,
        n: &libc::seccomp_notif,
        file: &OwnedFd,
        inode: u64,
    ) -> Result<Outcome, Errno> {
        let nr = n.data.nr as libc::c_long;
        let a = n.data.args;
        let tid = n.pid;
        if nr == libc::SYS_recvmmsg {
            return self.do_recvmmsg(n, file, inode);
        }
        let (target, flags) = match nr {
            libc::SYS_recvmsg => (Target::Msg(a[1]), a[2] as i32),
            libc::SYS_recvfrom => (
                Target::From {
                    buf: a[1],
                    len: a[2] as usize,
                    addr: a[4],
                    lenp: a[5],
                },
                a[3] as i32,
            ),
            libc::SYS_read => (
                Target::From {
                    buf: a[1],
                    len: a[2] as usize,
                    addr: 0,
                    lenp: 0,
                },
                0,
            ),
            _ => (Target::Vec(a[1], a[2]), 0),
        };
        let mut got = self.recv_one(tid, n.id, file, inode, &target, flags, true)?;
        // (Asked only when needed: a system call less on the common path.)
        let nonblock = || flags & libc::MSG_DONTWAIT != 0 || sys::is_nonblocking(file.as_raw_fd());
        // A server in another process may hold output it has not pushed yet; Linux would
        // have it queued. (The embedded server was asked already, in `take_direct`.)
        let embedded = matches!(self.connector, Connector::Embedded(_));
        if got.is_none() && !embedded && nonblock() {
            let _ = self.sock_op(inode, op(proto::OP_SYNC));
            got = self.recv_one(tid, n.id, file, inode, &target, flags, false)?;
        }
        match got {
            Some(v) => {
                self.finish(n.id, file, inode, flags, v);
                Ok(Outcome::Done)
            }
            None if nonblock() => Err(libc::EAGAIN),
            None => Ok(Outcome::WouldBlock),
        }
    }

    /// Completes a receive whose datagram was copied out. The datagram is dequeued first:
    /// once the caller runs again it may poll, and must not see it still queued. Should the
    /// call have been interrupted in the meantime, the datagram is stashed for the next one.
    fn finish(&mut self, id: u64, file: &OwnedFd, inode: u64, flags: i32, v: i64) {
        if flags & libc::MSG_PEEK != 0 {
            // A datagram peeked from the server goes back ahead of the next dump part.
            self.release_output();
            self.pace_dump(inode);
            self.reply(id, v);
            return;
        }
        // When the peek copied the whole datagram, it is dropped from the socket without
        // copying it again; the copy in `buf` serves should it need stashing.
        let whole = self
            .peeked
            .take()
            .filter(|_| !self.stash.contains_key(&inode));
        self.completing = true;
        self.publish_stash();
        let d = match whole {
            Some(_) => {
                let _ = sys::recv(file.as_raw_fd(), &mut [], libc::MSG_DONTWAIT);
                None
            }
            None => self.take(inode, file.as_raw_fd()),
        };
        self.pace_dump(inode);
        // The page says nothing is held before the reply: the reply may switch to the
        // program at once (synchronous wake-up), which then looks at the page before this
        // thread runs again. Should the reply fail (the caller died), the datagram is
        // stashed after all.
        self.completing = false;
        self.publish_stash();
        if !self.reply(id, v) {
            let d = d.or_else(|| whole.map(|len| self.buf[..len].to_vec()));
            if let Some(d) = d {
                self.stash.entry(inode).or_default().push_front(d);
                self.publish_stash();
            }
        }
    }

    /// A receive call on a socket of the embedded server produces the next part of a running
    /// dump before it returns, as Linux's recvmsg does: parts are then sized for the
    /// reader's buffer, and none waits ahead beyond what Linux would queue. (A server in
    /// another process is not told of each call; it fills the connection as it drains.)
    fn pace_dump(&mut self, inode: u64) {
        if let Connector::Embedded(shared) = &self.connector
            && let Some(s) = self.socks.get(&inode)
        {
            shared.reader_called(s.token);
        }
    }

    /// Dequeues the next datagram of a socket: a stashed one, else the connection's.
    fn take(&mut self, inode: u64, fd: RawFd) -> Option<Vec<u8>> {
        if let Some(q) = self.stash.get_mut(&inode)
            && let Some(d) = q.pop_front()
        {
            if q.is_empty() {
                self.stash.remove(&inode);
                self.publish_stash();
            }
            return Some(d);
        }
        if let Some((_, d)) = self.direct.take() {
            return Some(d);
        }
        let mut b = [0u8; 1];
        let full = sys::recv(fd, &mut b, libc::MSG_PEEK | libc::MSG_DONTWAIT).ok()?;
        let mut d = vec![0u8; full];
        let n = sys::recv(fd, &mut d, libc::MSG_DONTWAIT).ok()?;
        d.truncate(n);
        Some(d)
    }

    fn do_recvmmsg(
        &mut self,
        n: &libc::seccomp_notif,
        file: &OwnedFd,
        inode: u64,
    ) -> Result<Outcome, Errno> {
        self.do_recvmmsg_inner(n, file, inode, false)
    }

    fn do_recvmmsg_inner(
        &mut self,
        n: &libc::seccomp_notif,
        file: &OwnedFd,
        inode: u64,
        synced: bool,
    ) -> Result<Outcome, Errno> {
        let a = n.data.args;
        let (vec, vlen, flags) = (a[1], (a[2] as u32 as u64).min(UIO_MAXIOV), a[3] as i32);
        let nonblock = flags & libc::MSG_DONTWAIT != 0 || sys::is_nonblocking(file.as_raw_fd());
        let mut got = 0u64;
        // The last message received stays queued until the reply is in: `finish` consumes it.
        let mut unconsumed = false;
        while got < vlen {
            let hdr = vec + got * MMSGHDR_LEN;
            // Only the first message may wait; later ones take what is there.
            let res = self.recv_one(
                n.pid,
                n.id,
                file,
                inode,
                &Target::Msg(hdr),
                flags & !libc::MSG_PEEK,
                got == 0,
            );
            match res {
                Ok(Some(len)) => {
                    if write_u32(n.pid, hdr + MSGHDR_LEN as u64, len as u32).is_err() && got == 0 {
                        return Err(libc::EFAULT);
                    }
                    got += 1;
                    if got < vlen && self.notifier.valid(n.id) {
                        self.take(inode, file.as_raw_fd());
                        self.pace_dump(inode);
                    } else {
                        unconsumed = true;
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) if got == 0 => return Err(e),
                Err(_) => break,
            }
        }
        if vlen == 0 {
            self.reply(n.id, 0);
            return Ok(Outcome::Done);
        }
        let embedded = matches!(self.connector, Connector::Embedded(_));
        if got == 0 && nonblock && !embedded && !synced {
            let _ = self.sock_op(inode, op(proto::OP_SYNC));
            return self.do_recvmmsg_inner(n, file, inode, true);
        }
        if got == 0 {
            return if nonblock {
                Err(libc::EAGAIN)
            } else {
                Ok(Outcome::WouldBlock)
            };
        }
        if unconsumed {
            self.finish(n.id, file, inode, 0, got as i64);
        } else {
            self.reply(n.id, got as i64);
        }
        Ok(Outcome::Done)
    }

    /// Peeks one datagram and copies it to the caller as `target` describes. `Ok(None)`: no
    /// data. The datagram stays queued; the caller consumes it once the call is answered.
    #[allow(clippy::too_many_arguments)]
    fn recv_one(
        &mut self,
        tid: u32,
        id: u64,
        file: &OwnedFd,
        inode: u64,
        target: &Target,
        flags: i32,
        report_len: bool,
    ) -> Result<Option<i64>, Errno> {
        if flags & libc::MSG_OOB != 0 {
            return Err(libc::EOPNOTSUPP);
        }
        // Where the bytes go.
        let (iovs, name, msghdr, control) = match *target {
            Target::Msg(h) => {
                let m = read_mem(tid, h, MSGHDR_LEN)?;
                let u64_at =
                    |o: usize| u64::from_ne_bytes(m[o..o + 8].try_into().unwrap_or([0; 8]));
                let (iov, iovlen) = (u64_at(16), u64_at(24));
                if iovlen > UIO_MAXIOV {
                    return Err(libc::EMSGSIZE);
                }
                let namelen = u32::from_ne_bytes([m[8], m[9], m[10], m[11]]);
                let name = u64_at(0);
                (
                    read_iovecs(tid, iov, iovlen)?,
                    Name::Msg {
                        ptr: name,
                        len: namelen,
                    },
                    Some(h),
                    (u64_at(32), u64_at(40)),
                )
            }
            Target::From {
                buf,
                len,
                addr,
                lenp,
            } => {
                let name = if addr != 0 && lenp != 0 {
                    Name::From { ptr: addr, lenp }
                } else {
                    Name::None
                };
                (vec![(buf, len)], name, None, (0, 0))
            }
            Target::Vec(iov, cnt) => {
                if cnt > UIO_MAXIOV {
                    return Err(libc::EINVAL);
                }
                (read_iovecs(tid, iov, cnt)?, Name::None, None, (0, 0))
            }
        };
        // Asked before anything is peeked: a server in another process answers on the
        // control connection, through `buf`.
        let pktinfo = msghdr.is_some() && self.wants_pktinfo(inode, control);
        // Linux's receive reports a socket error first (sock_error), before the queue.
        if self.take_overrun(inode) {
            return Err(libc::ENOBUFS);
        }
        let capacity: usize = iovs.iter().fold(0usize, |a, (_, l)| a.saturating_add(*l));
        if report_len {
            self.report_reader_len(inode, capacity);
        }
        let want = capacity.min(MAX_COPY);
        // At least a header is looked at: its flags may carry a multicast mark.
        let look = want.max(proto::NLMSG_HDRLEN);
        if self.buf.len() < look {
            self.buf.resize(look, 0);
        }
        let fd = file.as_raw_fd();
        let stashed = self.stash.get(&inode).and_then(|q| q.front());
        self.peeked = None;
        let full = if let Some(d) = stashed {
            let n = d.len().min(look);
            self.buf[..n].copy_from_slice(&d[..n]);
            d.len()
        } else {
            match sys::recv(
                fd,
                &mut self.buf[..look],
                libc::MSG_PEEK | libc::MSG_DONTWAIT,
            ) {
                Ok(n) => {
                    self.peeked = Some(n).filter(|n| *n <= look);
                    n
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    match self.take_direct(inode, look) {
                        Some(n) => n,
                        None => return Ok(None),
                    }
                }
                Err(e) => return Err(e.raw_os_error().unwrap_or(libc::EIO)),
            }
        };
        if full > 0 && full < proto::NLMSG_HDRLEN {
            // The overrun marker: one ENOBUFS, and it is gone (like sk_err), even on peek.
            self.take(inode, fd);
            return Err(libc::ENOBUFS);
        }
        let copied = full.min(want);
        if !self.notifier.valid(id) {
            // Interrupted: leave the datagram for the next call.
            return Err(libc::EINTR);
        }
        // The group a multicast datagram was sent to, and what recvmsg reports besides the
        // bytes: with NETLINK_PKTINFO, a control message.
        let group = self.buf.get(..proto::NLMSG_HDRLEN).map_or(0, |h| {
            let flags = u16::from_ne_bytes([h[6], h[7]]);
            proto::notes::unmark(flags).1
        });
        let report = Report {
            truncated: full > capacity,
            group,
            pktinfo,
            passcred: msghdr.is_some() && sys::passes_credentials(file.as_raw_fd()),
            control,
        };
        let written = self.copy_out(tid, &iovs, copied, name, msghdr, report);
        if let Err(e) = written {
            // Linux drops a datagram it failed to copy out (unless peeking).
            if flags & libc::MSG_PEEK == 0 {
                self.take(inode, fd);
            }
            return Err(e);
        }
        Ok(Some(if flags & libc::MSG_TRUNC != 0 {
            full as i64
        } else {
            copied as i64
        }))
    }

    /// An overrun waiting to be reported, taken as getsockopt(SO_ERROR) takes sk_err:
    /// whether there was one, held by the embedded server or already at the head of what
    /// the socket has to read (the marker).
    fn take_error(&mut self, inode: u64, file: &OwnedFd) -> bool {
        if self.take_overrun(inode) {
            return true;
        }
        let head = match self.stash.get(&inode).and_then(|q| q.front()) {
            Some(d) => Some(d.len()),
            None => {
                let mut b = [0u8; proto::NLMSG_HDRLEN];
                let peek = libc::MSG_PEEK | libc::MSG_DONTWAIT;
                sys::recv(file.as_raw_fd(), &mut b, peek).ok()
            }
        };
        let marker = head.is_some_and(|n| n > 0 && n < proto::NLMSG_HDRLEN);
        if marker {
            self.take(inode, file.as_raw_fd());
        }
        marker
    }

    /// An overrun the embedded server keeps for the socket's next receive (see
    /// `Shared::take_overrun`), taken; whether there was one.
    fn take_overrun(&mut self, inode: u64) -> bool {
        let Connector::Embedded(shared) = &self.connector else {
            return false;
        };
        self.socks
            .get(&inode)
            .is_some_and(|s| shared.take_overrun(s.token))
    }

    /// Takes the next datagram of an empty socket straight from the embedded server into
    /// `buf` (at most `want` bytes); returns its full length.
    fn take_direct(&mut self, inode: u64, want: usize) -> Option<usize> {
        let Connector::Embedded(shared) = &self.connector else {
            return None;
        };
        let token = self.socks.get(&inode)?.token;
        // One at a time: an earlier one not consumed goes back first.
        if let Some((t, d)) = self.direct.take() {
            shared.put_back(t, d);
            self.held = true;
        }
        let d = shared.take_output(token)?;
        let n = d.len().min(want);
        self.buf[..n].copy_from_slice(&d[..n]);
        let full = d.len();
        self.direct = Some((token, d));
        Some(full)
    }

    /// Whether the socket asked for NETLINK_PKTINFO. A server in another process is asked
    /// only when the receive has a control buffer for the answer (a round trip; without
    /// one, Linux would only flag MSG_CTRUNC).
    fn wants_pktinfo(&mut self, inode: u64, (control, room): (u64, u64)) -> bool {
        const NETLINK_PKTINFO: i32 = 3;
        match (&self.connector, self.socks.get(&inode)) {
            (Connector::Embedded(shared), Some(s)) => shared.wants_pktinfo(s.token),
            (_, Some(_)) if control != 0 && room > 0 => {
                let req = Request {
                    level: SOL_NETLINK,
                    name: NETLINK_PKTINFO,
                    ..op(proto::OP_GETSOCKOPT)
                };
                self.sock_op(inode, req)
                    .is_ok_and(|r| r.payload.get(..4) == Some(&1i32.to_ne_bytes()[..]))
            }
            _ => false,
        }
    }

    /// Writes a peeked datagram (`copied` bytes of `self.buf`, its multicast mark taken
    /// out), its source address and control messages out.
    fn copy_out(
        &self,
        tid: u32,
        iovs: &[(u64, usize)],
        copied: usize,
        name: Name,
        msghdr: Option<u64>,
        report: Report,
    ) -> Result<(), Errno> {
        // A marked datagram goes out from a copy without the mark (the buffer keeps it,
        // should the datagram need stashing).
        let unmarked: Option<Vec<u8>> = (report.group != 0).then(|| {
            let mut d = self.buf[..copied].to_vec();
            if let Some(f) = d.get_mut(6..8) {
                let (flags, _) = proto::notes::unmark(u16::from_ne_bytes([f[0], f[1]]));
                f.copy_from_slice(&flags.to_ne_bytes());
            }
            d
        });
        let data = unmarked.as_deref().unwrap_or(&self.buf[..copied]);
        // Scatter into the caller's buffers, and fill in the header, in one system call.
        let mut pieces: Vec<(u64, &[u8])> = Vec::with_capacity(iovs.len().min(8) + 5);
        let mut off = 0;
        for (base, len) in iovs {
            if off >= copied {
                break;
            }
            let take = (*len).min(copied - off);
            pieces.push((*base, &data[off..off + take]));
            off += take;
        }
        let sa = sockaddr_nl(0, proto::notes::group_mask(report.group));
        let nl_len = (SOCKADDR_NL_LEN as u32).to_ne_bytes();
        match name {
            Name::Msg { ptr, len } if ptr != 0 => {
                pieces.push((ptr, &sa[..(len as usize).min(SOCKADDR_NL_LEN)]));
            }
            Name::From { ptr, lenp } => {
                let len = read_i32(tid, lenp)?;
                if len < 0 {
                    return Err(libc::EINVAL);
                }
                pieces.push((ptr, &sa[..(len as usize).min(SOCKADDR_NL_LEN)]));
                pieces.push((lenp, &nl_len));
            }
            _ => {}
        }
        // Linux writes msg_namelen only when there is a name buffer.
        let with_name = matches!(name, Name::Msg { ptr, .. } if ptr != 0);
        let namelen = (SOCKADDR_NL_LEN as u32).to_ne_bytes();
        let mut mflags = if report.truncated { libc::MSG_TRUNC } else { 0 };
        // NETLINK_PKTINFO and SCM_CREDENTIALS, as put_cmsg writes them.
        let (ptr, room) = report.control;
        let room = if ptr == 0 { 0 } else { room as usize };
        let (cmsg, used, cut) =
            proto::notes::control_messages(report.group, report.pktinfo, report.passcred, room);
        if cut {
            mflags |= libc::MSG_CTRUNC;
        }
        if used > 0 {
            pieces.push((ptr, &cmsg[..used]));
        }
        let controllen = (used as u64).to_ne_bytes();
        let mflags = (mflags as u32).to_ne_bytes();
        if let Some(h) = msghdr {
            if with_name {
                pieces.push((h + 8, &namelen));
            }
            pieces.push((h + 40, &controllen));
            pieces.push((h + 48, &mflags));
        }
        write_gather(tid, &pieces)
    }

    /// Tells the server the reader's buffer grew (Linux's max_recvmsg_len sizes dump parts).
    fn report_reader_len(&mut self, inode: u64, len: usize) {
        let Some(s) = self.socks.get_mut(&inode) else {
            return;
        };
        let len = len.min(u32::MAX as usize);
        if len > s.reader_len {
            s.reader_len = len;
            let req = Request {
                a: len as u32,
                ..op(proto::OP_READER_LEN)
            };
            let _ = self.sock_op(inode, req);
        }
    }

    fn retry_parked(&mut self, ready: &[RawFd]) {
        let mut i = 0;
        while i < self.parked.len() {
            if !ready.contains(&self.parked[i].file.as_raw_fd()) {
                i += 1;
                continue;
            }
            let p = self.parked.remove(i);
            if !self.notifier.valid(p.notif.id) {
                continue;
            }
            match self.do_recv(&p.notif, &p.file, p.inode) {
                Ok(Outcome::WouldBlock) | Err(libc::EAGAIN) => {
                    self.parked.insert(i, p);
                    i += 1;
                }
                Ok(Outcome::Done) => {}
                Err(libc::EINTR) => {}
                Err(e) => {
                    self.fail(p.notif.id, e);
                }
            }
        }
    }

    /// Drops parked receives whose caller went away; times out those with SO_RCVTIMEO.
    fn sweep(&mut self, now: Instant) {
        let notifier = &self.notifier;
        self.parked.retain(|p| {
            if !notifier.valid(p.notif.id) {
                return false;
            }
            if p.deadline.is_some_and(|d| d <= now) {
                notifier.fail(p.notif.id, libc::EAGAIN);
                return false;
            }
            true
        });
    }

    fn signal_check_interval(&self) -> Duration {
        let now = Instant::now();
        if self
            .parked
            .iter()
            .any(|p| now.duration_since(p.since) < LONG_WAIT)
        {
            SIGNAL_CHECK
        } else {
            SIGNAL_CHECK_LONG_WAIT
        }
    }

    /// Ends the parked receives whose thread has a signal to take, as the signal would
    /// have on Linux:
    /// - one sent to the thread: ERESTARTSYS, exactly Linux's interrupted receive;
    /// - one sent to the process that is still pending at the next check, so no running
    ///   thread took it and Linux marked a parked one (/proc does not say which): EINTR to
    ///   every parked thread of it that could take it. The marked one runs its handler,
    ///   the others retry; Linux would interrupt only the one (and restart it under
    ///   SA_RESTART).
    fn interrupt_signalled(&mut self) {
        let n = self.parked.len();
        let start = self.signal_cursor % n.max(1);
        let checked = n.min(SIGNAL_CHECKS_PER_TICK);
        self.signal_cursor = start + checked;
        let mut ended: Vec<(u64, Errno)> = Vec::new();
        for i in start..start + checked {
            let p = &mut self.parked[i % n];
            let pending = kernel::pending_signals(p.notif.pid);
            if pending.own != 0 {
                ended.push((p.notif.id, ERESTARTSYS));
            } else if pending.shared & p.shared_signals != 0 {
                ended.push((p.notif.id, libc::EINTR));
            } else {
                p.shared_signals = pending.shared;
            }
        }
        for (id, errno) in ended {
            self.parked.retain(|p| p.notif.id != id);
            self.fail(id, errno);
        }
    }

    /// Forgets sockets the server has closed, once the table has grown.
    fn maybe_prune(&mut self) {
        if self.socks.len() < self.prune_at {
            return;
        }
        let payload: Vec<u8> = self
            .socks
            .values()
            .flat_map(|s| s.token.to_le_bytes())
            .collect();
        if let Ok(r) = self.control(Request {
            op: proto::OP_ALIVE,
            payload,
            ..Request::default()
        }) {
            let alive: Vec<u32> = r
                .payload
                .chunks_exact(4)
                .filter_map(|c| c.try_into().ok().map(u32::from_le_bytes))
                .collect();
            self.socks.retain(|_, s| alive.contains(&s.token));
            let socks = &self.socks;
            self.stash.retain(|inode, _| socks.contains_key(inode));
            self.publish_stash();
        }
        self.prune_at = (self.socks.len() * 2).max(1024);
    }
}

/// Netlink requests made for an ioctl, with the rights of the process that made it.
struct Query<'a> {
    sup: &'a mut Supervisor,
    task: kernel::TaskInfo,
}

impl ifreq::Ask for Query<'_> {
    fn ask(&mut self, request: Vec<u8>) -> Result<Vec<u8>, Errno> {
        let req = Request {
            op: proto::OP_QUERY,
            name: self.task.tgid as i32,
            a: self.task.euid,
            b: self.task.egid,
            payload: request,
            ..Request::default()
        };
        let r = self.sup.control(req)?;
        if r.status != 0 {
            Err(r.status)
        } else {
            Ok(r.payload)
        }
    }
}

/// SIOCGIFCONF: fills `ifc_buf` with as many entries as `ifc_len` holds and sets `ifc_len`
/// to the bytes used; with no buffer, to the bytes needed.
fn ifconf(ask: &mut Query<'_>, n: &libc::seccomp_notif, arg: u64) -> Result<(), Errno> {
    let tid = n.pid;
    let conf = read_mem(tid, arg, 16)?;
    let len = i32::from_ne_bytes([conf[0], conf[1], conf[2], conf[3]]);
    let buf = u64::from_ne_bytes(conf[8..16].try_into().unwrap_or([0; 8]));
    let entries = ifreq::ifconf(ask)?;
    let used = if buf == 0 {
        entries.len() * ifreq::IFREQ_LEN
    } else {
        let fit = (len.max(0) as usize / ifreq::IFREQ_LEN).min(entries.len());
        let bytes: Vec<u8> = entries[..fit].iter().flatten().copied().collect();
        if !ask.sup.notifier.valid(n.id) {
            return Err(libc::EINTR);
        }
        write_mem(tid, buf, &bytes)?;
        bytes.len()
    };
    write_u32(tid, arg, used as u32)
}

enum Target {
    /// A struct msghdr at this address.
    Msg(u64),
    /// recvfrom/read: one buffer, optional source address and its length pointer.
    From {
        buf: u64,
        len: usize,
        addr: u64,
        lenp: u64,
    },
    /// readv: an iovec array and its count.
    Vec(u64, u64),
}

#[derive(Clone, Copy)]
/// What a receive reports besides the bytes.
struct Report {
    /// More than the buffers held (MSG_TRUNC).
    truncated: bool,
    /// The multicast group the datagram was sent to (0: unicast).
    group: u32,
    /// NETLINK_PKTINFO is on.
    pktinfo: bool,
    /// SO_PASSCRED is on (it lands on the connection: the program's own setsockopt).
    passcred: bool,
    /// msg_control and msg_controllen (0, 0 without a msghdr).
    control: (u64, u64),
}

enum Name {
    None,
    Msg { ptr: u64, len: u32 },
    From { ptr: u64, lenp: u64 },
}

fn op(code: u32) -> Request {
    Request {
        op: code,
        ..Request::default()
    }
}

fn read_iovecs(tid: u32, addr: u64, count: u64) -> Result<Vec<(u64, usize)>, Errno> {
    let raw = read_mem(tid, addr, (count * 16) as usize)?;
    Ok(raw
        .chunks_exact(16)
        .map(|c| {
            let base = u64::from_ne_bytes(c[0..8].try_into().unwrap_or([0; 8]));
            let len = u64::from_ne_bytes(c[8..16].try_into().unwrap_or([0; 8]));
            (base, len.min(isize::MAX as u64) as usize)
        })
        .collect())
}

/// struct sockaddr_nl { AF_NETLINK, pad, pid, groups }.
fn sockaddr_nl(pid: u32, groups: u32) -> [u8; SOCKADDR_NL_LEN] {
    let mut sa = [0u8; SOCKADDR_NL_LEN];
    sa[0..2].copy_from_slice(&(libc::AF_NETLINK as u16).to_ne_bytes());
    sa[4..8].copy_from_slice(&pid.to_ne_bytes());
    sa[8..12].copy_from_slice(&groups.to_ne_bytes());
    sa
}

/// SO_RCVTIMEO set by the program (it lands on the unix socket, which we share).
fn rcv_timeout(fd: RawFd) -> Option<Duration> {
    let tv: libc::timeval = sys::socket_option(fd, libc::SO_RCVTIMEO).ok()?;
    if tv.tv_sec == 0 && tv.tv_usec == 0 {
        return None;
    }
    Some(Duration::from_secs(tv.tv_sec as u64) + Duration::from_micros(tv.tv_usec as u64))
}
