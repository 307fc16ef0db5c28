//! The status page: what `exec`'s embedded server tells the preload library, so that a
//! non-blocking receive that finds an emulated socket's connection empty can answer EAGAIN
//! in the program instead of trapping. One definition of the layout for both sides: the
//! server (src/server/status.rs) writes it, the library (preload/src/lib.rs) reads it.
//!
//! An empty connection is an empty netlink socket when, at the moment of the receive:
//! - the server has no output waiting for that socket (its slot below says so): output
//!   waits in the server while the connection is full, and a running dump makes its next
//!   part only when the reader asks;
//! - no request is unread: the library polls the server's epoll descriptor (which it is
//!   given with this page), readable while any connection has something to read;
//! - the server is not in the middle of a round (the round counter is even and did not
//!   move while the library looked): a request it read may not be answered yet;
//! - the supervisor holds no datagram it took out of a connection.
//!
//! The page is a memfd of native-endian u64 words:
//! - word [`MAGIC_WORD`]: [`MAGIC`];
//! - word [`ROUND_WORD`]: odd while the server works, even when its output is all written;
//! - word [`STASH_WORD`]: datagrams the supervisor took out of connections and still holds
//!   (a receive being completed, or one a signal interrupted): while not 0, nothing is
//!   trusted;
//! - from word [`SLOTS_AT`], [`SLOTS`] slots of [`SLOT_WORDS`] words: the inode of a
//!   socket's connection (the program's end; [`FREE`] or [`GONE`] otherwise); at
//!   [`HOLDS_AT`], [`HOLDS`] while the server may have output for it (and [`OVERRUN`]
//!   while an overrun waits to be reported); at [`ADDRESS_AT`], its
//!   local address as getsockname gives it (port id in the low half, the first 32 groups in
//!   the high half). A socket's slot is found by open addressing from [`home`], at most
//!   [`PROBE`] slots on; a socket without one (all taken) always traps.
//!
//! - word [`MEMO_EPOCH_WORD`]: the server's read epoch (see below);
//! - from word [`MEMO_AT`], the memo of answers (below).
//!
//! A slot's word at [`KEY_AT`] says what, besides a request's bytes, the answer to it
//! depends on: the socket's namespace, the options that shape replies and its process's
//! rights (see [`key_word`]); 0 until the server has published it.
//!
//! ## Options: setsockopt and getsockopt without a trap
//! The library takes setsockopt of SO_RCVBUF and netlink's flags (options Linux never
//! refuses) itself, and tells the server by writing the slot's word at [`WANTS_AT`]
//! ([`want_option`]), which also carries the largest receive buffer the program used
//! ([`want_reader_len`]: dump parts are sized to it). A note on the connection would wake
//! the server, which on a virtual machine costs the program 5-20 µs a note (an
//! inter-processor interrupt); nothing needs the change before the server next works for
//! that socket or delivers to it, so the server takes the word ([`read_wants`]) then: at the
//! start of every round and before each request it reads, when the page's word
//! [`WANTS_DIRTY_WORD`] moved (the library bumps it after each write).
//!
//! A slot's word at [`OPTIONS_AT`] holds what getsockopt gives for those options
//! ([`options_word`]), as the server last published it: stale while a change waits in
//! [`WANTS_AT`]. So the library counts each change it writes at [`NOTES_SENT_AT`], and the
//! server stores at [`NOTES_READ_AT`] the count it had read before it took the word. Between
//! rounds, with the counts equal, every change made so far is in the options word (and in
//! the key word, which the memo relies on). (Without a page, as with a server outside
//! `exec`, the library sends each change as an option note instead, see `notes`.)
//!
//! ## The memo: answers the library may give itself
//! A request that changes nothing (a read: RTM_GET*, not a dump; or one refused before it
//! did anything) gets an answer that depends on the request, the socket's [`key_word`] and
//! the stack's state. When the server has answered one with a single datagram, without
//! reading the clock and without changing anything, it stores request and answer in a
//! bucket of the memo, stamped with its read epoch, which moves with every change to the
//! stack (and every other request, and every timer run). The library, about to send the
//! same request bytes (the sequence number aside) on
//! a socket whose connection is empty for sure (see below), finds the bucket, checks
//! stamp, key word and bytes, and queues the answer itself, on the connection's server end
//! (which it made itself, or the supervisor handed it, see [`PEER_HANDOUT`]), with the
//! request's sequence number and the socket's port id written in: the request never
//! reaches the server. A bucket is written under a sequence lock (its first word is odd
//! while being written): a reader that sees it move tries no further and sends the
//! request.
//!
//! A request may be kept in either of two buckets ([`bucket_words`]): the server puts it
//! where it was, else where nothing current is, else in one of the two by its hash.
//!
//! Bucket layout, in words: the lock, the epoch, the hash of the request ([`hash`]), the
//! key word, the request's length (low half) and the answer's (high half), then the
//! request's bytes and the answer's, each padded to a word.
//!
//! The library gets the page and the server's epoll descriptor with its first netlink
//! socket: it makes the socket's seqpacket pair itself and asks from its gate (the
//! supervisor knows the call is the library's from its instruction pointer) that the
//! server take the pair's server end as the connection; the supervisor then queues a
//! [`HANDOUT`] datagram on it carrying both descriptors (SCM_RIGHTS), which the library
//! receives before returning the socket to the program. (Nothing is installed in the
//! program by the supervisor: seccomp's ADDFD wakes the program's thread on whichever CPU
//! the scheduler picks, an idle one on a quiet machine, which cost 40-80 µs per socket
//! here; the reply to a trapped call wakes it on the supervisor's own.) Without the pair
//! entry (a server outside `exec`), the supervisor makes the pair and installs it, and the
//! hand-out carries the connection's server end too ([`PEER_HANDOUT`] for later sockets).

