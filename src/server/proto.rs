//! The transport protocol between a client (the `nlroute exec` supervisor, or any program)
//! and the nlroute server (`nlroute serve`, or the server embedded in `nlroute exec`).
//!
//! Everything travels over AF_UNIX SOCK_SEQPACKET connections. Seqpacket keeps message
//! boundaries, ignores a sendto/sendmsg destination address and supports MSG_PEEK|MSG_TRUNC,
//! so a connection can stand in for a netlink socket inside an unmodified program: its
//! send/sendmsg/sendto/write/poll/epoll/select work natively on the injected descriptor.
//! All integers are little-endian.
//!
//! ## Connections and handshake
//! The first datagram on every new connection is a handshake:
//!
//! ```text
//! "NLRT" | version u16 (=1) | kind u16 (1 = data, 2 = control)
//! data only: | pid u32 | sock_type i32 | protocol i32 | uid u32 | gid u32
//! ```
//! `pid` is the thread-group id of the process that called socket() (it picks the first
//! port id, as Linux); `uid`/`gid` are its effective ids. They can only lower privilege: a
//! peer's rights come from SO_PEERCRED, and the server grants admin only if both the peer
//! and the claimed ids are allowed. The server answers with one datagram:
//!
//! ```text
//! "NLRT" | version u16 | status i32 (0, or a positive errno such as EPROTONOSUPPORT) | token u32
//! ```
//!
//! ## Data connections: one per emulated netlink socket
//! After the handshake, every datagram in either direction is raw netlink bytes: a request
//! datagram from the client, a reply or notification datagram from the server. The one
//! exception: a server→client datagram shorter than 16 bytes (a netlink header) is the
//! overrun marker; the receiver turns it into a single ENOBUFS error for the reader (as
//! Linux's sk_err). The server only produces output while the connection is writable, so a
//! reader that stops reading pauses its dumps and eventually overruns — never server memory.
//! Closing the connection closes the netlink socket.
//!
//! ## The control connection: one per client process
//! Socket operations that a unix socket cannot express go over one separate control
//! connection, naming the data connection by the token from its handshake (tokens are only
//! accepted from the process that made the data connection). Before the server handles a
//! control request it drains the data already queued on that data connection, so
//! `send(); setsockopt()` is ordered as on Linux. Request, then exactly one reply:
//!
//! ```text
//! request: op u32 | token u32 | level i32 | name i32 | a u32 | b u32 | payload...
//! reply:   status i32 (0 or positive errno) | a u32 | b u32 | payload...
//! ```
//! | op | meaning | arguments | reply |
//! |----|---------|-----------|-------|
//! | 1 BIND | bind(2) | a = nl_pid, b = nl_groups | |
//! | 2 CONNECT | connect(2) | a = nl_pid, b = nl_groups (0, 0 = AF_UNSPEC) | |
//! | 3 GETSOCKNAME | getsockname(2) | | a = port id, b = groups |
//! | 4 GETPEERNAME | getpeername(2) | | a = port id, b = groups |
//! | 5 SETSOCKOPT | setsockopt(2) | level, name, payload = value | |
//! | 6 GETSOCKOPT | getsockopt(2) | level, name | payload = value |
//! | 7 READER_LEN | the reader's buffer size grew (max_recvmsg_len) | a = bytes | |
//! | 8 ALIVE | which tokens are still open | payload = u32 tokens | payload = open ones |
//! | 9 SYNC | deliver what the engine holds for this socket now (as far as the connection takes it) | | |
//! | 10 QUERY | a netlink request answered on a socket of its own that takes no port id (the supervisor's interface ioctls); no token | name = pid, a = uid, b = gid (as in a data handshake), payload = request | payload = the answer's messages (at most 128 KiB) |
//!
//! SYNC exists because the server fills data connections asynchronously: before a
//! non-blocking receive reports EAGAIN, the client asks the server to catch up, so "nothing
//! to read" means what it means on Linux.

pub const MAGIC: &[u8; 4] = b"NLRT";
pub const VERSION: u16 = 1;
pub const KIND_DATA: u16 = 1;
pub const KIND_CONTROL: u16 = 2;

