//! Malformed input, class by class (issue 6): each row is one datagram sent on a fresh
//! NETLINK_ROUTE socket (NETLINK_EXT_ACK on, strict checking where the row says) in a fresh
//! namespace that has only `lo` (index 1, down), and the answer Linux gives.
//!
//! The `kernel` column is what Linux 6.18 answered, recorded by `fuzz/malformed_probe.py`
//! run under `unshare -n` (it reads the very bytes this file builds: see
//! `kernel_still_answers_as_the_table_says`, which re-checks the column live when it can).
//! A row whose `differs` is `Some(reason)` is a known difference of nlroute: the test prints
//! what nlroute answered instead and does not fail on it, so the table documents the gap.
//!
//! Answers are summarised as a comma-separated list, one item per reply message: `ack`
//! (NLMSG_ERROR with errno 0), `EINVAL "extack text" @offset` for an error, `done`, or
//! `t16` for a message of type 16 (a run of equal types is shown once, as `t16*`); `none`
//! when nothing at all comes back, `send:EMSGSIZE` when sendmsg itself fails.
//! The summary leaves out NLMSGERR_ATTR_POLICY; the wire probes in conformance/ compare it
//! (probes/ack_ext_ack_policy_offset).

use nlroute::socket::{Credentials, Host, Outgoing};
use std::io::Write;
use std::process::{Command, Stdio};

const ROOT: Credentials = Credentials {
    pid: 300,
    uid: 0,
    gid: 0,
    admin: true,
};

const REQ: u16 = 1;
const ACK: u16 = 4;
const DUMP: u16 = 0x300;
const CREATE_EXCL: u16 = 0x600;
const RTM_NEWLINK: u16 = 16;
const RTM_GETLINK: u16 = 18;
const RTM_SETLINK: u16 = 19;
const RTM_NEWADDR: u16 = 20;
const RTM_DELADDR: u16 = 21;
const RTM_GETADDR: u16 = 22;
const IFLA_IFNAME: u16 = 3;
const IFLA_MTU: u16 = 4;
const IFLA_MASTER: u16 = 10;
const IFLA_TXQLEN: u16 = 13;
const IFLA_LINKINFO: u16 = 18;
const IFLA_IFALIAS: u16 = 20;
const IFLA_AF_SPEC: u16 = 26;
const IFLA_ALT_IFNAME: u16 = 53;
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
const IFA_LABEL: u16 = 3;
const IFA_FLAGS: u16 = 8;
const NLA_F_NESTED: u16 = 0x8000;

// ---- building datagrams

fn msg(kind: u16, flags: u16, body: &[u8]) -> Vec<u8> {
    let mut v = vec![0u8; 16];
    v[4..6].copy_from_slice(&kind.to_ne_bytes());
    v[6..8].copy_from_slice(&flags.to_ne_bytes());
    v[8..12].copy_from_slice(&7u32.to_ne_bytes());
    v.extend_from_slice(body);
    let len = v.len() as u32;
    v[0..4].copy_from_slice(&len.to_ne_bytes());
    v
}

/// One attribute with an honest length, padded.
fn attr(kind: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = ((4 + payload.len()) as u16).to_ne_bytes().to_vec();
    v.extend_from_slice(&kind.to_ne_bytes());
    v.extend_from_slice(payload);
    while !v.len().is_multiple_of(4) {
        v.push(0);
    }
    v
}

/// An attribute header claiming `nla_len`, followed by `payload` as is.
fn raw_attr(nla_len: u16, kind: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = nla_len.to_ne_bytes().to_vec();
    v.extend_from_slice(&kind.to_ne_bytes());
    v.extend_from_slice(payload);
    v
}

fn ifinfo(index: i32) -> Vec<u8> {
    let mut v = vec![0u8; 16];
    v[4..8].copy_from_slice(&index.to_ne_bytes());
    v
}

fn ifaddr(family: u8, plen: u8, index: u32) -> Vec<u8> {
    let mut v = vec![family, plen, 0, 0];
    v.extend_from_slice(&index.to_ne_bytes());
    v
}

fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

fn nested_deep(depth: usize, kind: u16) -> Vec<u8> {
    let mut inner = Vec::new();
    for _ in 0..depth {
        inner = attr(kind | NLA_F_NESTED, &inner);
    }
    inner
}