pub const MAGIC: u64 = u64::from_le_bytes(*b"nlRstat1");
pub const MAGIC_WORD: usize = 0;
pub const ROUND_WORD: usize = 1;
pub const STASH_WORD: usize = 2;
pub const MEMO_EPOCH_WORD: usize = 3;
pub const WANTS_DIRTY_WORD: usize = 4;
pub const SLOTS_AT: usize = 8;
pub const SLOTS: usize = 1 << 14;
pub const SLOT_WORDS: usize = 8;
pub const HOLDS_AT: usize = 1;
pub const ADDRESS_AT: usize = 2;
pub const KEY_AT: usize = 3;
pub const OPTIONS_AT: usize = 4;
pub const NOTES_READ_AT: usize = 5;
pub const NOTES_SENT_AT: usize = 6;
pub const WANTS_AT: usize = 7;
pub const PROBE: usize = 16;
/// Where the memo starts: after the slots.
pub const MEMO_AT: usize = SLOTS_AT + SLOT_WORDS * SLOTS;
pub const MEMO_BUCKETS: usize = 2048;
/// A bucket is 4 KiB: a link message with every attribute fits (about 1.5 KiB).
pub const BUCKET_WORDS: usize = 512;
pub const BUCKET_HEAD_WORDS: usize = 5;
/// The longest request the memo keeps.
pub const MEMO_MAX_REQUEST: usize = 256;
/// The longest answer: what the bucket has left after the head and the longest request.
pub const MEMO_MAX_ANSWER: usize = (BUCKET_WORDS - BUCKET_HEAD_WORDS) * 8 - MEMO_MAX_REQUEST;
/// Size of the page in words (8.5 MiB; only the slots and buckets in use are ever touched).
pub const WORDS: usize = MEMO_AT + MEMO_BUCKETS * BUCKET_WORDS;
/// A slot never used: a search for an inode stops here.
pub const FREE: u64 = 0;
/// A slot whose socket is gone: a search goes on past it; a new socket may take it.
pub const GONE: u64 = u64::MAX;
/// A slot's word at [`HOLDS_AT`] while the server may have output for its socket.
pub const HOLDS: u64 = 1;
/// Also set there while an overrun waits to be reported: Linux reports it (ENOBUFS) before
/// anything queued, so the library leaves even a queued datagram to the supervisor.
pub const OVERRUN: u64 = 2;
/// The datagram that hands the page over (shorter than a netlink header, so nothing a
/// program could mistake for an answer).
pub const HANDOUT: [u8; 8] = *b"nlRpage\0";

/// Queued with every later socket the library makes (SCM_RIGHTS: the connection's server
/// end), for the memo.
pub const PEER_HANDOUT: [u8; 8] = *b"nlRpeer\0";

