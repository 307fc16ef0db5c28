//! Durability of `nlroute serve --state FILE` under crashes and a full disk: `kill -9` at
//! random points of a pipelined batch, and a state directory on a tmpfs that runs out of space.

#[path = "clients/common.rs"]
mod common;
use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

const RTM_NEWADDR: u16 = 20;
const RTM_GETADDR: u16 = 22;
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;

/// xorshift64*: a seeded PRNG, so a failing round can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// RTM_NEWADDR adding `ip`/32 on lo (ifindex 1), as `ip addr add IP/32 dev lo` sends it.
fn new_addr(seq: u32, ip: [u8; 4]) -> Vec<u8> {
    let mut body = vec![libc::AF_INET as u8, 32, 0, 0];
    body.extend_from_slice(&1u32.to_ne_bytes());
    body.extend(attr(IFA_LOCAL, &ip));
    body.extend(attr(IFA_ADDRESS, &ip));
    let flags = libc::NLM_F_REQUEST | libc::NLM_F_ACK | libc::NLM_F_CREATE | libc::NLM_F_EXCL;
    message(RTM_NEWADDR, flags as u16, seq, &body)
}

/// Attributes (type without flag bits, payload) starting at `off` of a message payload.
fn attrs(p: &[u8], mut off: usize) -> Vec<(u16, Vec<u8>)> {
    let mut out = Vec::new();
    while off + 4 <= p.len() {
        let alen = u16::from_ne_bytes([p[off], p[off + 1]]) as usize;
        let aty = u16::from_ne_bytes([p[off + 2], p[off + 3]]) & 0x3fff;
        if alen < 4 || off + alen > p.len() {
            break;
        }
        out.push((aty, p[off + 4..off + alen].to_vec()));
        off += (alen + 3) & !3;
    }
    out
}

fn c_string(b: &[u8]) -> String {
    String::from_utf8_lossy(b.split(|c| *c == 0).next().unwrap_or(b)).into_owned()
}

/// Payloads of the `want` messages of a full dump over a raw socket.
fn dump(fd: &OwnedFd, ty: u16, body: &[u8], want: u16) -> Vec<Vec<u8>> {
    let flags = (libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16;
    send(fd, &message(ty, flags, 1, body)).expect("dump request");
    let mut out = Vec::new();
    loop {
        let d = recv(fd).expect("dump reply");
        for (t, _, p) in messages(&d) {
            match t {
                NLMSG_DONE => return out,
                NLMSG_ERROR => panic!("dump {ty} failed: {p:?}"),
                t if t == want => out.push(p),
                _ => {}
            }
        }
    }
}

/// What a served stack holds, checked for well-formedness on the way.
struct Seen {
    /// Link name -> ifindex, for links whose kind is dummy (and lo).
    links: BTreeMap<String, i32>,
    /// IPv4 /32 addresses on lo.
    addrs: BTreeSet<[u8; 4]>,
}

fn observe(socket: &Path) -> Seen {
    let fd = raw_socket(socket);
    set_timeout(&fd, 30);
    let mut links = BTreeMap::new();
    let mut indexes = BTreeSet::new();
    for p in dump(&fd, RTM_GETLINK, &[0u8; 16], RTM_NEWLINK) {
        let index = i32::from_ne_bytes(p[4..8].try_into().expect("4"));
        let a = attrs(&p, 16);
        let name = a
            .iter()
            .find(|(t, _)| *t == IFLA_IFNAME)
            .map(|(_, v)| c_string(v))
            .unwrap_or_else(|| panic!("link {index} has no name"));
        let kind = a
            .iter()
            .find(|(t, _)| *t == IFLA_LINKINFO)
            .and_then(|(_, v)| {
                attrs(v, 0)
                    .into_iter()
                    .find(|(t, _)| *t == IFLA_INFO_KIND)
                    .map(|(_, k)| c_string(&k))
            });
        // A half-made link: present without its kind, or sharing an index.
        assert!(
            name == "lo" || kind.as_deref() == Some("dummy"),
            "link {name} (index {index}) is half made: kind {kind:?}"
        );
        assert!(
            index > 0 && indexes.insert(index),
            "{name}: bad index {index}"
        );
        assert!(links.insert(name.clone(), index).is_none(), "{name} twice");
    }
    let mut addrs = BTreeSet::new();
    let mut body = vec![libc::AF_INET as u8, 0, 0, 0];
    body.extend_from_slice(&0u32.to_ne_bytes());
    for p in dump(&fd, RTM_GETADDR, &body, RTM_NEWADDR) {
        let index = u32::from_ne_bytes(p[4..8].try_into().expect("4"));
        let a = attrs(&p, 8);
        let get = |ty: u16| a.iter().find(|(t, _)| *t == ty).map(|(_, v)| v.clone());
        let (Some(local), Some(address)) = (get(IFA_LOCAL), get(IFA_ADDRESS)) else {
            panic!("half-made address on {index}: {a:?}");
        };
        let ip: [u8; 4] = local.as_slice().try_into().expect("IPv4");
        if ip[0] == 127 {
            continue;
        }
        assert_eq!(index, 1, "{ip:?} not on lo");
        assert_eq!(p[1], 32, "{ip:?}: prefix length");
        assert_eq!(local, address, "{ip:?}: local and address differ");
        assert!(addrs.insert(ip), "{ip:?} twice");
    }
    Seen { links, addrs }
}

fn set_timeout(fd: &OwnedFd, secs: i64) {
    let tv = libc::timeval {
        tv_sec: secs,
        tv_usec: 0,
    };
    // SAFETY: setsockopt with a valid timeval.
    unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVTIMEO,
            (&tv as *const libc::timeval).cast(),
            std::mem::size_of::<libc::timeval>() as libc::socklen_t,
        )
    };
}

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Change {
    Link(String),
    Addr([u8; 4]),
}

