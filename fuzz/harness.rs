//! The fuzz harness shared by the libFuzzer targets (`fuzz/fuzz_targets/*.rs`) and the bounded
//! run inside `cargo test` (`tests/robust_fuzz.rs`): both include this file with `#[path]`.
//!
//! Input format of the request-path target: byte 0 selects socket options and credentials,
//! the rest is one or more datagrams separated by [`SEPARATOR`]. Each datagram is sent to a
//! Host with a populated stack, every reply is drained with `recv()` and checked, and after
//! each datagram the stack's invariants are checked.

#![allow(dead_code)]

use nlroute::socket::{Credentials, Host, Outgoing, SockId};
use nlroute::stack::{Kind, Namespace, Stack};
use nlroute::wire::msg::MessageIter;
use nlroute::wire::{AttrIter, NLMSG_HDRLEN};

/// Separates datagrams in a request-path input.
pub const SEPARATOR: &[u8] = b"|NL|";

/// Options byte: which SOL_NETLINK options are on, and who sends.
pub const OPT_STRICT: u8 = 1;
pub const OPT_EXT_ACK: u8 = 2;
pub const OPT_CAP_ACK: u8 = 4;
/// Send as an unprivileged user (no CAP_NET_ADMIN).
pub const OPT_USER: u8 = 8;
/// Receive into a small buffer (dump parts of NLMSG_GOODSIZE).
pub const OPT_SMALL_READER: u8 = 16;
/// A second socket listens to every group, so notifications are produced too.
pub const OPT_LISTENER: u8 = 32;

const SOL_NETLINK: i32 = 270;
const NETLINK_ADD_MEMBERSHIP: i32 = 1;
const NETLINK_CAP_ACK: i32 = 10;
const NETLINK_EXT_ACK: i32 = 11;
const NETLINK_GET_STRICT_CHK: i32 = 12;

/// Most datagrams one `recv()` may return for one request datagram before we call it
/// unbounded output, and most bytes.
pub const MAX_RECVS_PER_DATAGRAM: usize = 20_000;
pub const MAX_BYTES_PER_DATAGRAM: usize = 64 << 20;
/// No single datagram the engine produces is larger than this (dump parts are at most 32 KiB;
/// an error ACK echoes a request of at most the send buffer).
pub const MAX_DATAGRAM: usize = 512 * 1024;

const ADMIN: Credentials = Credentials {
    pid: 4242,
    uid: 0,
    gid: 0,
    admin: true,
};
const USER: Credentials = Credentials {
    pid: 4243,
    uid: 1000,
    gid: 1000,
    admin: false,
};

/// What one run produced, for the tests' own statistics.
#[derive(Default, Debug, Clone, Copy)]
pub struct Stats {
    pub datagrams: usize,
    pub replies: usize,
    pub bytes: usize,
}

/// A request in the `ip`-like shape the seed set-up uses.
fn req(kind: u16, flags: u16, seq: u32, family_hdr: &[u8], attrs: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut v = vec![0u8; NLMSG_HDRLEN];
    v[4..6].copy_from_slice(&kind.to_ne_bytes());
    v[6..8].copy_from_slice(&flags.to_ne_bytes());
    v[8..12].copy_from_slice(&seq.to_ne_bytes());
    v.extend_from_slice(family_hdr);
    v.extend(attrs_bytes(attrs));
    let len = v.len() as u32;
    v[0..4].copy_from_slice(&len.to_ne_bytes());
    v
}

fn attrs_bytes(attrs: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut v = Vec::new();
    for (k, p) in attrs {
        v.extend_from_slice(&((4 + p.len()) as u16).to_ne_bytes());
        v.extend_from_slice(&k.to_ne_bytes());
        v.extend_from_slice(p);
        while !v.len().is_multiple_of(4) {
            v.push(0);
        }
    }
    v
}

fn cstr(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    v
}

fn ifinfo(index: i32, flags: u32, change: u32) -> Vec<u8> {
    let mut v = vec![0u8; 16];
    v[4..8].copy_from_slice(&index.to_ne_bytes());
    v[8..12].copy_from_slice(&flags.to_ne_bytes());
    v[12..16].copy_from_slice(&change.to_ne_bytes());
    v
}

fn ifaddr(family: u8, plen: u8, index: u32) -> Vec<u8> {
    let mut v = vec![family, plen, 0, 0];
    v.extend_from_slice(&index.to_ne_bytes());
    v
}

