//! Netlink socket semantics over the rtnetlink engine, independent of any transport: port
//! ids, multicast groups, SOL_NETLINK options, bounded receive queues with overrun, dumps
//! produced as the reader reads, and delivery of notifications to group members.

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use crate::rtnl::{self, Caused, Dump, NlError, Reply, Request};
use crate::stack::{Event, NsId, Stack};
use crate::wire::consts::*;
use crate::wire::msg::MessageIter;
use crate::wire::{NLMSG_HDRLEN, Writer};

pub type SockId = u32;

/// What a reader receives next.
#[derive(Debug, PartialEq, Eq)]
pub enum Outgoing {
    Datagram(Vec<u8>),
    /// The socket overran; the reader gets ENOBUFS once.
    Overrun,
}

/// Who sent a request, and whether it may change state (CAP_NET_ADMIN).
#[derive(Clone, Copy, Debug)]
pub struct Credentials {
    pub pid: u32,
    pub uid: u32,
    pub gid: u32,
    pub admin: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SockAddr {
    pub port_id: u32,
    pub groups: u32,
}

/// Socket buffer sizes as the net.core sysctls set them: what a new socket gets and the
/// most SO_RCVBUF / SO_SNDBUF may ask for (before Linux doubles it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BufferLimits {
    pub rmem_default: usize,
    pub rmem_max: usize,
    pub wmem_default: usize,
    pub wmem_max: usize,
}

impl Default for BufferLimits {
    /// Linux's built-in values (SK_RMEM_MAX / SK_WMEM_MAX on 64-bit).
    fn default() -> Self {
        BufferLimits {
            rmem_default: 212_992,
            rmem_max: 212_992,
            wmem_default: 212_992,
            wmem_max: 212_992,
        }
    }
}
/// Minimum receive buffer Linux enforces (SOCK_MIN_RCVBUF).
const RCVBUF_MIN: usize = 2304;
/// Largest dump part, as netlink_dump caps the allocation (SKB_WITH_OVERHEAD(32768)).
const DUMP_PART_MAX: usize = 32768 - 320;
/// Dump part size before the reader has shown a larger buffer (NLMSG_GOODSIZE).
const DUMP_PART_MIN: usize = 4096 - 320;
/// One past the last multicast group a NETLINK_ROUTE socket can join: the family has
/// RTNLGRP_MAX groups (39 in Linux 6.18, RTNLGRP_IPV6_ACADDR).
const MAX_GROUPS: u32 = 40;

/// SOL_SOCKET options a netlink socket answers otherwise than the unix socket a transport
/// may carry it on: it has no peer, no peek offset (no set_peek_off) and passes no rights
/// or pidfds (AF_UNIX only).
pub const SO_PEERCRED: i32 = 17;
pub const SO_PEEK_OFF: i32 = 42;
pub const SO_PEERGROUPS: i32 = 59;
pub const SO_PASSPIDFD: i32 = 76;
pub const SO_PEERPIDFD: i32 = 77;
pub const SO_PASSRIGHTS: i32 = 83;
/// The options among those that setsockopt refuses (EOPNOTSUPP; the rest, read-only, get
/// ENOPROTOOPT from the transport as from Linux).
pub const NOT_NETLINK_SETSOCKOPT: [i32; 3] = [SO_PEEK_OFF, SO_PASSPIDFD, SO_PASSRIGHTS];
pub const NOT_NETLINK_GETSOCKOPT: [i32; 6] = [
    SO_PEERCRED,
    SO_PEEK_OFF,
    SO_PEERGROUPS,
    SO_PASSPIDFD,
    SO_PEERPIDFD,
    SO_PASSRIGHTS,
];

#[derive(Debug)]
struct Sock {
    ns: NsId,
    pid: u32,
    sock_type: i32,
    port_id: u32,
    bound: bool,
    groups: u64,
    /// netlink_realloc_groups ran (a bind with groups, a membership change): from then on
    /// NETLINK_LIST_MEMBERSHIPS reports the family's groups, before it reports none.
    groups_sized: bool,
    peer: SockAddr,
    ext_ack: bool,
    cap_ack: bool,
    strict: bool,
    no_enobufs: bool,
    pktinfo: bool,
    broadcast_error: bool,
    listen_all_nsid: bool,
    rcvbuf: usize,
    sndbuf: usize,
    /// The transport caps request datagrams itself (see `leave_send_size_to_transport`).
    send_size_by_transport: bool,
    /// Datagrams to read, each with the multicast group it was sent to (0: unicast), as
    /// Linux's NETLINK_CB(skb).dst_group, which recvmsg reports.
    queue: VecDeque<(u32, Vec<u8>)>,
    /// What the queue holds, counted as Linux counts sk_rmem_alloc (see [`truesize`]).
    queued: usize,
    /// ENOBUFS waits to be reported (sk_err).
    overrun: bool,
    /// Dropping everything since an overrun, until the reader has emptied the queue
    /// (NETLINK_S_CONGESTED).
    congested: bool,
    /// The transport's handle for this socket, for [`Backlog`] (see `attach_transport`).
    transport: Option<i32>,
    dump: Option<Dump>,
    dump_ext_ack: bool,
    max_reader_buf: usize,
    woken: bool,
}

