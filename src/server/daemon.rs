//! The server: owns the engine's [`Host`] and serves connections speaking [`super::proto`].
//! `nlroute serve` runs it in its own poll loop, listening on a path; `nlroute exec` embeds
//! it in the supervisor's loop and calls it directly ([`Shared`]).
//!
//! Each loop round: run due timers, accept, read requests from every ready connection,
//! persist the state if it changed, then write output. Writing last is what makes
//! `--state` durable: no ACK or notification of a change leaves before the change is on disk.
//! Output is pulled from the engine only while a connection is writable (plus one datagram
//! held per connection), so a slow reader never makes the server's memory grow.

use super::engine::{Credentials, Host, Outgoing, SockId};
use super::proto::{self, Hello, Reply, Request, Welcome};
use super::state;
use super::status::{self, StatusPage};
use super::sys;
use std::collections::HashMap;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tracing::{debug, error, info, trace, warn};

/// Who may change state (like CAP_NET_ADMIN): root, the server's own uid, and the listed
/// uids and gids. Everyone else may read and listen.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub allow_uids: Vec<u32>,
    pub allow_gids: Vec<u32>,
}

impl Policy {
    pub fn allows(&self, uid: u32, gid: u32) -> bool {
        let me = own_credentials().uid;
        uid == 0 || uid == me || self.allow_uids.contains(&uid) || self.allow_gids.contains(&gid)
    }
}

/// This process's pid and effective ids, read once: asked for every new socket, and they
/// do not change.
fn own_credentials() -> libc::ucred {
    static OWN: std::sync::OnceLock<libc::ucred> = std::sync::OnceLock::new();
    // SAFETY: these cannot fail.
    *OWN.get_or_init(|| unsafe {
        libc::ucred {
            pid: libc::getpid(),
            uid: libc::geteuid(),
            gid: libc::getegid(),
        }
    })
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub state_file: Option<PathBuf>,
    pub policy: Policy,
}

/// How a client reaches a server.
#[derive(Clone)]
pub enum Connector {
    Path(PathBuf),
    Embedded(Arc<Shared>),
}

impl Connector {
    /// A new connection to a running `nlroute serve` (blocking, close-on-exec). The
    /// embedded server takes no connections: the supervisor calls it directly.
    pub fn connect(&self) -> io::Result<OwnedFd> {
        let Connector::Path(p) = self else {
            return Err(io::Error::other(
                "the embedded server is called directly, not connected to",
            ));
        };
        sys::seqpacket_connect(p).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "cannot connect to the nlroute server at {}: {e} (is `nlroute serve --socket {}` running?)",
                    p.display(),
                    p.display()
                ),
            )
        })
    }
}

/// The server embedded in `nlroute exec`: it runs on the supervisor's thread, which polls
/// its connections along with the seccomp listener (see [`Server::ready_fd`] and
/// [`Server::handle_ready`]) and calls it directly for trapped calls. A trapped call then
/// costs a function call instead of a round trip to another thread, and nothing contends:
/// on a virtual machine a cross-CPU wake-up alone costs more than the work.
pub struct Shared {
    server: Mutex<Server>,
}

impl Shared {
    pub fn new(mut server: Server) -> Arc<Shared> {
        // Without the page the preload library traps where it would have looked.
        server.status = StatusPage::new()
            .map_err(|e| warn!("no status page for the preload library: {e}"))
            .ok()
            .map(Arc::new);
        Arc::new(Shared {
            server: Mutex::new(server),
        })
    }

    /// Runs `f` on the server, then delivers the output it caused, as a loop round would.
    pub fn with<T>(&self, f: impl FnOnce(&mut Server) -> T) -> T {
        self.lock(|s| {
            let out = f(s);
            s.settle();
            out
        })
    }

    /// Runs `f` on the server, which takes care of its output itself. The status page shows
    /// a round under way until the output is written (held output: until [`Shared::release`]).
    pub fn lock<T>(&self, f: impl FnOnce(&mut Server) -> T) -> T {
        let mut s = self.server.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = &s.status {
            p.begin_round();
        }
        s.take_wants();
        let out = f(&mut s);
        if !s.holding
            && let Some(p) = &s.status
        {
            p.set_memo_epoch(s.host.read_epoch());
            p.end_round();
        }
        out
    }