fn with_len(mut m: Vec<u8>, len: u32) -> Vec<u8> {
    m[0..4].copy_from_slice(&len.to_ne_bytes());
    m
}

fn setlink_lo(attrs: &[u8]) -> Vec<u8> {
    msg(RTM_SETLINK, REQ | ACK, &cat(&[ifinfo(1), attrs.to_vec()]))
}

fn getlink_lo(attrs: &[u8]) -> Vec<u8> {
    msg(RTM_GETLINK, REQ | ACK, &cat(&[ifinfo(1), attrs.to_vec()]))
}

fn newaddr(family: u8, plen: u8, attrs: &[u8]) -> Vec<u8> {
    msg(
        RTM_NEWADDR,
        REQ | ACK | CREATE_EXCL,
        &cat(&[ifaddr(family, plen, 1), attrs.to_vec()]),
    )
}

fn v6(last: u8) -> Vec<u8> {
    let mut a = vec![0x20, 0x01, 0x0d, 0xb8];
    a.resize(15, 0);
    a.push(last);
    a
}

fn name(len: usize, nul: bool) -> Vec<u8> {
    let mut v = vec![b'a'; len];
    if nul {
        v.push(0);
    }
    v
}

// ---- the table

struct Case {
    class: &'static str,
    name: &'static str,
    strict: bool,
    datagram: fn() -> Vec<u8>,
    /// Linux 6.18's answer, recorded with fuzz/malformed_probe.py under unshare -n.
    kernel: &'static str,
    /// Why nlroute answers differently, when it does.
    differs: Option<&'static str>,
}

macro_rules! case {
    ($class:literal, $name:literal, $strict:expr, $dg:expr, $kernel:literal) => {
        Case {
            class: $class,
            name: $name,
            strict: $strict,
            datagram: $dg,
            kernel: $kernel,
            differs: None,
        }
    };
    ($class:literal, $name:literal, $strict:expr, $dg:expr, $kernel:literal, differs: $why:literal) => {
        Case {
            class: $class,
            name: $name,
            strict: $strict,
            datagram: $dg,
            kernel: $kernel,
            differs: Some($why),
        }
    };
}