/// The whole emulated kernel side: the stack and every netlink socket on it.
pub struct Host {
    stack: Stack,
    socks: Vec<Option<Sock>>,
    free: Vec<SockId>,
    ports: HashMap<(NsId, u32), SockId>,
    woken: Vec<SockId>,
    rover: u32,
    backlog: Option<Backlog>,
    limits: BufferLimits,
    /// Requests other than reads, and timer runs, so far (see [`Host::read_epoch`]).
    non_reads: u64,
}

/// What a socket's transport holds that its reader has not read yet, asked by the handle
/// the transport gave the socket, in bytes counted as [`truesize`] counts them: part of
/// the socket's receive queue for Linux's accounting.
pub type Backlog = fn(i32) -> usize;

/// Most a transport may hold for one socket without being asked (see [`Backlog`]): below
/// this much room, admission asks it.
const BACKLOG_UNASKED: usize = 64 * 1024;

impl Default for Host {
    fn default() -> Self {
        Self::new()
    }
}

impl Host {
    /// A fresh namespace: only `lo`, down.
    pub fn new() -> Host {
        Host::with_stack(Stack::new())
    }

    pub fn with_stack(stack: Stack) -> Host {
        Host {
            stack,
            socks: Vec::new(),
            free: Vec::new(),
            ports: HashMap::new(),
            woken: Vec::new(),
            rover: (-4096i32) as u32,
            backlog: None,
            limits: BufferLimits::default(),
            non_reads: 0,
        }
    }

    /// Buffer sizes for sockets opened from now on and for SO_RCVBUF / SO_SNDBUF (the
    /// host's net.core sysctls, say, so that a program gets what Linux would give it here).
    pub fn set_buffer_limits(&mut self, limits: BufferLimits) {
        self.limits = limits;
    }

    /// Lets admission to receive queues count what the transport holds for each socket
    /// that has a handle (without, a transport is taken to hold nothing).
    pub fn set_backlog(&mut self, backlog: Backlog) {
        self.backlog = Some(backlog);
    }

    /// The transport's handle for socket `s` (its connection's descriptor, say), which
    /// [`Backlog`] is asked with.
    pub fn attach_transport(&mut self, s: SockId, handle: i32) {
        if let Some(sock) = self.sock_mut(s) {
            sock.transport = Some(handle);
        }
    }

    /// Adds `bytes` to `s`'s receive queue if it may join, as netlink_broadcast_deliver and
    /// netlink_attachskb decide (Linux 6.x adds, then checks): when the queue (with what the
    /// transport holds) is empty or stays within SO_RCVBUF with it, and the socket is not
    /// congested. A refusal is an overrun.
    fn admit(&mut self, s: SockId, group: u32, bytes: Vec<u8>) {
        let backlog = self.backlog;
        let Some(sock) = self.sock_mut(s) else { return };
        let unasked = sock.queued + BACKLOG_UNASKED <= sock.rcvbuf && !sock.congested;
        let held = match (backlog, sock.transport) {
            (Some(b), Some(h)) if !unasked => b(h),
            _ => 0,
        };
        // netlink_rcv_wake: a reader that emptied the queue ended the congestion.
        if sock.congested && sock.queue.is_empty() && held == 0 {
            sock.congested = false;
        }
        let before = sock.queued + held;
        let fits = before == 0 || before + truesize(bytes.len()) <= sock.rcvbuf;
        if sock.congested || !fits {
            // netlink_overrun: the error once per congestion, unless NETLINK_NO_ENOBUFS.
            if !sock.no_enobufs && !sock.congested {
                sock.congested = true;
                sock.overrun = true;
            }
            return;
        }
        sock.queued += truesize(bytes.len());
        sock.queue.push_back((group, bytes));
    }

    pub fn stack(&self) -> &Stack {
        &self.stack
    }
    /// The stack, to change it: answers to reads may change with it (see [`read_epoch`]).
    ///
    /// [`read_epoch`]: Host::read_epoch
    pub fn stack_mut(&mut self) -> &mut Stack {
        self.non_reads += 1;
        &mut self.stack
    }

    /// Seeds the stack's random choices (journal replay): no change to what reads answer.
    pub fn seed(&mut self, seed: u64) {
        self.stack.seed(seed);
    }

    /// Moves whenever the answer to a request that changes nothing (a read, or one refused
    /// before it did anything) may have changed: with every change to the stack, every
    /// request that is neither and every timer run, whatever it did. Equal epochs and an
    /// answer made without reading the clock mean the same request gets the same answer
    /// (port id and sequence number aside) on any socket with the same [`memo_key`].
    /// exec's preload library answers such requests with it.
    ///
    /// [`memo_key`]: Host::memo_key
    pub fn read_epoch(&self) -> u64 {
        self.non_reads + self.stack.generation
    }