    /// Reads from the server without changing it (no round on the status page).
    pub fn inspect<T>(&self, f: impl FnOnce(&Server) -> T) -> T {
        f(&self.server.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Opens a data connection for an emulated socket: the handshake without the round trip.
    pub fn open_data(&self, hello: proto::DataHello) -> io::Result<(OwnedFd, Welcome)> {
        let (mine, theirs) = sys::seqpacket_pair()?;
        let inode = sys::inode(mine.as_raw_fd())?;
        let welcome = self.adopt_data(theirs, inode, hello)?;
        Ok((mine, welcome))
    }

    /// Opens a data connection on `server_end`, a seqpacket socket whose peer (inode
    /// `inode`) the program holds: a pair the preload library made itself.
    pub fn adopt_data(
        &self,
        server_end: OwnedFd,
        inode: u64,
        hello: proto::DataHello,
    ) -> io::Result<Welcome> {
        sys::set_nonblocking(server_end.as_raw_fd(), true)?;
        let welcome = self.with(|s| {
            // Sockets the program closed go first, as in a loop round: Linux frees a port
            // id at close(), and this socket must be able to take it again.
            s.handle_ready();
            // The peer is this process: no need to ask the kernel who it is.
            let id = s.add_conn_from(server_end, own_credentials())?;
            let welcome = s.admit(id, Hello::Data(hello));
            if let Some(Conn {
                kind: Kind::Data(d),
                ..
            }) = s.conns.get_mut(&id)
            {
                d.paced = true;
                d.slot = s.status.as_ref().and_then(|p| p.attach(inode));
            }
            Some(welcome)
        });
        welcome.ok_or_else(|| io::Error::other("the embedded server refused the connection"))
    }

    /// A loop round of the supervisor. With `hold`, output stays in the engine until
    /// [`Shared::release`]: a receive trapped in the same round then takes its datagram
    /// straight from there ([`Shared::take_output`]) instead of the server writing it to
    /// the connection and the supervisor reading it back (three system calls fewer). The
    /// supervisor releases before it resumes any program, so what Linux would have queued
    /// by then is queued.
    pub fn round(&self, hold: bool) {
        self.lock(|s| {
            s.holding |= hold;
            s.handle_ready();
        });
    }

    /// Queues on the new connection of the socket with `token`, for exec's preload library
    /// (see `crate::server::status`): `with_page`, the status page and the server's epoll
    /// descriptor; `with_end`, the connection's own server end (for the memo), after them.
    pub fn hand_out_status(&self, token: u32, with_page: bool, with_end: bool) -> io::Result<()> {
        self.lock(|s| {
            let page = s.status.as_ref().ok_or(io::ErrorKind::Unsupported)?;
            let c = s
                .by_token
                .get(&token)
                .and_then(|id| s.conns.get(id))
                .ok_or(io::ErrorKind::NotFound)?;
            let end = c.fd.as_raw_fd();
            let fds = [page.file().as_raw_fd(), s.epoll.fd(), end];
            match (with_page, with_end) {
                (true, true) => sys::send_fds(end, &status::HANDOUT, &fds),
                (true, false) => sys::send_fds(end, &status::HANDOUT, &fds[..2]),
                (false, true) => sys::send_fds(end, &status::PEER_HANDOUT, &[end]),
                (false, false) => Ok(()),
            }
        })
    }

    /// A request the socket with `token` sends through the preload library's gate (see
    /// `exec`'s preload module), handled now, as Linux handles a netlink sendmsg inside the
    /// call: after whatever the socket sent before, with its output held until
    /// [`Shared::release`]. False if there is no such socket (then the send goes to the
    /// connection as usual).
    pub fn submit(&self, token: u32, datagram: &[u8]) -> bool {
        self.lock(|s| {
            let Some(&id) = s.by_token.get(&token) else {
                return false;
            };
            let held_before = s.holding;
            s.holding = true;
            if !s.read_up_to_date(id) {
                s.read_conn(id, DRAIN_LIMIT, 0);
            }
            if s.conns.get(&id).is_none_or(|c| c.dead) {
                // Nobody releases output for a call that goes on natively: deliver it now,
                // unless the round was holding it already.
                s.holding = held_before;
                s.settle();
                return false;
            }
            s.handle_datagram(id, datagram);
            s.settle();
            true
        })
    }

    /// Writes all output held since [`Shared::round`] (or put back) to the connections.
    pub fn release(&self) {
        self.lock(|s| {
            s.holding = false;
            s.flush_all();
        });
    }

    /// The next datagram for the socket with `token`, taken from the engine (its
    /// connection is empty: the caller looked). Requests the socket sent before come
    /// first, as on Linux. None when there is none to take now: then the socket has
    /// nothing to read.
    pub fn take_output(&self, token: u32) -> Option<Vec<u8>> {
        self.lock(|s| {
            let &id = s.by_token.get(&token)?;
            if !s.read_up_to_date(id) {
                s.read_conn(id, DRAIN_LIMIT, 0);
                // Answers leave only once their changes are on disk.
                s.persist_if_changed();
            }
            let c = s.conns.get_mut(&id)?;
            let Kind::Data(d) = &mut c.kind else {
                return None;
            };
            if c.dead || !d.paced {
                return None;
            }
            let mut next = d.pending.take().or_else(|| next_output(&mut s.host, d));
            if next.is_none() && s.host.dump_running(d.sock) {
                // A reader finds the socket empty mid-dump: Linux's last recvmsg would have
                // made the next part. (A part the preload library took itself, racing with
                // another thread, did not ask for one.)
                d.dump_credit = d.dump_credit.max(1);
                next = next_output(&mut s.host, d);
            }
            let next = next?;
            // Whatever follows goes to the connection at the next flush.
            d.has_output = true;
            s.to_flush.push(id);
            Some(next)
        })
    }

    /// Returns a datagram from [`Shared::take_output`] that was not delivered after all;
    /// it goes out first. Nothing was flushed to the connection since it was taken.
    pub fn put_back(&self, token: u32, datagram: Vec<u8>) {
        self.lock(|s| {
            let Some(&id) = s.by_token.get(&token) else {
                return;
            };
            if let Some(Conn {
                kind: Kind::Data(d),
                dead: false,
                ..
            }) = s.conns.get_mut(&id)
            {
                debug_assert!(d.pending.is_none());
                d.pending = Some(datagram);
                s.to_flush.push(id);
            }
        });
    }

    /// A receive on the socket with `token` reports an overrun that waits (see `flush`):
    /// whether there was one.
    pub fn take_overrun(&self, token: u32) -> bool {
        self.with(|s| {
            let Some(&id) = s.by_token.get(&token) else {
                return false;
            };
            let Some(Conn {
                kind: Kind::Data(d),
                ..
            }) = s.conns.get_mut(&id)
            else {
                return false;
            };
            if !s.host.take_overrun(d.sock) {
                return false;
            }
            // What waited behind it may go now.
            d.has_output = true;
            s.to_flush.push(id);
            true
        })
    }

    /// The program made a receive call on the socket with `token` (its datagram, if any,
    /// already taken): as Linux's recvmsg, that produces the next part of a running dump,
    /// sized for the reader's buffer.
    pub fn reader_called(&self, token: u32) {
        self.with(|s| {
            let Some(&id) = s.by_token.get(&token) else {
                return;
            };
            if let Some(Conn {
                kind: Kind::Data(d),
                ..
            }) = s.conns.get_mut(&id)
                && reader_called(&s.host, d)
            {
                s.flush(id);
            }
        });
    }

    /// Whether the socket with `token` has NETLINK_PKTINFO on (a change the preload library
    /// wrote on the status page included).
    pub fn wants_pktinfo(&self, token: u32) -> bool {
        const NETLINK_PKTINFO: i32 = 3;
        self.lock(|s| {
            let &id = s.by_token.get(&token)?;
            let Some(Conn {
                kind: Kind::Data(d),
                ..
            }) = s.conns.get(&id)
            else {
                return None;
            };
            s.host
                .int_option(d.sock, libc::SOL_NETLINK, NETLINK_PKTINFO)
                .ok()
        }) == Some(1)
    }

    /// A control request, answered on the caller's thread.
    pub fn control(&self, r: Request) -> Reply {
        self.with(|s| s.control_direct(r))
    }

    /// The program is done: handles the requests it sent last (it may exit right after a
    /// send, as the kernel would have applied it during the call) and saves the state.
    pub fn finish(&self) {
        self.with(|s| {
            // A supervisor that stopped on an error may not have released its round.
            s.holding = false;
            let ids: Vec<u64> = s.conns.keys().copied().collect();
            for id in ids {
                s.read_conn(id, DRAIN_LIMIT, 0);
            }
        });
    }
}

/// Events every connection is polled for; data connections add POLL_OUT while output waits.
const POLL_IN: u32 = (libc::EPOLLIN | libc::EPOLLRDHUP) as u32;
const POLL_OUT: u32 = libc::EPOLLOUT as u32;
/// Connections handled per round at most; the rest stay ready for the next one.
const READY_BATCH: usize = 256;
/// Largest request datagram accepted (Linux caps a netlink send at the sender's sndbuf).
const MAX_DATAGRAM: usize = 512 * 1024;
/// Datagrams read from a connection per system call.
const READ_SLOTS: usize = 4;
/// Datagrams read from, or written to, one connection per round, so no one starves others.
const ROUND_BUDGET: usize = 64;
/// Send buffer of a data connection (the kernel doubles it). Kept small so that only a
/// datagram or so is in flight: output waits in the engine, whose accounting against the
/// socket's SO_RCVBUF then decides overruns as Linux does. A larger datagram raises it for
/// its own send only.
const DATA_SNDBUF: i32 = 4096;
/// Truesize overhead allowance of one datagram in a unix socket.
const SKB_OVERHEAD: usize = 1024;
/// Most datagrams drained from a data connection before a control operation: more than its
/// socket can queue, yet a bound if its other writers keep sending.
const DRAIN_LIMIT: usize = 1024;
/// How long a new connection may take to send its handshake.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to stop accepting after accept() failed (out of descriptors).
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);
/// Retry interval for persisting after a failed write (full disk, ...).
const PERSIST_RETRY: Duration = Duration::from_secs(1);

struct Data {
    sock: SockId,
    token: u32,
    cred: Credentials,
    reader_len: usize,
    /// One datagram taken from the engine that the socket could not take yet.
    pending: Option<Vec<u8>>,
    /// Registered for writability (while `pending` waits).
    polls_out: bool,
    /// Dump parts are produced only as the reader asks (see [`Server::reader_called`]):
    /// set for the sockets of the embedded server, whose supervisor sees every receive.
    paced: bool,
    /// Dump parts the reader's calls have asked for and that are not produced yet.
    dump_credit: u8,
    /// The engine may have output for this socket.
    has_output: bool,
    /// This connection changed state during the current round (so its ACKs need the disk).
    changed: bool,
    /// Its slot on the status page (embedded server only).
    slot: Option<usize>,
    /// Its reader takes multicast marks out (the handshake said so).
    marks: bool,
}

enum Kind {
    Hello,
    Control,
    Data(Data),
}

struct Conn {
    fd: OwnedFd,
    peer: libc::ucred,
    kind: Kind,
    dead: bool,
    /// When the connection was accepted (a handshake is due within HELLO_TIMEOUT).
    since: Instant,
    /// The last round (`Server::round`) in which a read found the connection empty.
    drained_in: u64,
}

pub struct Server {
    host: Host,
    config: Config,
    conns: HashMap<u64, Conn>,
    next_conn: u64,
    /// Counts `handle_ready` calls: the rounds in which connections are read.
    round: u64,
    by_token: HashMap<u32, u64>,
    by_sock: HashMap<SockId, u64>,
    next_token: u32,
    store: Option<state::Store>,
    persist_failed_at: Option<Instant>,
    /// Seeds the engine's random choices per request, so the journal can replay them.
    rng: u64,
    buf: Vec<u8>,
    /// All connections, by id: readable, hung up, or (with output waiting) writable.
    epoll: sys::Epoll,
    /// Connections still in their handshake.
    hellos: usize,
    /// A connection still had output when its round budget ran out.
    leftover: bool,
    /// Some connection is marked dead.
    reap_due: bool,
    /// Connections whose `has_output` was set since the last flush (may repeat).
    to_flush: Vec<u64>,
    /// Output stays in the engine until `Shared::release` (see `Shared::round`).
    holding: bool,
    /// Shared with exec's preload library (see `status`); embedded server only.
    status: Option<Arc<StatusPage>>,
    /// The page's dirty word when the server last took the library's option changes.
    wants_seen: u64,
}

impl Server {
    /// A server over a fresh namespace, or over the state in `config.state_file`.
    pub fn new(config: Config) -> Result<Server, String> {
        let (store, host) = match &config.state_file {
            Some(p) => {
                let (store, host) = state::Store::open(p)?;
                info!("state kept in {}", p.display());
                (Some(store), host)
            }
            None => (None, Host::new()),
        };
        let mut host = host;
        // What a data connection holds unread is part of its socket's receive queue for
        // Linux's accounting (SO_RCVBUF, overruns): the engine asks near the limit.
        host.set_backlog(|fd| sys::unread_by_peer(fd).unwrap_or(0));
        // A program asking for a large SO_RCVBUF gets what Linux would give it here.
        host.set_buffer_limits(sys::buffer_limits());
        let rng = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
            | 1;
        Ok(Server {
            host,
            config,
            conns: HashMap::new(),
            next_conn: 1,
            round: 1,
            by_token: HashMap::new(),
            by_sock: HashMap::new(),
            next_token: 1,
            store,
            persist_failed_at: None,
            rng,
            buf: vec![0; MAX_DATAGRAM * READ_SLOTS],
            epoll: sys::Epoll::new().map_err(|e| format!("cannot create an epoll set: {e}"))?,
            hellos: 0,
            leftover: false,
            reap_due: false,
            to_flush: Vec::new(),
            holding: false,
            status: None,
            wants_seen: 0,
        })
    }

