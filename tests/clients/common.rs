//! Helpers shared by the exec_* and serve_* integration tests (included with #[path]).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn nlroute() -> &'static str {
    env!("CARGO_BIN_EXE_nlroute")
}

/// Prints the reason a test cannot run here. Tests return right after, visibly skipped.
pub fn skip(why: &str) {
    println!("SKIPPED: {why}");
    eprintln!("SKIPPED: {why}");
}

pub fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

pub fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// A fresh directory for one test, readable by other users (for uid-switching tests).
pub fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("nlroute-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create test dir");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    d
}

/// The result of a finished command, with its output as text.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }
    pub fn expect_ok(self, what: &str) -> Run {
        assert!(
            self.ok(),
            "{what} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
            self.code,
            self.stdout,
            self.stderr
        );
        self
    }
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// Runs a command with a time limit (a hang fails the test instead of stalling the suite).
pub fn run_limited(cmd: &mut Command, limit: Duration) -> Run {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let start = Instant::now();
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            return child.wait_with_output().expect("output").into();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let out: Run = child.wait_with_output().expect("output").into();
            panic!(
                "command timed out after {limit:?}: {cmd:?}\nstdout:\n{}\nstderr:\n{}",
                out.stdout, out.stderr
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// `nlroute exec [--socket S] -- args...`
pub fn exec_cmd(socket: Option<&Path>, args: &[&str]) -> Command {
    let mut c = Command::new(nlroute());
    c.arg("exec");
    if let Some(s) = socket {
        c.arg("--socket").arg(s);
    }
    c.arg("--").args(args);
    c
}

pub fn exec(args: &[&str]) -> Run {
    run_limited(&mut exec_cmd(None, args), Duration::from_secs(30))
}

pub fn exec_sh(script: &str) -> Run {
    exec(&["sh", "-c", script])
}

pub fn exec_at(socket: &Path, args: &[&str]) -> Run {
    run_limited(&mut exec_cmd(Some(socket), args), Duration::from_secs(30))
}

/// A running `nlroute serve`, stopped (SIGKILL) when dropped.
pub struct Serve {
    pub child: Child,
    pub socket: PathBuf,
}

impl Serve {
    pub fn start(socket: &Path, extra: &[&str]) -> Serve {
        let mut c = Command::new(nlroute());
        c.arg("serve").arg("--socket").arg(socket).args(extra);
        c.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        let child = c.spawn().expect("spawn nlroute serve");
        let s = Serve {
            child,
            socket: socket.to_path_buf(),
        };
        s.wait_ready();
        s
    }

    fn wait_ready(&self) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if seqpacket_connect(&self.socket).is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("nlroute serve did not come up at {}", self.socket.display());
    }

    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM and wait: a clean stop.
    pub fn stop(&mut self) -> Option<i32> {
        // SAFETY: signalling our own child.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        self.child.wait().ok().and_then(|s| s.code())
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Compiles a C helper from tests/clients; None (after printing SKIPPED) when it cannot.
pub fn build_c(source: &str, static_link: bool) -> Option<PathBuf> {
    if !have("gcc") {
        skip("gcc is not installed");
        return None;
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/clients")
        .join(source);
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("clients");
    std::fs::create_dir_all(&out_dir).expect("mkdir");
    let stem = source.trim_end_matches(".c");
    let out = out_dir.join(if static_link {
        format!("{stem}-static")
    } else {
        stem.to_string()
    });
    // Built under a name of its own, then renamed into place: tests running at once build
    // the same client, and one must never run (or replace) a file still being written.
    static BUILDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = BUILDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let partial = out.with_extension(format!("part{}-{n}", std::process::id()));
    let mut c = Command::new("gcc");
    c.args(["-O1", "-Wall", "-o"]).arg(&partial).arg(&src);
    if static_link {
        c.arg("-static");
    }
    let r: Run = c.output().expect("gcc").into();
    if !r.ok() {
        if static_link {
            skip(&format!(
                "gcc -static failed (no static libc? install libc6-dev): {}",
                r.stderr.lines().last().unwrap_or("")
            ));
            return None;
        }
        panic!("gcc failed on {source}:\n{}", r.stderr);
    }
    std::fs::rename(&partial, &out).expect("rename the built client into place");
    Some(out)
}

/// Interface names from `ip -j link` output.
pub fn link_names(json: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json)
        .unwrap_or_else(|e| panic!("ip -j output is not JSON ({e}):\n{json}"));
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|l| l["ifname"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// A connected SOCK_SEQPACKET socket to `path`, or None.
pub fn seqpacket_connect(path: &Path) -> Option<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    use std::os::unix::ffi::OsStrExt;
    // SAFETY: plain socket calls on a zeroed sockaddr_un filled within bounds.
    unsafe {
        let fd = libc::socket(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return None;
        }
        let fd = std::os::fd::OwnedFd::from_raw_fd(fd);
        let mut addr: libc::sockaddr_un = std::mem::zeroed();
        addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
        let b = path.as_os_str().as_bytes();
        if b.len() >= addr.sun_path.len() {
            return None;
        }
        for (d, s) in addr.sun_path.iter_mut().zip(b) {
            *d = *s as libc::c_char;
        }
        let r = libc::connect(
            std::os::fd::AsRawFd::as_raw_fd(&fd),
            &addr as *const _ as *const libc::sockaddr,
            std::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t,
        );
        (r == 0).then_some(fd)
    }
}

// ---- Raw netlink over the server protocol (no exec), for serve tests ----

use nlroute::server::proto::{DataHello, Hello, Welcome};
use std::collections::BTreeSet;
use std::os::fd::{AsRawFd, OwnedFd};

pub const RTM_NEWLINK: u16 = 16;
pub const RTM_GETLINK: u16 = 18;
pub const NLMSG_ERROR: u16 = 2;
pub const NLMSG_DONE: u16 = 3;
pub const IFLA_IFNAME: u16 = 3;
pub const IFLA_LINKINFO: u16 = 18;
pub const IFLA_INFO_KIND: u16 = 1;

pub fn attr(ty: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&((4 + payload.len()) as u16).to_ne_bytes());
    v.extend_from_slice(&ty.to_ne_bytes());
    v.extend_from_slice(payload);
    while v.len() % 4 != 0 {
        v.push(0);
    }
    v
}

pub fn message(ty: u16, flags: u16, seq: u32, body: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&((16 + body.len()) as u32).to_ne_bytes());
    v.extend_from_slice(&ty.to_ne_bytes());
    v.extend_from_slice(&flags.to_ne_bytes());
    v.extend_from_slice(&seq.to_ne_bytes());
    v.extend_from_slice(&0u32.to_ne_bytes());
    v.extend_from_slice(body);
    v
}

/// RTM_NEWLINK creating a dummy link, as `ip link add NAME type dummy` sends it.
pub fn new_dummy(seq: u32, name: &str) -> Vec<u8> {
    let mut body = vec![0u8; 16]; // struct ifinfomsg
    let mut n = name.as_bytes().to_vec();
    n.push(0);
    body.extend(attr(IFLA_IFNAME, &n));
    body.extend(attr(IFLA_LINKINFO, &attr(IFLA_INFO_KIND, b"dummy\0")));
    let flags = libc::NLM_F_REQUEST | libc::NLM_F_ACK | libc::NLM_F_CREATE | libc::NLM_F_EXCL;
    message(RTM_NEWLINK, flags as u16, seq, &body)
}

/// A netlink socket opened directly over the server protocol (no exec), and the token
/// that names it in control requests.
pub fn data_conn(socket: &Path) -> (OwnedFd, u32) {
    let fd = seqpacket_connect(socket).expect("connect to server");
    let hello = Hello::Data(DataHello {
        pid: std::process::id(),
        sock_type: libc::SOCK_RAW,
        protocol: libc::NETLINK_ROUTE,
        uid: 0,
        gid: 0,
        // These tests read the bytes as they are: no multicast marks.
        marks: false,
    });
    send(&fd, &hello.encode()).expect("handshake");
    let w = Welcome::decode(&recv(&fd).expect("welcome")).expect("welcome format");
    assert_eq!(w.status, 0);
    (fd, w.token)
}

/// A netlink socket opened directly over the server protocol (no exec).
pub fn raw_socket(socket: &Path) -> OwnedFd {
    data_conn(socket).0
}

pub fn send(fd: &OwnedFd, b: &[u8]) -> std::io::Result<()> {
    // SAFETY: sending from a valid slice.
    let r = unsafe {
        libc::send(
            fd.as_raw_fd(),
            b.as_ptr().cast(),
            b.len(),
            libc::MSG_NOSIGNAL,
        )
    };
    if r < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(())
    }
}

pub fn recv(fd: &OwnedFd) -> Option<Vec<u8>> {
    let mut b = vec![0u8; 65536];
    // SAFETY: receiving into a valid buffer.
    let n = unsafe { libc::recv(fd.as_raw_fd(), b.as_mut_ptr().cast(), b.len(), 0) };
    if n <= 0 {
        return None;
    }
    b.truncate(n as usize);
    Some(b)
}

/// (type, seq, payload) of each message in a datagram.
pub fn messages(d: &[u8]) -> Vec<(u16, u32, Vec<u8>)> {
    let mut out = Vec::new();
    let mut off = 0;
    while off + 16 <= d.len() {
        let len = u32::from_ne_bytes(d[off..off + 4].try_into().expect("4")) as usize;
        if len < 16 || off + len > d.len() {
            break;
        }
        let ty = u16::from_ne_bytes([d[off + 4], d[off + 5]]);
        let seq = u32::from_ne_bytes(d[off + 8..off + 12].try_into().expect("4"));
        out.push((ty, seq, d[off + 16..off + len].to_vec()));
        off += (len + 3) & !3;
    }
    out
}

/// Link names from a full RTM_GETLINK dump over a raw socket.
pub fn dump_link_names(socket: &Path) -> BTreeSet<String> {
    let fd = raw_socket(socket);
    let req = message(
        RTM_GETLINK,
        (libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16,
        1,
        &[0u8; 16],
    );
    send(&fd, &req).expect("dump request");
    let mut names = BTreeSet::new();
    loop {
        let d = recv(&fd).expect("dump reply");
        for (ty, _, p) in messages(&d) {
            match ty {
                NLMSG_DONE => return names,
                NLMSG_ERROR => panic!("dump failed: {p:?}"),
                RTM_NEWLINK => {
                    let mut off = 16;
                    while off + 4 <= p.len() {
                        let alen = u16::from_ne_bytes([p[off], p[off + 1]]) as usize;
                        let aty = u16::from_ne_bytes([p[off + 2], p[off + 3]]);
                        if alen < 4 || off + alen > p.len() {
                            break;
                        }
                        if aty == IFLA_IFNAME {
                            let s = &p[off + 4..off + alen];
                            let s = s.split(|c| *c == 0).next().unwrap_or(s);
                            names.insert(String::from_utf8_lossy(s).into_owned());
                        }
                        off += (alen + 3) & !3;
                    }
                }
                _ => {}
            }
        }
    }
}
