//! The status page the embedded server shares with `exec`'s preload library: whether it may
//! hold output for a socket, and whether it is in the middle of a round. With it, and the
//! server's epoll descriptor, the library answers a non-blocking receive on an empty socket
//! with EAGAIN without a trap. The layout and the reasoning are in
//! preload/src/status.rs, shared with the library.

#[path = "../../preload/src/status.rs"]
#[allow(dead_code)] // the reading half is the library's (and this file's tests')
mod layout;

use layout::{
    ADDRESS_AT, BUCKET_HEAD_WORDS, FREE, GONE, HOLDS, HOLDS_AT, KEY_AT, MAGIC, MAGIC_WORD,
    MEMO_EPOCH_WORD, MEMO_MAX_ANSWER, NOTES_READ_AT, NOTES_SENT_AT, OPTIONS_AT, OVERRUN,
    ROUND_WORD, STASH_WORD, WANTS_AT, WANTS_DIRTY_WORD, WORDS,
};
pub use layout::{
    GATE_SEND_MAX, HANDOUT, PEER_HANDOUT, key_word, memo_candidate, options_word, read_wants,
};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, FromRawFd, OwnedFd};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed, Ordering::Release, Ordering::SeqCst, fence};

/// A shared memfd mapped here; the library maps the same file, and writes only the option
/// changes it made (a slot's wants word and count, and the dirty word).
pub struct StatusPage {
    file: OwnedFd,
    words: NonNull<AtomicU64>,
}

// SAFETY: the mapping is only ever accessed through atomics.
unsafe impl Send for StatusPage {}
// SAFETY: as above.
unsafe impl Sync for StatusPage {}

const LEN: usize = WORDS * 8;

