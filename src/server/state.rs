//! The `--state FILE`: a snapshot plus a write-ahead journal, so that a change is on disk
//! before it is acknowledged without rewriting the whole state for every change.
//!
//! - `FILE` is the snapshot: the engine's state in an envelope that says what the file is and
//!   which journal record it includes (`journal_seq`). It is only ever replaced atomically
//!   (temp file, fsync, rename, fsync directory), so it holds the old or the new state.
//! - `FILE.journal` holds, after a header, one record per request datagram that changed state:
//!   `len u32 | crc32 u32 | seq u64 | seed u64 | pid u32 | uid u32 | gid u32 | admin u8 | 3 pad
//!   | datagram`, little-endian, `len` and the CRC covering everything after the CRC. Records
//!   are appended and fdatasync'ed before the server sends any ACK of the changes they made.
//!   `seed` is the engine's random seed when the datagram was applied, so replaying it gives
//!   the same MAC addresses.
//! - On start: load the snapshot, replay the journal records that follow it, write a fresh
//!   snapshot and start an empty journal. The journal is folded into a new snapshot the same
//!   way whenever it grows large.
//!
//! A final record cut short is what a crash during an append leaves: that change was never
//! acknowledged, so it is dropped (and logged). Anything else that does not read back — a bad
//! record before the end, a foreign or truncated snapshot — stops the start with a message
//! naming the file and the problem; nothing is silently dropped.
//! Not journaled: changes made by timers (IPv6 DAD completing, address lifetimes); they are
//! redone by the timers after a restart.

use super::engine::{Credentials, Host};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use tracing::{info, warn};

/// Marks a snapshot as ours, so a foreign JSON file is refused rather than misread.
const FORMAT: &str = "nlroute-state";
const VERSION: u64 = 1;
const JOURNAL_MAGIC: &[u8; 8] = b"NLRTJRN1";
/// Fold the journal into a new snapshot past this size.
const JOURNAL_MAX_BYTES: u64 = 8 << 20;
/// Bytes of a record before the datagram, after `len` and the CRC.
const RECORD_FIXED: usize = 8 + 8 + 4 + 4 + 4 + 4;

/// The durable store behind `--state`.
pub struct Store {
    path: PathBuf,
    journal: File,
    /// Length of the journal up to the last committed record.
    committed_len: u64,
    /// Sequence number of the last record written or buffered.
    seq: u64,
    /// Records not yet on disk.
    pending: Vec<u8>,
}

impl Store {
    /// Opens the store at `path`: loads the snapshot (or starts a fresh stack when there is
    /// none), replays the journal, and starts a new journal on a fresh snapshot.
    pub fn open(path: &Path) -> Result<(Store, Host), String> {
        let (mut host, snap_seq) = match load_snapshot(path)? {
            Some(x) => x,
            None => {
                info!(
                    "no state file at {} yet; starting with a fresh stack",
                    path.display()
                );
                (Host::new(), 0)
            }
        };
        let jpath = journal_path(path);
        let (replayed, last) = replay(&jpath, &mut host, snap_seq)?;
        if replayed > 0 {
            info!(
                "replayed {replayed} journaled change(s) from {}",
                jpath.display()
            );
        }
        // A fresh snapshot first: only once the replayed records are safe in it may the
        // journal be started anew (new_journal truncates it). Should the snapshot fail (a full
        // disk), the old snapshot and journal stay as they were.
        save_snapshot(path, &host, last).map_err(|e| cannot(path, e))?;
        let store = Store {
            path: path.to_path_buf(),
            journal: new_journal(&jpath).map_err(|e| cannot(&jpath, e))?,
            committed_len: JOURNAL_MAGIC.len() as u64,
            seq: last,
            pending: Vec::new(),
        };
        Ok((store, host))
    }

