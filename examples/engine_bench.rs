//! In-process engine benchmark: creates N dummy links (each with one IPv4 address) through
//! RTM_NEWLINK / RTM_NEWADDR requests, then times full link and address dumps.
//! Run: `cargo run --release --example engine_bench -- 100000`

use std::time::Instant;

use nlroute::socket::{Credentials, Host, Outgoing};

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
    let body = [0u8; 16];
    let t = Instant::now();
    host.send(
        s,
        &msg(kind, 0x301, 1, &body[..if kind == 18 { 16 } else { 8 }]),
        &ADMIN,
    )
    .expect("send");
    let mut messages = 0;
    while let Some(Outgoing::Datagram(d)) = host.recv(s, 32768) {
        let mut rest = &d[..];
        while rest.len() >= 16 {
            let len = u32::from_ne_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
            messages += 1;
            rest = &rest[(len + 3) & !3..];
        }
    }
    (messages - 1, t.elapsed().as_secs_f64())
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
        let mut body = vec![0u8; 16];
        attr(&mut body, 3, format!("d{i}\0").as_bytes());
        let mut info = Vec::new();
        attr(&mut info, 1, b"dummy\0");
        attr(&mut body, 18, &info);
        host.send(s, &msg(16, 0x605, i, &body), &ADMIN)
            .expect("newlink");
        while host.recv(s, 32768).is_some() {}
        let mut a = vec![2u8, 16, 0, 0];
        a.extend_from_slice(&(i + 2).to_ne_bytes());
        let ip = [10, (i >> 16) as u8, (i >> 8) as u8, i as u8];
        attr(&mut a, 2, &ip);
        attr(&mut a, 1, &ip);
        host.send(s, &msg(20, 0x605, i, &a), &ADMIN)
            .expect("newaddr");
        while host.recv(s, 32768).is_some() {}
    }
    let create = t.elapsed().as_secs_f64();
    let rss1 = rss_kib();
    let (links, link_secs) = dump(&mut host, s, 18);
    let (addrs, addr_secs) = dump(&mut host, s, 22);
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
        "memory: {} KiB for {n} links with one address = {:.0} bytes per link",
        rss1 - rss0,
        (rss1 - rss0) as f64 * 1024.0 / n as f64
    );
}