fn cases() -> Vec<Case> {
    vec![
        // Zero and short lengths: netlink_rcv_skb stops at a header that does not fit.
        case!("length", "empty datagram", false, Vec::new, "send:ENODATA"),
        case!(
            "length",
            "10-byte datagram",
            false,
            || vec![0u8; 10],
            "none"
        ),
        case!(
            "length",
            "nlmsg_len 0",
            false,
            || with_len(getlink_lo(&[]), 0),
            "none"
        ),
        case!(
            "length",
            "nlmsg_len 15",
            false,
            || with_len(getlink_lo(&[]), 15),
            "none"
        ),
        case!(
            "length",
            "header only, no family byte",
            false,
            || msg(RTM_GETLINK, REQ | ACK, &[]),
            "ack"
        ),
        case!(
            "length",
            "rtgenmsg only on a GETLINK doit",
            false,
            || msg(RTM_GETLINK, REQ | ACK, &[0]),
            "EINVAL \"Invalid header for get link\""
        ),
        case!(
            "length",
            "short ifaddrmsg on NEWADDR",
            false,
            || msg(RTM_NEWADDR, REQ | ACK, &[2, 24, 0, 0]),
            "EINVAL \"Invalid header length\""
        ),
        case!(
            "length",
            "short ifinfomsg on a strict link dump",
            true,
            || msg(RTM_GETLINK, REQ | DUMP, &[0, 0, 0, 0]),
            "done"
        ),
        // nlmsg_len beyond the datagram.
        case!(
            "framing",
            "nlmsg_len beyond the datagram",
            false,
            || with_len(getlink_lo(&[]), 100),
            "none"
        ),
        case!(
            "framing",
            "second message's nlmsg_len beyond the rest",
            false,
            || cat(&[getlink_lo(&[]), with_len(getlink_lo(&[]), 4000)]),
            "t16, ack"
        ),
        case!(
            "framing",
            "three stray bytes after a message",
            false,
            || cat(&[getlink_lo(&[]), vec![1, 2, 3]]),
            "t16, ack"
        ),
        case!(
            "framing",
            "NLMSG_NOOP with ACK",
            false,
            || msg(1, REQ | ACK, &[0; 4]),
            "ack"
        ),
        case!(
            "framing",
            "no NLM_F_REQUEST, with ACK",
            false,
            || msg(RTM_GETLINK, ACK, &ifinfo(1)),
            "ack"
        ),
        case!(
            "framing",
            "message type beyond RTM_MAX",
            false,
            || msg(200, REQ | ACK, &[0; 16]),
            "EOPNOTSUPP"
        ),
        // Unknown families.
        case!(
            "family",
            "NEWADDR family 99",
            false,
            || newaddr(99, 24, &attr(IFA_LOCAL, &[10, 0, 0, 1])),
            "EOPNOTSUPP"
        ),
        case!(
            "family",
            "GETADDR dump family 99",
            false,
            || msg(RTM_GETADDR, REQ | DUMP, &ifaddr(99, 0, 0)),
            "done"
        ),
        case!(
            "family",
            "GETLINK dump family 99",
            false,
            || msg(RTM_GETLINK, REQ | DUMP, &cat(&[vec![99], vec![0; 15]])),
            "t16, done"
        ),
        case!(
            "family",
            "DELADDR family 99",
            false,
            || msg(RTM_DELADDR, REQ | ACK, &ifaddr(99, 24, 1)),
            "EOPNOTSUPP"
        ),
        // nla_len 0-3 and beyond the message: liberal parsing stops silently, strict refuses.
        case!(
            "nla_len",
            "nla_len 0 (SETLINK, liberal)",
            false,
            || setlink_lo(&raw_attr(0, IFLA_MTU, &[0; 4])),
            "ack"
        ),
        case!(
            "nla_len",
            "nla_len 1 (SETLINK, liberal)",
            false,
            || setlink_lo(&raw_attr(1, IFLA_MTU, &[0; 4])),
            "ack"
        ),
        case!(
            "nla_len",
            "nla_len 2 (SETLINK, liberal)",
            false,
            || setlink_lo(&raw_attr(2, IFLA_MTU, &[0; 4])),
            "ack"
        ),
        case!(
            "nla_len",
            "nla_len 3 (SETLINK, liberal)",
            false,
            || setlink_lo(&raw_attr(3, IFLA_MTU, &[0; 4])),
            "ack"
        ),
        case!(
            "nla_len",
            "nla_len beyond the message (SETLINK)",
            false,
            || setlink_lo(&raw_attr(200, IFLA_MTU, &[0; 4])),
            "ack"
        ),
        case!(
            "nla_len",
            "nla_len 0 (GETLINK, strict)",
            true,
            || getlink_lo(&raw_attr(0, IFLA_IFNAME, &[0; 4])),
            "EINVAL \"bytes leftover after parsing attributes\""
        ),
        case!(
            "nla_len",
            "nla_len 3 (GETLINK, strict)",
            true,
            || getlink_lo(&raw_attr(3, IFLA_IFNAME, &[0; 4])),
            "EINVAL \"bytes leftover after parsing attributes\""
        ),
        case!(
            "nla_len",
            "nla_len beyond the message (GETLINK, strict)",
            true,
            || getlink_lo(&raw_attr(200, IFLA_IFNAME, &[0; 4])),
            "EINVAL \"bytes leftover after parsing attributes\""
        ),
        case!(
            "nla_len",
            "two trailing bytes (GETLINK, strict)",
            true,
            || getlink_lo(&[0, 0]),
            "EINVAL \"bytes leftover after parsing attributes\""
        ),
        case!(
            "nla_len",
            "nla_len beyond the message (NEWADDR)",
            false,
            || newaddr(
                2,
                24,
                &cat(&[
                    attr(IFA_LOCAL, &[10, 0, 0, 1]),
                    raw_attr(300, IFA_LABEL, b"x\0\0\0")
                ])
            ),
            "ack"
        ),
        case!(
            "nla_len",
            "nla_len 4: IFLA_MTU with no payload",
            false,
            || setlink_lo(&raw_attr(4, IFLA_MTU, &[])),
            "ERANGE \"Attribute failed policy validation\" @32"
        ),
        case!(
            "nla_len",
            "nla_len 3 inside IFLA_LINKINFO",
            false,
            || setlink_lo(&attr(
                IFLA_LINKINFO | NLA_F_NESTED,
                &raw_attr(3, 1, &[0; 4])
            )),
            "ack"
        ),
        // Deeply nested attributes.
        case!(
            "nesting",
            "unknown type nested 1000 deep (SETLINK)",
            false,
            || setlink_lo(&nested_deep(1000, 0x7ff0)),
            "ack"
        ),
        case!(
            "nesting",
            "IFLA_LINKINFO nested 100 deep",
            false,
            || setlink_lo(&attr(IFLA_LINKINFO | NLA_F_NESTED, &nested_deep(100, 1))),
            "ack"
        ),
        case!(
            "nesting",
            "IFLA_AF_SPEC nested 100 deep",
            false,
            || setlink_lo(&attr(IFLA_AF_SPEC | NLA_F_NESTED, &nested_deep(100, 10))),
            "EINVAL"
        ),
        case!(
            "nesting",
            "unknown type nested 1000 deep (GETLINK, strict)",
            true,
            || getlink_lo(&nested_deep(1000, 0x7ff0)),
            "EINVAL \"Unknown attribute type\" @32"
        ),
        // Wrong-size integers.
        case!(
            "integer",
            "IFLA_MTU of 2 bytes",
            false,
            || setlink_lo(&attr(IFLA_MTU, &[0xdc, 0x05])),
            "ERANGE \"Attribute failed policy validation\" @32"
        ),
        case!(
            "integer",
            "IFLA_MTU of 8 bytes",
            false,
            || setlink_lo(&attr(IFLA_MTU, &[0xdc, 0x05, 0, 0, 0, 0, 0, 0])),
            "ack"
        ),
        case!(
            "integer",
            "IFLA_TXQLEN of 1 byte",
            false,
            || setlink_lo(&attr(IFLA_TXQLEN, &[5])),
            "ERANGE \"Attribute failed policy validation\" @32"
        ),
        case!(
            "integer",
            "IFLA_MASTER of 3 bytes",
            false,
            || setlink_lo(&attr(IFLA_MASTER, &[0, 0, 0])),
            "ERANGE \"Attribute failed policy validation\" @32"
        ),
        case!(
            "integer",
            "IFA_FLAGS of 2 bytes",
            false,
            || newaddr(
                2,
                24,
                &cat(&[attr(IFA_LOCAL, &[10, 0, 0, 1]), attr(IFA_FLAGS, &[0, 0])])
            ),
            "ERANGE \"Attribute failed policy validation\" @32"
        ),
        case!(
            "integer",
            "IFA_LOCAL of 3 bytes",
            false,
            || newaddr(2, 24, &attr(IFA_LOCAL, &[10, 0, 0])),
            "ERANGE \"Attribute failed policy validation\" @24"
        ),
        // Unterminated strings.
        case!(
            "string",
            "IFLA_IFNAME \"lo\" without NUL (GETLINK)",
            false,
            || msg(
                RTM_GETLINK,
                REQ | ACK,
                &cat(&[ifinfo(0), attr(IFLA_IFNAME, b"lo")])
            ),
            "t16, ack"
        ),
        case!(
            "string",
            "IFLA_IFNAME of 15 bytes without NUL",
            false,
            || msg(
                RTM_GETLINK,
                REQ | ACK,
                &cat(&[ifinfo(0), attr(IFLA_IFNAME, &name(15, false))])
            ),
            "ENODEV"
        ),
        case!(
            "string",
            "IFLA_IFNAME empty payload",
            false,
            || msg(
                RTM_GETLINK,
                REQ | ACK,
                &cat(&[ifinfo(0), attr(IFLA_IFNAME, &[])])
            ),
            "ERANGE \"Attribute failed policy validation\" @32"
        ),
        case!(
            "string",
            "IFA_LABEL without NUL",
            false,
            || newaddr(
                2,
                24,
                &cat(&[attr(IFA_LOCAL, &[10, 0, 0, 1]), attr(IFA_LABEL, b"lo:x")])
            ),
            "ack"
        ),
        // (veth, not dummy: the reference kernel here has no dummy module, so "dummy" would be
        // EOPNOTSUPP "Unknown device type" there for a reason unrelated to the terminator.)
        case!(
            "string",
            "IFLA_INFO_KIND \"veth\" without NUL",
            false,
            || msg(
                RTM_NEWLINK,
                REQ | ACK | CREATE_EXCL,
                &cat(&[
                    ifinfo(0),
                    attr(IFLA_IFNAME, b"v0\0"),
                    attr(IFLA_LINKINFO | NLA_F_NESTED, &attr(1, b"veth"))
                ])
            ),
            "ack"
        ),
        case!(
            "string",
            "IFLA_IFALIAS empty payload (SETLINK)",
            false,
            || setlink_lo(&attr(IFLA_IFALIAS, &[])),
            "ack"
        ),
        // Oversized names.
        case!(
            "name",
            "IFLA_IFNAME of 16 characters",
            false,
            || setlink_lo(&attr(IFLA_IFNAME, &name(16, true))),
            "ERANGE \"Attribute failed policy validation\" @32"
        ),
        case!(
            "name",
            "IFLA_IFNAME of 16 characters, no NUL",
            false,
            || setlink_lo(&attr(IFLA_IFNAME, &name(16, false))),
            "ERANGE \"Attribute failed policy validation\" @32"
        ),
        case!(
            "name",
            "new veth named with 16 characters",
            false,
            || msg(
                RTM_NEWLINK,
                REQ | ACK | CREATE_EXCL,
                &cat(&[
                    ifinfo(0),
                    attr(IFLA_IFNAME, &name(16, true)),
                    attr(IFLA_LINKINFO | NLA_F_NESTED, &attr(1, b"veth\0"))
                ])
            ),
            "ERANGE \"Attribute failed policy validation\" @32"
        ),
        case!(
            "name",
            "IFLA_ALT_IFNAME of 128 characters",
            false,
            || msg(
                RTM_GETLINK,
                REQ | ACK,
                &cat(&[ifinfo(0), attr(IFLA_ALT_IFNAME, &name(128, true))])
            ),
            "ERANGE \"Attribute failed policy validation\" @32"
        ),
        case!(
            "name",
            "IFLA_IFALIAS of 256 characters",
            false,
            || setlink_lo(&attr(IFLA_IFALIAS, &name(256, true))),
            "ERANGE \"Attribute failed policy validation\" @32"
        ),
        case!(
            "name",
            "IFA_LABEL of 16 characters",
            false,
            || newaddr(
                2,
                24,
                &cat(&[
                    attr(IFA_LOCAL, &[10, 0, 0, 1]),
                    attr(IFA_LABEL, &name(16, true))
                ])
            ),
            "ERANGE \"Attribute failed policy validation\" @32"
        ),
        case!(
            "name",
            "name with a slash",
            false,
            || setlink_lo(&attr(IFLA_IFNAME, b"a/b\0")),
            "EINVAL"
        ),
        // Messages larger than 64 KiB.
        case!(
            "size",
            "SETLINK of 70 000 bytes of unknown attributes",
            false,
            || setlink_lo(
                &(0..70)
                    .map(|_| attr(0x7ff0, &[0; 996]))
                    .collect::<Vec<_>>()
                    .concat()
            ),
            "ack"
        ),
        case!(
            "size",
            "two 40 000-byte messages in one datagram",
            false,
            || {
                let m = setlink_lo(
                    &(0..40)
                        .map(|_| attr(0x7ff0, &[0; 996]))
                        .collect::<Vec<_>>()
                        .concat(),
                );
                cat(&[m.clone(), m])
            },
            "ack, ack"
        ),
        case!(
            "size",
            "a datagram beyond the send buffer",
            false,
            || setlink_lo(
                &(0..220)
                    .map(|_| attr(0x7ff0, &[0; 996]))
                    .collect::<Vec<_>>()
                    .concat()
            ),
            "send:EMSGSIZE"
        ),
        case!(
            "size",
            "IFLA_IFALIAS of 65 531 bytes (largest attribute)",
            false,
            || setlink_lo(&attr(IFLA_IFALIAS, &name(65530, true))),
            "ERANGE \"Attribute failed policy validation\" @32"
        ),
        // Prefix lengths out of range.
        case!(
            "prefix",
            "IPv4 prefix 33",
            false,
            || newaddr(2, 33, &attr(IFA_LOCAL, &[10, 0, 0, 1])),
            "EINVAL \"ipv4: Invalid prefix length\""
        ),
        case!(
            "prefix",
            "IPv4 prefix 255",
            false,
            || newaddr(2, 255, &attr(IFA_LOCAL, &[10, 0, 0, 1])),
            "EINVAL \"ipv4: Invalid prefix length\""
        ),
        case!(
            "prefix",
            "IPv6 prefix 129",
            false,
            || newaddr(10, 129, &attr(IFA_ADDRESS, &v6(1))),
            "EINVAL \"ipv6: Invalid prefix length\""
        ),
        case!(
            "prefix",
            "IPv4 DELADDR prefix 33",
            false,
            || msg(
                RTM_DELADDR,
                REQ | ACK,
                &cat(&[ifaddr(2, 33, 1), attr(IFA_LOCAL, &[10, 0, 0, 1])])
            ),
            "EADDRNOTAVAIL \"ipv4: Address not found\""
        ),
        case!(
            "prefix",
            "IPv6 DELADDR prefix 200",
            false,
            || msg(
                RTM_DELADDR,
                REQ | ACK,
                &cat(&[ifaddr(10, 200, 1), attr(IFA_ADDRESS, &v6(1))])
            ),
            "EINVAL \"ipv6: Invalid prefix length\""
        ),
        case!(
            "prefix",
            "IPv4 prefix 32 (in range)",
            false,
            || newaddr(2, 32, &attr(IFA_LOCAL, &[10, 0, 0, 1])),
            "ack"
        ),
        case!(
            "prefix",
            "strict GETADDR dump with a prefix length",
            true,
            || msg(RTM_GETADDR, REQ | DUMP, &ifaddr(2, 24, 0)),
            "done"
        ),
        case!(
            "length",
            "veth peer shorter than an ifinfomsg",
            false,
            || msg(
                RTM_NEWLINK,
                REQ | ACK | CREATE_EXCL,
                &cat(&[
                    ifinfo(0),
                    attr(IFLA_IFNAME, b"v0\0"),
                    attr(
                        IFLA_LINKINFO | NLA_F_NESTED,
                        &cat(&[
                            attr(1, b"veth\0"),
                            attr(2 | NLA_F_NESTED, &attr(1, &[0; 8]))
                        ])
                    )
                ])
            ),
            "ERANGE \"Attribute failed policy validation\" @60"
        ),
        // Errors mid-datagram and out-of-range values in well-formed messages.
        case!(
            "framing",
            "an error, then a valid request, in one datagram",
            false,
            || cat(&[setlink_lo(&attr(IFLA_MTU, &[0, 0])), getlink_lo(&[])]),
            "ERANGE \"Attribute failed policy validation\" @32, t16, ack"
        ),
        case!(
            "integer",
            "IFLA_MTU 0 on lo",
            false,
            || setlink_lo(&attr(IFLA_MTU, &0u32.to_ne_bytes())),
            "ack"
        ),
        case!(
            "integer",
            "ifi_index -1 on GETLINK",
            false,
            || msg(RTM_GETLINK, REQ | ACK, &ifinfo(-1)),
            "EINVAL"
        ),
        case!(
            "integer",
            "ifi_index 99 on SETLINK",
            false,
            || msg(RTM_SETLINK, REQ | ACK, &ifinfo(99)),
            "ENODEV"
        ),
        case!(
            "integer",
            "IFA_CACHEINFO of 8 bytes",
            false,
            || newaddr(
                2,
                24,
                &cat(&[attr(IFA_LOCAL, &[10, 0, 0, 1]), attr(6, &[0; 8])])
            ),
            "ERANGE \"Attribute failed policy validation\" @32"
        ),
        case!(
            "integer",
            "IFLA_ADDRESS of 3 bytes on lo",
            false,
            || setlink_lo(&attr(1, &[2, 0, 0])),
            "EINVAL"
        ),
        case!(
            "integer",
            "IFLA_ADDRESS of 32 bytes on lo",
            false,
            || setlink_lo(&attr(1, &[2; 32])),
            "ack"
        ),
        case!(
            "nla_len",
            "unknown attribute on a strict link dump",
            true,
            || msg(
                RTM_GETLINK,
                REQ | DUMP,
                &cat(&[ifinfo(0), attr(0x7ff0, &[0; 4])])
            ),
            "done"
        ),
        case!(
            "nla_len",
            "duplicate IFLA_IFNAME: the last one wins (GETLINK)",
            false,
            || msg(
                RTM_GETLINK,
                REQ | ACK,
                &cat(&[
                    ifinfo(0),
                    attr(IFLA_IFNAME, b"nope\0"),
                    attr(IFLA_IFNAME, b"lo\0")
                ])
            ),
            "t16, ack"
        ),
        case!(
            "integer",
            "veth peer with a 4-byte IFLA_BROADCAST",
            false,
            || msg(
                RTM_NEWLINK,
                REQ | ACK | CREATE_EXCL,
                &cat(&[
                    ifinfo(0),
                    attr(IFLA_IFNAME, b"v0\0"),
                    attr(
                        IFLA_LINKINFO | NLA_F_NESTED,
                        &cat(&[
                            attr(1, b"veth\0"),
                            attr(
                                2 | NLA_F_NESTED,
                                &attr(1, &cat(&[ifinfo(0), attr(2, &[0xff; 4])]))
                            )
                        ])
                    )
                ])
            ),
            "EINVAL"
        ),
    ]
}