/// The longest request the library sends through its gate's sendto, which the supervisor
/// handles before the call returns (see preload/src/lib.rs, `gate_send`). Netlink refuses
/// a datagram over sndbuf - 32 bytes (EMSGSIZE), and no SO_SNDBUF is below 4,608, so a
/// request this short never meets that refusal, which only a native send gives.
pub const GATE_SEND_MAX: usize = 4096;

/// The largest receive buffer that changes what the server does: Linux caps the dump part
/// it allocates at SKB_WITH_OVERHEAD(32768) (the engine's DUMP_PART_MAX).
pub const READER_LEN_MAX: usize = 32768 - 320;

/// Where the search for `inode`'s slot starts.
pub fn home(inode: u64) -> usize {
    (inode.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 50) as usize & (SLOTS - 1)
}

/// The slots a search for `inode` looks at, in order.
pub fn probe(inode: u64) -> impl Iterator<Item = usize> {
    let h = home(inode);
    (0..PROBE).map(move |i| (h + i) & (SLOTS - 1))
}

/// Word index of slot `i`'s inode; its other words follow.
pub fn slot_word(i: usize) -> usize {
    SLOTS_AT + SLOT_WORDS * i
}

/// The word index of `inode`'s slot, reading the page with `word`; None if it has none.
pub fn find(inode: u64, word: impl Fn(usize) -> u64) -> Option<usize> {
    probe(inode)
        .map(slot_word)
        .find(|&w| {
            let v = word(w);
            v == inode || v == FREE
        })
        .filter(|&w| word(w) == inode)
}

/// The word at [`ADDRESS_AT`] for a local address.
pub fn address_word(port_id: u32, groups: u32) -> u64 {
    u64::from(port_id) | u64::from(groups) << 32
}

/// The word at `KEY_AT` of a slot: the namespace (high half), the options that change
/// answers, whether the socket's process may change the stack (a refusal for lack of rights
/// is an answer too), and a bit that tells a published word from an empty one.
pub fn key_word(ns: u32, strict: bool, ext_ack: bool, cap_ack: bool, admin: bool) -> u64 {
    u64::from(ns) << 32
        | 8
        | u64::from(strict)
        | u64::from(ext_ack) << 1
        | u64::from(cap_ack) << 2
        | u64::from(admin) << 4
}

const SOL_SOCKET: i32 = 1;
const SO_RCVBUF: i32 = 8;
const SOL_NETLINK: i32 = 270;
/// netlink_getsockopt's int flags, by their bit in the high half of the options word:
/// PKTINFO, BROADCAST_ERROR, NO_ENOBUFS, LISTEN_ALL_NSID, CAP_ACK, EXT_ACK, GET_STRICT_CHK.
pub const NETLINK_FLAG_OPTIONS: [i32; 7] = [3, 4, 5, 8, 10, 11, 12];
/// Set in a published options word (0 until then).
const OPTIONS_PUBLISHED: u64 = 1 << 63;

/// The word at `OPTIONS_AT`: SO_RCVBUF in the low half, then the flags of
/// `NETLINK_FLAG_OPTIONS` for which `flag` is true.
pub fn options_word(rcvbuf: u32, flag: impl Fn(i32) -> bool) -> u64 {
    let flags = NETLINK_FLAG_OPTIONS
        .iter()
        .enumerate()
        .filter(|(_, name)| flag(**name))
        .fold(0u64, |acc, (bit, _)| acc | 1 << (32 + bit));
    OPTIONS_PUBLISHED | flags | u64::from(rcvbuf)
}

/// What getsockopt(`level`, `name`) gives, from a published options word; None for an
/// option the word does not hold.
pub fn option_value(word: u64, level: i32, name: i32) -> Option<i32> {
    if word & OPTIONS_PUBLISHED == 0 {
        return None;
    }
    match level {
        SOL_SOCKET if name == SO_RCVBUF => Some(word as u32 as i32),
        SOL_NETLINK => {
            let bit = NETLINK_FLAG_OPTIONS.iter().position(|&n| n == name)?;
            Some((word >> (32 + bit) & 1) as i32)
        }
        _ => None,
    }
}

