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
        let st = harness::run_datagrams(&mut host, opts, &refs);
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
