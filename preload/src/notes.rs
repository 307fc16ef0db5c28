//! The notes `exec`'s preload library sends on an emulated socket's connection, in order
//! with the program's requests. One definition of the format for both sides: the library
//! (preload/src/lib.rs) writes them, the server (src/server/proto.rs) reads them. Each is
//! shorter than a netlink header (16 bytes), so no program means a request by one: Linux
//! ignores such datagrams. (Each side uses half of this file.)

/// Pace note, 8 bytes: this tag, then the reader's buffer size (u32, native order). The
/// program received a dump part itself; the server makes the next part, as Linux's recvmsg.
pub const PACE_TAG: [u8; 4] = *b"nlRP";
/// Option notes, 12 bytes: a tag naming the level, the option name, its int value.
pub const OPTION_TAG_SOCKET: [u8; 4] = *b"nlRS";
pub const OPTION_TAG_NETLINK: [u8; 4] = *b"nlRN";

const SOL_SOCKET: i32 = 1;
const SOL_NETLINK: i32 = 270;
const SO_RCVBUF: i32 = 8;
/// netlink_setsockopt's flags: PKTINFO, BROADCAST_ERROR, NO_ENOBUFS, LISTEN_ALL_NSID,
/// CAP_ACK, EXT_ACK, GET_STRICT_CHK.
const NETLINK_FLAGS: [i32; 7] = [3, 4, 5, 8, 10, 11, 12];

/// The tag for an option that may travel as a note: one Linux never refuses once its value
/// is a readable int, and that only shapes what the socket does later.
pub fn option_tag(level: i32, name: i32) -> Option<[u8; 4]> {
    match level {
        SOL_SOCKET if name == SO_RCVBUF => Some(OPTION_TAG_SOCKET),
        SOL_NETLINK if NETLINK_FLAGS.contains(&name) => Some(OPTION_TAG_NETLINK),
        _ => None,
    }
}

pub fn pace(reader_len: usize) -> [u8; 8] {
    let mut n = [0u8; 8];
    n[..4].copy_from_slice(&PACE_TAG);
    n[4..].copy_from_slice(&(reader_len.min(u32::MAX as usize) as u32).to_ne_bytes());
    n
}

pub fn option(tag: [u8; 4], name: i32, value: [u8; 4]) -> [u8; 12] {
    let mut n = [0u8; 12];
    n[..4].copy_from_slice(&tag);
    n[4..8].copy_from_slice(&name.to_ne_bytes());
    n[8..].copy_from_slice(&value);
    n
}

/// The reader's buffer size if `datagram` is a pace note.
pub fn read_pace(datagram: &[u8]) -> Option<usize> {
    let [t0, t1, t2, t3, l0, l1, l2, l3] = *datagram else {
        return None;
    };
    ([t0, t1, t2, t3] == PACE_TAG).then(|| u32::from_ne_bytes([l0, l1, l2, l3]) as usize)
}

/// (level, name, value) if `datagram` is an option note for an option that may be one.
pub fn read_option(datagram: &[u8]) -> Option<(i32, i32, [u8; 4])> {
    let [t0, t1, t2, t3, n0, n1, n2, n3, v0, v1, v2, v3] = *datagram else {
        return None;
    };
    let level = match [t0, t1, t2, t3] {
        OPTION_TAG_SOCKET => SOL_SOCKET,
        OPTION_TAG_NETLINK => SOL_NETLINK,
        _ => return None,
    };
    let name = i32::from_ne_bytes([n0, n1, n2, n3]);
    option_tag(level, name).map(|_| (level, name, [v0, v1, v2, v3]))
}