// ---- answers

const ERRNOS: &[(i32, &str)] = &[
    (libc::ENODATA, "ENODATA"),
    (libc::EPERM, "EPERM"),
    (libc::ENOENT, "ENOENT"),
    (libc::EBADF, "EBADF"),
    (libc::ENOMEM, "ENOMEM"),
    (libc::EBUSY, "EBUSY"),
    (libc::EEXIST, "EEXIST"),
    (libc::ENODEV, "ENODEV"),
    (libc::EINVAL, "EINVAL"),
    (libc::ERANGE, "ERANGE"),
    (libc::EMSGSIZE, "EMSGSIZE"),
    (libc::EOPNOTSUPP, "EOPNOTSUPP"),
    (libc::EAFNOSUPPORT, "EAFNOSUPPORT"),
    (libc::EADDRNOTAVAIL, "EADDRNOTAVAIL"),
    (libc::ENOBUFS, "ENOBUFS"),
    (libc::EPROTONOSUPPORT, "EPROTONOSUPPORT"),
];

fn errno_name(e: i32) -> String {
    ERRNOS
        .iter()
        .find(|(n, _)| *n == e)
        .map_or(format!("E{e}"), |(_, s)| s.to_string())
}

/// The summary of one datagram's replies, in the format the probe prints.
fn summarize(datagrams: &[Vec<u8>]) -> String {
    let mut items: Vec<String> = Vec::new();
    for d in datagrams {
        let mut rest = &d[..];
        while rest.len() >= 16 {
            let len = (u32::from_ne_bytes(rest[..4].try_into().unwrap()) as usize).min(rest.len());
            let m = &rest[..len];
            let kind = u16::from_ne_bytes([m[4], m[5]]);
            let flags = u16::from_ne_bytes([m[6], m[7]]);
            let item = match kind {
                2 => {
                    let errno = -i32::from_ne_bytes(m[16..20].try_into().unwrap());
                    if errno == 0 {
                        "ack".to_string()
                    } else {
                        let mut s = errno_name(errno);
                        if flags & 0x200 != 0 {
                            // NLM_F_ACK_TLVS: the TLVs follow the echoed request (its
                            // header only when NLM_F_CAPPED).
                            let echoed = if flags & 0x100 != 0 {
                                16
                            } else {
                                u32::from_ne_bytes(m[20..24].try_into().unwrap()) as usize
                            };
                            let mut t = 20 + ((echoed + 3) & !3);
                            while t + 4 <= m.len() {
                                let l = u16::from_ne_bytes([m[t], m[t + 1]]) as usize;
                                let ty = u16::from_ne_bytes([m[t + 2], m[t + 3]]);
                                if l < 4 || t + l > m.len() {
                                    break;
                                }
                                let p = &m[t + 4..t + l];
                                match ty {
                                    1 => {
                                        let text = p.split(|&b| b == 0).next().unwrap_or(&[]);
                                        s += &format!(" {:?}", String::from_utf8_lossy(text));
                                    }
                                    2 if p.len() == 4 => {
                                        s += &format!(
                                            " @{}",
                                            u32::from_ne_bytes(p.try_into().unwrap())
                                        )
                                    }
                                    _ => {}
                                }
                                t += (l + 3) & !3;
                            }
                        }
                        s
                    }
                }
                3 => "done".to_string(),
                k => format!("t{k}"),
            };
            match items.last_mut() {
                Some(last) if last.trim_end_matches('*') == item && item.starts_with('t') => {
                    if !last.ends_with('*') {
                        last.push('*');
                    }
                }
                _ => items.push(item),
            }
            rest = &rest[((len + 3) & !3).min(rest.len())..];
        }
    }
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// Runs one case on nlroute: a fresh Host, one socket, the datagram, everything read back.
fn nlroute_answer(case: &Case) -> String {
    let mut host = Host::new();
    let s = host.open(ROOT.pid, libc::SOCK_RAW, 0).unwrap();
    let on = 1i32.to_ne_bytes();
    host.set_option(s, 270, 11, &on).unwrap(); // NETLINK_EXT_ACK
    if case.strict {
        host.set_option(s, 270, 12, &on).unwrap(); // NETLINK_GET_STRICT_CHK
    }
    if let Err(e) = host.send(s, &(case.datagram)(), &ROOT) {
        return format!("send:{}", errno_name(e));
    }
    let mut out = Vec::new();
    while let Some(o) = host.recv(s, 1 << 20) {
        match o {
            Outgoing::Datagram(d) => out.push(d),
            Outgoing::Overrun => return "ENOBUFS (overrun)".into(),
        }
    }
    summarize(&out)
}

/// nlroute against the table's kernel column, row by row.
#[test]
fn malformed_input_is_answered_as_linux_answers_it() {
    let mut mismatched = Vec::new();
    let mut known = 0;
    let cases = cases();
    for c in &cases {
        let got = nlroute_answer(c);
        match c.differs {
            None if got != c.kernel => mismatched.push(format!(
                "[{}] {}: kernel {:?}, nlroute {:?}",
                c.class, c.name, c.kernel, got
            )),
            Some(why) => {
                known += 1;
                if got == c.kernel {
                    // The engine was fixed: say so, but an engine fix must not fail CI.
                    println!(
                        "NOW MATCHES [{}] {}: marked as a known difference ({why}); unmark the row",
                        c.class, c.name
                    );
                } else {
                    println!(
                        "KNOWN DIFFERENCE [{}] {}: kernel {:?}, nlroute {:?} ({why})",
                        c.class, c.name, c.kernel, got
                    );
                }
            }
            None => {}
        }
    }
    println!(
        "{} malformed inputs tried, {} known differences",
        cases.len(),
        known
    );
    assert!(
        mismatched.is_empty(),
        "answers differ from Linux:\n{}",
        mismatched.join("\n")
    );
}

/// Every class the issue names has rows.
#[test]
fn every_malformed_class_is_covered() {
    let cases = cases();
    for class in [
        "length", "framing", "family", "nla_len", "nesting", "integer", "string", "name", "size",
        "prefix",
    ] {
        assert!(
            cases.iter().any(|c| c.class == class),
            "no case of class {class}"
        );
    }
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool} >/dev/null 2>&1"))
        .status()
        .is_ok_and(|s| s.success())
}