    /// Serves connections accepted on `listener` until `stop` (a signalfd) becomes readable.
    pub fn run(mut self, listener: OwnedFd, stop: Option<RawFd>) -> io::Result<()> {
        serve(&mut self, &listener, stop)
    }

    /// A descriptor that polls readable when a connection has something for the server:
    /// poll it, then call [`Server::handle_ready`]. Connections are kept in an epoll set, so
    /// a round costs the same with one connection as with thousands.
    pub fn ready_fd(&self) -> RawFd {
        self.epoll.fd()
    }

    /// The page shared with exec's preload library, if there is one.
    pub fn status(&self) -> Option<&Arc<StatusPage>> {
        self.status.as_ref()
    }

    /// One loop round: due timers, closed connections, requests, then output.
    pub fn handle_ready(&mut self) {
        self.round += 1;
        let now = Instant::now();
        if self.host.next_deadline().is_some_and(|d| d <= now) {
            self.host.tick(now);
        }
        let mut events = [libc::epoll_event { events: 0, u64: 0 }; READY_BATCH];
        let n = match self.epoll.ready(&mut events) {
            Ok(n) => n,
            Err(e) => {
                warn!("epoll_wait failed: {e}");
                0
            }
        };
        let ready = || events[..n].iter().map(|e| (e.u64, e.events as i16));
        // Connections that were closed go first: their close happened before anything
        // that other connections ask now (a process that closes its netlink socket and
        // opens another must find its port id free again, as on Linux).
        let hup = libc::POLLHUP | libc::POLLERR | libc::POLLRDHUP;
        for (id, re) in ready() {
            if re & hup != 0 {
                self.read_conn(id, DRAIN_LIMIT, re);
                self.kill(id);
            }
        }
        self.reap();
        for (id, re) in ready() {
            if re & hup == 0 && re & libc::POLLIN != 0 {
                self.read_conn(id, ROUND_BUDGET, re);
            }
            if re & libc::POLLOUT != 0
                && let Some(Conn {
                    kind: Kind::Data(d),
                    ..
                }) = self.conns.get_mut(&id)
            {
                d.has_output = true;
                self.to_flush.push(id);
            }
        }
        self.settle();
        self.reap();
    }

    /// Milliseconds until the server needs a round without any event (-1: never).
    pub fn poll_timeout(&self) -> i32 {
        let mut deadline = self.host.next_deadline();
        if self.hellos > 0
            && let Some(t) = self
                .conns
                .values()
                .filter(|c| matches!(c.kind, Kind::Hello))
                .map(|c| c.since + HELLO_TIMEOUT + Duration::from_millis(10))
                .min()
        {
            deadline = Some(deadline.map_or(t, |d| d.min(t)));
        }
        if let Some(t) = self.persist_failed_at {
            let retry = t + PERSIST_RETRY;
            deadline = Some(deadline.map_or(retry, |d| d.min(retry)));
        }
        // Output left over from a round budget: come back at once.
        if self.leftover {
            return 0;
        }
        match deadline {
            None => -1,
            Some(d) => {
                let ms = d
                    .saturating_duration_since(Instant::now())
                    .as_micros()
                    .div_ceil(1000);
                ms.min(i32::MAX as u128) as i32
            }
        }
    }

