//! Criterion micro-benchmarks of the engine's hot paths, through the public API only:
//! - `parse_request`: framing + ifinfomsg + strict IFLA policy validation of an RTM_NEWLINK;
//! - `write_link_message`: one RTM_NEWLINK message written by `rtnl::link::fill`;
//! - `dump_100k_links` / `dump_100k_addrs`: a full dump through `socket::Host`, as a
//!   reader with a 32 KiB buffer sees it.
//!
//! Run: `cargo bench --bench engine` (not part of `cargo test`).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nlroute::rtnl::link::{IFLA_POLICY, IfInfo, MsgHeader, fill};
use nlroute::rtnl::policy::{Mode, parse};
use nlroute::socket::{Credentials, Host, Outgoing};
use nlroute::wire::MessageIter;

const ADMIN: Credentials = Credentials {
    pid: 1,
    uid: 0,
    gid: 0,
    admin: true,
};

const RTM_NEWLINK: u16 = 16;
const RTM_GETLINK: u16 = 18;
const RTM_NEWADDR: u16 = 20;
const RTM_GETADDR: u16 = 22;
const IFINFOMSG_LEN: usize = 16;

fn msg(kind: u16, flags: u16, seq: u32, body: &[u8]) -> Vec<u8> {
    let mut v = vec![0u8; 16];
    v[4..6].copy_from_slice(&kind.to_ne_bytes());
    v[6..8].copy_from_slice(&flags.to_ne_bytes());
    v[8..12].copy_from_slice(&seq.to_ne_bytes());
    v.extend_from_slice(body);
    let len = v.len() as u32;
    v[0..4].copy_from_slice(&len.to_ne_bytes());
    v
}

fn attr(out: &mut Vec<u8>, kind: u16, payload: &[u8]) {
    out.extend_from_slice(&((4 + payload.len()) as u16).to_ne_bytes());
    out.extend_from_slice(&kind.to_ne_bytes());
    out.extend_from_slice(payload);
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
}

/// `ip link add NAME mtu 1400 type dummy` as iproute2 sends it.
fn newlink_request(name: &str, seq: u32) -> Vec<u8> {
    let mut body = vec![0u8; IFINFOMSG_LEN];
    attr(&mut body, 3, format!("{name}\0").as_bytes()); // IFLA_IFNAME
    attr(&mut body, 4, &1400u32.to_ne_bytes()); // IFLA_MTU
    let mut info = Vec::new();
    attr(&mut info, 1, b"dummy\0"); // IFLA_INFO_KIND
    attr(&mut body, 18 | 0x8000, &info); // IFLA_LINKINFO, nested
    msg(RTM_NEWLINK, 0x605, seq, &body)
}

fn newaddr_request(ifindex: u32, i: u32, seq: u32) -> Vec<u8> {
    let mut a = vec![2u8, 32, 0, 0];
    a.extend_from_slice(&ifindex.to_ne_bytes());
    let ip = [10, (i >> 16) as u8, (i >> 8) as u8, i as u8];
    attr(&mut a, 2, &ip); // IFA_LOCAL
    attr(&mut a, 1, &ip); // IFA_ADDRESS
    msg(RTM_NEWADDR, 0x605, seq, &a)
}

/// A host with `n` dummy links, each with one IPv4 address, and an admin socket.
fn populated(n: u32) -> (Host, u32) {
    let mut host = Host::new();
    let s = host.open(1, libc::SOCK_RAW, 0).expect("socket");
    for i in 0..n {
        host.send(s, &newlink_request(&format!("d{i}"), i), &ADMIN)
            .expect("newlink");
        while host.recv(s, 32768).is_some() {}
        host.send(s, &newaddr_request(i + 2, i, i), &ADMIN)
            .expect("newaddr");
        while host.recv(s, 32768).is_some() {}
    }
    (host, s)
}

/// One full dump; returns the number of messages (NLMSG_DONE included).
fn dump(host: &mut Host, s: u32, kind: u16) -> usize {
    let body = [0u8; 16];
    let len = if kind == RTM_GETLINK { 16 } else { 8 };
    host.send(s, &msg(kind, 0x301, 1, &body[..len]), &ADMIN)
        .expect("send");
    let mut messages = 0;
    while let Some(Outgoing::Datagram(d)) = host.recv(s, 32768) {
        messages += MessageIter::new(&d).count();
    }
    messages
}

fn parse_request(c: &mut Criterion) {
    let req = newlink_request("bench0", 7);
    let mut g = c.benchmark_group("parse_request");
    g.throughput(Throughput::Elements(1));
    g.bench_function("newlink_strict", |b| {
        b.iter(|| {
            let mut n = 0;
            for m in MessageIter::new(black_box(&req)) {
                let payload = &m.bytes[16..];
                let ifi = IfInfo::parse(payload).expect("ifinfomsg");
                let attrs = parse(
                    &payload[IFINFOMSG_LEN..],
                    16 + IFINFOMSG_LEN,
                    &IFLA_POLICY,
                    Mode::Strict,
                )
                .expect("valid");
                n += attrs.present().count() + ifi.index as usize;
            }
            n
        })
    });
    g.finish();
}

fn write_link_message(c: &mut Criterion) {
    let (host, _) = populated(1);
    let stack = host.stack();
    let ns = stack.ns(0);
    let link = ns.link(2).expect("d0");
    let h = MsgHeader {
        kind: RTM_NEWLINK,
        flags: 2,
        seq: 1,
        portid: 1,
        change: 0,
        event: None,
    };
    let mut w = nlroute::wire::Writer::with_capacity(4096);
    let mut g = c.benchmark_group("write_link_message");
    g.throughput(Throughput::Elements(1));
    g.bench_function("dummy", |b| {
        b.iter(|| {
            w.clear();
            fill(&mut w, h, black_box(link), ns, stack, 0);
            w.len()
        })
    });
    g.finish();
}

fn dump_100k(c: &mut Criterion) {
    let n = 100_000;
    let (mut host, s) = populated(n);
    let mut g = c.benchmark_group("dump_100k");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.throughput(Throughput::Elements(n as u64 + 1));
    g.bench_function("links", |b| b.iter(|| dump(&mut host, s, RTM_GETLINK)));
    g.bench_function("addrs", |b| b.iter(|| dump(&mut host, s, RTM_GETADDR)));
    g.finish();
}

criterion_group!(benches, parse_request, write_link_message, dump_100k);
criterion_main!(benches);