impl Change {
    fn request(&self, seq: u32) -> Vec<u8> {
        match self {
            Change::Link(n) => new_dummy(seq, n),
            Change::Addr(ip) => new_addr(seq, *ip),
        }
    }
    fn present(&self, s: &Seen) -> bool {
        match self {
            Change::Link(n) => s.links.contains_key(n),
            Change::Addr(ip) => s.addrs.contains(ip),
        }
    }
}

const ROUNDS: usize = 5;
const PER_ROUND: usize = 2000;
/// Changes a writer may have unacknowledged: 200 ACKs of 832 bytes each (their buffers'
/// true size) stay within the default SO_RCVBUF (212,992 bytes).
const WINDOW: usize = 200;

#[test]
fn kill_9_at_random_points_of_10000_changes() {
    let seed = 0x006e_6c72_6f75_7465_u64;
    let mut rng = Rng(seed);
    let start = Instant::now();
    let dir = tmpdir("dur-kill9");
    let (sock, state) = (dir.join("s"), dir.join("state.json"));
    let st = state.to_str().expect("utf-8");
    let mut acked_all: BTreeSet<Change> = BTreeSet::new();
    let mut sent_all: BTreeSet<Change> = BTreeSet::new();
    let mut srv = Serve::start(&sock, &["--state", st]);
    let mut unacked_present = 0;
    for round in 0..ROUNDS {
        // Four links to one address; one datagram per change.
        let batch: Vec<Change> = (0..PER_ROUND)
            .map(|i| {
                if i % 5 == 4 {
                    Change::Addr([10, round as u8, (i >> 8) as u8, i as u8])
                } else {
                    Change::Link(format!("k{round}n{i}"))
                }
            })
            .collect();
        sent_all.extend(batch.iter().cloned());
        let fd = raw_socket(&sock);
        set_timeout(&fd, 30);
        // The writer keeps at most WINDOW changes unacknowledged, as a client must: ACKs
        // beyond its receive buffer are dropped (an overrun, as on Linux).
        let acked_count = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let fd = fd.try_clone().expect("dup");
            let reqs: Vec<Vec<u8>> = batch
                .iter()
                .enumerate()
                .map(|(i, c)| c.request(i as u32 + 1))
                .collect();
            let (acked_count, stop) = (acked_count.clone(), stop.clone());
            std::thread::spawn(move || {
                for (i, r) in reqs.iter().enumerate() {
                    while i >= acked_count.load(Relaxed) + WINDOW {
                        if stop.load(Relaxed) {
                            return;
                        }
                        std::thread::sleep(Duration::from_micros(50));
                    }
                    if send(&fd, r).is_err() {
                        break;
                    }
                }
            })
        };
        let kill_after = 1 + rng.below(PER_ROUND as u64 - 100) as usize;
        let spin = Duration::from_micros(rng.below(3000));
        let mut acked = Vec::new();
        let take = |d: &[u8], acked: &mut Vec<Change>| {
            for (ty, seq, p) in messages(d) {
                assert_eq!(ty, NLMSG_ERROR, "round {round}: unexpected reply {ty}");
                let c = &batch[seq as usize - 1];
                assert_eq!(&p[..4], &0i32.to_ne_bytes(), "round {round}: {c:?} failed");
                acked.push(c.clone());
            }
            acked_count.store(acked.len(), Relaxed);
        };
        while acked.len() < kill_after {
            let d = recv(&fd).unwrap_or_else(|| panic!("round {round}: server went away"));
            take(&d, &mut acked);
        }
        let t = Instant::now();
        while t.elapsed() < spin {
            std::hint::spin_loop();
        }
        srv.kill9();
        stop.store(true, Relaxed);
        // ACKs the server sent before dying are still queued: they count too.
        while let Some(d) = recv(&fd) {
            take(&d, &mut acked);
        }
        drop(fd);
        writer.join().expect("writer");
        acked_all.extend(acked.iter().cloned());

        srv = Serve::start(&sock, &["--state", st]);
        assert!(
            srv.child.try_wait().expect("try_wait").is_none(),
            "round {round}: server exited after start"
        );
        let seen = observe(&sock);
        let lost: Vec<&Change> = acked_all.iter().filter(|c| !c.present(&seen)).collect();
        assert!(
            lost.is_empty(),
            "round {round} (seed {seed:#x}, kill after {kill_after}): {} acknowledged change(s) \
             lost, e.g. {:?}",
            lost.len(),
            &lost[..lost.len().min(5)]
        );
        for n in seen.links.keys() {
            assert!(
                n == "lo" || sent_all.contains(&Change::Link(n.clone())),
                "round {round}: unknown link {n}"
            );
        }
        for ip in &seen.addrs {
            assert!(
                sent_all.contains(&Change::Addr(*ip)),
                "round {round}: unknown address {ip:?}"
            );
        }
        let extra = batch
            .iter()
            .filter(|c| c.present(&seen) && !acked.contains(c))
            .count();
        unacked_present += extra;
        eprintln!(
            "round {round}: killed after {} ACKs (aimed at {kill_after}), {extra} unacknowledged \
             change(s) kept, {} links and {} addresses after restart",
            acked.len(),
            seen.links.len(),
            seen.addrs.len()
        );
    }
    assert_eq!(srv.stop(), Some(0), "clean stop at the end");
    eprintln!(
        "{} changes sent, {} acknowledged, {unacked_present} unacknowledged kept, in {:?}",
        sent_all.len(),
        acked_all.len(),
        start.elapsed()
    );
    assert_eq!(sent_all.len(), ROUNDS * PER_ROUND);
}