impl StatusPage {
    pub fn new() -> io::Result<StatusPage> {
        // SAFETY: memfd_create with a NUL-terminated name.
        let fd = unsafe { libc::memfd_create(c"nlroute-status".as_ptr(), libc::MFD_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a fresh descriptor we own.
        let file = unsafe { OwnedFd::from_raw_fd(fd) };
        // SAFETY: ftruncate on our memfd.
        if unsafe { libc::ftruncate(fd, LEN as libc::off_t) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a new shared mapping of the whole file, which is zero-filled.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                LEN,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let words = NonNull::new(p.cast::<AtomicU64>()).ok_or_else(io::Error::last_os_error)?;
        let page = StatusPage { file, words };
        page.word(MAGIC_WORD).store(MAGIC, SeqCst);
        Ok(page)
    }

    fn word(&self, i: usize) -> &AtomicU64 {
        assert!(i < WORDS);
        // SAFETY: `i` is inside the mapping, which lives as long as `self`; page-aligned, so
        // every word is aligned.
        unsafe { &*self.words.as_ptr().add(i) }
    }

    /// The file, for the library to map.
    pub fn file(&self) -> BorrowedFd<'_> {
        self.file.as_fd()
    }

    /// The server starts work that may read requests or make output: until [`end_round`],
    /// the library does not trust an empty connection.
    ///
    /// [`end_round`]: StatusPage::end_round
    pub fn begin_round(&self) {
        let w = self.word(ROUND_WORD);
        if w.load(SeqCst).is_multiple_of(2) {
            w.fetch_add(1, SeqCst);
        }
    }

    /// All output is written, or waits in the server with its socket's slot saying so.
    pub fn end_round(&self) {
        let w = self.word(ROUND_WORD);
        if !w.load(SeqCst).is_multiple_of(2) {
            w.fetch_add(1, SeqCst);
        }
    }

    /// Datagrams the supervisor took from connections and holds (a receive being completed,
    /// or one interrupted): while any, the library does not trust an empty connection.
    pub fn set_stashed(&self, n: u64) {
        self.word(STASH_WORD).store(n, SeqCst);
    }

    /// Gives the socket whose connection (the program's end) has `inode` a slot; None when
    /// its probe sequence is full (the library then always traps for it).
    pub fn attach(&self, inode: u64) -> Option<usize> {
        if inode == FREE || inode == GONE {
            return None;
        }
        let slot = layout::probe(inode).find(|&i| {
            let v = self.word(layout::slot_word(i)).load(SeqCst);
            v == FREE || v == GONE
        })?;
        let w = layout::slot_word(slot);
        // A new socket has nothing to read, is not bound and has sent no option notes; its
        // options are unknown until published.
        for at in [
            HOLDS_AT,
            ADDRESS_AT,
            KEY_AT,
            OPTIONS_AT,
            NOTES_READ_AT,
            NOTES_SENT_AT,
            WANTS_AT,
        ] {
            self.word(w + at).store(0, SeqCst);
        }
        self.word(w).store(inode, SeqCst);
        Some(slot)
    }

    /// Whether the server may have output for the socket in `slot`, whether an overrun
    /// waits to be reported, its local address, key word and options word.
    pub fn publish(&self, slot: usize, s: &SlotState) {
        let w = layout::slot_word(slot);
        let state = if s.holds { HOLDS } else { 0 } | if s.overrun { OVERRUN } else { 0 };
        self.word(w + HOLDS_AT).store(state, SeqCst);
        self.word(w + ADDRESS_AT)
            .store(layout::address_word(s.address.0, s.address.1), SeqCst);
        self.word(w + KEY_AT).store(s.key, SeqCst);
        self.word(w + OPTIONS_AT).store(s.options, SeqCst);
    }

    /// The page's dirty word: it moves whenever the library writes a slot's wants word.
    pub fn wants_dirty(&self) -> u64 {
        self.word(WANTS_DIRTY_WORD).load(SeqCst)
    }

    /// Takes the wants word of `slot` (see `layout`'s "Options"), if the library counted a
    /// change since the server last took it: the word (0 when a change counted here was
    /// taken with an earlier word) and the count to give [`StatusPage::wants_taken`] once
    /// applied.
    pub fn take_wants(&self, slot: usize) -> Option<(u64, u64)> {
        let w = layout::slot_word(slot);
        // The count first: the library writes the word before counting.
        let sent = self.word(w + NOTES_SENT_AT).load(SeqCst);
        if sent == self.word(w + NOTES_READ_AT).load(SeqCst) {
            return None;
        }
        Some((self.word(w + WANTS_AT).swap(0, SeqCst), sent))
    }

    /// The changes counted up to `sent` in `slot` are applied; its options word is
    /// published before the round ends.
    pub fn wants_taken(&self, slot: usize, sent: u64) {
        self.word(layout::slot_word(slot) + NOTES_READ_AT)
            .store(sent, SeqCst);
    }

    /// The server's read epoch: memo buckets stamped with another one are stale.
    pub fn set_memo_epoch(&self, epoch: u64) {
        self.word(MEMO_EPOCH_WORD).store(epoch, SeqCst);
    }

    /// Keeps `answer` as the answer to `request` (a [`memo_candidate`]) on sockets with
    /// `key` (a [`key_word`]) while the read epoch is `epoch`. Too long: nothing is kept.
    pub fn memorize(&self, request: &[u8], key: u64, epoch: u64, answer: &[u8]) {
        if !memo_candidate(request) || answer.len() > MEMO_MAX_ANSWER {
            return;
        }
        let h = layout::hash(request);
        let ways = layout::bucket_words(h);
        let holds = |at: usize| self.word(at + 2).load(SeqCst) == h;
        let current = |at: usize| self.word(at + 1).load(SeqCst) == epoch;
        let at = if let Some(&at) = ways.iter().find(|&&at| holds(at)) {
            at
        } else if let Some(&at) = ways.iter().find(|&&at| !current(at)) {
            at
        } else {
            ways[(h >> 63) as usize]
        };
        // A sequence lock: odd while being written. The library reads the lock, the rest
        // (relaxed), then the lock again after an acquire fence; the release fence here
        // keeps the writes inside the odd stretch.
        let lock = self.word(at);
        let seq = lock.load(Relaxed);
        lock.store(seq | 1, Relaxed);
        fence(Release);
        self.word(at + 1).store(epoch, Relaxed);
        self.word(at + 2).store(h, Relaxed);
        self.word(at + 3).store(key, Relaxed);
        self.word(at + 4)
            .store(request.len() as u64 | (answer.len() as u64) << 32, Relaxed);
        let body = at + BUCKET_HEAD_WORDS;
        let answer_at = body + request.len().div_ceil(8);
        for (start, bytes) in [(body, request), (answer_at, answer)] {
            for (i, chunk) in bytes.chunks(8).enumerate() {
                let mut word = [0u8; 8];
                word[..chunk.len()].copy_from_slice(chunk);
                self.word(start + i)
                    .store(u64::from_ne_bytes(word), Relaxed);
            }
        }
        lock.store((seq | 1) + 1, Release);
    }

    pub fn detach(&self, slot: usize) {
        let w = layout::slot_word(slot);
        self.word(w + HOLDS_AT).store(HOLDS, SeqCst);
        self.word(w + KEY_AT).store(0, SeqCst);
        self.word(w).store(GONE, SeqCst);
    }
}

#[cfg(test)]
impl StatusPage {
    /// The round counter, and for the socket whose connection has `inode`: whether the
    /// server may hold output for it, and its local address word (as the library reads them).
    pub fn look(&self, inode: u64) -> (u64, Option<(bool, u64)>) {
        let round = self.word(ROUND_WORD).load(SeqCst);
        let seen = layout::find(inode, |i| self.word(i).load(SeqCst)).map(|w| {
            (
                self.word(w + HOLDS_AT).load(SeqCst) & HOLDS != 0,
                self.word(w + ADDRESS_AT).load(SeqCst),
            )
        });
        (round, seen)
    }
}

/// What [`StatusPage::publish`] shows of a socket.
#[derive(Clone, Copy, Debug, Default)]
pub struct SlotState {
    /// The server may have output for it.
    pub holds: bool,
    /// An overrun waits to be reported.
    pub overrun: bool,
    /// Port id and first 32 groups.
    pub address: (u32, u32),
    /// Its [`key_word`].
    pub key: u64,
    /// Its [`options_word`].
    pub options: u64,
}

impl Drop for StatusPage {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`, no longer referenced.
        unsafe { libc::munmap(self.words.as_ptr().cast(), LEN) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holds(p: &StatusPage, inode: u64) -> Option<bool> {
        p.look(inode).1.map(|(holds, _)| holds)
    }

    #[test]
    fn slots_are_found_from_their_inode_and_reused_once_gone() {
        let p = StatusPage::new().expect("memfd");
        // Inodes that share a home slot: the second goes on to the next one.
        let a = 12345;
        let b = (1..u64::MAX)
            .map(|k| a + k)
            .find(|x| layout::home(*x) == layout::home(a))
            .expect("a collision");
        let sa = p.attach(a).expect("slot");
        let sb = p.attach(b).expect("slot");
        assert_ne!(sa, sb);
        assert_eq!(
            holds(&p, a),
            Some(false),
            "a new socket has nothing to read"
        );
        let state = |holds| SlotState {
            holds,
            address: (7, 1),
            ..SlotState::default()
        };
        p.publish(sa, &state(true));
        assert_eq!(holds(&p, a), Some(true));
        let address = p.word(layout::slot_word(sa) + ADDRESS_AT).load(SeqCst);
        assert_eq!(address, 7 | 1 << 32);
        p.publish(sa, &state(false));
        assert_eq!(holds(&p, b), Some(false));
        // A search goes past a socket that is gone.
        p.detach(sa);
        assert_eq!(holds(&p, a), None);
        assert_eq!(holds(&p, b), Some(false));
        // A new socket with the same home takes the freed slot.
        let c = (b + 1..u64::MAX)
            .find(|x| layout::home(*x) == layout::home(a))
            .expect("a collision");
        assert_eq!(p.attach(c), Some(sa));
        assert_eq!(holds(&p, c), Some(false));
    }

    #[test]
    fn options_words_give_what_getsockopt_gives() {
        const SOL_NETLINK: i32 = 270;
        let w = options_word(212_992, |name| name == 11 || name == 3);
        assert_eq!(
            layout::option_value(w, libc::SOL_SOCKET, libc::SO_RCVBUF),
            Some(212_992)
        );
        for name in layout::NETLINK_FLAG_OPTIONS {
            let on = i32::from(name == 11 || name == 3);
            assert_eq!(layout::option_value(w, SOL_NETLINK, name), Some(on));
        }
        // Not held: LIST_MEMBERSHIPS, SO_SNDBUF; nothing before the word is published.
        assert_eq!(layout::option_value(w, SOL_NETLINK, 9), None);
        assert_eq!(
            layout::option_value(w, libc::SOL_SOCKET, libc::SO_SNDBUF),
            None
        );
        assert_eq!(
            layout::option_value(0, libc::SOL_SOCKET, libc::SO_RCVBUF),
            None
        );
        // A new socket starts with counts equal, nothing wanted and its options unpublished.
        let p = StatusPage::new().expect("memfd");
        let slot = p.attach(777).expect("slot");
        let word = |k| p.word(layout::slot_word(slot) + k);
        let at = |k| word(k).load(SeqCst);
        assert_eq!(p.take_wants(slot), None);
        // The library's side: a change written, then counted, then the dirty word moved.
        let dirty = p.wants_dirty();
        let mut w = layout::want_option(0, SOL_NETLINK, 11, 1).expect("EXT_ACK travels");
        w = layout::want_option(w, libc::SOL_SOCKET, libc::SO_RCVBUF, 4096).expect("rcvbuf");
        w = layout::want_option(w, SOL_NETLINK, 11, 0).expect("a later change wins");
        w = layout::want_reader_len(layout::want_reader_len(w, 65536), 4096);
        assert_eq!(
            layout::want_option(w, SOL_NETLINK, 9, 1),
            None,
            "LIST_MEMBERSHIPS"
        );
        word(WANTS_AT).store(w, SeqCst);
        word(NOTES_SENT_AT).fetch_add(3, SeqCst);
        p.word(WANTS_DIRTY_WORD).fetch_add(1, SeqCst);
        assert_ne!(p.wants_dirty(), dirty);
        let (taken, sent) = p.take_wants(slot).expect("a change waits");
        assert_eq!(sent, 3);
        let (options, reader_len) = read_wants(taken);
        assert_eq!(
            options.collect::<Vec<_>>(),
            [
                (libc::SOL_SOCKET, libc::SO_RCVBUF, 4096),
                (SOL_NETLINK, 11, 0)
            ]
        );
        assert_eq!(reader_len, layout::READER_LEN_MAX, "the largest, capped");
        p.wants_taken(slot, sent);
        assert_eq!((at(NOTES_READ_AT), at(WANTS_AT)), (3, 0));
        assert_eq!(p.take_wants(slot), None);
        p.detach(slot);
        assert_eq!(p.attach(777), Some(slot));
        assert_eq!(
            (at(NOTES_READ_AT), at(NOTES_SENT_AT), at(OPTIONS_AT)),
            (0, 0, 0)
        );
    }

    #[test]
    fn rounds_are_odd_while_the_server_works() {
        let p = StatusPage::new().expect("memfd");
        let round = || p.word(ROUND_WORD).load(SeqCst);
        assert_eq!(round() % 2, 0);
        p.begin_round();
        p.begin_round();
        assert_eq!(round(), 1);
        p.end_round();
        p.end_round();
        assert_eq!(round(), 2);
    }
}