/// The kernel column is re-checked against the running kernel, from the same bytes: each
/// case goes to `fuzz/malformed_probe.py` in a fresh `unshare -n` namespace. Skipped when not
/// root or without unshare/python3. `NLROUTE_MALFORMED_PRINT=1` prints the table's kernel
/// column as the probe saw it (how the column was written).
#[test]
fn kernel_still_answers_as_the_table_says() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        println!("SKIPPED: not root (unshare -n needs CAP_SYS_ADMIN)");
        return;
    }
    for tool in ["unshare", "python3"] {
        if !have(tool) {
            println!("SKIPPED: {tool} not found");
            return;
        }
    }
    let cases = cases();
    let mut input = String::new();
    for c in &cases {
        let hex: String = (c.datagram)().iter().map(|b| format!("{b:02x}")).collect();
        input += &format!(
            "{} {}\n",
            c.strict as u8,
            if hex.is_empty() { "-" } else { &hex }
        );
    }
    let probe = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/malformed_probe.py");
    let mut child = Command::new("unshare")
        .args(["-n", "python3", probe])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the probe");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().expect("probe output");
    let text = String::from_utf8_lossy(&out.stdout);
    if text.starts_with("SKIPPED:") || !out.status.success() {
        println!("SKIPPED: the kernel probe could not run: {text}");
        return;
    }
    let answers: Vec<&str> = text.lines().collect();
    assert_eq!(answers.len(), cases.len(), "probe output: {text}");
    let print = std::env::var_os("NLROUTE_MALFORMED_PRINT").is_some();
    let mut wrong = Vec::new();
    for (c, got) in cases.iter().zip(answers) {
        if print {
            println!("{:<55} {got}", c.name);
        }
        if got != c.kernel {
            wrong.push(format!(
                "[{}] {}: table says {:?}, this kernel says {got:?}",
                c.class, c.name, c.kernel
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "the kernel column is out of date:\n{}",
        wrong.join("\n")
    );
}