/// A tmpfs mounted for one test, unmounted when dropped (also when the test fails).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Result<Tmpfs, String> {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let r: Run = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| e.to_string())?
            .into();
        if r.ok() {
            Ok(Tmpfs(dir.to_path_buf()))
        } else {
            Err(r.stderr.trim().to_string())
        }
    }

    fn resize(&self, size: &str) {
        let r: Run = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.0)
            .output()
            .expect("mount")
            .into();
        r.expect_ok("remount tmpfs bigger");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let ok = Command::new("umount")
            .arg(&self.0)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        }
    }
}

/// Sends one change on a fresh connection: Some(errno) for a reply (0 = ACK), None when the
/// server closed the connection without one.
fn one_change(sock: &Path, seq: u32, name: &str) -> Option<i32> {
    let fd = raw_socket(sock);
    set_timeout(&fd, 20);
    send(&fd, &new_dummy(seq, name)).ok()?;
    let d = recv(&fd)?;
    let m = messages(&d);
    assert_eq!(m[0].0, NLMSG_ERROR, "{name}: unexpected reply");
    Some(-i32::from_ne_bytes(m[0].2[..4].try_into().expect("4")))
}

/// Starts `serve` and waits for it to listen or to exit: Err(stderr) when it exits.
fn try_serve(sock: &Path, st: &str) -> Result<Serve, String> {
    let mut child = Command::new(nlroute())
        .args(["serve", "--state", st, "--socket"])
        .arg(sock)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(10) {
        if child.try_wait().expect("try_wait").is_some() {
            let out = child.wait_with_output().expect("output");
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        if seqpacket_connect(sock).is_some() {
            return Ok(Serve {
                child,
                socket: sock.to_path_buf(),
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("serve neither listened nor exited");
}

/// Fills the tmpfs holding the state: returns the names acknowledged before the first change
/// that was not, and that change's name.
fn fill(sock: &Path) -> (Vec<String>, String) {
    let mut acked = Vec::new();
    // Each connection changes one link, so a dropped connection costs only its own change.
    let fd = raw_socket(sock);
    set_timeout(&fd, 20);
    for i in 0..100_000u32 {
        let name = format!("f{i}");
        send(&fd, &new_dummy(i + 1, &name)).expect("send");
        match recv(&fd) {
            Some(d) => {
                let m = messages(&d);
                assert_eq!(m[0].0, NLMSG_ERROR);
                let err = -i32::from_ne_bytes(m[0].2[..4].try_into().expect("4"));
                if err == 0 {
                    acked.push(name);
                } else {
                    eprintln!("{name}: error reply {err} once the disk is full");
                    return (acked, name);
                }
            }
            None => {
                eprintln!("{name}: disconnected unacknowledged once the disk is full");
                return (acked, name);
            }
        }
    }
    panic!("a 256 KiB tmpfs never filled after 100000 changes");
}

#[test]
fn a_full_disk_withholds_acknowledgements_and_loses_nothing() {
    if !is_root() {
        skip("mounting a tmpfs needs root");
        return;
    }
    let start = Instant::now();
    let dir = tmpdir("dur-full");
    let mnt = match Tmpfs::mount(&dir.join("mnt"), "256k") {
        Ok(m) => m,
        Err(e) => {
            skip(&format!("cannot mount a tmpfs: {e}"));
            return;
        }
    };
    let sock = dir.join("s");
    let state = mnt.0.join("state.json");
    let st = state.to_str().expect("utf-8");
    let mut srv = Serve::start(&sock, &["--state", st]);
    let (acked, failed) = fill(&sock);
    assert!(!acked.is_empty(), "not even one change fit");
    // While the disk stays full, no further change is acknowledged either, also after the
    // server's retry.
    for (i, when) in [0u64, 1200].into_iter().enumerate() {
        std::thread::sleep(Duration::from_millis(when));
        let name = format!("late{i}");
        let r = one_change(&sock, 1, &name);
        assert_ne!(r, Some(0), "{name} acknowledged on a full disk");
    }
    assert!(
        srv.child.try_wait().expect("try_wait").is_none(),
        "server died on a full disk"
    );
    // A crash while full, then a restart with room again.
    srv.kill9();
    drop(srv);
    mnt.resize("64m");
    let srv = Serve::start(&sock, &["--state", st]);
    let seen = observe(&sock);
    let lost: Vec<&String> = acked
        .iter()
        .filter(|n| !seen.links.contains_key(*n))
        .collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    // The server writes again once there is room.
    assert_eq!(one_change(&sock, 1, "after0"), Some(0), "no ACK with room");
    eprintln!(
        "{} changes acknowledged before {failed} was refused; unacknowledged kept: {}; {:?}",
        acked.len(),
        seen.links.len() - 1 - acked.len(),
        start.elapsed()
    );
    drop(srv);
}

/// A restart while the disk is still full must not lose acknowledged changes: the start may
/// fail, but the state on disk has to survive it.
#[test]
fn a_restart_on_a_full_disk_loses_nothing() {
    if !is_root() {
        skip("mounting a tmpfs needs root");
        return;
    }
    let dir = tmpdir("dur-fullrestart");
    let mnt = match Tmpfs::mount(&dir.join("mnt"), "256k") {
        Ok(m) => m,
        Err(e) => {
            skip(&format!("cannot mount a tmpfs: {e}"));
            return;
        }
    };
    let sock = dir.join("s");
    let state = mnt.0.join("state.json");
    let st = state.to_str().expect("utf-8");
    let mut srv = Serve::start(&sock, &["--state", st]);
    let (acked, _) = fill(&sock);
    srv.kill9();
    drop(srv);
    // Restart with the disk still full: refusing to start is fine, losing state is not.
    match try_serve(&sock, st) {
        Ok(s) => drop(s),
        Err(stderr) => eprintln!("start on a full disk refused: {stderr}"),
    }
    mnt.resize("64m");
    let _srv = Serve::start(&sock, &["--state", st]);
    let seen = observe(&sock);
    let lost = acked
        .iter()
        .filter(|n| !seen.links.contains_key(*n))
        .count();
    assert_eq!(
        lost,
        0,
        "{lost} of {} acknowledged changes lost by a start on a full disk",
        acked.len()
    );
}