    /// Buffers a record for a datagram that changed state (written by `commit`).
    pub fn record(&mut self, cred: &Credentials, seed: u64, datagram: &[u8]) {
        self.seq += 1;
        let mut body = Vec::with_capacity(RECORD_FIXED + datagram.len());
        body.extend_from_slice(&self.seq.to_le_bytes());
        body.extend_from_slice(&seed.to_le_bytes());
        for v in [cred.pid, cred.uid, cred.gid, cred.admin as u32] {
            body.extend_from_slice(&v.to_le_bytes());
        }
        body.extend_from_slice(datagram);
        self.pending
            .extend_from_slice(&(body.len() as u32).to_le_bytes());
        self.pending.extend_from_slice(&crc32(&body).to_le_bytes());
        self.pending.extend_from_slice(&body);
    }

    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Puts the buffered records on disk. When this returns Ok, a crash cannot lose them.
    /// On failure nothing of them counts (the journal is cut back) and they stay buffered.
    pub fn commit(&mut self, host: &Host) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let result = (|| {
            self.journal.seek(SeekFrom::Start(self.committed_len))?;
            self.journal.write_all(&self.pending)?;
            self.journal.sync_data()
        })();
        if let Err(e) = result {
            let _ = self.journal.set_len(self.committed_len);
            return Err(e);
        }
        self.committed_len += self.pending.len() as u64;
        self.pending.clear();
        if self.committed_len > JOURNAL_MAX_BYTES
            && let Err(e) = self.snapshot(host)
        {
            // The journal still holds everything; folding it can wait for the next commit.
            warn!("cannot fold the journal into {}: {e}", self.path.display());
        }
        Ok(())
    }

    /// Writes a snapshot covering every record so far, then empties the journal.
    fn snapshot(&mut self, host: &Host) -> io::Result<()> {
        save_snapshot(&self.path, host, self.seq)?;
        // The snapshot names the last record it includes, so a crash before the journal is
        // emptied only means those records are skipped at the next start.
        self.journal.set_len(JOURNAL_MAGIC.len() as u64)?;
        self.journal.sync_data()?;
        self.committed_len = JOURNAL_MAGIC.len() as u64;
        Ok(())
    }
}

fn cannot(path: &Path, e: io::Error) -> String {
    format!("cannot write state file {}: {e}", path.display())
}

fn unusable(path: &Path, why: String) -> String {
    format!(
        "state file {} is unusable: {why}. Nothing was loaded; move the file away to start \
         with a fresh stack, or restore it from a backup",
        path.display()
    )
}

/// Reads the snapshot. `Ok(None)` when it does not exist yet (first start).
fn load_snapshot(path: &Path) -> Result<Option<(Host, u64)>, String> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read state file {}: {e}", path.display())),
    };
    let bad = |why: String| unusable(path, why);
    if bytes.is_empty() {
        return Err(bad("it is empty (truncated?)".into()));
    }
    let doc: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        if e.is_eof() {
            bad(format!("it is truncated ({e})"))
        } else {
            bad(format!("it is not valid JSON ({e})"))
        }
    })?;
    if doc.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(bad(format!(
            "it is not an nlroute state file (no \"format\": \"{FORMAT}\")"
        )));
    }
    match doc.get("version").and_then(|v| v.as_u64()) {
        Some(VERSION) => {}
        Some(v) => {
            return Err(bad(format!(
                "it has version {v}; this nlroute reads {VERSION}"
            )));
        }
        None => return Err(bad("it has no version".into())),
    }
    let seq = doc
        .get("journal_seq")
        .and_then(|v| v.as_u64())
        .ok_or_else(|| bad("it has no \"journal_seq\"".into()))?;
    let host = doc
        .get("host")
        .cloned()
        .ok_or_else(|| bad("it has no \"host\" section".into()))?;
    let host = Host::load_state(host)
        .map_err(|e| bad(format!("the engine rejected its contents: {e}")))?;
    Ok(Some((host, seq)))
}

/// Replaces the snapshot atomically.
fn save_snapshot(path: &Path, host: &Host, seq: u64) -> io::Result<()> {
    let doc = serde_json::json!({
        "format": FORMAT,
        "version": VERSION,
        "journal_seq": seq,
        "host": host.save_state(),
    });
    let bytes = serde_json::to_vec(&doc).map_err(io::Error::other)?;
    let tmp = sibling(path, ".tmp");
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        // The rename itself must reach the disk, or a crash could bring the old file back.
        File::open(dir_of(path))?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn new_journal(path: &Path) -> io::Result<File> {
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(JOURNAL_MAGIC)?;
    f.sync_all()?;
    File::open(dir_of(path))?.sync_all()?;
    Ok(f)
}

/// Applies the journal's records after `snap_seq` to `host`; returns how many were applied
/// and the last sequence number seen.
fn replay(path: &Path, host: &mut Host, snap_seq: u64) -> Result<(usize, u64), String> {
    let mut bytes = Vec::new();
    match File::open(path) {
        Ok(mut f) => f
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read journal {}: {e}", path.display()))?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((0, snap_seq)),
        Err(e) => return Err(format!("cannot read journal {}: {e}", path.display())),
    };
    let bad = |why: String| unusable(path, why);
    if bytes.len() < JOURNAL_MAGIC.len() {
        // Cut short while being created: it held no record yet.
        return Ok((0, snap_seq));
    }
    if &bytes[..JOURNAL_MAGIC.len()] != JOURNAL_MAGIC {
        return Err(bad("it is not an nlroute journal".into()));
    }
    let mut off = JOURNAL_MAGIC.len();
    let (mut applied, mut last) = (0, snap_seq);
    while off < bytes.len() {
        let rest = &bytes[off..];
        let torn = || {
            warn!(
                "journal {}: dropping a final record cut short at byte {off} (a change that \
                 was never acknowledged)",
                path.display()
            );
        };
        if rest.len() < 8 {
            torn();
            break;
        }
        let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let crc = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]);
        let Some(body) = rest.get(8..8 + len) else {
            torn();
            break;
        };
        let at_end = off + 8 + len == bytes.len();
        if len < RECORD_FIXED || crc32(body) != crc {
            if at_end {
                torn();
                break;
            }
            return Err(bad(format!("record at byte {off} is damaged")));
        }
        let u64_at = |o: usize| u64::from_le_bytes(body[o..o + 8].try_into().unwrap_or([0; 8]));
        let u32_at = |o: usize| u32::from_le_bytes(body[o..o + 4].try_into().unwrap_or([0; 4]));
        let seq = u64_at(0);
        if seq > snap_seq {
            if seq != last + 1 {
                return Err(bad(format!(
                    "record at byte {off} has sequence {seq}, expected {}",
                    last + 1
                )));
            }
            let cred = Credentials {
                pid: u32_at(16),
                uid: u32_at(20),
                gid: u32_at(24),
                admin: u32_at(28) != 0,
            };
            apply(host, u64_at(8), &cred, &body[RECORD_FIXED..]);
            applied += 1;
            last = seq;
        }
        off += 8 + len;
    }
    Ok((applied, last))
}

