//! `nlroute exec` with iproute2's `ip`: what a user typing these commands sees.

#[path = "clients/common.rs"]
mod common;
use common::*;

fn need_ip() -> bool {
    if have("ip") {
        true
    } else {
        skip("iproute2's `ip` is not installed (apt-get install iproute2)");
        false
    }
}

#[test]
fn a_fresh_run_sees_only_lo_and_down_like_a_new_namespace() {
    if !need_ip() {
        return;
    }
    let r = exec(&["ip", "-br", "link"]).expect_ok("ip -br link");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    let f: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(f[0], "lo");
    assert_eq!(f[1], "DOWN");
    assert!(lines[0].contains("<LOOPBACK>"), "{}", lines[0]);
}

#[test]
fn added_bridge_is_listed_by_a_later_process_of_the_same_run() {
    if !need_ip() {
        return;
    }
    let r = exec_sh("ip link add br0 type bridge && ip -br link").expect_ok("script");
    let names: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(names, ["lo", "br0"], "{}", r.stdout);
}

#[test]
fn json_detail_and_stats_output() {
    if !need_ip() {
        return;
    }
    let r = exec_sh(
        "ip link add d0 type dummy && ip -j link show && echo === && ip -d link show d0 \
         && echo === && ip -s link show lo",
    )
    .expect_ok("script");
    let parts: Vec<&str> = r.stdout.split("===\n").collect();
    assert_eq!(parts.len(), 3, "{}", r.stdout);
    assert_eq!(link_names(parts[0]), ["lo", "d0"]);
    assert!(
        parts[1].contains("d0:") && parts[1].contains("dummy"),
        "{}",
        parts[1]
    );
    assert!(
        parts[2].contains("RX:") && parts[2].contains("TX:"),
        "{}",
        parts[2]
    );
}

#[test]
fn addresses_brief_and_json() {
    if !need_ip() {
        return;
    }
    let r = exec_sh(
        "ip link set lo up && ip link add d0 type dummy && ip link set d0 up \
         && ip addr add 192.0.2.1/24 dev d0 && ip -br addr && echo === && ip -j addr show dev d0",
    )
    .expect_ok("script");
    let (brief, json) = r.stdout.split_once("===\n").expect("separator");
    assert!(
        brief
            .lines()
            .any(|l| l.starts_with("lo") && l.contains("127.0.0.1/8")),
        "{brief}"
    );
    assert!(
        brief
            .lines()
            .any(|l| l.starts_with("d0") && l.contains("192.0.2.1/24")),
        "{brief}"
    );
    let v: serde_json::Value = serde_json::from_str(json).expect("json");
    let addrs: Vec<String> = v[0]["addr_info"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| Some(format!("{}/{}", x["local"].as_str()?, x["prefixlen"])))
                .collect()
        })
        .unwrap_or_default();
    assert!(addrs.contains(&"192.0.2.1/24".to_string()), "{json}");
}

#[test]
fn batch_mode_applies_every_line() {
    if !need_ip() {
        return;
    }
    let dir = tmpdir("batch");
    let batch = dir.join("cmds");
    std::fs::write(
        &batch,
        "link add d1 type dummy\nlink add d2 type dummy\nlink set d1 up\naddr add 10.1.0.1/16 dev d1\n",
    )
    .expect("write batch");
    let r = exec_sh(&format!("ip -batch {} && ip -br link", batch.display())).expect_ok("batch");
    let names: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(names, ["lo", "d1", "d2"], "{}", r.stdout);
}

#[test]
fn ip_monitor_sees_another_processes_change() {
    if !need_ip() {
        return;
    }
    let dir = tmpdir("monitor");
    let out = dir.join("monitor.out");
    let r = exec_sh(&format!(
        "ip monitor link > {o} & m=$!; sleep 0.5; ip link add mon0 type dummy; sleep 0.5; \
         kill $m; wait $m; cat {o}",
        o = out.display()
    ));
    assert!(
        r.stdout.contains("mon0"),
        "ip monitor did not report the new link\nstdout:\n{}\nstderr:\n{}",
        r.stdout,
        r.stderr
    );
}

#[test]
fn exit_status_is_the_commands() {
    assert_eq!(exec_sh("exit 7").code, Some(7));
    assert_eq!(exec_sh("kill -TERM $$").code, Some(128 + libc::SIGTERM));
    let r = exec(&["/nonexistent/program"]);
    assert_ne!(r.code, Some(0));
    assert!(r.stderr.contains("/nonexistent/program"), "{}", r.stderr);
}

#[test]
fn other_sockets_and_files_behave_as_usual() {
    if !have("python3") {
        skip("python3 is not installed");
        return;
    }
    // A UDP socket, a unix socket pair and ordinary reads on low descriptors are untouched.
    let r = exec(&[
        "python3",
        "-c",
        "import socket,os\n\
         u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); u.bind(('127.0.0.1',0))\n\
         a,b=socket.socketpair(); a.send(b'hi'); print(b.recv(10).decode())\n\
         print(open('/proc/self/comm').read().strip())\n\
         print(u.getsockname()[0])",
    ])
    .expect_ok("python");
    assert_eq!(r.stdout, "hi\npython3\n127.0.0.1\n");
}

/// Requests that would change the host's network stack, not the emulated one, are refused:
/// a tun/tap device (the /dev/net/tun ioctl), a route or an ARP entry by ioctl. As root,
/// they would otherwise land in the host's namespace.
#[test]
fn ioctls_that_would_reach_the_host_are_refused() {
    if !need_ip() {
        return;
    }
    let name = format!("nlrt{}", std::process::id() % 100_000);
    let r = exec_sh(&format!("ip tuntap add {name} mode tap; echo status=$?"));
    let on_host = |args: &[&str]| {
        std::process::Command::new("ip")
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if on_host(&["link", "show", &name]) {
        on_host(&["link", "del", &name]);
        panic!("{name} was made in the host's namespace: {r:?}");
    }
    assert!(r.stdout.contains("status=1"), "{r:?}");
    assert!(r.stderr.contains("Operation not supported"), "{r:?}");
    if !have("python3") {
        skip("python3 is not installed: the route and ARP ioctls are not tried");
        return;
    }
    // SIOCADDRT with a zeroed struct rtentry, SIOCSARP with a zeroed struct arpreq: refused
    // before their arguments are read.
    let script = "import fcntl, socket\n\
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n\
        for name, req, size in (('addrt', 0x890b, 120), ('sarp', 0x8955, 68)):\n\
        \x20   try:\n\
        \x20       fcntl.ioctl(s.fileno(), req, bytes(size))\n\
        \x20       print(name, 'ok')\n\
        \x20   except OSError as e:\n\
        \x20       print(name, e.errno)\n";
    let r = exec(&["python3", "-c", script]).expect_ok("python3");
    let eopnotsupp = libc::EOPNOTSUPP;
    assert_eq!(
        r.stdout,
        format!("addrt {eopnotsupp}\nsarp {eopnotsupp}\n"),
        "{r:?}"
    );
}
