//! `nlroute exec` with programs that reach netlink through glibc's internals or are linked
//! statically — what LD_PRELOAD cannot reach and seccomp user notification can.

#[path = "clients/common.rs"]
mod common;
use common::*;

#[test]
fn python_if_nameindex_lists_the_emulated_links() {
    if !have("python3") {
        skip("python3 is not installed");
        return;
    }
    let r = exec(&[
        "python3",
        "-c",
        "import socket; print(socket.if_nameindex())",
    ])
    .expect_ok("if_nameindex");
    assert_eq!(r.stdout.trim(), "[(1, 'lo')]");
    if !have("ip") {
        skip("ip is not installed; checked only the fresh namespace");
        return;
    }
    let r = exec_sh(
        "ip link add d0 type dummy && python3 -c 'import socket; print(socket.if_nameindex())'",
    )
    .expect_ok("if_nameindex after add");
    assert_eq!(r.stdout.trim(), "[(1, 'lo'), (2, 'd0')]");
}

#[test]
fn glibc_getifaddrs_sees_emulated_links_and_addresses() {
    let Some(prog) = build_c("getifaddrs.c", false) else {
        return;
    };
    let r = exec(&[prog.to_str().expect("utf-8 path")]).expect_ok("getifaddrs");
    assert_eq!(r.stdout, "lo packet\n");
    if !have("ip") {
        skip("ip is not installed; checked only the fresh namespace");
        return;
    }
    let r = exec_sh(&format!(
        "ip link set lo up && ip link add d0 type dummy && ip addr add 198.51.100.7/24 dev d0 && {}",
        prog.display()
    ))
    .expect_ok("getifaddrs after changes");
    let lines: Vec<&str> = r.stdout.lines().collect();
    for want in [
        "lo packet",
        "d0 packet",
        "lo inet 127.0.0.1",
        "d0 inet 198.51.100.7",
    ] {
        assert!(lines.contains(&want), "missing {want:?} in:\n{}", r.stdout);
    }
}

#[test]
fn getaddrinfo_addrconfig_follows_the_emulated_addresses() {
    if !have("python3") || !have("ip") {
        skip("python3 or ip is not installed");
        return;
    }
    // AI_ADDRCONFIG asks glibc (over netlink) which families have a non-loopback address.
    let py = "import socket\n\
              try:\n  r = socket.getaddrinfo('localhost', 80, type=socket.SOCK_STREAM, flags=socket.AI_ADDRCONFIG)\n  print(sorted({a[0].name for a in r}))\n\
              except socket.gaierror as e:\n  print('none')";
    let r = exec_sh(&format!(
        "ip link add d0 type dummy && ip link set d0 up && ip addr add 203.0.113.5/24 dev d0 \
         && python3 -c \"{py}\""
    ))
    .expect_ok("getaddrinfo");
    assert_eq!(r.stdout.trim(), "['AF_INET']");
}

fn probe_expectations() -> Vec<&'static str> {
    // What Linux answers (checked against the real kernel with this same program).
    vec![
        "socket_ok=1",
        "cloexec=1",
        "so_domain=16",
        "so_type=3",
        "so_protocol=0",
        "bind_short=Invalid argument",
        "bind_wrong_family=Invalid argument",
        "bind=ok",
        "port_is_pid=1",
        "sockname_len=12",
        "getsockname_efault=Bad address",
        "second_port_distinct=1",
        "cloexec2=0",
        "ext_ack=ok",
        "empty_dontwait=Resource temporarily unavailable",
        "peek_trunc_positive=1",
        "peek_flags_trunc=1",
        "recv_matches_peek=1",
        "from_family=16 from_pid=0 fromlen=12",
        "reply_seq=42",
        "dump_done=1",
        "small_recv=4 small_trunc=1",
        "recv_efault=Bad address",
        "inet_bind=ok",
        "generic_native=1",
    ]
}

fn check_probe(static_link: bool) {
    let Some(prog) = build_c("nlprobe.c", static_link) else {
        return;
    };
    let r = exec(&[prog.to_str().expect("utf-8 path")]).expect_ok("nlprobe");
    let got: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(got, probe_expectations(), "stderr:\n{}", r.stderr);
}

#[test]
fn netlink_socket_calls_behave_as_on_linux() {
    check_probe(false);
}

#[test]
fn a_static_binary_is_served_too() {
    check_probe(true);
}

#[test]
fn bad_arguments_get_the_same_errors_as_from_the_kernel() {
    let Some(prog) = build_c("nlbad.c", false) else {
        return;
    };
    // The same program against the real kernel is the reference.
    let native = run_limited(
        &mut std::process::Command::new(&prog),
        std::time::Duration::from_secs(10),
    );
    if !native.ok() || !native.stdout.contains("bind_bad_addr=") {
        skip("no real NETLINK_ROUTE socket here to compare with");
        return;
    }
    let emulated = exec(&[prog.to_str().expect("utf-8 path")]).expect_ok("nlbad");
    let diff: Vec<String> = native
        .stdout
        .lines()
        .zip(emulated.stdout.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("kernel {a} / nlroute {b}"))
        .collect();
    assert!(diff.is_empty(), "{diff:#?}");
    assert_eq!(
        native.stdout.lines().count(),
        emulated.stdout.lines().count()
    );
}

#[test]
fn a_reopened_socket_gets_the_process_id_again() {
    if !have("python3") {
        skip("python3 is not installed");
        return;
    }
    // Linux frees a port id at close(); the next socket of the process autobinds to its pid.
    let r = exec(&[
        "python3",
        "-c",
        "import socket, os\n\
         ok = []\n\
         for i in range(20):\n\
         \x20   s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)\n\
         \x20   s.bind((0, 0))\n\
         \x20   ok.append(s.getsockname()[0] == os.getpid())\n\
         \x20   s.close()\n\
         print(all(ok))\n\
         s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)\n\
         try:\n\
         \x20   s.shutdown(socket.SHUT_RDWR)\n\
         except OSError as e:\n\
         \x20   print(os.strerror(e.errno))",
    ])
    .expect_ok("python");
    assert_eq!(r.stdout, "True\nOperation not supported\n");
}

fn check_ifreq(static_link: bool) {
    let Some(prog) = build_c("ifreq.c", static_link) else {
        return;
    };
    if !have("ip") {
        skip("ip is not installed");
        return;
    }
    let r = exec_sh(&format!(
        "ip link add d0 type dummy && ip addr add 198.51.100.7/24 dev d0 && {}",
        prog.display()
    ))
    .expect_ok("ifreq");
    let got: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        got,
        [
            "if_nametoindex=2",
            "if_indextoname=d0",
            "missing=0 No such device",
            "mtu=1500",
            "set_mtu=ok",
            "mtu=1400",
            "addr=198.51.100.7",
            "up=0",
            "set_addr=Operation not supported",
        ],
        "stderr:\n{}",
        r.stderr
    );
}

#[test]
fn interface_ioctls_answer_about_the_emulated_interfaces() {
    check_ifreq(false);
}

#[test]
fn interface_ioctls_of_a_static_binary_too() {
    check_ifreq(true);
}
