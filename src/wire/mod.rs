//! Bytes ⇄ typed views of netlink messages. Knows formats, nothing about state.
//!
//! Why our own wire layer instead of `netlink-packet-route`: Linux's strict validation reports
//! the byte offset of the offending attribute in the extended ACK (NLMSGERR_ATTR_OFFS), keeps
//! unknown attributes, and must never allocate per attribute on the dump hot path. So parsing
//! here works on borrowed slices and remembers where every attribute starts; writing goes
//! straight into the output datagram with reserve / end / abort. `netlink-packet-route` is
//! kept as an independent decoder in the tests to check what we emit.
//!
//! Contract: every accessor on client bytes is bounds-checked and returns `None`/`Err` rather
//! than panicking.

pub mod attr;
pub mod consts;
pub mod msg;
pub mod writer;

pub use attr::{Attr, AttrIter};
pub use msg::{Header, MessageIter, NLMSG_HDRLEN};
pub use writer::Writer;

/// Netlink aligns messages and attributes to 4 bytes.
pub const fn align4(len: usize) -> usize {
    (len + 3) & !3
}
