//! The LD_PRELOAD companion (preload/src/lib.rs, embedded by build.rs): where it is put on
//! disk, and what the child's environment says about it.
//!
//! The library takes receives of datagrams that are already queued inside the program (see
//! its own documentation). The filter lets its native receives through when they come from
//! the one instruction of its gate page, whose address it is told in `NLROUTE_PRELOAD`. A
//! program the library does not reach (static or setuid) keeps the trapped path, which
//! stays complete.

use super::filter::GateIps;
use std::ffi::OsString;
use std::io::{self, Write};
use std::ops::Range;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::PathBuf;

static LIBRARY: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/libnlroute_preload.so"));

/// Where, past the start of its gate page, the library's receive instruction ends: the
/// instruction pointer the filter sees for it (preload/src/lib.rs, GATE_CODE).
#[cfg(target_arch = "x86_64")]
const GATE_IP_OFFSET: u64 = 7;
/// Where the gate's socket instruction ends: the library asks for the status page
/// (`crate::server::status`) with it.
#[cfg(target_arch = "x86_64")]
const SOCKET_IP_OFFSET: u64 = 15;
/// The gate's second socket instruction ends this far after the first: the library asks
/// only for the connection's server end with it (later sockets, see `status::PEER_HANDOUT`).
pub const PEER_SOCKET_IP_DISTANCE: u64 = 8;
/// The gate's pair entry (socket with six arguments) ends this far after its first socket
/// instruction: the library made the socket's pair itself (see emulate's do_socket_pair).
pub const PAIR_SOCKET_IP_DISTANCE: u64 = 30;
/// Where the gate's send instruction ends: the library's requests, handled at once.
#[cfg(target_arch = "x86_64")]
const SEND_IP_OFFSET: u64 = 34;

/// What the child needs: the library's path and the address of its gate page.
pub struct Preload {
    pub path: PathBuf,
    gate: u64,
}

impl Preload {
    /// Writes the library (once per content, shared by runs) and picks the gate's address:
    /// a random page in a region (16 TiB up) that programs' own mappings do not use. If
    /// something is there after all, the library stays off in that program.
    #[cfg(target_arch = "x86_64")]
    pub fn prepare() -> io::Result<Preload> {
        let path = install()?;
        let mut r = 0u32;
        // SAFETY: getrandom writes at most 4 bytes into `r`.
        if unsafe { libc::getrandom((&mut r as *mut u32).cast(), 4, 0) } != 4 {
            return Err(io::Error::last_os_error());
        }
        let gate = 0x1000_0000_0000 + (u64::from(r) << 12);
        Ok(Preload { path, gate })
    }

    #[cfg(not(target_arch = "x86_64"))]
    pub fn prepare() -> io::Result<Preload> {
        Err(io::Error::other(
            "the preload library's gate exists for x86_64 only",
        ))
    }

    /// The instruction pointers of the library's native receives and of its sends.
    #[cfg(target_arch = "x86_64")]
    pub fn gate_ips(&self) -> GateIps {
        GateIps {
            recv: self.gate + GATE_IP_OFFSET,
            send: self.gate + SEND_IP_OFFSET,
        }
    }

    #[cfg(not(target_arch = "x86_64"))]
    pub fn gate_ips(&self) -> GateIps {
        GateIps {
            recv: self.gate,
            send: self.gate,
        }
    }

    /// The instruction pointer of the library's socket() that asks for the status page.
    #[cfg(target_arch = "x86_64")]
    pub fn socket_ip(&self) -> u64 {
        self.gate + SOCKET_IP_OFFSET
    }

    #[cfg(not(target_arch = "x86_64"))]
    pub fn socket_ip(&self) -> u64 {
        self.gate
    }

    /// The environment entries for the child: LD_PRELOAD (ahead of any the caller set) and
    /// the library's configuration; `pairs` when the supervisor takes socket pairs the
    /// library makes (its embedded server), so that elsewhere no process tries in vain.
    pub fn env(&self, fds: &Range<i32>, pairs: bool) -> [(OsString, OsString); 2] {
        let mut preload = self.path.clone().into_os_string();
        if let Some(old) = std::env::var_os("LD_PRELOAD").filter(|v| !v.is_empty()) {
            preload.push(":");
            preload.push(old);
        }
        let mut config = format!("{:x}:{}:{}", self.gate, fds.start, fds.end);
        if pairs {
            config.push_str(":pairs");
        }
        [
            ("LD_PRELOAD".into(), preload),
            ("NLROUTE_PRELOAD".into(), config.into()),
        ]
    }
}

/// The library's path, written if absent: named by a hash of its bytes, in the runtime
/// directory (else the temporary one), renamed into place whole so that concurrent runs
/// never load a partial file.
fn install() -> io::Result<PathBuf> {
    let dir = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|d| d.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    // SAFETY: geteuid cannot fail.
    let uid = unsafe { libc::geteuid() };
    let path = dir.join(format!("nlroute-preload-{uid}-{:016x}.so", fnv1a(LIBRARY)));
    if ours(&path, uid) && std::fs::read(&path).is_ok_and(|b| b == LIBRARY) {
        return Ok(path);
    }
    let tmp = dir.join(format!(
        "nlroute-preload-{uid}-{:016x}.{}.tmp",
        fnv1a(LIBRARY),
        std::process::id()
    ));
    // create_new: never through a link someone else placed at that name.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o755)
        .open(&tmp)
        .and_then(|mut f| f.write_all(LIBRARY));
    let placed = written.and_then(|()| std::fs::rename(&tmp, &path));
    if placed.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    placed.map(|()| path)
}

/// A file only its owner, this user, can change: in a shared temporary directory, anything
/// else could be swapped for other code after the check.
fn ours(path: &std::path::Path, uid: u32) -> bool {
    std::fs::symlink_metadata(path)
        .is_ok_and(|m| m.file_type().is_file() && m.uid() == uid && m.mode() & 0o022 == 0)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