    fn add_conn(&mut self, fd: OwnedFd) -> Option<u64> {
        match sys::peer_cred(fd.as_raw_fd()) {
            Ok(peer) => self.add_conn_from(fd, peer),
            Err(e) => {
                warn!("dropping a connection without peer credentials: {e}");
                None
            }
        }
    }

    fn add_conn_from(&mut self, fd: OwnedFd, peer: libc::ucred) -> Option<u64> {
        let id = self.next_conn;
        if let Err(e) = self.epoll.add(fd.as_raw_fd(), POLL_IN, id) {
            warn!("dropping a connection: {e}");
            return None;
        }
        self.next_conn += 1;
        self.hellos += 1;
        self.conns.insert(
            id,
            Conn {
                fd,
                peer,
                kind: Kind::Hello,
                dead: false,
                since: Instant::now(),
                drained_in: 0,
            },
        );
        Some(id)
    }

    /// Reads up to `budget` datagrams from a connection and acts on them.
    fn read_conn(&mut self, id: u64, budget: usize, revents: i16) {
        let mut left = budget;
        while left > 0 {
            let Some(c) = self.conns.get(&id) else { return };
            if c.dead {
                return;
            }
            let fd = c.fd.as_raw_fd();
            let asked = left.min(READ_SLOTS);
            let batch = match sys::recv_batch(fd, &mut self.buf, MAX_DATAGRAM, asked) {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.mark_drained(id);
                    return;
                }
                Err(e) => {
                    debug!("connection {id}: {e}");
                    self.kill(id);
                    return;
                }
            };
            left -= batch.len();
            let drained = batch.len() < asked;
            for (slot, (n, cut)) in batch.into_iter().enumerate() {
                if self.conns.get(&id).is_none_or(|c| c.dead) {
                    return;
                }
                // Seqpacket shows end-of-file as a 0-byte read, like an empty datagram; the
                // hang-up flag tells them apart (an empty netlink datagram does nothing).
                if n == 0 {
                    let mut p = [sys::pollfd(fd, libc::POLLRDHUP)];
                    let hup = libc::POLLHUP | libc::POLLRDHUP | libc::POLLERR;
                    if revents & hup != 0
                        || (sys::poll(&mut p, 0).is_ok() && p[0].revents & hup != 0)
                    {
                        self.kill(id);
                        return;
                    }
                    continue;
                }
                if cut {
                    warn!("connection {id}: dropped a datagram over {MAX_DATAGRAM} bytes");
                    continue;
                }
                let at = slot * MAX_DATAGRAM;
                let datagram = self.buf[at..at + n].to_vec();
                self.handle_datagram(id, &datagram);
            }
            // A short batch met an empty queue; level-triggered epoll reports anything newer.
            if drained {
                self.mark_drained(id);
                return;
            }
        }
    }

    fn mark_drained(&mut self, id: u64) {
        if let Some(c) = self.conns.get_mut(&id) {
            c.drained_in = self.round;
        }
    }

    /// Whether the requests a data connection sent before now have all been read. A paced
    /// connection's supervisor runs a round (`handle_ready`) before it handles a trapped call
    /// whenever a connection was readable when it saw the call (it polls the listener before
    /// the server, and runs a round anyway when the call it got is not the one it polled,
    /// see `Supervisor::run`); so a queue found empty in the current round is still empty for the
    /// thread making the call (it sent nothing since the round began, or the round would
    /// have seen it). A send racing from another thread has no order with the call on Linux
    /// either.
    fn read_up_to_date(&self, id: u64) -> bool {
        matches!(
            self.conns.get(&id),
            Some(Conn { kind: Kind::Data(d), drained_in, .. }) if d.paced && *drained_in == self.round
        )
    }

    fn handle_datagram(&mut self, id: u64, datagram: &[u8]) {
        // An option change the program made before sending this applies to it, and to what
        // it causes for other sockets.
        self.take_wants();
        let Some(c) = self.conns.get_mut(&id) else {
            return;
        };
        match &mut c.kind {
            Kind::Hello => self.handle_hello(id, datagram),
            Kind::Control => {
                let reply = match Request::decode(datagram) {
                    Some(r) if r.payload.len() <= proto::MAX_CONTROL => self.handle_control(id, r),
                    _ => Reply::error(libc::EINVAL),
                };
                let Some(c) = self.conns.get(&id) else { return };
                // The client waits for each reply before the next request, so the socket
                // has room; if it does not, the client is misbehaving.
                if sys::send(c.fd.as_raw_fd(), &reply.encode(), libc::MSG_DONTWAIT).is_err() {
                    self.kill(id);
                }
            }
            Kind::Data(d)
                if let Some((level, name, value)) = proto::notes::read_option(datagram) =>
            {
                // A setsockopt the program made without a trap (options that cannot fail),
                // from a library without a status page.
                trace!("connection {id}: option note {level}/{name}");
                if let Err(e) = self.host.set_option(d.sock, level, name, &value) {
                    debug!("connection {id}: option note {level}/{name} failed with errno {e}");
                }
                self.to_flush.push(id);
            }
            Kind::Data(d) if let Some(len) = proto::notes::read_pace(datagram) => {
                // A receive the program made without a trap.
                d.reader_len = d.reader_len.max(len);
                self.host.reader_buf(d.sock, len);
                if reader_called(&self.host, d) {
                    self.to_flush.push(id);
                }
            }
            Kind::Data(d) => {
                let before = self.host.generation();
                let cred = d.cred;
                let sock = d.sock;
                // Errors from send are the netlink socket's own (e.g. EMSGSIZE); a client on
                // a seqpacket connection has no way to receive them, as Linux reports them
                // only to the sender's sendmsg call. They are logged.
                // A fresh seed per request, recorded with it, makes the journal replayable.
                let seed = next_seed(&mut self.rng, &mut self.host, self.store.is_some());
                // A read on a socket with nothing queued: its answer may go to the memo.
                let memo = (self.status.is_some()
                    && d.slot.is_some()
                    && status::memo_candidate(datagram)
                    && !self.host.has_output(sock))
                .then(|| (self.host.read_epoch(), self.host.stack().clock_reads()));
                if let Err(e) = self.host.send(sock, datagram, &cred) {
                    debug!("connection {id}: send failed with errno {e}");
                }
                if let (Some((epoch, clock)), Some(page)) = (memo, &self.status) {
                    memorize(page, &self.host, (sock, &cred), datagram, epoch, clock);
                }
                d.has_output = true;
                self.to_flush.push(id);
                let after = self.host.generation();
                if after != before {
                    d.changed = true;
                    if let Some(store) = &mut self.store {
                        store.record(&cred, seed, datagram);
                    }
                    info!(
                        "change by pid {} uid {}: {} (generation {after})",
                        cred.pid,
                        cred.uid,
                        describe(datagram)
                    );
                }
            }
        }
    }

