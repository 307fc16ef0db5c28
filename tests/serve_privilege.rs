//! Through `nlroute serve`, users other than root and the server's own may read and listen
//! but get EPERM for every change — tested with a real second uid (needs root to switch).

#[path = "clients/common.rs"]
mod common;
use common::*;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const NOBODY: &str = "65534";

/// Sends each mutating rtnetlink request with NLM_F_ACK and prints "TYPE ERRNO".
const MUTATIONS: &str = r#"
import socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
def attr(t, p):
    a = struct.pack("HH", 4 + len(p), t) + p
    return a + b"\0" * (-len(a) % 4)
ifinfo = lambda idx, flags=0, change=0: struct.pack("BxHiII", 0, 0, idx, flags, change)
ifaddr = lambda idx: struct.pack("BBBBI", 2, 8, 0, 0, idx) + attr(2, socket.inet_aton("127.0.0.2"))
reqs = [
    ("NEWLINK", 16, 0x600, ifinfo(0) + attr(3, b"evil0\0") + attr(18, attr(1, b"dummy\0"))),
    ("SETLINK", 19, 0, ifinfo(1, 1, 1)),
    ("DELLINK", 17, 0, ifinfo(1)),
    ("NEWADDR", 20, 0x600, ifaddr(1)),
    ("DELADDR", 21, 0, ifaddr(1)),
]
for seq, (name, ty, extra, body) in enumerate(reqs, 1):
    s.send(struct.pack("IHHII", 16 + len(body), ty, 1 | 4 | extra, seq, 0) + body)
    d = s.recv(65536)
    print(name, -struct.unpack_from("i", d, 16)[0])
import fcntl
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    fcntl.ioctl(u.fileno(), 0x8922, struct.pack("16si20x", b"lo", 1400))  # SIOCSIFMTU
    print("SIOCSIFMTU 0")
except OSError as e:
    print("SIOCSIFMTU", e.errno)
print("names", [n for _, n in socket.if_nameindex()])
"#;

fn as_nobody(socket: &Path, args: &[&str]) -> Run {
    let mut c = Command::new("setpriv");
    c.args([
        "--reuid",
        NOBODY,
        "--regid",
        NOBODY,
        "--clear-groups",
        nlroute(),
        "exec",
        "--socket",
    ])
    .arg(socket)
    .arg("--")
    .args(args);
    run_limited(&mut c, Duration::from_secs(30))
}

fn prerequisites() -> bool {
    if !is_root() {
        skip("needs root to run a client as a second uid");
        return false;
    }
    if !have("setpriv") || !have("python3") {
        skip("setpriv or python3 is not installed");
        return false;
    }
    true
}

#[test]
fn another_uid_gets_eperm_for_every_change_and_can_still_read() {
    if !prerequisites() {
        return;
    }
    let dir = tmpdir("eperm");
    let sock = dir.join("s");
    let _srv = Serve::start(&sock, &[]);
    let r = as_nobody(&sock, &["python3", "-c", MUTATIONS]).expect_ok("python as nobody");
    let eperm = libc::EPERM.to_string();
    for name in [
        "NEWLINK",
        "SETLINK",
        "DELLINK",
        "NEWADDR",
        "DELADDR",
        "SIOCSIFMTU",
    ] {
        let line = r.stdout.lines().find(|l| l.starts_with(name)).unwrap_or("");
        assert_eq!(line, format!("{name} {eperm}"), "stdout:\n{}", r.stdout);
    }
    assert!(r.stdout.contains("names ['lo']"), "{}", r.stdout);
    if have("ip") {
        let r = as_nobody(&sock, &["ip", "link", "add", "evil1", "type", "dummy"]);
        assert_ne!(r.code, Some(0));
        assert!(r.stderr.contains("Operation not permitted"), "{}", r.stderr);
        // Nothing changed, as the server's owner sees it.
        let r = exec_at(&sock, &["ip", "-br", "link"]).expect_ok("list as root");
        let lines: Vec<&str> = r.stdout.lines().collect();
        assert_eq!(lines.len(), 1, "{}", r.stdout);
        assert!(
            lines[0].starts_with("lo") && lines[0].contains("DOWN"),
            "{}",
            r.stdout
        );
    }
}

#[test]
fn allow_uid_lets_that_user_change_state() {
    if !prerequisites() || !have("ip") {
        skip("also needs ip");
        return;
    }
    let dir = tmpdir("allow");
    let sock = dir.join("s");
    let _srv = Serve::start(&sock, &["--allow-uid", NOBODY]);
    as_nobody(&sock, &["ip", "link", "add", "ok0", "type", "dummy"]).expect_ok("allowed add");
    let r = exec_at(&sock, &["ip", "-j", "link"]).expect_ok("list");
    assert_eq!(link_names(&r.stdout), ["lo", "ok0"]);
}

#[test]
fn exec_works_for_an_unprivileged_user() {
    if !prerequisites() {
        return;
    }
    // No root, no capabilities, no user namespace: just seccomp user notification.
    let mut c = Command::new("setpriv");
    c.args([
        "--reuid",
        NOBODY,
        "--regid",
        NOBODY,
        "--clear-groups",
        nlroute(),
    ])
    .args([
        "exec",
        "--",
        "python3",
        "-c",
        "import socket; print(socket.if_nameindex())",
    ]);
    let r = run_limited(&mut c, Duration::from_secs(30)).expect_ok("exec as nobody");
    assert_eq!(r.stdout.trim(), "[(1, 'lo')]");
}
