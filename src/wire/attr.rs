//! Netlink attributes (`struct nlattr`): iteration with offsets, typed accessors.

use super::align4;

pub const NLA_HDRLEN: usize = 4;
/// High bits of nla_type that are flags, not part of the type.
pub const NLA_F_NESTED: u16 = 1 << 15;
pub const NLA_F_NET_BYTEORDER: u16 = 1 << 14;
pub const NLA_TYPE_MASK: u16 = !(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

/// One attribute: its type (flags stripped), its payload, and the offset of its header
/// from the start of the enclosing netlink message (for NLMSGERR_ATTR_OFFS).
#[derive(Clone, Copy, Debug)]
pub struct Attr<'a> {
    pub kind: u16,
    pub nested_flag: bool,
    pub payload: &'a [u8],
    pub offset: usize,
}

/// Why an attribute stream is malformed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadAttr {
    /// Offset of the bad attribute header from the message start.
    pub offset: usize,
}

impl<'a> Attr<'a> {
    pub fn u8(&self) -> Option<u8> {
        (self.payload.len() == 1).then(|| self.payload[0])
    }
    pub fn u16(&self) -> Option<u16> {
        let b: [u8; 2] = self.payload.try_into().ok()?;
        Some(u16::from_ne_bytes(b))
    }
    pub fn u32(&self) -> Option<u32> {
        let b: [u8; 4] = self.payload.try_into().ok()?;
        Some(u32::from_ne_bytes(b))
    }
    pub fn i32(&self) -> Option<i32> {
        self.u32().map(|v| v as i32)
    }
    /// Linux's NLA_U32 policy accepts a payload at least 4 bytes long in non-strict
    /// validation; this reads the first four bytes.
    pub fn u32_prefix(&self) -> Option<u32> {
        let b: [u8; 4] = self.payload.get(..4)?.try_into().ok()?;
        Some(u32::from_ne_bytes(b))
    }
    /// Linux's NLA_U16 policy accepts a longer payload in non-strict validation; this reads
    /// the first two bytes.
    pub fn u16_prefix(&self) -> Option<u16> {
        let b: [u8; 2] = self.payload.get(..2)?.try_into().ok()?;
        Some(u16::from_ne_bytes(b))
    }
    /// A NUL-terminated or unterminated string payload, without its terminator and anything
    /// after it (as nla_strscpy reads it).
    pub fn str_bytes(&self) -> &'a [u8] {
        let end = self
            .payload
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.payload.len());
        &self.payload[..end]
    }
    /// The payload without its trailing NULs: what nla_strcmp compares (a NUL inside
    /// stays, and then no name matches).
    pub fn strcmp_bytes(&self) -> &'a [u8] {
        let end = self
            .payload
            .iter()
            .rposition(|&b| b != 0)
            .map_or(0, |i| i + 1);
        &self.payload[..end]
    }
    /// Nested attributes; their offsets are relative to the same message start.
    pub fn nested(&self) -> AttrIter<'a> {
        AttrIter::new(self.payload, self.offset + NLA_HDRLEN)
    }
}

/// Iterates a stream of attributes, yielding `Err` once on a malformed one and then stopping.
pub struct AttrIter<'a> {
    rest: &'a [u8],
    offset: usize,
    failed: bool,
}

impl<'a> AttrIter<'a> {
    /// `base_offset` is where `bytes` starts relative to the message start.
    pub fn new(bytes: &'a [u8], base_offset: usize) -> Self {
        AttrIter {
            rest: bytes,
            offset: base_offset,
            failed: false,
        }
    }
}

impl<'a> Iterator for AttrIter<'a> {
    type Item = Result<Attr<'a>, BadAttr>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.len() < NLA_HDRLEN {
            // Linux ignores trailing bytes shorter than an attribute header (nla_ok fails),
            // but strict validation reports them; the caller checks `trailing()`.
            return None;
        }
        let len = u16::from_ne_bytes([self.rest[0], self.rest[1]]) as usize;
        let kind = u16::from_ne_bytes([self.rest[2], self.rest[3]]);
        if len < NLA_HDRLEN || len > self.rest.len() {
            self.failed = true;
            return Some(Err(BadAttr {
                offset: self.offset,
            }));
        }
        let attr = Attr {
            kind: kind & NLA_TYPE_MASK,
            nested_flag: kind & NLA_F_NESTED != 0,
            payload: &self.rest[NLA_HDRLEN..len],
            offset: self.offset,
        };
        let advance = align4(len).min(self.rest.len());
        self.rest = &self.rest[advance..];
        self.offset += advance;
        Some(Ok(attr))
    }
}

impl<'a> AttrIter<'a> {
    /// Bytes left that do not form an attribute header (Linux warns "bytes leftover").
    pub fn trailing(&self) -> usize {
        if self.failed { 0 } else { self.rest.len() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iterates_with_offsets_and_strips_flags() {
        let mut b = Vec::new();
        b.extend_from_slice(&8u16.to_ne_bytes());
        b.extend_from_slice(&4u16.to_ne_bytes());
        b.extend_from_slice(&1500u32.to_ne_bytes());
        b.extend_from_slice(&6u16.to_ne_bytes());
        b.extend_from_slice(&(3u16 | NLA_F_NESTED).to_ne_bytes());
        b.extend_from_slice(b"a\0\0\0");
        let attrs: Vec<_> = AttrIter::new(&b, 32).map(|a| a.unwrap()).collect();
        assert_eq!(attrs[0].u32(), Some(1500));
        assert_eq!(attrs[0].offset, 32);
        assert_eq!(attrs[1].kind, 3);
        assert!(attrs[1].nested_flag);
        assert_eq!(attrs[1].offset, 40);
        assert_eq!(attrs[1].payload, b"a\0");
    }

    #[test]
    fn bad_length_is_reported_once_with_its_offset() {
        let b = [2u8, 0, 1, 0, 0, 0, 0, 0];
        let mut it = AttrIter::new(&b, 20);
        assert_eq!(it.next().unwrap().unwrap_err(), BadAttr { offset: 20 });
        assert!(it.next().is_none());
        let b = [40u8, 0, 1, 0, 0, 0, 0, 0];
        assert!(AttrIter::new(&b, 0).next().unwrap().is_err());
    }
}
