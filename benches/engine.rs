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
use nlroute::wire::consts::{
    IFA_ADDRESS, IFA_LOCAL, IFLA_IFNAME, IFLA_INFO_KIND, IFLA_LINKINFO, IFLA_MTU, RTM_GETADDR,
    RTM_GETLINK, RTM_NEWADDR, RTM_NEWLINK,
};
use nlroute::wire::{MessageIter, Writer};

const ADMIN: Credentials = Credentials {
    pid: 1,
    uid: 0,
    gid: 0,
    admin: true,
};

const IFINFOMSG_LEN: usize = 16;

/// `ip link add NAME mtu 1400 type dummy` as iproute2 sends it.
fn newlink_request(name: &str, seq: u32) -> Vec<u8> {
    let mut w = Writer::new();
    let m = w.begin(RTM_NEWLINK, 0x605, seq, 0);
    w.put_raw(&[0u8; IFINFOMSG_LEN]);
    w.attr_str(IFLA_IFNAME, name);
    w.attr_u32(IFLA_MTU, 1400);
    let info = w.nest(IFLA_LINKINFO);
    w.attr_str(IFLA_INFO_KIND, "dummy");
    w.nest_end(info);
    w.end(m);
    w.into_bytes()
}

fn newaddr_request(ifindex: u32, i: u32, seq: u32) -> Vec<u8> {
    let mut ifaddrmsg = vec![2u8, 32, 0, 0];
    ifaddrmsg.extend_from_slice(&ifindex.to_ne_bytes());
    let ip = [10, (i >> 16) as u8, (i >> 8) as u8, i as u8];
    let mut w = Writer::new();
    let m = w.begin(RTM_NEWADDR, 0x605, seq, 0);
    w.put_raw(&ifaddrmsg);
    w.attr(IFA_LOCAL, &ip);
    w.attr(IFA_ADDRESS, &ip);
    w.end(m);
    w.into_bytes()
}

/// A dump request of `kind` with an all-zero family header.
fn dump_request(kind: u16) -> Vec<u8> {
    let header_len = if kind == RTM_GETLINK {
        IFINFOMSG_LEN
    } else {
        8
    };
    let mut w = Writer::new();
    let m = w.begin(kind, 0x301, 1, 0);
    w.put_raw(&[0u8; IFINFOMSG_LEN][..header_len]);
    w.end(m);
    w.into_bytes()
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
    host.send(s, &dump_request(kind), &ADMIN).expect("send");
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
