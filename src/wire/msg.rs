//! The netlink message header (`struct nlmsghdr`) and splitting a datagram into messages.

/// Size of `struct nlmsghdr`.
pub const NLMSG_HDRLEN: usize = 16;

/// A decoded `struct nlmsghdr`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Header {
    pub len: u32,
    pub kind: u16,
    pub flags: u16,
    pub seq: u32,
    pub pid: u32,
}

impl Header {
    pub fn parse(bytes: &[u8]) -> Option<Header> {
        let b = bytes.get(..NLMSG_HDRLEN)?;
        Some(Header {
            len: u32::from_ne_bytes([b[0], b[1], b[2], b[3]]),
            kind: u16::from_ne_bytes([b[4], b[5]]),
            flags: u16::from_ne_bytes([b[6], b[7]]),
            seq: u32::from_ne_bytes([b[8], b[9], b[10], b[11]]),
            pid: u32::from_ne_bytes([b[12], b[13], b[14], b[15]]),
        })
    }

    pub fn emit(&self, out: &mut [u8; NLMSG_HDRLEN]) {
        out[0..4].copy_from_slice(&self.len.to_ne_bytes());
        out[4..6].copy_from_slice(&self.kind.to_ne_bytes());
        out[6..8].copy_from_slice(&self.flags.to_ne_bytes());
        out[8..12].copy_from_slice(&self.seq.to_ne_bytes());
        out[12..16].copy_from_slice(&self.pid.to_ne_bytes());
    }
}

/// One message of a datagram: its header and the whole message bytes (header included,
/// exactly `header.len` long).
#[derive(Clone, Copy, Debug)]
pub struct Message<'a> {
    pub header: Header,
    pub bytes: &'a [u8],
}

impl<'a> Message<'a> {
    /// The bytes after the header.
    pub fn payload(&self) -> &'a [u8] {
        self.bytes.get(NLMSG_HDRLEN..).unwrap_or(&[])
    }
}

/// Splits a datagram as Linux's `netlink_rcv_skb` does: a header that does not fit, or a
/// length smaller than the header or beyond the datagram, ends the datagram silently.
pub struct MessageIter<'a> {
    rest: &'a [u8],
}

impl<'a> MessageIter<'a> {
    pub fn new(datagram: &'a [u8]) -> Self {
        MessageIter { rest: datagram }
    }
}

impl<'a> Iterator for MessageIter<'a> {
    type Item = Message<'a>;

    fn next(&mut self) -> Option<Message<'a>> {
        let header = Header::parse(self.rest)?;
        let len = header.len as usize;
        if len < NLMSG_HDRLEN || len > self.rest.len() {
            self.rest = &[];
            return None;
        }
        let bytes = &self.rest[..len];
        let advance = super::align4(len).min(self.rest.len());
        self.rest = &self.rest[advance..];
        Some(Message { header, bytes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(len: u32, kind: u16) -> Vec<u8> {
        let mut out = [0u8; NLMSG_HDRLEN];
        Header {
            len,
            kind,
            flags: 1,
            seq: 7,
            pid: 0,
        }
        .emit(&mut out);
        let mut v = out.to_vec();
        v.resize(len.max(16) as usize, 0);
        v
    }

    #[test]
    fn splits_aligned_messages_in_order() {
        let mut d = msg(18, 18);
        d.extend_from_slice(&[0; 2]); // padding to 20
        d.extend(msg(16, 22));
        let kinds: Vec<u16> = MessageIter::new(&d).map(|m| m.header.kind).collect();
        assert_eq!(kinds, vec![18, 22]);
    }

    #[test]
    fn truncated_header_or_length_ends_datagram_silently() {
        assert_eq!(MessageIter::new(&[0u8; 10]).count(), 0);
        let mut d = msg(16, 18);
        d[0..4].copy_from_slice(&100u32.to_ne_bytes());
        assert_eq!(MessageIter::new(&d).count(), 0);
        d[0..4].copy_from_slice(&8u32.to_ne_bytes());
        assert_eq!(MessageIter::new(&d).count(), 0);
    }

    #[test]
    fn last_message_without_padding_is_accepted() {
        let mut d = msg(16, 18);
        d.extend(msg(17, 18));
        assert_eq!(MessageIter::new(&d).count(), 2);
    }
}
