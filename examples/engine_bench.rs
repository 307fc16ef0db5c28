//! In-process engine benchmark: creates N dummy links (each with one IPv4 address) through
//! RTM_NEWLINK / RTM_NEWADDR requests, then times full link and address dumps and single
//! requests (RTM_GETLINK by index; RTM_SETLINK of the MTU a link has, and of a new one).
//! Run: `cargo run --release --example engine_bench -- 100000`

use std::time::Instant;

use nlroute::socket::{Credentials, Host, Outgoing};
use nlroute::wire::consts::{
    IFA_ADDRESS, IFA_LOCAL, IFLA_IFNAME, IFLA_INFO_KIND, IFLA_LINKINFO, IFLA_MTU, RTM_GETADDR,
    RTM_GETLINK, RTM_NEWADDR, RTM_NEWLINK, RTM_SETLINK,
};
use nlroute::wire::{MessageIter, Writer};

/// One request: a netlink header, a family header, and attributes written by `attrs`.
fn request(
    kind: u16,
    flags: u16,
    seq: u32,
    header: &[u8],
    attrs: impl FnOnce(&mut Writer),
) -> Vec<u8> {
    let mut w = Writer::new();
    let m = w.begin(kind, flags, seq, 0);
    w.put_raw(header);
    attrs(&mut w);
    w.end(m);
    w.into_bytes()
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn dump(host: &mut Host, s: u32, kind: u16) -> (usize, f64) {
    let header = [0u8; 16];
    let header = &header[..if kind == RTM_GETLINK { 16 } else { 8 }];
    let t = Instant::now();
    host.send(s, &request(kind, 0x301, 1, header, |_| {}), &ADMIN)
        .expect("send");
    let mut messages = 0;
    while let Some(Outgoing::Datagram(d)) = host.recv(s, 32768) {
        messages += MessageIter::new(&d).count();
    }
    (messages - 1, t.elapsed().as_secs_f64())
}

/// Microseconds per request for `count` requests made by `make(i)`, each answered in full.
fn per_request(host: &mut Host, s: u32, count: u32, make: impl Fn(u32) -> Vec<u8>) -> f64 {
    let requests: Vec<Vec<u8>> = (0..count).map(make).collect();
    let t = Instant::now();
    for r in &requests {
        host.send(s, r, &ADMIN).expect("send");
        while host.recv(s, 32768).is_some() {}
    }
    t.elapsed().as_secs_f64() * 1e6 / f64::from(count)
}

/// An ifinfomsg for link `index`.
fn ifinfomsg(index: u32) -> [u8; 16] {
    let mut h = [0u8; 16];
    h[4..8].copy_from_slice(&index.to_ne_bytes());
    h
}

const ADMIN: Credentials = Credentials {
    pid: 1,
    uid: 0,
    gid: 0,
    admin: true,
};

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let rss0 = rss_kib();
    let mut host = Host::new();
    let s = host.open(1, libc::SOCK_RAW, 0).expect("socket");
    let t = Instant::now();
    for i in 0..n {
        let link = request(RTM_NEWLINK, 0x605, i, &[0u8; 16], |w| {
            w.attr_str(IFLA_IFNAME, &format!("d{i}"));
            let info = w.nest(IFLA_LINKINFO);
            w.attr_str(IFLA_INFO_KIND, "dummy");
            w.nest_end(info);
        });
        host.send(s, &link, &ADMIN).expect("newlink");
        while host.recv(s, 32768).is_some() {}
        let mut ifaddrmsg = vec![2u8, 16, 0, 0];
        ifaddrmsg.extend_from_slice(&(i + 2).to_ne_bytes());
        let ip = [10, (i >> 16) as u8, (i >> 8) as u8, i as u8];
        let addr = request(RTM_NEWADDR, 0x605, i, &ifaddrmsg, |w| {
            w.attr(IFA_LOCAL, &ip);
            w.attr(IFA_ADDRESS, &ip);
        });
        host.send(s, &addr, &ADMIN).expect("newaddr");
        while host.recv(s, 32768).is_some() {}
    }
    let create = t.elapsed().as_secs_f64();
    let rss1 = rss_kib();
    let (links, link_secs) = dump(&mut host, s, RTM_GETLINK);
    let (addrs, addr_secs) = dump(&mut host, s, RTM_GETADDR);
    // Links are numbered from 2 (lo is 1); 1500 is the dummy's MTU.
    let count = n.min(100_000);
    let index = |i: u32| 2 + i % n;
    let get = per_request(&mut host, s, count, |i| {
        request(RTM_GETLINK, 0x1, i, &ifinfomsg(index(i)), |_| {})
    });
    let same_mtu = per_request(&mut host, s, count, |i| {
        request(RTM_SETLINK, 0x5, i, &ifinfomsg(index(i)), |w| {
            w.attr_u32(IFLA_MTU, 1500)
        })
    });
    let new_mtu = per_request(&mut host, s, count, |i| {
        let mtu = if (i / n).is_multiple_of(2) {
            1400
        } else {
            1500
        };
        request(RTM_SETLINK, 0x5, i, &ifinfomsg(index(i)), |w| {
            w.attr_u32(IFLA_MTU, mtu)
        })
    });
    println!(
        "links created: {n} in {create:.2} s ({:.0}/s, link+address requests)",
        n as f64 / create
    );
    println!(
        "link dump: {links} messages in {link_secs:.3} s = {:.0} msg/s",
        links as f64 / link_secs
    );
    println!(
        "addr dump: {addrs} messages in {addr_secs:.3} s = {:.0} msg/s",
        addrs as f64 / addr_secs
    );
    println!(
        "per request: RTM_GETLINK {get:.2} µs, RTM_SETLINK+ACK same MTU {same_mtu:.2} µs, new MTU {new_mtu:.2} µs"
    );
    println!(
        "memory: {} KiB for {n} links with one address = {:.0} bytes per link",
        rss1 - rss0,
        (rss1 - rss0) as f64 * 1024.0 / n as f64
    );
}