    /// What answers on socket `s` depend on besides the request and the state: its
    /// namespace and the options that shape replies (see `server::status::key_word`).
    pub fn memo_key(&self, s: SockId) -> Option<(u32, bool, bool, bool)> {
        let x = self.sock(s)?;
        Some((x.ns as u32, x.strict, x.ext_ack, x.cap_ack))
    }

    /// The only datagram queued for `s`, when nothing else waits for it (no dump, no overrun).
    pub fn sole_output(&self, s: SockId) -> Option<&[u8]> {
        let x = self.sock(s)?;
        match x.queue.front() {
            Some((0, d)) if x.queue.len() == 1 && x.dump.is_none() && !x.overrun => Some(d),
            _ => None,
        }
    }

    fn sock(&self, s: SockId) -> Option<&Sock> {
        self.socks.get(s as usize).and_then(|x| x.as_ref())
    }
    fn sock_mut(&mut self, s: SockId) -> Option<&mut Sock> {
        self.socks.get_mut(s as usize).and_then(|x| x.as_mut())
    }

    /// socket(AF_NETLINK, sock_type, protocol) in the first namespace.
    pub fn open(&mut self, pid: u32, sock_type: i32, protocol: i32) -> Result<SockId, i32> {
        self.open_in(0, pid, sock_type, protocol)
    }

    /// socket() in a given namespace.
    pub fn open_in(
        &mut self,
        ns: NsId,
        pid: u32,
        sock_type: i32,
        protocol: i32,
    ) -> Result<SockId, i32> {
        let base_type = sock_type & !(libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK);
        if base_type != libc::SOCK_RAW && base_type != libc::SOCK_DGRAM {
            return Err(libc::ESOCKTNOSUPPORT);
        }
        if protocol != NETLINK_ROUTE {
            return Err(libc::EPROTONOSUPPORT);
        }
        if ns >= self.stack.namespaces.len() {
            return Err(libc::EINVAL);
        }
        let limits = self.limits;
        let sock = Sock {
            ns,
            pid,
            sock_type: base_type,
            port_id: 0,
            bound: false,
            groups: 0,
            peer: SockAddr::default(),
            ext_ack: false,
            cap_ack: false,
            strict: false,
            no_enobufs: false,
            pktinfo: false,
            groups_sized: false,
            broadcast_error: false,
            listen_all_nsid: false,
            rcvbuf: limits.rmem_default,
            sndbuf: limits.wmem_default,
            send_size_by_transport: false,
            queue: VecDeque::new(),
            queued: 0,
            overrun: false,
            congested: false,
            transport: None,
            dump: None,
            dump_ext_ack: false,
            max_reader_buf: 0,
            woken: false,
        };
        Ok(match self.free.pop() {
            Some(id) => {
                self.socks[id as usize] = Some(sock);
                id
            }
            None => {
                self.socks.push(Some(sock));
                (self.socks.len() - 1) as SockId
            }
        })
    }

    /// For a transport whose client socket bounds its sends itself: a unix socket refuses a
    /// datagram over its SO_SNDBUF - 32 bytes in the sender's own call (EMSGSIZE), the check
    /// netlink_sendmsg makes, while an error from here could only be logged. The program's
    /// SO_SNDBUF then lands on that socket, and this one accepts any size.
    pub fn leave_send_size_to_transport(&mut self, s: SockId) {
        if let Some(sock) = self.sock_mut(s) {
            sock.send_size_by_transport = true;
        }
    }

    /// Answers a request for a transport (the interface ioctls of `exec`) on a socket of
    /// its own. The socket takes no port id, so the program's sockets cannot tell it was
    /// there, and it is closed before returning. Returns the answer's messages, stopping
    /// (a dump abandoned) once they exceed `limit` bytes.
    pub fn query(&mut self, cred: &Credentials, request: &[u8], limit: usize) -> Vec<u8> {
        let Ok(s) = self.open(cred.pid, libc::SOCK_RAW, NETLINK_ROUTE) else {
            return Vec::new();
        };
        if let Some(sock) = self.sock_mut(s) {
            // Bound without a port: nothing can be sent to it and autobind leaves it alone.
            sock.bound = true;
            sock.strict = true;
            sock.rcvbuf = 1 << 26;
        }
        let mut out = Vec::new();
        if self.send(s, request, cred).is_ok() {
            while out.len() <= limit
                && let Some(Outgoing::Datagram(d)) = self.recv(s, 64 * 1024)
            {
                out.extend_from_slice(&d);
            }
        }
        self.close(s);
        out
    }

    pub fn close(&mut self, s: SockId) {
        if let Some(sock) = self.socks.get_mut(s as usize).and_then(Option::take) {
            if sock.bound {
                self.ports.remove(&(sock.ns, sock.port_id));
            }
            self.free.push(s);
        }
    }

