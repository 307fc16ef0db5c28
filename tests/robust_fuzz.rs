//! A bounded, deterministic fuzz run inside `cargo test` (issue 6, bad input): the seed corpus
//! captured from real `ip` and pyroute2 traffic (`fuzz/corpus/seeds`) is mutated with a seeded
//! PRNG and sent to a Host with a populated stack, under every combination of strict checking,
//! extended and capped ACKs, privilege, reader size and a listener. The checks are the ones the
//! libFuzzer targets make (`fuzz/harness.rs`): no panic, bounded output per datagram, every
//! reply well formed, and the stack's invariants (names index, masters, veth peers, lower
//! devices, addresses) after every datagram.
//!
//! The long campaign runs the same harness under libFuzzer; see fuzz/README.md.
//! `NLROUTE_FUZZ_ITERS` overrides the iteration count, `NLROUTE_FUZZ_SEED` the PRNG seed.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::Path;
use std::time::{Duration, Instant};

/// splitmix64: small, seedable, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/seeds");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    names.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// Values that sit on the boundaries the parsers check.
const INTERESTING_U16: &[u16] = &[
    0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 20, 0x7fff, 0x8000, 0xffff,
];
const INTERESTING_U32: &[u32] = &[
    0,
    1,
    15,
    16,
    17,
    32,
    128,
    129,
    255,
    65535,
    65536,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
];

/// One structure-blind mutation, as libFuzzer's default mutators do.
fn mutate(rng: &mut Rng, d: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    let len = d.len();
    match rng.below(11) {
        0 if len > 0 => {
            let i = rng.below(len);
            d[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            d[i] = rng.next() as u8;
        }
        2 if len >= 2 => {
            let i = rng.below(len - 1);
            let v = INTERESTING_U16[rng.below(INTERESTING_U16.len())];
            d[i..i + 2].copy_from_slice(&v.to_ne_bytes());
        }
        3 if len >= 4 => {
            let i = rng.below(len - 3) & !3;
            let v = INTERESTING_U32[rng.below(INTERESTING_U32.len())];
            d[i..i + 4].copy_from_slice(&v.to_ne_bytes());
        }
        4 if len > 0 => {
            let cut = rng.below(len);
            d.truncate(cut);
        }
        5 => {
            let i = rng.below(len + 1);
            let n = 1 + rng.below(8);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            d.splice(i..i, bytes);
        }
        6 if len > 0 => {
            // Erase a range.
            let i = rng.below(len);
            let n = 1 + rng.below((len - i).min(16));
            d.drain(i..i + n);
        }
        7 => {
            // Splice part of another seed in (crosses message kinds and attributes).
            let other = &seeds[rng.below(seeds.len())];
            let a = rng.below(other.len());
            let b = a + rng.below(other.len() - a + 1);
            let i = rng.below(len + 1);
            d.splice(i..i, other[a..b].iter().copied());
        }
        8 if len >= 4 => {
            // Fix the first message's nlmsg_len to the datagram, so mutations reach the handlers.
            let n = (d.len() as u32).to_ne_bytes();
            d[..4].copy_from_slice(&n);
        }
        9 if len > 20 => {
            // Duplicate the datagram's first message (several messages per datagram).
            let m = u32::from_ne_bytes(d[..4].try_into().unwrap()) as usize;
            if m >= 16 && m <= len {
                let first = d[..((m + 3) & !3).min(len)].to_vec();
                d.splice(0..0, first);
            }
        }
        _ => {
            // A copy of a byte range elsewhere (repeats attributes, nests them deeper).
            if len > 0 {
                let a = rng.below(len);
                let b = a + rng.below((len - a).min(64) + 1);
                let chunk = d[a..b].to_vec();
                let i = rng.below(len + 1);
                d.splice(i..i, chunk);
            }
        }
    }
}

fn iterations() -> usize {
    std::env::var("NLROUTE_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) { 2000 } else { 20_000 })
}

#[test]
fn mutated_real_traffic_never_breaks_the_engine() {
    let seeds = seeds();
    assert!(seeds.len() >= 20, "seed corpus missing");
    let seed = std::env::var("NLROUTE_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x6f75_7a7a);
    let mut rng = Rng(seed);
    let template = harness::template();
    let started = Instant::now();
    let (mut runs, mut datagrams, mut replies) = (0usize, 0usize, 0usize);
    for iter in 0..iterations() {
        // Every option combination is exercised in turn.
        let opts = (iter % 64) as u8;
        let n = 1 + rng.below(4);
        let inputs: Vec<Vec<u8>> = (0..n)
            .map(|_| {
                let mut d = seeds[rng.below(seeds.len())].clone();
                for _ in 0..1 + rng.below(6) {
                    mutate(&mut rng, &mut d, &seeds);
                }
                d
            })
            .collect();
        let mut host = harness::host_from(&template, iter as u64);
        let refs: Vec<&[u8]> = inputs.iter().map(|v| v.as_slice()).collect();
        let t = Instant::now();
        let st = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            harness::run_datagrams(&mut host, opts, &refs)
        })) {
            Ok(st) => st,
            Err(e) => {
                // Enough to replay it: the options byte and each datagram in hex.
                eprintln!("iteration {iter} (seed {seed}) failed; options {opts:#04x}, datagrams:");
                for d in &inputs {
                    eprintln!(
                        "  {}",
                        d.iter().map(|b| format!("{b:02x}")).collect::<String>()
                    );
                }
                std::panic::resume_unwind(e);
            }
        };
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "iteration {iter} (seed {seed}) took {:?}: {inputs:02x?}",
            t.elapsed()
        );
        runs += 1;
        datagrams += st.datagrams;
        replies += st.replies;
    }
    println!(
        "{runs} runs, {datagrams} datagrams, {replies} replies in {:?}",
        started.elapsed()
    );
}