fn linkinfo(kind: &str, data: Vec<u8>) -> Vec<u8> {
    let mut attrs = vec![(1u16, kind.as_bytes().to_vec())];
    if !data.is_empty() {
        attrs.push((2 | 0x8000, data));
    }
    attrs_bytes(&attrs)
}

/// Ifindex of a link by name in the first namespace.
fn index_of(host: &Host, name: &str) -> u32 {
    host.stack()
        .ns(0)
        .by_name(name.as_bytes())
        .map(|l| l.ifindex)
        .unwrap_or_else(|| panic!("set-up did not create {name}"))
}

fn must_ack(host: &mut Host, s: SockId, bytes: Vec<u8>) {
    host.send(s, &bytes, &ADMIN).expect("set-up send");
    while let Some(o) = host.recv(s, 65536) {
        if let Outgoing::Datagram(d) = o {
            for m in MessageIter::new(&d) {
                if m.header.kind == 2 {
                    let errno = i32::from_ne_bytes(m.payload()[..4].try_into().unwrap());
                    assert_eq!(errno, 0, "set-up request failed");
                }
            }
        }
    }
}

/// A Host with `lo` up, a veth pair v0/v1 (v0 a port of bridge br0), a dummy d0 with a
/// macvlan and a vlan on it, and IPv4/IPv6 addresses; MACs are seeded so runs repeat.
pub fn populated_host() -> Host {
    let mut host = Host::new();
    host.stack_mut().seed(0x5eed);
    let s = host.open(1, libc::SOCK_RAW, 0).expect("open");
    const NEW: u16 = 16;
    const SET: u16 = 19;
    const NEWADDR: u16 = 20;
    const F: u16 = 1 | 4 | 0x400 | 0x200; // REQUEST | ACK | CREATE | EXCL
    let up = |i: u32| req(SET, 5, 1, &ifinfo(i as i32, 1, 1), &[]);
    must_ack(&mut host, s, up(1));
    let peer = {
        let mut p = ifinfo(0, 0, 0);
        p.extend(attrs_bytes(&[(3, cstr("v1"))]));
        attrs_bytes(&[(1, p)])
    };
    must_ack(
        &mut host,
        s,
        req(
            NEW,
            F,
            2,
            &ifinfo(0, 0, 0),
            &[(3, cstr("v0")), (18, linkinfo("veth", peer))],
        ),
    );
    must_ack(
        &mut host,
        s,
        req(
            NEW,
            F,
            3,
            &ifinfo(0, 0, 0),
            &[(3, cstr("br0")), (18, linkinfo("bridge", vec![]))],
        ),
    );
    must_ack(
        &mut host,
        s,
        req(
            NEW,
            F,
            4,
            &ifinfo(0, 0, 0),
            &[(3, cstr("d0")), (18, linkinfo("dummy", vec![]))],
        ),
    );
    let d0 = index_of(&host, "d0");
    let mode = attrs_bytes(&[(1, 4u32.to_ne_bytes().to_vec())]);
    must_ack(
        &mut host,
        s,
        req(
            NEW,
            F,
            5,
            &ifinfo(0, 0, 0),
            &[
                (3, cstr("mv0")),
                (5, d0.to_ne_bytes().to_vec()),
                (18, linkinfo("macvlan", mode)),
            ],
        ),
    );
    let vid = attrs_bytes(&[(1, 5u16.to_ne_bytes().to_vec())]);
    must_ack(
        &mut host,
        s,
        req(
            NEW,
            F,
            6,
            &ifinfo(0, 0, 0),
            &[
                (3, cstr("d0.5")),
                (5, d0.to_ne_bytes().to_vec()),
                (18, linkinfo("vlan", vid)),
            ],
        ),
    );
    let (v0, v1, br0) = (
        index_of(&host, "v0"),
        index_of(&host, "v1"),
        index_of(&host, "br0"),
    );
    must_ack(
        &mut host,
        s,
        req(
            SET,
            5,
            7,
            &ifinfo(v0 as i32, 0, 0),
            &[(10, br0.to_ne_bytes().to_vec())],
        ),
    );
    for i in [v0, v1, br0, d0] {
        must_ack(&mut host, s, up(i));
    }
    must_ack(
        &mut host,
        s,
        req(
            NEWADDR,
            F,
            8,
            &ifaddr(2, 24, br0),
            &[(2, vec![10, 0, 0, 1]), (1, vec![10, 0, 0, 1])],
        ),
    );
    must_ack(
        &mut host,
        s,
        req(
            NEWADDR,
            F,
            9,
            &ifaddr(2, 24, br0),
            &[(2, vec![10, 0, 0, 2]), (1, vec![10, 0, 0, 2])],
        ),
    );
    let v6: Vec<u8> = [0x20, 0x01, 0x0d, 0xb8]
        .into_iter()
        .chain([0; 11])
        .chain([1])
        .collect();
    must_ack(
        &mut host,
        s,
        req(
            NEWADDR,
            F,
            10,
            &ifaddr(10, 64, d0),
            &[(1, v6), (8, 2u32.to_ne_bytes().to_vec())],
        ),
    );
    host.close(s);
    check_invariants(&host);
    host
}

