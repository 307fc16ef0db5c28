//! What travels on an emulated socket's connection besides netlink messages. One
//! definition of the format for both sides (each uses half of this file):
//!
//! - the notes `exec`'s preload library sends, in order with the program's requests: the
//!   library (preload/src/lib.rs) writes them, the server (src/server/proto.rs) reads them.
//!   Each is shorter than a netlink header (16 bytes), so no program means a request by
//!   one: Linux ignores such datagrams;
//! - the multicast marks the embedded server puts on datagrams it sends (see `mark` below).

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

/// Multicast marks. Linux's recvmsg reports the multicast group a datagram was sent to
/// (NETLINK_CB(skb).dst_group: a notification, or the requester's NLM_F_ECHO copy of one):
/// in the source address's nl_groups ([`group_mask`]) and, with NETLINK_PKTINFO, in a
/// control message ([`control_messages`]). The embedded server carries it to the reader in
/// bits of the datagram's (only) message's nlmsg_flags that netlink never uses; the
/// library or the supervisor, whichever takes the datagram for the program, clears them
/// ([`unmark`]) before the program sees the bytes. (A seqpacket connection has no other
/// per-datagram field a server without privileges can set.)
const MARK_LOW: u16 = 0x00c0; // group bits 0-1, in flag bits 6-7
const MARK_HIGH: u16 = 0xf000; // group bits 2-5, in flag bits 12-15
/// The largest group a mark can carry (RTNLGRP_MAX is 39 in Linux 6.18).
pub const MARK_MAX_GROUP: u32 = 63;
/// Where nlmsg_flags sits in a netlink header.
pub const FLAGS_AT: usize = 6;

/// `flags` with `group` (1..=MARK_MAX_GROUP) marked in.
pub fn mark(flags: u16, group: u32) -> u16 {
    let g = (group & MARK_MAX_GROUP) as u16;
    flags & !(MARK_LOW | MARK_HIGH) | (g & 3) << 6 | (g >> 2) << 12
}

/// The flags without a mark, and the group it carried (0: none).
pub fn unmark(flags: u16) -> (u16, u32) {
    let g = (flags & MARK_LOW) >> 6 | (flags & MARK_HIGH) >> 10;
    (flags & !(MARK_LOW | MARK_HIGH), u32::from(g))
}

/// Linux's netlink_group_mask: a group's bit in nl_groups (none past 32).
pub fn group_mask(group: u32) -> u32 {
    if group == 0 || group > 32 {
        0
    } else {
        1 << (group - 1)
    }
}

const SOL_SOCKET_LEVEL: i32 = 1;
const SCM_CREDENTIALS: i32 = 2;
const SOL_NETLINK_LEVEL: i32 = 270;
const NETLINK_PKTINFO: i32 = 3;
/// A cmsghdr on a 64-bit system (cmsg_len is a size_t).
const CMSG_HDR: usize = 16;
/// Room for both control messages a receive may give.
pub const CONTROL_MAX: usize = 24 + 32;

/// The control messages netlink_recvmsg gives: NETLINK_PKTINFO with the group (`pktinfo`),
/// then, from scm_recv, SCM_CREDENTIALS (`passcred`: SO_PASSCRED) with the kernel's
/// credentials (pid, uid and gid 0), each written as put_cmsg writes it into what is left
/// of `room` bytes of msg_control. Returns the bytes (write the first `used`), `used`
/// (msg_controllen as recvmsg returns it) and whether one was cut short or left out for
/// want of room (MSG_CTRUNC).
pub fn control_messages(
    group: u32,
    pktinfo: bool,
    passcred: bool,
    room: usize,
) -> ([u8; CONTROL_MAX], usize, bool) {
    let mut out = [0u8; CONTROL_MAX];
    let mut used = 0;
    let mut cut = false;
    let group = group.to_ne_bytes();
    let kernel = [0u8; 12];
    let wanted: [(bool, i32, i32, &[u8]); 2] = [
        (pktinfo, SOL_NETLINK_LEVEL, NETLINK_PKTINFO, &group),
        (passcred, SOL_SOCKET_LEVEL, SCM_CREDENTIALS, &kernel),
    ];
    for (level, kind, data) in wanted.iter().filter(|w| w.0).map(|w| (w.1, w.2, w.3)) {
        let left = room - used;
        if left < CMSG_HDR {
            cut = true;
            continue;
        }
        let full = CMSG_HDR + data.len();
        let len = full.min(left);
        cut |= len < full;
        let c = &mut out[used..];
        c[..8].copy_from_slice(&(len as u64).to_ne_bytes());
        c[8..12].copy_from_slice(&level.to_ne_bytes());
        c[12..16].copy_from_slice(&kind.to_ne_bytes());
        c[CMSG_HDR..len].copy_from_slice(&data[..len - CMSG_HDR]);
        // CMSG_SPACE: the data padded to 8 bytes.
        used += ((full + 7) & !7).min(left);
    }
    (out, used, cut)
}