    /// Applies the option changes and reader sizes the preload library wrote on the status
    /// page since the last look (see `status`, "Options"), as the notes it would otherwise
    /// have sent: one load when there are none.
    fn take_wants(&mut self) {
        let Some(page) = &self.status else {
            return;
        };
        let dirty = page.wants_dirty();
        if dirty == self.wants_seen {
            return;
        }
        // Seen first: a change written during the scan moves the word again.
        self.wants_seen = dirty;
        for (&id, c) in &mut self.conns {
            let Kind::Data(d) = &mut c.kind else {
                continue;
            };
            let Some((word, sent)) = d.slot.and_then(|slot| page.take_wants(slot)) else {
                continue;
            };
            trace!("connection {id}: option changes taken from the status page");
            let (options, reader_len) = status::read_wants(word);
            for (level, name, value) in options {
                if let Err(e) = self
                    .host
                    .set_option(d.sock, level, name, &value.to_ne_bytes())
                {
                    debug!("connection {id}: option {level}/{name} failed with errno {e}");
                }
            }
            if reader_len > d.reader_len {
                d.reader_len = reader_len;
                self.host.reader_buf(d.sock, reader_len);
            }
            // The options and key words first, then the count that says they are current.
            publish(Some(page), &self.host, d);
            if let Some(slot) = d.slot {
                page.wants_taken(slot, sent);
            }
            self.to_flush.push(id);
        }
    }

    fn handle_hello(&mut self, id: u64, datagram: &[u8]) {
        let hello = match Hello::decode(datagram) {
            Ok(h) => h,
            Err(why) => {
                if let Some(c) = self.conns.get_mut(&id) {
                    warn!(
                        "connection from pid {} uid {}: {why}",
                        c.peer.pid, c.peer.uid
                    );
                    c.dead = true;
                    self.reap_due = true;
                }
                return;
            }
        };
        let welcome = self.admit(id, hello);
        let Some(c) = self.conns.get_mut(&id) else {
            return;
        };
        // After a failed open the client has its errno; nothing more to serve.
        if sys::send(c.fd.as_raw_fd(), &welcome.encode(), libc::MSG_DONTWAIT).is_err() {
            c.dead = true;
            self.reap_due = true;
        }
    }

    /// Acts on a connection's handshake; a refused one is marked for closing.
    fn admit(&mut self, id: u64, hello: Hello) -> Welcome {
        let Some(c) = self.conns.get_mut(&id) else {
            return Welcome {
                status: libc::EBADF,
                token: 0,
            };
        };
        if matches!(c.kind, Kind::Hello) {
            self.hellos -= 1;
        }
        let peer = c.peer;
        let fd = c.fd.as_raw_fd();
        let welcome = match hello {
            Hello::Control => {
                c.kind = Kind::Control;
                debug!("control connection from pid {} uid {}", peer.pid, peer.uid);
                Welcome {
                    status: 0,
                    token: 0,
                }
            }
            Hello::Data(h) => {
                let cred = credentials(&self.config.policy, &peer, h.pid, h.uid, h.gid);
                let Credentials { uid, admin, .. } = cred;
                match self.host.open(h.pid, h.sock_type, h.protocol) {
                    Err(errno) => Welcome {
                        status: errno,
                        token: 0,
                    },
                    Ok(sock) => {
                        self.host.leave_send_size_to_transport(sock);
                        let token = self.next_token;
                        self.next_token = self.next_token.wrapping_add(1).max(1);
                        info!(
                            "netlink socket {sock} opened by pid {} uid {uid} via pid {}{}",
                            h.pid,
                            peer.pid,
                            if admin { " (admin)" } else { " (read-only)" }
                        );
                        let _ = sys::set_sndbuf(fd, DATA_SNDBUF);
                        c.kind = Kind::Data(Data {
                            sock,
                            token,
                            cred,
                            reader_len: 0,
                            pending: None,
                            polls_out: false,
                            paced: false,
                            dump_credit: 0,
                            has_output: false,
                            changed: false,
                            slot: None,
                            marks: h.marks,
                        });
                        self.by_token.insert(token, id);
                        self.by_sock.insert(sock, id);
                        self.host.attach_transport(sock, fd);
                        Welcome { status: 0, token }
                    }
                }
            }
        };
        if welcome.status != 0
            && let Some(c) = self.conns.get_mut(&id)
        {
            c.dead = true;
            self.reap_due = true;
        }
        welcome
    }

    fn handle_control(&mut self, id: u64, r: Request) -> Reply {
        if r.op == proto::OP_ALIVE {
            return self.alive(&r.payload);
        }
        let Some(peer) = self.conns.get(&id).map(|c| c.peer) else {
            return Reply::error(libc::EBADF);
        };
        if r.op == proto::OP_QUERY {
            return self.query(&peer, &r);
        }
        let ctl_pid = peer.pid;
        let Some(&data_id) = self.by_token.get(&r.token) else {
            return Reply::error(libc::EBADF);
        };
        if self.conns.get(&data_id).map(|c| c.peer.pid) != Some(ctl_pid) {
            return Reply::error(libc::EBADF);
        }
        self.control_op(data_id, r)
    }

    /// A control request from the embedding supervisor, which may name any socket.
    fn control_direct(&mut self, r: Request) -> Reply {
        if r.op == proto::OP_ALIVE {
            return self.alive(&r.payload);
        }
        if r.op == proto::OP_QUERY {
            return self.query(&own_credentials(), &r);
        }
        match self.by_token.get(&r.token) {
            Some(&data_id) => self.control_op(data_id, r),
            None => Reply::error(libc::EBADF),
        }
    }

    /// OP_QUERY: a request answered on a socket of its own, for a process whose ids the
    /// client claims (as in a data handshake, they can only lower the peer's rights).
    fn query(&mut self, peer: &libc::ucred, r: &Request) -> Reply {
        let cred = credentials(&self.config.policy, peer, r.name as u32, r.a, r.b);
        let before = self.host.generation();
        let seed = next_seed(&mut self.rng, &mut self.host, self.store.is_some());
        let mut answer = self.host.query(&cred, &r.payload, proto::MAX_QUERY_ANSWER);
        if self.host.generation() != before {
            info!(
                "change by pid {} uid {} (interface ioctl): {}",
                cred.pid,
                cred.uid,
                describe(&r.payload)
            );
            if let Some(store) = &mut self.store {
                // Replayed like a socket's request; the answer leaves once it is on disk.
                store.record(&cred, seed, &r.payload);
                self.persist_if_changed();
                if self.persist_failed_at.is_some() {
                    return Reply::error(libc::EIO);
                }
            }
        }
        // The answer must fit one control datagram.
        let mut end = 0;
        for m in crate::wire::MessageIter::new(&answer) {
            let next = end + crate::wire::align4(m.bytes.len());
            if next > proto::MAX_QUERY_ANSWER {
                break;
            }
            end = next;
        }
        answer.truncate(end);
        Reply {
            payload: answer,
            ..Reply::default()
        }
    }