    /// netlink_autobind: the process id first, then -4096, -4097, …
    fn autobind(&mut self, s: SockId) {
        let Some(sock) = self.sock(s) else { return };
        if sock.bound {
            return;
        }
        let ns = sock.ns;
        let mut port = sock.pid;
        while port == 0 || self.ports.contains_key(&(ns, port)) {
            port = self.rover;
            self.rover = self.rover.wrapping_sub(1);
            if self.rover > (-4096i32) as u32 {
                self.rover = (-4096i32) as u32;
            }
        }
        self.ports.insert((ns, port), s);
        if let Some(sock) = self.sock_mut(s) {
            sock.port_id = port;
            sock.bound = true;
        }
    }

    pub fn bind(&mut self, s: SockId, port_id: u32, groups: u32) -> Result<(), i32> {
        let sock = self.sock_mut(s).ok_or(libc::EBADF)?;
        // netlink_bind sizes the groups before it looks at the port id.
        sock.groups_sized |= groups != 0;
        let ns = sock.ns;
        if sock.bound {
            // netlink_bind: a bound socket takes only its own port id again (0 included).
            if port_id != sock.port_id {
                return Err(libc::EINVAL);
            }
        } else if port_id != 0 {
            if self.ports.contains_key(&(ns, port_id)) {
                return Err(libc::EADDRINUSE);
            }
            self.ports.insert((ns, port_id), s);
            if let Some(sock) = self.sock_mut(s) {
                sock.port_id = port_id;
                sock.bound = true;
            }
        } else {
            self.autobind(s);
        }
        if let Some(sock) = self.sock_mut(s) {
            // bind() sets the first 32 groups (netlink_update_subscriptions).
            sock.groups = (sock.groups & !0xffff_ffff) | groups as u64;
        }
        Ok(())
    }

    pub fn connect(&mut self, s: SockId, port_id: u32, groups: u32) -> Result<(), i32> {
        self.sock(s).ok_or(libc::EBADF)?;
        self.autobind(s);
        if let Some(sock) = self.sock_mut(s) {
            sock.peer = SockAddr { port_id, groups };
        }
        Ok(())
    }

    pub fn local_addr(&self, s: SockId) -> SockAddr {
        self.sock(s).map_or(SockAddr::default(), |sock| SockAddr {
            port_id: sock.port_id,
            groups: sock.groups as u32,
        })
    }

    pub fn peer_addr(&self, s: SockId) -> SockAddr {
        self.sock(s).map_or(SockAddr::default(), |sock| sock.peer)
    }

