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
//! The library gets the page and the server's epoll descriptor with its first netlink
//! socket: it makes that socket() from its gate, and the supervisor (which knows the call
//! is the library's from its instruction pointer) queues a [`HANDOUT`] datagram on the new
//! connection carrying both descriptors (SCM_RIGHTS), which the library receives before
//! returning the socket to the program. (Not installed in the program by the supervisor:
//! that waits for the program's thread to wake and costs ~0.2 ms on a cold process.)

pub const MAGIC: u64 = u64::from_le_bytes(*b"nlRstat1");
pub const MAGIC_WORD: usize = 0;
pub const ROUND_WORD: usize = 1;
pub const STASH_WORD: usize = 2;
pub const SLOTS_AT: usize = 8;
pub const SLOTS: usize = 1 << 14;
pub const SLOT_WORDS: usize = 4;
pub const HOLDS_AT: usize = 1;
pub const ADDRESS_AT: usize = 2;
pub const PROBE: usize = 16;
/// Size of the page in words (512 KiB; only the slots in use are ever touched).
pub const WORDS: usize = SLOTS_AT + SLOT_WORDS * SLOTS;
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