    /// Which of the tokens in `payload` are still open.
    fn alive(&self, payload: &[u8]) -> Reply {
        let alive: Vec<u8> = payload
            .chunks_exact(4)
            .filter_map(|t| t.try_into().ok().map(u32::from_le_bytes))
            .filter(|t| self.by_token.contains_key(t))
            .flat_map(|t| t.to_le_bytes())
            .collect();
        Reply {
            payload: alive,
            ..Reply::default()
        }
    }

    fn control_op(&mut self, data_id: u64, r: Request) -> Reply {
        // Requests sent before this operation come first, as on Linux.
        if !self.read_up_to_date(data_id) {
            self.read_conn(data_id, DRAIN_LIMIT, 0);
        }
        let Some(Conn {
            kind: Kind::Data(d),
            ..
        }) = self.conns.get_mut(&data_id)
        else {
            return Reply::error(libc::EBADF);
        };
        let s = d.sock;
        // Any operation may make output appear (e.g. a larger reader buffer resumes a dump).
        d.has_output = true;
        self.to_flush.push(data_id);
        let done = |res: Result<(), i32>| match res {
            Ok(()) => Reply::default(),
            Err(e) => Reply::error(e),
        };
        match r.op {
            proto::OP_BIND => done(self.host.bind(s, r.a, r.b)),
            proto::OP_CONNECT => done(self.host.connect(s, r.a, r.b)),
            proto::OP_GETSOCKNAME | proto::OP_GETPEERNAME => {
                let a = if r.op == proto::OP_GETSOCKNAME {
                    self.host.local_addr(s)
                } else {
                    self.host.peer_addr(s)
                };
                Reply {
                    a: a.port_id,
                    b: a.groups,
                    ..Reply::default()
                }
            }
            proto::OP_SETSOCKOPT => done(self.host.set_option(s, r.level, r.name, &r.payload)),
            proto::OP_GETSOCKOPT => match self.host.get_option(s, r.level, r.name) {
                Ok(v) => Reply {
                    payload: v,
                    ..Reply::default()
                },
                Err(e) => Reply::error(e),
            },
            proto::OP_READER_LEN => {
                d.reader_len = d.reader_len.max(r.a as usize);
                Reply::default()
            }
            proto::OP_SYNC => {
                // Acknowledgements may only leave once their changes are on disk.
                self.persist_if_changed();
                self.flush(data_id);
                Reply::default()
            }
            _ => Reply::error(libc::EOPNOTSUPP),
        }
    }

    /// Puts this round's journaled changes on disk. On failure the connections that made
    /// them are dropped unacknowledged (their changes may or may not survive a crash, which
    /// is what "unacknowledged" allows) and writing is retried.
    fn persist_if_changed(&mut self) {
        // Most rounds change nothing: they must not cost a pass over every connection.
        let result = match &mut self.store {
            Some(store) if store.has_pending() => store.commit(&self.host),
            _ => return,
        };
        match result {
            Ok(()) => {
                self.persist_failed_at = None;
                for c in self.conns.values_mut() {
                    if let Kind::Data(d) = &mut c.kind {
                        d.changed = false;
                    }
                }
            }
            Err(e) => {
                let path = self.config.state_file.as_deref().unwrap_or(Path::new("?"));
                error!(
                    "cannot save state to {}: {e}; changes are not acknowledged until it works",
                    path.display()
                );
                self.persist_failed_at = Some(Instant::now());
                for c in self.conns.values_mut() {
                    if let Kind::Data(d) = &mut c.kind
                        && d.changed
                    {
                        c.dead = true;
                        self.reap_due = true;
                    }
                }
            }
        }
    }

    /// Delivers output: this round's changes are persisted first (no ACK leaves before its
    /// change is on disk), then every socket with output gets what its connection takes.
    fn settle(&mut self) {
        self.persist_if_changed();
        for s in self.host.take_woken() {
            if let Some(&id) = self.by_sock.get(&s)
                && let Some(Conn {
                    kind: Kind::Data(d),
                    ..
                }) = self.conns.get_mut(&id)
            {
                d.has_output = true;
                self.to_flush.push(id);
            }
        }
        if !self.holding {
            self.flush_all();
        }
    }

    /// Flushes the connections marked for it since the last round: a round costs what
    /// happened in it, not the number of connections.
    fn flush_all(&mut self) {
        self.leftover = false;
        for id in std::mem::take(&mut self.to_flush) {
            self.flush(id);
        }
    }

    /// Moves output from the engine to the connection while it can take it.
    fn flush(&mut self, id: u64) {
        let Some(c) = self.conns.get_mut(&id) else {
            return;
        };
        if c.dead {
            return;
        }
        let fd = c.fd.as_raw_fd();
        let Kind::Data(d) = &mut c.kind else { return };
        if !d.has_output && d.pending.is_none() {
            publish(self.status.as_deref(), &self.host, d);
            return;
        }
        let mut budget = ROUND_BUDGET;
        loop {
            if budget == 0 {
                // Come back at once, after the others had their turn.
                self.leftover = true;
                self.to_flush.push(id);
                break;
            }
            budget -= 1;
            // Linux reports an overrun before anything queued. What is in the connection
            // cannot be overtaken there, so the overrun waits in the engine for the next
            // receive (the status page makes it trap), and what follows waits behind it.
            // Into an empty connection it goes as the marker, which wakes a poll.
            if d.pending.is_none()
                && d.paced
                && self.host.overrun_pending(d.sock)
                && sys::unread_by_peer(fd).map_or(true, |n| n > 0)
            {
                break;
            }
            if d.pending.is_none() {
                d.pending = next_output(&mut self.host, d);
                if d.pending.is_none() {
                    d.has_output = false;
                    break;
                }
            }
            let Some(p) = &d.pending else { break };
            let big = p.len() + SKB_OVERHEAD > 2 * DATA_SNDBUF as usize;
            if big {
                let _ = sys::set_sndbuf(fd, (p.len() + SKB_OVERHEAD) as i32);
            }
            let sent = sys::send(fd, p, libc::MSG_DONTWAIT);
            if big {
                let _ = sys::set_sndbuf(fd, DATA_SNDBUF);
            }
            match sent {
                Ok(_) => d.pending = None,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => {
                    debug!("connection {id}: {e}");
                    c.dead = true;
                    self.reap_due = true;
                    return;
                }
            }
        }
        publish(self.status.as_deref(), &self.host, d);
        // Poll for room only while a datagram waits for it.
        let want_out = d.pending.is_some();
        if want_out != d.polls_out {
            d.polls_out = want_out;
            let events = if want_out {
                POLL_IN | POLL_OUT
            } else {
                POLL_IN
            };
            if let Err(e) = self.epoll.modify(fd, events, id) {
                warn!("connection {id}: {e}");
                c.dead = true;
                self.reap_due = true;
            }
        }
    }

    fn kill(&mut self, id: u64) {
        if let Some(c) = self.conns.get_mut(&id) {
            c.dead = true;
            self.reap_due = true;
        }
    }