/// Shortest real netlink datagram; anything shorter from the server is the overrun marker.
pub const NLMSG_HDRLEN: usize = 16;
/// The overrun marker the server sends (a 4-byte ENOBUFS).
pub fn overrun_marker() -> Vec<u8> {
    (libc::ENOBUFS).to_le_bytes().to_vec()
}

/// The preload library's notes on a data connection (pace, socket options), and the
/// embedded server's multicast marks.
#[path = "../../preload/src/notes.rs"]
#[allow(dead_code)] // the writing half is the library's
pub mod notes;

pub const OP_BIND: u32 = 1;
pub const OP_CONNECT: u32 = 2;
pub const OP_GETSOCKNAME: u32 = 3;
pub const OP_GETPEERNAME: u32 = 4;
pub const OP_SETSOCKOPT: u32 = 5;
pub const OP_GETSOCKOPT: u32 = 6;
pub const OP_READER_LEN: u32 = 7;
pub const OP_ALIVE: u32 = 8;
pub const OP_SYNC: u32 = 9;
pub const OP_QUERY: u32 = 10;
/// Largest answer to OP_QUERY (whole messages; the rest is dropped).
pub const MAX_QUERY_ANSWER: usize = 128 * 1024;

/// Largest control payload accepted (socket option values are small).
pub const MAX_CONTROL: usize = 64 * 1024;

/// In a data handshake's features word: the client takes multicast marks out.
const FEATURE_MARKS: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataHello {
    pub pid: u32,
    pub sock_type: i32,
    pub protocol: i32,
    pub uid: u32,
    pub gid: u32,
    /// The reader takes multicast marks out (see `notes::mark`): exec's supervisor and
    /// preload library. (An optional word at the end of the handshake: a client that does
    /// not send it gets plain datagrams.)
    pub marks: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hello {
    Data(DataHello),
    Control,
}

fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(off..off + 4)?.try_into().ok()?))
}
fn i32_at(b: &[u8], off: usize) -> Option<i32> {
    u32_at(b, off).map(|v| v as i32)
}

impl Hello {
    pub fn encode(&self) -> Vec<u8> {
        let mut v = MAGIC.to_vec();
        v.extend_from_slice(&VERSION.to_le_bytes());
        match self {
            Hello::Control => v.extend_from_slice(&KIND_CONTROL.to_le_bytes()),
            Hello::Data(d) => {
                v.extend_from_slice(&KIND_DATA.to_le_bytes());
                let features = u32::from(d.marks) * FEATURE_MARKS;
                for x in [
                    d.pid,
                    d.sock_type as u32,
                    d.protocol as u32,
                    d.uid,
                    d.gid,
                    features,
                ] {
                    v.extend_from_slice(&x.to_le_bytes());
                }
            }
        }
        v
    }

    pub fn decode(b: &[u8]) -> Result<Hello, &'static str> {
        if b.len() < 8 || &b[0..4] != MAGIC {
            return Err("not an nlroute client (bad magic)");
        }
        if u16::from_le_bytes([b[4], b[5]]) != VERSION {
            return Err("unsupported protocol version");
        }
        match u16::from_le_bytes([b[6], b[7]]) {
            KIND_CONTROL => Ok(Hello::Control),
            KIND_DATA => {
                let f = |i: usize| u32_at(b, 8 + 4 * i).ok_or("short data handshake");
                Ok(Hello::Data(DataHello {
                    pid: f(0)?,
                    sock_type: f(1)? as i32,
                    protocol: f(2)? as i32,
                    uid: f(3)?,
                    gid: f(4)?,
                    marks: f(5).unwrap_or(0) & FEATURE_MARKS != 0,
                }))
            }
            _ => Err("unknown connection kind"),
        }
    }
}

/// The server's handshake answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Welcome {
    pub status: i32,
    pub token: u32,
}