// The word at `WANTS_AT`: SO_RCVBUF's value (low half) and whether it was set; then, by
// their place in `NETLINK_FLAG_OPTIONS`, the flags' values and whether each was set; then
// the largest reader's buffer (high 16 bits; READER_LEN_MAX fits). 0: nothing waits.
const WANT_RCVBUF_SET: u64 = 1 << 32;
const WANT_FLAG_VALUES: u32 = 33;
const WANT_FLAGS_SET: u32 = 40;
const WANT_READER_LEN: u32 = 48;

/// `word` (at `WANTS_AT`) with setsockopt(`level`, `name`, `value`) added (a later change
/// of the same option replaces an earlier one); None for an option that cannot travel so.
pub fn want_option(word: u64, level: i32, name: i32, value: i32) -> Option<u64> {
    match level {
        SOL_SOCKET if name == SO_RCVBUF => {
            Some(word & !0xffff_ffff | WANT_RCVBUF_SET | u64::from(value as u32))
        }
        SOL_NETLINK => {
            let bit = NETLINK_FLAG_OPTIONS.iter().position(|&n| n == name)? as u32;
            let on = u64::from(value != 0) << (WANT_FLAG_VALUES + bit);
            Some(word & !(1 << (WANT_FLAG_VALUES + bit)) | on | 1 << (WANT_FLAGS_SET + bit))
        }
        _ => None,
    }
}

/// `word` (at `WANTS_AT`) telling of a reader's buffer of `len` bytes, if larger.
pub fn want_reader_len(word: u64, len: usize) -> u64 {
    let len = len.min(READER_LEN_MAX) as u64;
    let had = word >> WANT_READER_LEN;
    word & !(0xffff << WANT_READER_LEN) | had.max(len) << WANT_READER_LEN
}

/// What a word at `WANTS_AT` asks: the options to set, as (level, name, value), and the
/// reader's buffer length (0: none told).
pub fn read_wants(word: u64) -> (impl Iterator<Item = (i32, i32, i32)>, usize) {
    let rcvbuf =
        (word & WANT_RCVBUF_SET != 0).then_some((SOL_SOCKET, SO_RCVBUF, word as u32 as i32));
    let flags = NETLINK_FLAG_OPTIONS
        .iter()
        .enumerate()
        .filter(move |&(bit, _)| word >> (WANT_FLAGS_SET + bit as u32) & 1 != 0)
        .map(move |(bit, &name)| {
            let on = word >> (WANT_FLAG_VALUES + bit as u32) & 1;
            (SOL_NETLINK, name, on as i32)
        });
    (
        rcvbuf.into_iter().chain(flags),
        (word >> WANT_READER_LEN) as usize,
    )
}

/// FNV-1a of a request with its sequence number (bytes 8..12) left out.
pub fn hash(request: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, &b) in request.iter().enumerate() {
        let b = if (8..12).contains(&i) { 0 } else { b };
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The first words of the two buckets a request of hash `h` may be kept in (two ways, so
/// that two requests of a working set rarely keep pushing each other out).
pub fn bucket_words(h: u64) -> [usize; 2] {
    let first = h as usize % MEMO_BUCKETS;
    let mut second = (h >> 32) as usize % MEMO_BUCKETS;
    if second == first {
        second = (first + 1) % MEMO_BUCKETS;
    }
    [first, second].map(|b| MEMO_AT + BUCKET_WORDS * b)
}

/// Whether the memo may keep the answer to `datagram`: one rtnetlink request, short enough,
/// not a dump, without NLM_F_ECHO. (The server keeps it only if it changed nothing: a read,
/// or a request refused at once, such as `ip`'s probe for RTM_NEWLINK.)
pub fn memo_candidate(datagram: &[u8]) -> bool {
    const NLM_F_REQUEST: u16 = 1;
    const NLM_F_ECHO: u16 = 8;
    const NLM_F_DUMP: u16 = 0x300;
    if datagram.len() < 16 || datagram.len() > MEMO_MAX_REQUEST {
        return false;
    }
    let word = |at: usize| [datagram[at], datagram[at + 1]];
    let len = u32::from_ne_bytes([datagram[0], datagram[1], datagram[2], datagram[3]]);
    let kind = u16::from_ne_bytes(word(4));
    let flags = u16::from_ne_bytes(word(6));
    let get = kind % 4 == 2;
    len as usize == datagram.len()
        && kind >= 16
        && flags & NLM_F_REQUEST != 0
        && flags & NLM_F_ECHO == 0
        && !(get && flags & NLM_F_DUMP != 0)
}
