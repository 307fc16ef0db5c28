//! Writing messages into a datagram: begin a message, add attributes and nests, then end it
//! (fixing up lengths) or abort it (dropping everything since begin), so a half-written
//! message is never sent.

use super::align4;
use super::attr::{NLA_F_NESTED, NLA_HDRLEN};
use super::msg::{Header, NLMSG_HDRLEN};

/// A datagram under construction.
#[derive(Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
}

/// Where an open message or nest starts in the buffer.
#[derive(Clone, Copy, Debug)]
#[must_use]
pub struct Mark(usize);

impl Writer {
    pub fn new() -> Self {
        Writer { buf: Vec::new() }
    }
    pub fn with_capacity(n: usize) -> Self {
        Writer {
            buf: Vec::with_capacity(n),
        }
    }
    pub fn len(&self) -> usize {
        self.buf.len()
    }
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }
    /// Overwrites bytes already written at `at` (a field of a copied template).
    pub fn patch(&mut self, at: usize, bytes: &[u8]) {
        if let Some(dst) = self.buf.get_mut(at..at + bytes.len()) {
            dst.copy_from_slice(bytes);
        }
    }

    /// Drops everything after `len` bytes (an unfinished message of a dump part).
    pub fn truncate(&mut self, len: usize) {
        self.buf.truncate(len);
    }
    pub fn clear(&mut self) {
        self.buf.clear();
    }

    /// Starts a message; its length is filled in by `end`.
    pub fn begin(&mut self, kind: u16, flags: u16, seq: u32, pid: u32) -> Mark {
        let start = self.buf.len();
        let mut hdr = [0u8; NLMSG_HDRLEN];
        Header {
            len: 0,
            kind,
            flags,
            seq,
            pid,
        }
        .emit(&mut hdr);
        self.buf.extend_from_slice(&hdr);
        Mark(start)
    }

    /// Appends a fixed family header (ifinfomsg, ifaddrmsg, …), padded to 4 bytes.
    pub fn put_raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        self.pad();
    }

    /// Closes a message begun with `begin`: fixes its nlmsg_len.
    pub fn end(&mut self, mark: Mark) {
        let len = (self.buf.len() - mark.0) as u32;
        self.buf[mark.0..mark.0 + 4].copy_from_slice(&len.to_ne_bytes());
    }

    /// Drops everything written since `mark`.
    pub fn abort(&mut self, mark: Mark) {
        self.buf.truncate(mark.0);
    }

    /// Sets flags on a message begun at `mark` (e.g. NLM_F_DUMP_INTR found out late).
    pub fn or_flags(&mut self, mark: Mark, flags: u16) {
        let at = mark.0 + 6;
        let old = u16::from_ne_bytes([self.buf[at], self.buf[at + 1]]);
        self.buf[at..at + 2].copy_from_slice(&(old | flags).to_ne_bytes());
    }

    fn pad(&mut self) {
        let padded = align4(self.buf.len());
        self.buf.resize(padded, 0);
    }

    pub fn attr(&mut self, kind: u16, payload: &[u8]) {
        let len = (NLA_HDRLEN + payload.len()) as u16;
        self.buf.extend_from_slice(&len.to_ne_bytes());
        self.buf.extend_from_slice(&kind.to_ne_bytes());
        self.buf.extend_from_slice(payload);
        self.pad();
    }
    pub fn attr_u8(&mut self, kind: u16, v: u8) {
        self.attr(kind, &[v]);
    }
    pub fn attr_u16(&mut self, kind: u16, v: u16) {
        self.attr(kind, &v.to_ne_bytes());
    }
    pub fn attr_u32(&mut self, kind: u16, v: u32) {
        self.attr(kind, &v.to_ne_bytes());
    }
    pub fn attr_u64(&mut self, kind: u16, v: u64) {
        self.attr(kind, &v.to_ne_bytes());
    }
    /// A string attribute with its NUL terminator, as nla_put_string writes it.
    pub fn attr_str(&mut self, kind: u16, s: &str) {
        let len = (NLA_HDRLEN + s.len() + 1) as u16;
        self.buf.extend_from_slice(&len.to_ne_bytes());
        self.buf.extend_from_slice(&kind.to_ne_bytes());
        self.buf.extend_from_slice(s.as_bytes());
        self.buf.push(0);
        self.pad();
    }

    /// Opens a nested attribute (NLA_F_NESTED set, as nla_nest_start does).
    pub fn nest(&mut self, kind: u16) -> Mark {
        let start = self.buf.len();
        self.buf.extend_from_slice(&0u16.to_ne_bytes());
        self.buf
            .extend_from_slice(&(kind | NLA_F_NESTED).to_ne_bytes());
        Mark(start)
    }
    /// Opens a nested attribute without the NLA_F_NESTED flag (nla_nest_start_noflag), as
    /// Linux still does for IFLA_LINKINFO and a few others.
    pub fn nest_noflag(&mut self, kind: u16) -> Mark {
        let start = self.buf.len();
        self.buf.extend_from_slice(&0u16.to_ne_bytes());
        self.buf.extend_from_slice(&kind.to_ne_bytes());
        Mark(start)
    }
    /// Drops an open nest and everything in it.
    pub fn abort_nest(&mut self, mark: Mark) {
        self.buf.truncate(mark.0);
    }
    pub fn nest_end(&mut self, mark: Mark) {
        let len = (self.buf.len() - mark.0) as u16;
        self.buf[mark.0..mark.0 + 2].copy_from_slice(&len.to_ne_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{AttrIter, MessageIter};

    #[test]
    fn message_with_nest_round_trips() {
        let mut w = Writer::new();
        let m = w.begin(16, 2, 9, 0);
        w.put_raw(&[0u8; 16]);
        w.attr_str(3, "eth0");
        let n = w.nest_noflag(18);
        w.attr_str(1, "veth");
        w.nest_end(n);
        w.end(m);
        let msgs: Vec<_> = MessageIter::new(w.bytes()).collect();
        assert_eq!(msgs.len(), 1);
        let attrs: Vec<_> = AttrIter::new(&msgs[0].payload()[16..], 32)
            .map(|a| a.unwrap())
            .collect();
        assert_eq!(attrs[0].str_bytes(), b"eth0");
        let inner: Vec<_> = attrs[1].nested().map(|a| a.unwrap()).collect();
        assert_eq!(inner[0].str_bytes(), b"veth");
    }

    #[test]
    fn abort_drops_the_partial_message() {
        let mut w = Writer::new();
        let a = w.begin(16, 0, 1, 0);
        w.end(a);
        let b = w.begin(16, 0, 2, 0);
        w.attr_u32(4, 1);
        w.abort(b);
        assert_eq!(w.len(), 16);
    }
}