/// The populated stack's namespaces, to start each run from (cloning them is much cheaper
/// than replaying the set-up or a save/load round trip).
pub fn template() -> Vec<Namespace> {
    populated_host().stack().namespaces.clone()
}

/// A Host whose stack is a copy of `template`, MACs seeded with `seed`.
pub fn host_from(template: &[Namespace], seed: u64) -> Host {
    let mut stack = Stack::new();
    stack.namespaces = template.to_vec();
    stack.seed(seed);
    Host::with_stack(stack)
}

fn set_flag(host: &mut Host, s: SockId, name: i32, on: bool) {
    host.set_option(s, SOL_NETLINK, name, &(on as i32).to_ne_bytes())
        .expect("setsockopt");
}

/// Splits a request-path input into its options byte and datagrams.
pub fn split_input(data: &[u8]) -> (u8, Vec<&[u8]>) {
    let Some((&opts, rest)) = data.split_first() else {
        return (0, Vec::new());
    };
    let mut out = Vec::new();
    let mut rest = rest;
    while let Some(pos) = rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
        out.push(&rest[..pos]);
        rest = &rest[pos + SEPARATOR.len()..];
    }
    out.push(rest);
    (opts, out)
}

/// Runs one request-path input against a fresh populated Host (or `host` if given).
pub fn run_request_path(data: &[u8], host: Option<Host>) -> Stats {
    let mut host = host.unwrap_or_else(populated_host);
    let (opts, datagrams) = split_input(data);
    run_datagrams(&mut host, opts, &datagrams)
}

pub fn run_datagrams(host: &mut Host, opts: u8, datagrams: &[&[u8]]) -> Stats {
    let cred = if opts & OPT_USER != 0 { USER } else { ADMIN };
    let s = host.open(cred.pid, libc::SOCK_RAW, 0).expect("open");
    set_flag(host, s, NETLINK_GET_STRICT_CHK, opts & OPT_STRICT != 0);
    set_flag(host, s, NETLINK_EXT_ACK, opts & OPT_EXT_ACK != 0);
    set_flag(host, s, NETLINK_CAP_ACK, opts & OPT_CAP_ACK != 0);
    let listener = (opts & OPT_LISTENER != 0).then(|| {
        let l = host.open(7, libc::SOCK_RAW, 0).expect("open listener");
        for g in 1..32i32 {
            host.set_option(l, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &g.to_ne_bytes())
                .expect("join group");
        }
        l
    });
    let reader_buf = if opts & OPT_SMALL_READER != 0 {
        4096
    } else {
        32768
    };
    let mut stats = Stats::default();
    for d in datagrams {
        stats.datagrams += 1;
        match host.send(s, d, &cred) {
            Ok(n) => assert_eq!(n, d.len(), "send consumed part of a datagram"),
            Err(e) => {
                // Only an oversized or an empty datagram may be refused (netlink_sendmsg).
                assert!(
                    e == libc::EMSGSIZE || (e == libc::ENODATA && d.is_empty()),
                    "send failed with errno {e}"
                );
            }
        }
        let (n, b) = drain(host, s, reader_buf);
        stats.replies += n;
        stats.bytes += b;
        if let Some(l) = listener {
            let (n, b) = drain(host, l, 65536);
            stats.replies += n;
            stats.bytes += b;
        }
        check_invariants(host);
    }
    host.close(s);
    if let Some(l) = listener {
        host.close(l);
    }
    check_invariants(host);
    stats
}

/// Reads everything a socket has; asserts the output is bounded and well formed.
fn drain(host: &mut Host, s: SockId, reader_buf: usize) -> (usize, usize) {
    let (mut n, mut bytes) = (0, 0);
    while let Some(o) = host.recv(s, reader_buf) {
        n += 1;
        assert!(
            n <= MAX_RECVS_PER_DATAGRAM,
            "more than {MAX_RECVS_PER_DATAGRAM} replies to one datagram"
        );
        if let Outgoing::Datagram(d) = o {
            bytes += d.len();
            assert!(
                bytes <= MAX_BYTES_PER_DATAGRAM,
                "more than {MAX_BYTES_PER_DATAGRAM} bytes of replies to one datagram"
            );
            check_datagram(&d);
        }
    }
    assert!(
        !host.has_output(s),
        "recv() returned nothing while has_output() says there is more (a reader would spin)"
    );
    (n, bytes)
}