    pub fn set_option(
        &mut self,
        s: SockId,
        level: i32,
        name: i32,
        value: &[u8],
    ) -> Result<(), i32> {
        let limits = self.limits;
        let sock = self.sock_mut(s).ok_or(libc::EBADF)?;
        let int = value
            .get(..4)
            .map(|b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]));
        if level == libc::SOL_SOCKET {
            let int = int.ok_or(libc::EINVAL)?;
            // sock_setsockopt caps SO_RCVBUF/SO_SNDBUF with min_t(u32, ...): a negative
            // value asks for the most; the FORCE variants take max(val, 0).
            let asked = int as u32 as usize;
            let v = int.max(0) as usize;
            match name {
                _ if NOT_NETLINK_SETSOCKOPT.contains(&name) => return Err(libc::EOPNOTSUPP),
                libc::SO_RCVBUF => sock.rcvbuf = (asked.min(limits.rmem_max) * 2).max(RCVBUF_MIN),
                libc::SO_RCVBUFFORCE => {
                    sock.rcvbuf = (v.saturating_mul(2)).clamp(RCVBUF_MIN, 1 << 26)
                }
                libc::SO_SNDBUF => sock.sndbuf = (asked.min(limits.wmem_max) * 2).max(4608),
                _ => {}
            }
            return Ok(());
        }
        if level != SOL_NETLINK {
            return Err(libc::ENOPROTOOPT);
        }
        // netlink_setsockopt reads the value only when optlen holds an int; shorter is 0.
        let v = int.unwrap_or(0);
        let on = v != 0;
        match name {
            NETLINK_ADD_MEMBERSHIP | NETLINK_DROP_MEMBERSHIP => {
                // Sized before the group is checked, as netlink_setsockopt.
                sock.groups_sized = true;
                let group = v as u32;
                if group == 0 || group >= MAX_GROUPS {
                    return Err(libc::EINVAL);
                }
                // (No autobind: an unbound member has port 0 and hears nothing until a
                // send or bind gives it one, see `notify`.)
                if name == NETLINK_ADD_MEMBERSHIP {
                    sock.groups |= 1 << (group - 1);
                } else {
                    sock.groups &= !(1 << (group - 1));
                }
            }
            NETLINK_PKTINFO => sock.pktinfo = on,
            NETLINK_BROADCAST_ERROR => sock.broadcast_error = on,
            NETLINK_NO_ENOBUFS => {
                sock.no_enobufs = on;
                if on {
                    sock.congested = false;
                }
            }
            NETLINK_LISTEN_ALL_NSID => sock.listen_all_nsid = on,
            NETLINK_CAP_ACK => sock.cap_ack = on,
            NETLINK_EXT_ACK => sock.ext_ack = on,
            NETLINK_GET_STRICT_CHK => sock.strict = on,
            _ => return Err(libc::ENOPROTOOPT),
        }
        Ok(())
    }

    pub fn get_option(&self, s: SockId, level: i32, name: i32) -> Result<Vec<u8>, i32> {
        let sock = self.sock(s).ok_or(libc::EBADF)?;
        if level == libc::SOL_SOCKET {
            match name {
                // No peer: cred_to_ucred of no credentials (pid 0, uid and gid -1).
                SO_PEERCRED => return Ok([0, u32::MAX, u32::MAX].map(u32::to_ne_bytes).concat()),
                SO_PEERGROUPS | SO_PEERPIDFD => return Err(libc::ENODATA),
                SO_PEEK_OFF | SO_PASSPIDFD | SO_PASSRIGHTS => return Err(libc::EOPNOTSUPP),
                _ => {}
            }
        }
        if (level, name) == (SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS) {
            // Before its groups are sized a socket has none to list, not even zeros.
            let mut out = Vec::with_capacity(8);
            if sock.groups_sized {
                out.extend_from_slice(&(sock.groups as u32).to_ne_bytes());
                out.extend_from_slice(&((sock.groups >> 32) as u32).to_ne_bytes());
            }
            return Ok(out);
        }
        self.int_option(s, level, name)
            .map(|v| v.to_ne_bytes().to_vec())
    }

    /// getsockopt of an option whose value is an int (all but NETLINK_LIST_MEMBERSHIPS).
    pub fn int_option(&self, s: SockId, level: i32, name: i32) -> Result<i32, i32> {
        let sock = self.sock(s).ok_or(libc::EBADF)?;
        if level == libc::SOL_SOCKET {
            return match name {
                libc::SO_RCVBUF => Ok(sock.rcvbuf as i32),
                libc::SO_SNDBUF => Ok(sock.sndbuf as i32),
                libc::SO_TYPE => Ok(sock.sock_type),
                libc::SO_PROTOCOL => Ok(NETLINK_ROUTE),
                libc::SO_DOMAIN => Ok(libc::AF_NETLINK),
                _ => Err(libc::ENOPROTOOPT),
            };
        }
        if level != SOL_NETLINK {
            return Err(libc::ENOPROTOOPT);
        }
        let flag = match name {
            NETLINK_PKTINFO => sock.pktinfo,
            NETLINK_BROADCAST_ERROR => sock.broadcast_error,
            NETLINK_NO_ENOBUFS => sock.no_enobufs,
            NETLINK_LISTEN_ALL_NSID => sock.listen_all_nsid,
            NETLINK_CAP_ACK => sock.cap_ack,
            NETLINK_EXT_ACK => sock.ext_ack,
            NETLINK_GET_STRICT_CHK => sock.strict,
            _ => return Err(libc::ENOPROTOOPT),
        };
        Ok(flag.into())
    }

    /// sendmsg(): processes every request in the datagram in order, queueing replies to the
    /// sender and notifications to listeners. Returns the bytes consumed.
    pub fn send(&mut self, s: SockId, datagram: &[u8], cred: &Credentials) -> Result<usize, i32> {
        let sock = self.sock(s).ok_or(libc::EBADF)?;
        // netlink_sendmsg refuses an empty datagram (it has no header to read).
        if datagram.is_empty() {
            return Err(libc::ENODATA);
        }
        if !sock.send_size_by_transport && datagram.len() > sock.sndbuf.saturating_sub(32) {
            return Err(libc::EMSGSIZE);
        }
        self.autobind(s);
        for msg in MessageIter::new(datagram) {
            self.process(s, msg, cred);
        }
        Ok(datagram.len())
    }

    fn process(&mut self, s: SockId, msg: crate::wire::msg::Message<'_>, cred: &Credentials) {
        let Some(sock) = self.sock(s) else { return };
        let (ns, port_id, strict) = (sock.ns, sock.port_id, sock.strict);
        let (cap_ack, ext_ack) = (sock.cap_ack, sock.ext_ack);
        let h = msg.header;
        let wants_ack = h.flags & NLM_F_ACK != 0;
        // Only requests are handled; control messages are only acknowledged.
        if h.flags & NLM_F_REQUEST == 0 || h.kind < NLMSG_MIN_TYPE {
            if wants_ack {
                self.queue_ack(s, &msg, port_id, None, cap_ack, ext_ack);
            }
            return;
        }
        if h.flags & NLM_F_DUMP != 0 && sock.dump.is_some() && is_get(h.kind) {
            let e = NlError::errno(libc::EBUSY);
            self.queue_ack(s, &msg, port_id, Some(&e), cap_ack, ext_ack);
            return;
        }
        let req = Request {
            msg,
            ns,
            portid: port_id,
            strict,
        };
        let generation = self.stack.generation;
        let outcome = rtnl::handle(&mut self.stack, &req, cred.admin);
        // Only a read, or a request refused before it did anything (no change recorded,
        // nothing announced), leaves what reads answer as it was.
        let read = is_get(h.kind);
        let refused = outcome.result.is_err()
            && outcome.events.is_empty()
            && self.stack.generation == generation;
        if !read && !refused {
            self.non_reads += 1;
        }
        let echo = h.flags & NLM_F_ECHO != 0;
        for caused in outcome.events {
            self.notify(ns, &caused, (echo && caused.reported).then_some(s));
        }
        match outcome.result {
            Err(e) => self.queue_ack(s, &msg, port_id, Some(&e), cap_ack, ext_ack),
            Ok(Reply::Ack) => {
                if wants_ack {
                    self.queue_ack(s, &msg, port_id, None, cap_ack, ext_ack);
                }
            }
            Ok(Reply::Messages(w)) => {
                self.enqueue_unicast(s, w.into_bytes());
                if wants_ack {
                    self.queue_ack(s, &msg, port_id, None, cap_ack, ext_ack);
                }
            }
            Ok(Reply::Dump(dump)) => {
                if let Some(sock) = self.sock_mut(s) {
                    sock.dump = Some(dump);
                    sock.dump_ext_ack = ext_ack;
                }
                // The first part is produced at once, as netlink_dump_start does.
                if let Some(part) = self.next_dump_part(s) {
                    self.enqueue_unicast(s, part);
                }
            }
        }
    }

    fn queue_ack(
        &mut self,
        s: SockId,
        msg: &crate::wire::msg::Message<'_>,
        port_id: u32,
        err: Option<&NlError>,
        cap_ack: bool,
        ext_ack: bool,
    ) {
        let mut w = Writer::with_capacity(64 + msg.bytes.len());
        rtnl::write_ack(&mut w, msg, port_id, err, cap_ack, ext_ack);
        self.enqueue_unicast(s, w.into_bytes());
    }

    /// Unicast from the kernel never blocks: a full receive queue drops the message and
    /// marks the socket overrun (netlink_unicast with MSG_DONTWAIT).
    fn enqueue_unicast(&mut self, s: SockId, bytes: Vec<u8>) {
        self.admit(s, 0, bytes);
    }

    /// Delivers a notification to every member of its group in the namespace, and to the
    /// requester when it asked for an echo (nlmsg_notify).
    fn notify(&mut self, ns: NsId, caused: &Caused, echo_to: Option<SockId>) {
        let (msg_kind, group) = match &caused.event {
            Event::NewLink(..) | Event::NewPortLink(..) | Event::LinkFeatures(_) => {
                (RTM_NEWLINK, RTNLGRP_LINK)
            }
            Event::Inet6Info(_) => (RTM_NEWLINK, RTNLGRP_IPV6_IFINFO),
            Event::DelLink(_) => (RTM_DELLINK, RTNLGRP_LINK),
            Event::BridgePort(_, _, deleted) => {
                let kind = if *deleted { RTM_DELLINK } else { RTM_NEWLINK };
                (kind, RTNLGRP_LINK)
            }
            Event::NetConf(conf, made) => {
                let kind = if *made {
                    RTM_NEWNETCONF
                } else {
                    RTM_DELNETCONF
                };
                let group = if conf.family == AF_INET {
                    RTNLGRP_IPV4_NETCONF
                } else {
                    RTNLGRP_IPV6_NETCONF
                };
                (kind, group)
            }
            Event::NewAddr(a) | Event::DelAddr(a) => {
                let kind = if matches!(caused.event, Event::NewAddr(_)) {
                    RTM_NEWADDR
                } else {
                    RTM_DELADDR
                };
                let group = if a.family == AF_INET {
                    RTNLGRP_IPV4_IFADDR
                } else {
                    RTNLGRP_IPV6_IFADDR
                };
                (kind, group)
            }
        };
        let bit = 1u64 << (group - 1);
        // nlmsg_notify excludes the port it reports to (the sender, with NLM_F_ECHO), else
        // port 0: do_one_broadcast passes over a socket with the excluded port, so an
        // unbound member hears nothing.
        let exclude = echo_to.and_then(|e| self.sock(e)).map_or(0, |e| e.port_id);
        let members: Vec<SockId> = self
            .socks
            .iter()
            .enumerate()
            .filter_map(|(i, x)| x.as_ref().map(|s| (i as SockId, s)))
            .filter(|(i, s)| {
                s.ns == ns && s.groups & bit != 0 && Some(*i) != echo_to && s.port_id != exclude
            })
            .map(|(i, _)| i)
            .collect();
        if members.is_empty() && echo_to.is_none() {
            return;
        }
        let mut w = Writer::with_capacity(2048);
        let nsr = self.stack.ns(ns);
        // The address view's header, also that of the AF_INET6 link view.
        let addr_header = rtnl::addr::AddrHeader {
            kind: msg_kind,
            flags: 0,
            seq: caused.seq,
            portid: caused.portid,
        };
        let link_header = |change, event| rtnl::link::MsgHeader {
            kind: msg_kind,
            flags: 0,
            seq: caused.seq,
            portid: caused.portid,
            change,
            event,
        };
        match &caused.event {
            Event::NewLink(link, change) => rtnl::link::fill(
                &mut w,
                link_header(*change, None),
                link,
                nsr,
                &self.stack,
                0,
            ),
            Event::NewPortLink(port, bridge, change) => rtnl::link::fill_port(
                &mut w,
                link_header(*change, None),
                port,
                bridge,
                nsr,
                &self.stack,
            ),
            // Unregistration reports every flag as changed (~0U).
            Event::DelLink(link) => rtnl::link::fill(
                &mut w,
                link_header(u32::MAX, None),
                link,
                nsr,
                &self.stack,
                0,
            ),
            Event::LinkFeatures(link) => rtnl::link::fill(
                &mut w,
                link_header(0, Some(rtnl::link::IFLA_EVENT_FEATURES)),
                link,
                nsr,
                &self.stack,
                0,
            ),
            Event::BridgePort(port, bridge, _) => {
                rtnl::link::fill_bridge_port(&mut w, msg_kind, port, bridge, self.stack.now_ms())
            }
            Event::NewAddr(a) | Event::DelAddr(a) => {
                rtnl::addr::fill(&mut w, addr_header, a, self.stack.now_cs());
            }
            Event::Inet6Info(link) => rtnl::addr::fill_inet6_ifinfo(&mut w, addr_header, link),
            Event::NetConf(conf, made) => {
                rtnl::netconf::fill(&mut w, msg_kind, 0, caused.seq, caused.portid, conf, *made)
            }
        }
        let bytes = w.into_bytes();
        for m in members.into_iter().chain(echo_to) {
            let overrun_before = self.sock(m).is_some_and(|x| x.overrun);
            // The requester's NLM_F_ECHO copy too: nlmsg_notify sets the group on the
            // message before it multicasts and then unicasts it.
            self.admit(m, group, bytes.clone());
            if let Some(sock) = self.sock_mut(m) {
                // An overrun wakes the reader too (sk_error_report), even one already woken
                // and not read since: its transport must learn that an error waits.
                if !sock.woken || sock.overrun != overrun_before {
                    sock.woken = true;
                    self.woken.push(m);
                }
            }
        }
    }

    fn next_dump_part(&mut self, s: SockId) -> Option<Vec<u8>> {
        let stack = &self.stack;
        let sock = self.socks.get_mut(s as usize)?.as_mut()?;
        let dump = sock.dump.as_mut()?;
        let budget = sock.max_reader_buf.clamp(DUMP_PART_MIN, DUMP_PART_MAX);
        let mut w = Writer::with_capacity(budget);
        dump.next_part(stack, &mut w, budget, sock.dump_ext_ack);
        if dump.is_done() {
            sock.dump = None;
        }
        (!w.is_empty()).then(|| w.into_bytes())
    }

    /// The next datagram for the reader; `reader_buf_len` is the size of the buffer it
    /// receives into (dump parts are sized to it, as Linux's max_recvmsg_len).
    pub fn recv(&mut self, s: SockId, reader_buf_len: usize) -> Option<Outgoing> {
        self.recv_with_group(s, reader_buf_len).map(|(_, o)| o)
    }

    /// [`Host::recv`], with the multicast group the datagram was sent to (0: unicast, a
    /// dump part, an overrun): Linux's recvmsg gives it in the source address and with
    /// NETLINK_PKTINFO.
    pub fn recv_with_group(&mut self, s: SockId, reader_buf_len: usize) -> Option<(u32, Outgoing)> {
        self.recv_queued_with_group(s, reader_buf_len)
            .or_else(|| self.next_dump_part(s).map(|d| (0, Outgoing::Datagram(d))))
    }

    /// The reader of `s` receives into a buffer of `len` bytes (a receive the transport
    /// saw without taking a datagram from here): as Linux's max_recvmsg_len, the largest
    /// sizes the dump parts made from now on, the first included.
    pub fn reader_buf(&mut self, s: SockId, len: usize) {
        if let Some(sock) = self.sock_mut(s) {
            sock.max_reader_buf = sock.max_reader_buf.max(len);
        }
    }

    /// Like [`Host::recv`], but without producing the next part of a running dump: for a
    /// transport that paces dumps by the reader's calls, as Linux produces a part per
    /// recvmsg().
    pub fn recv_queued(&mut self, s: SockId, reader_buf_len: usize) -> Option<Outgoing> {
        self.recv_queued_with_group(s, reader_buf_len)
            .map(|(_, o)| o)
    }

    /// [`Host::recv_queued`], with the datagram's multicast group (see
    /// [`Host::recv_with_group`]).
    pub fn recv_queued_with_group(
        &mut self,
        s: SockId,
        reader_buf_len: usize,
    ) -> Option<(u32, Outgoing)> {
        let sock = self.sock_mut(s)?;
        sock.max_reader_buf = sock.max_reader_buf.max(reader_buf_len);
        sock.woken = false;
        if sock.overrun {
            sock.overrun = false;
            return Some((0, Outgoing::Overrun));
        }
        let (group, d) = sock.queue.pop_front()?;
        sock.queued -= truesize(d.len());
        Some((group, Outgoing::Datagram(d)))
    }

    /// Whether a dump is under way on this socket.
    pub fn dump_running(&self, s: SockId) -> bool {
        self.sock(s).is_some_and(|x| x.dump.is_some())
    }

    /// Whether an overrun waits to be reported (ENOBUFS, before anything queued).
    pub fn overrun_pending(&self, s: SockId) -> bool {
        self.sock(s).is_some_and(|x| x.overrun)
    }

    /// Reports a pending overrun, as the reader's next receive does on Linux (sock_error
    /// comes before the queue); whether there was one.
    pub fn take_overrun(&mut self, s: SockId) -> bool {
        self.sock_mut(s)
            .is_some_and(|x| std::mem::replace(&mut x.overrun, false))
    }

    /// Whether `recv` would return something now.
    pub fn has_output(&self, s: SockId) -> bool {
        self.sock(s)
            .is_some_and(|x| x.overrun || !x.queue.is_empty() || x.dump.is_some())
    }

    /// Sockets that gained output because of other sockets' changes or timers.
    pub fn take_woken(&mut self) -> Vec<SockId> {
        std::mem::take(&mut self.woken)
    }

    /// When the next timer (DAD, address lifetimes) is due.
    pub fn next_deadline(&self) -> Option<Instant> {
        let ms = self.stack.next_timer_ms()?;
        Some(self.stack.epoch + std::time::Duration::from_millis(ms))
    }

    /// Runs due timers and delivers what they caused.
    pub fn tick(&mut self, _now: Instant) {
        self.non_reads += 1;
        for (ns, event) in self.stack.run_timers() {
            let caused = Caused {
                event,
                portid: 0,
                seq: 0,
                reported: false,
            };
            self.notify(ns, &caused, None);
        }
    }

    /// Bumps on every state change (for persistence).
    pub fn generation(&self) -> u64 {
        self.stack.generation
    }

    pub fn save_state(&self) -> serde_json::Value {
        serde_json::json!({
            "format": "nlroute-state",
            "version": 1,
            "stack": &self.stack,
        })
    }

    pub fn load_state(v: serde_json::Value) -> Result<Host, String> {
        if v.get("format").and_then(|f| f.as_str()) != Some("nlroute-state") {
            return Err("not an nlroute state file (missing \"format\": \"nlroute-state\")".into());
        }
        match v.get("version").and_then(|f| f.as_u64()) {
            Some(1) => {}
            other => return Err(format!("unsupported state version {other:?}")),
        }
        let stack_v = v.get("stack").cloned().ok_or("missing \"stack\"")?;
        let mut stack: Stack =
            serde_json::from_value(stack_v).map_err(|e| format!("invalid stack: {e}"))?;
        if stack.namespaces.is_empty() {
            return Err("state has no namespace".into());
        }
        stack.after_load();
        Ok(Host::with_stack(stack))
    }

    /// Adds a namespace; sockets opened with `open_in` live in it.
    pub fn add_namespace(&mut self) -> NsId {
        self.non_reads += 1;
        self.stack.add_namespace()
    }
}

fn is_get(kind: u16) -> bool {
    kind >= RTM_NEWLINK && (kind - RTM_NEWLINK) % 4 == 2
}

/// What a datagram of `len` bytes counts against SO_RCVBUF on Linux: its sk_buff's
/// truesize. The data and skb_shared_info (320 bytes) share one allocation, a small-head
/// cache object (576 bytes) or the next power of two, and the sk_buff itself adds 256.
/// (Measured in a namespace with SO_MEMINFO: 76 bytes count 832, 1,468 count 2,304, 1,880
/// count 4,352.) Unix datagrams are allocated alike, so a transport's SIOCOUTQ counts the
/// same way.
pub fn truesize(len: usize) -> usize {
    let head = len.next_multiple_of(64) + 320;
    let alloc = if head <= 576 {
        576
    } else {
        head.next_power_of_two()
    };
    alloc + 256
}

/// Size of a netlink header, re-exported for transports that frame messages.
pub const HEADER_LEN: usize = NLMSG_HDRLEN;