/// A random attribute payload: sizes on the boundaries policies check, names, addresses.
fn payload(rng: &mut Rng, depth: usize) -> (u16, Vec<u8>) {
    match rng.below(9) {
        0 => (0, vec![]),
        1 => (0, vec![rng.next() as u8]),
        2 => (0, (rng.next() as u16).to_ne_bytes().to_vec()),
        3 => (
            0,
            [1u32, 2, 3, 68, 1500, 65535, 0, u32::MAX][rng.below(8)]
                .to_ne_bytes()
                .to_vec(),
        ),
        4 => (0, rng.next().to_ne_bytes().to_vec()),
        5 => {
            // Names: existing ones, long ones, unterminated ones.
            let names: [&[u8]; 8] = [
                b"lo\0",
                b"v0\0",
                b"v1\0",
                b"br0\0",
                b"d0\0",
                b"mv0",
                b"aaaaaaaaaaaaaaaa\0",
                b"x/y\0",
            ];
            (0, names[rng.below(names.len())].to_vec())
        }
        6 => (
            0,
            [
                vec![10, 0, 0, 1],
                vec![10, 0, 0, 2],
                vec![0xff; 6],
                vec![0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            ][rng.below(4)]
            .clone(),
        ),
        7 if depth < 4 => {
            let n = rng.below(4);
            let mut v = Vec::new();
            for _ in 0..n {
                let kind = 1 + rng.below(8) as u16;
                let (_, p) = payload(rng, depth + 1);
                v.extend(attr_bytes(kind, &p, rng.below(4) == 0));
            }
            (0x8000, v)
        }
        _ => {
            let n = rng.below(40);
            (0, (0..n).map(|_| rng.next() as u8).collect())
        }
    }
}

fn attr_bytes(kind: u16, p: &[u8], nested: bool) -> Vec<u8> {
    let mut v = ((4 + p.len()) as u16).to_ne_bytes().to_vec();
    v.extend_from_slice(&(kind | if nested { 0x8000 } else { 0 }).to_ne_bytes());
    v.extend_from_slice(p);
    while !v.len().is_multiple_of(4) {
        v.push(0);
    }
    v
}

/// A well-framed request of a random rtnetlink type with random (often valid-looking)
/// attributes, so generation reaches the handlers that byte mutation rarely gets past.
fn random_request(rng: &mut Rng) -> Vec<u8> {
    let kind = [16u16, 17, 18, 19, 20, 21, 22, 16, 19, 20, 23, 3, 100][rng.below(13)];
    let flags = [
        1u16,
        5,
        0x305,
        0x301,
        0x605,
        0x505,
        0x105,
        0x905,
        0xd,
        0x1 | 0x20,
    ][rng.below(10)];
    let mut v = vec![0u8; 16];
    v[4..6].copy_from_slice(&kind.to_ne_bytes());
    v[6..8].copy_from_slice(&flags.to_ne_bytes());
    v[8..12].copy_from_slice(&(rng.next() as u32).to_ne_bytes());
    let index = [0u32, 1, 2, 3, 4, 5, 6, 7, 8, 99, u32::MAX][rng.below(11)];
    if (20..=23).contains(&kind) {
        let family = [2u8, 10, 0, 7][rng.below(4)];
        let plen = [0u8, 8, 24, 32, 64, 128, 129, 255][rng.below(8)];
        v.extend_from_slice(&[
            family,
            plen,
            rng.next() as u8 & 0xc3,
            [0u8, 253, 254, 255][rng.below(4)],
        ]);
        v.extend_from_slice(&index.to_ne_bytes());
    } else {
        let mut h = vec![0u8; 16];
        h[4..8].copy_from_slice(&index.to_ne_bytes());
        let fl = [0u32, 1, 0x100, 0x101, rng.next() as u32][rng.below(5)];
        h[8..12].copy_from_slice(&fl.to_ne_bytes());
        let ch = [0u32, 1, u32::MAX, fl][rng.below(4)];
        h[12..16].copy_from_slice(&ch.to_ne_bytes());
        v.extend(h);
    }
    for _ in 0..rng.below(6) {
        let kind = if kind >= 20 {
            1 + rng.below(12)
        } else {
            1 + rng.below(70)
        } as u16;
        let (nest, p) = payload(rng, 0);
        v.extend(attr_bytes(kind, &p, nest != 0));
    }
    let len = v.len() as u32;
    v[0..4].copy_from_slice(&len.to_ne_bytes());
    v
}

/// Generated requests (all types, random attributes, several per datagram) on populated
/// stacks in every option combination.
#[test]
fn generated_requests_never_break_the_engine() {
    let mut rng = Rng(0x6765_6e65);
    let template = harness::template();
    let iters = iterations() / 2;
    for iter in 0..iters {
        let mut host = harness::host_from(&template, iter as u64);
        let datagrams: Vec<Vec<u8>> = (0..1 + rng.below(6))
            .map(|_| {
                (0..1 + rng.below(3))
                    .flat_map(|_| random_request(&mut rng))
                    .collect()
            })
            .collect();
        let refs: Vec<&[u8]> = datagrams.iter().map(|v| v.as_slice()).collect();
        harness::run_datagrams(&mut host, (iter % 64) as u8, &refs);
    }
}

/// The unmutated seeds replay without error replies being malformed and without a panic, in
/// every option combination, one after another on one Host (state carries over).
#[test]
fn seed_corpus_replays_in_every_mode() {
    let seeds = seeds();
    let refs: Vec<&[u8]> = seeds.iter().map(|v| v.as_slice()).collect();
    for opts in 0..64u8 {
        let mut host = harness::populated_host();
        harness::run_datagrams(&mut host, opts, &refs);
    }
}

/// The input splitter the libFuzzer target uses.
#[test]
fn input_format_splits_options_and_datagrams() {
    let mut input = vec![harness::OPT_STRICT];
    input.extend_from_slice(b"abc");
    input.extend_from_slice(harness::SEPARATOR);
    input.extend_from_slice(b"de");
    let (opts, ds) = harness::split_input(&input);
    assert_eq!(opts, harness::OPT_STRICT);
    assert_eq!(ds, vec![&b"abc"[..], &b"de"[..]]);
}

/// Attributes nested as deep as a 64 KiB attribute allows (16 000 levels), under every
/// top-level link and address attribute type, inside IFLA_LINKINFO / IFLA_INFO_DATA and a veth
/// peer: answered without exhausting the 2 MiB stack of a test thread.
#[test]
fn deepest_possible_nesting_is_answered() {
    fn deep(levels: usize, kind: u16) -> Vec<u8> {
        let mut inner = Vec::new();
        for _ in 0..levels {
            inner = attr_bytes(kind, &inner, true);
        }
        inner
    }
    fn message(kind: u16, flags: u16, family_hdr: &[u8], attrs: &[u8]) -> Vec<u8> {
        let mut v = vec![0u8; 16];
        v[4..6].copy_from_slice(&kind.to_ne_bytes());
        v[6..8].copy_from_slice(&flags.to_ne_bytes());
        v.extend_from_slice(family_hdr);
        v.extend_from_slice(attrs);
        let len = v.len() as u32;
        v[0..4].copy_from_slice(&len.to_ne_bytes());
        v
    }
    let levels = 16_000; // 4 bytes a level: just under nla_len's 65 535
    let template = harness::template();
    let ifinfo = |i: i32| {
        let mut h = vec![0u8; 16];
        h[4..8].copy_from_slice(&i.to_ne_bytes());
        h
    };
    let mut datagrams = Vec::new();
    for top in 1..=70u16 {
        let a = attr_bytes(top, &deep(levels - 1, top), true);
        datagrams.push(message(19, 5, &ifinfo(2), &a)); // SETLINK v0
        datagrams.push(message(16, 0x605, &ifinfo(0), &a)); // NEWLINK
        datagrams.push(message(18, 5, &ifinfo(2), &a)); // GETLINK
        datagrams.push(message(18, 0x301, &ifinfo(0), &a)); // GETLINK dump
    }
    for top in 1..=12u16 {
        let a = attr_bytes(top, &deep(levels - 1, top), true);
        let mut hdr = vec![2u8, 24, 0, 0];
        hdr.extend_from_slice(&2u32.to_ne_bytes());
        datagrams.push(message(20, 0x605, &hdr, &a));
        datagrams.push(message(21, 5, &hdr, &a));
        datagrams.push(message(22, 0x301, &hdr, &a));
    }
    // IFLA_LINKINFO { KIND veth, DATA { PEER { ifinfomsg, LINKINFO { KIND veth, DATA {...}}}}}
    let mut peer_chain = Vec::new();
    for _ in 0..2000 {
        let mut peer = ifinfo(0);
        peer.extend(attr_bytes(18, &peer_chain, true));
        let data = attr_bytes(1, &peer, true);
        let mut li = attr_bytes(1, b"veth\0", false);
        li.extend(attr_bytes(2, &data, true));
        if li.len() > 65_000 {
            break;
        }
        peer_chain = li;
    }
    datagrams.push(message(
        16,
        0x605,
        &ifinfo(0),
        &attr_bytes(18, &peer_chain, true),
    ));
    let info_data = {
        let mut li = attr_bytes(1, b"bridge\0", false);
        li.extend(attr_bytes(2, &deep(levels - 4, 1), true));
        attr_bytes(18, &li, true)
    };
    datagrams.push(message(16, 0x605, &ifinfo(0), &info_data));
    let refs: Vec<&[u8]> = datagrams.iter().map(|v| v.as_slice()).collect();
    for opts in [0u8, 3, 7] {
        let mut host = harness::host_from(&template, 1);
        harness::run_datagrams(&mut host, opts, &refs);
    }
}

/// Found by this test's mutator: a veth whose peer settings are refused after the peer was
/// registered (here a 4-byte IFLA_BROADCAST, and a requested ifindex) used to leave an
/// unpaired `veth0` behind while answering EINVAL. Linux answers EINVAL and creates nothing.
#[test]
fn a_refused_veth_leaves_no_half_pair() {
    let hex = "580000001000050601010000a830050000000000000000000000000000000000\
               080003007076300030001200090001007665746800000000200002001c000100\
               000000000000000000000000000000000800020070761a4c1744f33100";
    let d: Vec<u8> = (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let template = harness::template();
    let mut host = harness::host_from(&template, 1);
    let before: Vec<String> = host
        .stack()
        .ns(0)
        .links
        .values()
        .map(|l| l.name.clone())
        .collect();
    for opts in [0u8, 7, 32] {
        harness::run_datagrams(&mut host, opts, &[&d]);
        let after: Vec<String> = host
            .stack()
            .ns(0)
            .links
            .values()
            .map(|l| l.name.clone())
            .collect();
        assert_eq!(after, before, "a refused NEWLINK changed the links");
    }
}