    fn reap(&mut self) {
        // A connection that never says hello only holds a descriptor: let it go.
        let now = Instant::now();
        for c in self.conns.values_mut().filter(|_| self.hellos > 0) {
            if matches!(c.kind, Kind::Hello) && now.duration_since(c.since) > HELLO_TIMEOUT {
                debug!(
                    "dropping a connection from pid {} without handshake",
                    c.peer.pid
                );
                c.dead = true;
                self.reap_due = true;
            }
        }
        if !std::mem::take(&mut self.reap_due) {
            return;
        }
        let dead: Vec<u64> = self
            .conns
            .iter()
            .filter(|(_, c)| c.dead)
            .map(|(id, _)| *id)
            .collect();
        for id in dead {
            let Some(c) = self.conns.remove(&id) else {
                continue;
            };
            let _ = self.epoll.delete(c.fd.as_raw_fd());
            match c.kind {
                Kind::Hello => self.hellos -= 1,
                Kind::Control => {}
                Kind::Data(d) => {
                    if let (Some(p), Some(slot)) = (&self.status, d.slot) {
                        p.detach(slot);
                    }
                    self.host.close(d.sock);
                    self.by_token.remove(&d.token);
                    self.by_sock.remove(&d.sock);
                    info!("netlink socket {} closed (pid {})", d.sock, d.cred.pid);
                }
            }
        }
    }
}

/// Tells the preload library whether the server may have output for `d`'s socket (what
/// waits for room in the connection, what is queued, or a running dump), whether an
/// overrun waits to be reported, its local address and the options getsockopt gives.
/// Every operation on a socket flushes it, so this runs after each.
fn publish(page: Option<&StatusPage>, host: &Host, d: &Data) {
    if let (Some(p), Some(slot)) = (page, d.slot) {
        let a = host.local_addr(d.sock);
        let int = |level, name| host.int_option(d.sock, level, name);
        let rcvbuf = int(libc::SOL_SOCKET, libc::SO_RCVBUF).unwrap_or(0) as u32;
        let state = status::SlotState {
            holds: d.pending.is_some() || host.has_output(d.sock),
            overrun: host.overrun_pending(d.sock),
            address: (a.port_id, a.groups),
            key: memo_key_word(host, d.sock, &d.cred),
            options: status::options_word(rcvbuf, |name| int(libc::SOL_NETLINK, name) == Ok(1)),
        };
        p.publish(slot, &state);
    }
}

/// The status page's key word for `sock` of a process with `cred` (0: no such socket).
fn memo_key_word(host: &Host, sock: SockId, cred: &Credentials) -> u64 {
    host.memo_key(sock)
        .map_or(0, |(ns, strict, ext_ack, cap_ack)| {
            status::key_word(ns, strict, ext_ack, cap_ack, cred.admin)
        })
}

/// Keeps the answer `host` just queued for `datagram` on `sock` (of a process with `cred`)
/// in the status page's memo, if it made it without changing anything or reading the clock
/// (see `status`).
fn memorize(
    page: &StatusPage,
    host: &Host,
    (sock, cred): (SockId, &Credentials),
    datagram: &[u8],
    epoch: u64,
    clock: u64,
) {
    if host.read_epoch() != epoch || host.stack().clock_reads() != clock {
        return;
    }
    let key = memo_key_word(host, sock, cred);
    if let Some(answer) = host.sole_output(sock).filter(|_| key != 0) {
        page.memorize(datagram, key, epoch, answer);
    }
}

/// A receive call on a paced connection's socket (trapped, or told by a pace note): as
/// Linux's recvmsg, it lets a running dump make its next part — one per call, and at most
/// one more waiting. Whether there is output to flush.
fn reader_called(host: &Host, d: &mut Data) -> bool {
    if !host.dump_running(d.sock) {
        return false;
    }
    d.dump_credit = (d.dump_credit + 1).min(2);
    d.has_output = true;
    true
}

/// The next datagram the engine has for a data connection's socket: what is queued, then
/// (paced connections only as the reader's calls ask) the next part of a running dump.
/// On a connection whose reader takes marks out (exec's, see `proto::notes::mark`), a
/// multicast datagram carries its group.
fn next_output(host: &mut Host, d: &mut Data) -> Option<Vec<u8>> {
    let mut next = host.recv_queued_with_group(d.sock, d.reader_len);
    if next.is_none() && (!d.paced || d.dump_credit > 0) {
        next = host.recv_with_group(d.sock, d.reader_len);
        if next.is_some() {
            d.dump_credit = d.dump_credit.saturating_sub(1);
        }
    }
    next.map(|(group, o)| match o {
        Outgoing::Datagram(mut v) => {
            if d.marks && group != 0 {
                mark_group(&mut v, group);
            }
            v
        }
        Outgoing::Overrun => proto::overrun_marker(),
    })
}

/// Marks `group` into a multicast datagram (one message) for its reader to take out.
fn mark_group(datagram: &mut [u8], group: u32) {
    use proto::notes;
    let at = notes::FLAGS_AT;
    if let Some(f) = datagram.get_mut(at..at + 2)
        && group <= notes::MARK_MAX_GROUP
    {
        let flags = notes::mark(u16::from_ne_bytes([f[0], f[1]]), group);
        f.copy_from_slice(&flags.to_ne_bytes());
    }
}

/// A fresh seed for the engine's random choices in the next request; a journaled request is
/// recorded with it, so that replaying the journal makes the same choices.
fn next_seed(rng: &mut u64, host: &mut Host, journaled: bool) -> u64 {
    *rng ^= *rng << 13;
    *rng ^= *rng >> 7;
    *rng ^= *rng << 17;
    if journaled {
        host.seed(*rng);
    }
    *rng
}

/// The rights of a process whose ids a peer claims. The claimed ids can only lower the
/// peer's rights; a root peer (a supervisor run by root) speaks for the process it serves.
fn credentials(policy: &Policy, peer: &libc::ucred, pid: u32, uid: u32, gid: u32) -> Credentials {
    let admin = policy.allows(peer.uid, peer.gid) && policy.allows(uid, gid);
    let (uid, gid) = if peer.uid == 0 {
        (uid, gid)
    } else {
        (peer.uid, peer.gid)
    };
    Credentials {
        pid,
        uid,
        gid,
        admin,
    }
}

/// `nlroute serve`'s loop: accepts on `listener` and serves until `stop` becomes readable.
fn serve(server: &mut Server, listener: &OwnedFd, stop: Option<RawFd>) -> io::Result<()> {
    let mut accept_paused_until: Option<Instant> = None;
    loop {
        // While out of descriptors, a pending connection would wake every poll: back off.
        let accepting = accept_paused_until.is_none_or(|t| Instant::now() >= t);
        let mut pfds = [
            sys::pollfd(
                if accepting { listener.as_raw_fd() } else { -1 },
                libc::POLLIN,
            ),
            sys::pollfd(stop.unwrap_or(-1), libc::POLLIN),
            sys::pollfd(server.ready_fd(), libc::POLLIN),
        ];
        let mut timeout = server.poll_timeout();
        if !accepting {
            timeout = if timeout < 0 {
                ACCEPT_PAUSE.as_millis() as i32
            } else {
                timeout.min(ACCEPT_PAUSE.as_millis() as i32)
            };
        }
        sys::poll(&mut pfds, timeout)?;

        if pfds[1].revents != 0 {
            info!("stopping");
            return Ok(());
        }
        if pfds[0].revents != 0 {
            for _ in 0..ROUND_BUDGET {
                match sys::accept(listener.as_raw_fd()) {
                    Ok(Some(fd)) => {
                        server.add_conn(fd);
                    }
                    Ok(None) => break,
                    Err(e) => {
                        // EMFILE and friends: keep serving the others.
                        warn!("accept failed: {e}; pausing new connections");
                        accept_paused_until = Some(Instant::now() + ACCEPT_PAUSE);
                        break;
                    }
                }
            }
        }
        server.handle_ready();
    }
}