impl Welcome {
    pub fn encode(&self) -> Vec<u8> {
        let mut v = MAGIC.to_vec();
        v.extend_from_slice(&VERSION.to_le_bytes());
        v.extend_from_slice(&self.status.to_le_bytes());
        v.extend_from_slice(&self.token.to_le_bytes());
        v
    }
    pub fn decode(b: &[u8]) -> Option<Welcome> {
        if b.len() != 14 || &b[0..4] != MAGIC || u16::from_le_bytes([b[4], b[5]]) != VERSION {
            return None;
        }
        Some(Welcome {
            status: i32_at(b, 6)?,
            token: u32_at(b, 10)?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Request {
    pub op: u32,
    pub token: u32,
    pub level: i32,
    pub name: i32,
    pub a: u32,
    pub b: u32,
    pub payload: Vec<u8>,
}

impl Request {
    pub fn encode(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(24 + self.payload.len());
        for x in [
            self.op,
            self.token,
            self.level as u32,
            self.name as u32,
            self.a,
            self.b,
        ] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        v.extend_from_slice(&self.payload);
        v
    }
    pub fn decode(b: &[u8]) -> Option<Request> {
        Some(Request {
            op: u32_at(b, 0)?,
            token: u32_at(b, 4)?,
            level: i32_at(b, 8)?,
            name: i32_at(b, 12)?,
            a: u32_at(b, 16)?,
            b: u32_at(b, 20)?,
            payload: b.get(24..)?.to_vec(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reply {
    pub status: i32,
    pub a: u32,
    pub b: u32,
    pub payload: Vec<u8>,
}

impl Reply {
    pub fn error(errno: i32) -> Reply {
        Reply {
            status: errno,
            ..Reply::default()
        }
    }
    pub fn encode(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(12 + self.payload.len());
        v.extend_from_slice(&self.status.to_le_bytes());
        v.extend_from_slice(&self.a.to_le_bytes());
        v.extend_from_slice(&self.b.to_le_bytes());
        v.extend_from_slice(&self.payload);
        v
    }
    pub fn decode(b: &[u8]) -> Option<Reply> {
        Some(Reply {
            status: i32_at(b, 0)?,
            a: u32_at(b, 4)?,
            b: u32_at(b, 8)?,
            payload: b.get(12..)?.to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handshake_round_trips_and_rejects_garbage() {
        let h = Hello::Data(DataHello {
            pid: 7,
            sock_type: libc::SOCK_RAW,
            protocol: 0,
            uid: 1000,
            gid: 100,
            marks: true,
        });
        assert_eq!(Hello::decode(&h.encode()), Ok(h));
        // A client without the features word (older, or another program) gets no marks.
        let short = &h.encode()[..h.encode().len() - 4];
        assert!(matches!(Hello::decode(short), Ok(Hello::Data(d)) if !d.marks));
        assert_eq!(Hello::decode(&Hello::Control.encode()), Ok(Hello::Control));
        assert!(Hello::decode(b"NLRT").is_err());
        assert!(Hello::decode(&h.encode()[..12]).is_err());
        let w = Welcome {
            status: 0,
            token: 9,
        };
        assert_eq!(Welcome::decode(&w.encode()), Some(w));
    }

    #[test]
    fn control_messages_round_trip_and_short_ones_fail() {
        let r = Request {
            op: OP_SETSOCKOPT,
            token: 3,
            level: 270,
            name: 11,
            a: 0,
            b: 0,
            payload: vec![1, 0, 0, 0],
        };
        assert_eq!(Request::decode(&r.encode()), Some(r));
        assert_eq!(Request::decode(&[0; 23]), None);
        assert_eq!(Reply::decode(&[0; 11]), None);
        assert!(overrun_marker().len() < NLMSG_HDRLEN);
    }
}

#[cfg(test)]
mod note_tests {
    use super::notes::*;

    #[test]
    fn notes_read_back_and_only_listed_options_are_accepted() {
        assert_eq!(read_pace(&pace(32768)), Some(32768));
        assert_eq!(read_pace(&[0u8; 8]), None);
        let on = 1i32.to_ne_bytes();
        let tag = option_tag(libc::SOL_NETLINK, 11).expect("NETLINK_EXT_ACK");
        assert_eq!(
            read_option(&option(tag, 11, on)),
            Some((libc::SOL_NETLINK, 11, on))
        );
        let tag = option_tag(libc::SOL_SOCKET, libc::SO_RCVBUF).expect("SO_RCVBUF");
        assert_eq!(tag, OPTION_TAG_SOCKET);
        // Options that can fail, or need privileges, never travel as notes.
        assert_eq!(option_tag(libc::SOL_NETLINK, 1), None); // NETLINK_ADD_MEMBERSHIP
        assert_eq!(option_tag(libc::SOL_SOCKET, libc::SO_RCVBUFFORCE), None);
        let forced = option(OPTION_TAG_SOCKET, libc::SO_RCVBUFFORCE, on);
        assert_eq!(read_option(&forced), None);
        assert_eq!(read_option(&pace(1)), None);
    }

    #[test]
    fn marks_carry_every_group_and_leave_netlinks_flags_alone() {
        // Every flag netlink uses: REQUEST..DUMP_FILTERED, and the per-type bits 0x100-0x800.
        let used = 0x003f | 0x0f00;
        for group in 1..=MARK_MAX_GROUP {
            let marked = mark(used, group);
            assert_eq!(unmark(marked), (used, group));
            assert_eq!(marked & used, used);
        }
        assert_eq!(unmark(used), (used, 0));
        assert_eq!(group_mask(0), 0);
        assert_eq!(group_mask(1), 1);
        assert_eq!(group_mask(5), 0x10);
        assert_eq!(group_mask(32), 1 << 31);
        assert_eq!(group_mask(33), 0);
    }

    #[test]
    fn control_messages_are_cut_to_the_room_as_put_cmsg_cuts_them() {
        let u64_at = |c: &[u8], at: usize| u64::from_ne_bytes(c[at..at + 8].try_into().unwrap());
        let i32_at = |c: &[u8], at: usize| i32::from_ne_bytes(c[at..at + 4].try_into().unwrap());
        // Both, with room: PKTINFO (CMSG_LEN 20, space 24), then the kernel's credentials
        // (CMSG_LEN 28, space 32).
        let (c, used, cut) = control_messages(5, true, true, 256);
        assert_eq!((used, cut), (56, false));
        assert_eq!(
            (u64_at(&c, 0), i32_at(&c, 8), i32_at(&c, 12)),
            (20, libc::SOL_NETLINK, 3)
        );
        assert_eq!(i32_at(&c, 16), 5);
        assert_eq!((u64_at(&c, 24), i32_at(&c, 32), i32_at(&c, 36)), (28, 1, 2));
        assert_eq!(&c[40..52], &[0; 12], "pid, uid and gid 0");
        // 40 bytes: PKTINFO whole, the credentials' header only (cmsg_len says 16).
        let (c, used, cut) = control_messages(5, true, true, 40);
        assert_eq!((used, cut, u64_at(&c, 24)), (40, true, 16));
        // Room for part of PKTINFO's data: cmsg_len says what was written.
        let (c, used, cut) = control_messages(5, true, false, 18);
        assert_eq!((used, cut, u64_at(&c, 0)), (18, true, 18));
        // Exactly CMSG_LEN: whole, without its padding.
        assert_eq!(control_messages(1, true, false, 20).1, 20);
        assert!(!control_messages(1, true, false, 20).2);
        // Less than a header: nothing, MSG_CTRUNC; none asked: nothing, no MSG_CTRUNC.
        assert_eq!(control_messages(1, true, true, 15).1, 0);
        assert!(control_messages(1, true, true, 15).2);
        assert_eq!(control_messages(1, false, false, 0).1, 0);
        assert!(!control_messages(1, false, false, 0).2);
        // Credentials alone.
        let (c, used, cut) = control_messages(0, false, true, 64);
        assert_eq!(
            (used, cut, u64_at(&c, 0), i32_at(&c, 8)),
            (32, false, 28, 1)
        );
    }
}