/// Feeds one journaled datagram to the engine, as its sender did.
fn apply(host: &mut Host, seed: u64, cred: &Credentials, datagram: &[u8]) {
    let Ok(s) = host.open(cred.pid, libc::SOCK_RAW, libc::NETLINK_ROUTE) else {
        return;
    };
    host.seed(seed);
    let _ = host.send(s, datagram, cred);
    while host.recv(s, 0).is_some() {}
    host.close(s);
    host.take_woken();
}

fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    dir_of(path).join(name)
}

pub fn journal_path(path: &Path) -> PathBuf {
    sibling(path, ".journal")
}

/// CRC-32 (IEEE), to tell a damaged journal record from a good one.
fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut t = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    };
    let mut c = !0u32;
    for b in data {
        c = TABLE[((c ^ *b as u32) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmpdir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("nlroute-state-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).expect("create temp dir");
        d
    }

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn missing_file_is_a_fresh_start_and_a_saved_file_loads() {
        let d = tmpdir("roundtrip");
        let p = d.join("state.json");
        let (_store, _host) = Store::open(&p).expect("fresh");
        assert!(p.exists(), "no snapshot written");
        assert!(journal_path(&p).exists(), "no journal started");
        assert!(Store::open(&p).is_ok());
        assert!(!sibling(&p, ".tmp").exists(), "temp file left behind");
    }

    #[test]
    fn truncated_corrupt_and_foreign_files_are_refused_with_the_file_named() {
        let d = tmpdir("bad");
        let p = d.join("state.json");
        drop(Store::open(&p).expect("fresh"));
        let good = fs::read(&p).expect("read");
        for (content, why) in [
            (good[..good.len() / 2].to_vec(), "truncated"),
            (Vec::new(), "empty"),
            (b"\x00\x01garbage".to_vec(), "not valid JSON"),
            (br#"{"hello": 1}"#.to_vec(), "not an nlroute state file"),
        ] {
            fs::write(&p, &content).expect("write");
            let err = match Store::open(&p) {
                Err(e) => e,
                Ok(_) => panic!("{why}: accepted"),
            };
            assert!(err.contains(&p.display().to_string()), "{err}");
            assert!(err.contains(why), "{why}: {err}");
        }
    }

    #[test]
    fn a_damaged_record_before_the_end_is_refused_but_a_torn_tail_is_dropped() {
        let d = tmpdir("journal");
        let p = d.join("state.json");
        let j = journal_path(&p);
        drop(Store::open(&p).expect("fresh"));
        let cred = Credentials {
            pid: 1,
            uid: 0,
            gid: 0,
            admin: true,
        };
        let mut rec = Store {
            path: p.clone(),
            journal: File::open(&j).expect("journal"),
            committed_len: 0,
            seq: 0,
            pending: Vec::new(),
        };
        // Two records of an empty datagram (a no-op change, enough to test framing).
        rec.record(&cred, 1, b"");
        rec.record(&cred, 2, b"");
        let mut journal = JOURNAL_MAGIC.to_vec();
        journal.extend_from_slice(&rec.pending);
        // Torn tail: the last record cut in half.
        fs::write(&j, &journal[..journal.len() - 10]).expect("write");
        assert!(Store::open(&p).is_ok());
        // Damage in the first record, with a good one after it.
        journal[JOURNAL_MAGIC.len() + 12] ^= 0xff;
        fs::write(&j, &journal).expect("write");
        let err = Store::open(&p).err().expect("damaged journal accepted");
        assert!(
            err.contains("damaged") && err.contains(&j.display().to_string()),
            "{err}"
        );
    }
}