/// Every datagram the engine emits is a whole number of well-formed messages.
pub fn check_datagram(d: &[u8]) {
    assert!(!d.is_empty(), "empty datagram");
    assert!(d.len() <= MAX_DATAGRAM, "datagram of {} bytes", d.len());
    let mut rest = d;
    while !rest.is_empty() {
        assert!(rest.len() >= NLMSG_HDRLEN, "trailing bytes in a reply");
        let len = u32::from_ne_bytes(rest[..4].try_into().unwrap()) as usize;
        assert!(
            len >= NLMSG_HDRLEN && len <= rest.len(),
            "reply message length {len} of {}",
            rest.len()
        );
        let kind = u16::from_ne_bytes([rest[4], rest[5]]);
        if kind == 2 {
            assert!(len >= NLMSG_HDRLEN + 4 + NLMSG_HDRLEN, "short NLMSG_ERROR");
        }
        if kind >= 16 {
            // rtnetlink replies: family header (ifinfomsg, ifaddrmsg, netconfmsg padded)
            // then well-formed attributes.
            let fam = match kind {
                16..=19 => 16,
                80..=82 => 4,
                _ => 8,
            };
            let body = &rest[NLMSG_HDRLEN..len];
            assert!(
                body.len() >= fam,
                "reply {kind} shorter than its family header"
            );
            check_attrs(&body[fam..], 0);
        }
        rest = &rest[((len + 3) & !3).min(rest.len())..];
    }
}

fn check_attrs(bytes: &[u8], depth: usize) {
    let mut it = AttrIter::new(bytes, 0);
    for a in it.by_ref() {
        let a = a.expect("malformed attribute in a reply");
        if a.nested_flag && depth < 8 {
            check_attrs(a.payload, depth + 1);
        }
    }
    assert_eq!(it.trailing(), 0, "bytes left over in a reply");
}

/// The stack's own consistency: names index both ways, masters exist and are bridges,
/// veth peers point at each other, lower devices exist, addresses belong to their link.
pub fn check_invariants(host: &Host) {
    let stack = host.stack();
    for ns in &stack.namespaces {
        for (&idx, link) in &ns.links {
            assert_eq!(idx, link.ifindex, "links keyed by the wrong index");
            assert!(idx != 0 && idx <= i32::MAX as u32, "ifindex {idx}");
            let by_name = ns.by_name(link.name.as_bytes()).map(|l| l.ifindex);
            assert_eq!(by_name, Some(idx), "name {:?} not indexed", link.name);
            for alt in &link.altnames {
                let got = ns.by_name(alt.as_bytes()).map(|l| l.ifindex);
                assert_eq!(got, Some(idx), "altname {alt:?} not indexed");
            }
            assert!(
                !link.name.is_empty() && link.name.len() < 16,
                "bad name {:?}",
                link.name
            );
            if let Some(m) = link.master {
                let master = ns
                    .link(m)
                    .unwrap_or_else(|| panic!("{} has no master {m}", idx));
                assert!(
                    matches!(master.kind, Kind::Bridge(_)),
                    "master {m} is not a bridge"
                );
            }
            match link.kind {
                Kind::Veth => {
                    let p = link.link.expect("veth without peer");
                    let peer = ns
                        .link(p)
                        .unwrap_or_else(|| panic!("veth {idx} lost peer {p}"));
                    assert!(matches!(peer.kind, Kind::Veth), "veth peer is not a veth");
                    assert_eq!(peer.link, Some(idx), "veth peers not paired");
                }
                Kind::Macvlan(_) | Kind::Vlan(_) => {
                    let lower = link.link.expect("stacked link without lower device");
                    assert!(ns.link(lower).is_some(), "{idx} lost its lower device");
                }
                _ => {}
            }
            for a in link.addrs4.iter().chain(&link.addrs6) {
                assert_eq!(a.ifindex, idx, "address on the wrong link");
                assert_eq!(
                    a.local.len(),
                    if a.family == 2 { 4 } else { 16 },
                    "address length"
                );
                let max = if a.family == 2 { 32 } else { 128 };
                assert!(a.prefixlen <= max, "prefix length {}", a.prefixlen);
            }
        }
        assert!(ns.links.contains_key(&1), "lo is gone");
    }
}