/// Names the request types in a datagram, for the change log.
fn describe(datagram: &[u8]) -> String {
    let mut names = Vec::new();
    let mut off = 0;
    while let Some(h) = datagram.get(off..off + 16) {
        let len = u32::from_ne_bytes([h[0], h[1], h[2], h[3]]) as usize;
        let ty = u16::from_ne_bytes([h[4], h[5]]);
        names.push(match ty {
            16 => "RTM_NEWLINK".to_string(),
            17 => "RTM_DELLINK".to_string(),
            19 => "RTM_SETLINK".to_string(),
            20 => "RTM_NEWADDR".to_string(),
            21 => "RTM_DELADDR".to_string(),
            t => format!("type {t}"),
        });
        if len < 16 || names.len() > 8 {
            break;
        }
        off += (len + 3) & !3;
    }
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const RTM_GETLINK: u16 = 18;
    const NLMSG_DONE: u16 = 3;
    const NLM_F_REQUEST_DUMP: u16 = 0x301;

    fn getlink_dump() -> Vec<u8> {
        let mut m = Vec::new();
        m.extend_from_slice(&32u32.to_ne_bytes());
        m.extend_from_slice(&RTM_GETLINK.to_ne_bytes());
        m.extend_from_slice(&NLM_F_REQUEST_DUMP.to_ne_bytes());
        m.extend_from_slice(&[0; 8]); // seq, port id
        m.extend_from_slice(&[0; 16]); // ifinfomsg
        m
    }

    /// Reads what the connection holds; whether NLMSG_DONE was among it.
    fn read_all(fd: RawFd) -> bool {
        let mut done = false;
        let mut buf = vec![0u8; 65536];
        while let Ok(n) = sys::recv(fd, &mut buf, libc::MSG_DONTWAIT) {
            let mut off = 0;
            while off + 16 <= n {
                let len = u32::from_ne_bytes([buf[off], buf[off + 1], buf[off + 2], buf[off + 3]]);
                done |= u16::from_ne_bytes([buf[off + 4], buf[off + 5]]) == NLMSG_DONE;
                off += (len as usize).next_multiple_of(4).max(16);
            }
        }
        done
    }

    /// A raw socket of pid 4242, uid 0.
    fn test_hello() -> proto::DataHello {
        proto::DataHello {
            pid: 4242,
            sock_type: libc::SOCK_RAW,
            protocol: 0,
            uid: 0,
            gid: 0,
            marks: true,
        }
    }

    /// RTM_GETLINK for ifindex 1 with sequence number `seq`.
    fn getlink_lo(seq: u32) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend_from_slice(&32u32.to_ne_bytes());
        m.extend_from_slice(&RTM_GETLINK.to_ne_bytes());
        m.extend_from_slice(&1u16.to_ne_bytes()); // NLM_F_REQUEST
        m.extend_from_slice(&seq.to_ne_bytes());
        m.extend_from_slice(&[0; 4]); // port id
        m.extend_from_slice(&[0; 4]); // family, pad, type
        m.extend_from_slice(&1i32.to_ne_bytes());
        m.extend_from_slice(&[0; 8]); // flags, change
        m
    }

    /// A request handed over during the program's send (the preload library's gate) is
    /// handled after what the socket sent before, and answered by the time it returns.
    #[test]
    fn a_submitted_request_comes_after_what_the_socket_sent_before() {
        let shared = Shared::new(Server::new(Config::default()).expect("server"));
        let (fd, welcome) = shared.open_data(test_hello()).expect("socket");
        sys::send(fd.as_raw_fd(), &getlink_lo(1), 0).expect("send");
        assert!(shared.submit(welcome.token, &getlink_lo(2)));
        shared.release();
        let mut buf = vec![0u8; 65536];
        let mut seqs = Vec::new();
        while let Ok(n) = sys::recv(fd.as_raw_fd(), &mut buf, libc::MSG_DONTWAIT) {
            assert!(n >= 16, "a netlink message");
            seqs.push(u32::from_ne_bytes([buf[8], buf[9], buf[10], buf[11]]));
        }
        assert_eq!(seqs, [1, 2], "answers in the order of the requests");
        // A socket the server does not know: the send goes on natively, and no round
        // stays open (nobody would release it).
        assert!(!shared.submit(welcome.token.wrapping_add(1), &getlink_lo(3)));
        let page = shared
            .inspect(|s| s.status().cloned())
            .expect("a status page");
        let ino = sys::inode(fd.as_raw_fd()).expect("inode");
        assert_eq!(page.look(ino).0 % 2, 0, "no round left open");
    }

    /// What exec's preload library reads on the status page follows each operation.
    #[test]
    fn the_status_page_follows_each_socket() {
        let shared = Shared::new(Server::new(Config::default()).expect("server"));
        let page = shared
            .inspect(|s| s.status().cloned())
            .expect("a status page");
        let (fd, welcome) = shared.open_data(test_hello()).expect("socket");
        assert_eq!(welcome.status, 0);
        let ino = sys::inode(fd.as_raw_fd()).expect("inode");
        let (round, seen) = page.look(ino);
        assert_eq!(round % 2, 0, "no round under way");
        assert_eq!(seen, Some((false, 0)), "new: nothing held, not bound");

        let bind = Request {
            op: proto::OP_BIND,
            token: welcome.token,
            b: 1,
            ..Request::default()
        };
        assert_eq!(shared.control(bind).status, 0);
        let address = page.look(ino).1.expect("slot").1;
        assert_eq!(
            (address as u32, address >> 32),
            (4242, 1),
            "port id, groups"
        );

        // A dump runs as the reader asks: held until its last part is out.
        sys::send(fd.as_raw_fd(), &getlink_dump(), 0).expect("send");
        shared.round(true);
        assert_eq!(
            page.look(ino).0 % 2,
            1,
            "output held: the round is not over"
        );
        shared.release();
        let (round, seen) = page.look(ino);
        assert_eq!(round % 2, 0, "released");
        assert_eq!(seen, Some((true, address)), "the dump is running");
        let mut done = false;
        for _ in 0..100 {
            shared.reader_called(welcome.token);
            if read_all(fd.as_raw_fd()) {
                done = true;
                break;
            }
        }
        assert!(done, "the dump ended");
        assert_eq!(page.look(ino).1, Some((false, address)));

        // Closed: the slot goes.
        drop(fd);
        shared.round(false);
        assert_eq!(page.look(ino).1, None);
    }
}
