//! The seccomp BPF filter installed in the child before exec.
//!
//! It sends to the supervisor only what must be emulated, so everything else stays in the
//! kernel at the price of a few BPF instructions:
//! - `socket(AF_NETLINK, *, NETLINK_ROUTE)`;
//! - the ioctls of `ifreq::trapped` on any descriptor (the supervisor lets those
//!   on non-sockets run);
//! - socket calls a unix socket cannot answer like netlink (bind, connect, getsockname,
//!   getpeername, setsockopt, getsockopt, recvmsg, recvfrom, recvmmsg, read, readv) only when
//!   their fd lies in the reserved range where the supervisor places emulated sockets;
//!   dup and fcntl(F_DUPFD*) there too, so copies land in the range as well.
//!   sendmsg/sendto/write/poll/epoll/select never trap: they work natively on the seqpacket
//!   connection (but see the gate below). Neither do the SOL_SOCKET options outside `EMULATED_SETSOCKOPT` /
//!   `EMULATED_GETSOCKOPT`, on any descriptor. Every other architecture or ABI (i386, x32)
//!   is allowed untouched.
//! - recvmsg made from the gate's receive instruction is allowed on any descriptor: the
//!   preload library's native receives (see `preload`); sendto made from the gate's send
//!   instruction is trapped on the reserved descriptors: the library's requests, which the
//!   supervisor handles before the call returns.

use super::ifreq;
use crate::socket;
use std::ops::Range;

#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xC000_003E; // AUDIT_ARCH_X86_64
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xC000_00B7; // AUDIT_ARCH_AARCH64
/// x32 system calls have this bit set in their number on x86_64.
#[cfg(target_arch = "x86_64")]
const X32_SYSCALL_BIT: u32 = 0x4000_0000;

// Offsets in struct seccomp_data.
const OFF_NR: u32 = 0;
const OFF_ARCH: u32 = 4;
const OFF_IP: u32 = 8;
const fn off_arg_low(i: u32) -> u32 {
    // The low 32 bits of a 64-bit argument: the int the kernel sees for fds and families.
    if cfg!(target_endian = "little") {
        16 + 8 * i
    } else {
        16 + 8 * i + 4
    }
}
/// The two halves of the 64-bit instruction pointer.
const OFF_IP_LOW: u32 = if cfg!(target_endian = "little") {
    OFF_IP
} else {
    OFF_IP + 4
};
const OFF_IP_HIGH: u32 = if cfg!(target_endian = "little") {
    OFF_IP + 4
} else {
    OFF_IP
};

/// System calls emulated when their first argument is one of our descriptors.
pub const FD_SYSCALLS: &[libc::c_long] = &[
    libc::SYS_bind,
    libc::SYS_connect,
    libc::SYS_getsockname,
    libc::SYS_getpeername,
    libc::SYS_recvmsg,
    libc::SYS_recvfrom,
    libc::SYS_recvmmsg,
    libc::SYS_read,
    libc::SYS_readv,
    // Copies of our sockets must stay in the range, or calls on them would escape the filter
    // (Python's socket(fileno=os.dup(fd)) does this, e.g. in pyroute2). fcntl only for
    // F_DUPFD and F_DUPFD_CLOEXEC (see `build`).
    libc::SYS_dup,
    libc::SYS_fcntl,
    // Netlink sockets have no shutdown (EOPNOTSUPP); a unix socket would half-close.
    libc::SYS_shutdown,
];

/// SOL_SOCKET options whose setsockopt the netlink socket owns: the engine decides overruns
/// with the receive buffer. Every other SOL_SOCKET option lands on the unix socket, where
/// Linux's generic socket code treats it as on a netlink socket: SO_SNDBUF, for one, then
/// caps a request datagram at sndbuf - 32 bytes in the program's own sendmsg (EMSGSIZE),
/// exactly as netlink_sendmsg does.
/// Also those a netlink socket refuses where the unix socket would take them (a peek
/// offset there would change what the transport's own peeks see).
pub const EMULATED_SETSOCKOPT: &[i32] = &[
    libc::SO_RCVBUF,
    libc::SO_RCVBUFFORCE,
    socket::SO_PEEK_OFF,
    socket::SO_PASSPIDFD,
    socket::SO_PASSRIGHTS,
];
/// SOL_SOCKET options whose getsockopt must say "netlink", not "unix socket" (the peer
/// ones included: a netlink socket has none, the unix socket has the server).
pub const EMULATED_GETSOCKOPT: &[i32] = &[
    libc::SO_RCVBUF,
    libc::SO_TYPE,
    libc::SO_DOMAIN,
    libc::SO_PROTOCOL,
    // An overrun is the socket's pending error.
    libc::SO_ERROR,
    socket::SO_PEERCRED,
    socket::SO_PEEK_OFF,
    socket::SO_PEERGROUPS,
    socket::SO_PASSPIDFD,
    socket::SO_PEERPIDFD,
    socket::SO_PASSRIGHTS,
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Label {
    Next,
    Allow,
    Notify,
    Socket,
    Ioctl,
    SetSockOpt,
    GetSockOpt,
    FdCheck,
    Gate,
    GateSend,
    Fcntl,
}

enum Op {
    Load(u32),
    JumpEq(u32, Label, Label),
    JumpGe(u32, Label, Label),
    Ret(u32),
    Mark(Label),
}

/// The instruction pointers of the preload library's gate: its receives, which pass, and
/// its sends, which are trapped (on the reserved descriptors) to be handled at once.
#[derive(Clone, Copy)]
pub struct GateIps {
    pub recv: u64,
    pub send: u64,
}

/// Builds the filter for descriptors in `fds`; recvmsg from the gate passes, sendto from it
/// is trapped.
pub fn build(fds: Range<i32>, gate: Option<GateIps>) -> Vec<libc::sock_filter> {
    use Label::*;
    let mut ops = vec![
        Op::Load(OFF_ARCH),
        Op::JumpEq(AUDIT_ARCH, Next, Allow),
        Op::Load(OFF_NR),
    ];
    #[cfg(target_arch = "x86_64")]
    ops.push(Op::JumpGe(X32_SYSCALL_BIT, Allow, Next));
    ops.push(Op::JumpEq(libc::SYS_socket as u32, Socket, Next));
    ops.push(Op::JumpEq(libc::SYS_ioctl as u32, Ioctl, Next));
    ops.push(Op::JumpEq(libc::SYS_setsockopt as u32, SetSockOpt, Next));
    ops.push(Op::JumpEq(libc::SYS_getsockopt as u32, GetSockOpt, Next));
    if gate.is_some() {
        ops.push(Op::JumpEq(libc::SYS_recvmsg as u32, Gate, Next));
        ops.push(Op::JumpEq(libc::SYS_sendto as u32, GateSend, Next));
    }
    ops.push(Op::JumpEq(libc::SYS_fcntl as u32, Fcntl, Next));
    for nr in FD_SYSCALLS {
        ops.push(Op::JumpEq(*nr as u32, FdCheck, Next));
    }
    ops.extend([
        Op::Ret(libc::SECCOMP_RET_ALLOW),
        Op::Mark(Socket),
        Op::Load(off_arg_low(0)),
        Op::JumpEq(libc::AF_NETLINK as u32, Next, Allow),
        Op::Load(off_arg_low(2)),
        Op::JumpEq(libc::NETLINK_ROUTE as u32, Notify, Allow),
        Op::Mark(Ioctl),
        Op::Load(off_arg_low(1)),
    ]);
    let ioctls: Vec<u32> = ifreq::trapped().collect();
    for (i, request) in ioctls.iter().enumerate() {
        let last = i + 1 == ioctls.len();
        ops.push(Op::JumpEq(
            *request,
            Notify,
            if last { Allow } else { Next },
        ));
    }
    // setsockopt/getsockopt(fd, level, name, ...): SOL_SOCKET options not in the list run
    // natively; the rest go on to the descriptor check.
    for (label, names) in [
        (SetSockOpt, EMULATED_SETSOCKOPT),
        (GetSockOpt, EMULATED_GETSOCKOPT),
    ] {
        ops.extend([
            Op::Mark(label),
            Op::Load(off_arg_low(1)),
            Op::JumpEq(libc::SOL_SOCKET as u32, Next, FdCheck),
            Op::Load(off_arg_low(2)),
        ]);
        for (i, name) in names.iter().enumerate() {
            let last = i + 1 == names.len();
            ops.push(Op::JumpEq(
                *name as u32,
                FdCheck,
                if last { Allow } else { Next },
            ));
        }
    }
    // fcntl(fd, cmd, ...): only the duplicating commands; F_GETFL and the rest run natively.
    ops.extend([
        Op::Mark(Fcntl),
        Op::Load(off_arg_low(1)),
        Op::JumpEq(libc::F_DUPFD as u32, FdCheck, Next),
        Op::JumpEq(libc::F_DUPFD_CLOEXEC as u32, FdCheck, Allow),
    ]);
    if let Some(GateIps { recv, send }) = gate {
        ops.extend([
            Op::Mark(Gate),
            Op::Load(OFF_IP_LOW),
            Op::JumpEq(recv as u32, Next, FdCheck),
            Op::Load(OFF_IP_HIGH),
            Op::JumpEq((recv >> 32) as u32, Allow, FdCheck),
            Op::Mark(GateSend),
            Op::Load(OFF_IP_LOW),
            Op::JumpEq(send as u32, Next, Allow),
            Op::Load(OFF_IP_HIGH),
            Op::JumpEq((send >> 32) as u32, FdCheck, Allow),
        ]);
    }
    ops.extend([
        Op::Mark(FdCheck),
        Op::Load(off_arg_low(0)),
        Op::JumpGe(fds.start as u32, Next, Allow),
        Op::JumpGe(fds.end as u32, Allow, Notify),
        Op::Mark(Allow),
        Op::Ret(libc::SECCOMP_RET_ALLOW),
        Op::Mark(Notify),
        Op::Ret(libc::SECCOMP_RET_USER_NOTIF),
    ]);
    assemble(&ops)
}

fn assemble(ops: &[Op]) -> Vec<libc::sock_filter> {
    // Pass 1: where each label lands.
    let mut at = Vec::new();
    let mut pc = 0usize;
    for op in ops {
        match op {
            Op::Mark(l) => at.push((*l, pc)),
            _ => pc += 1,
        }
    }
    let target = |l: Label, pc: usize| -> u8 {
        if l == Label::Next {
            return 0;
        }
        let dest = at
            .iter()
            .find(|(x, _)| *x == l)
            .map(|(_, p)| *p)
            .unwrap_or(pc + 1);
        // Jumps only go forward and the program is a few dozen instructions long.
        u8::try_from(dest - (pc + 1)).unwrap_or(0)
    };
    let ins = |code: u32, jt: u8, jf: u8, k: u32| libc::sock_filter {
        code: code as u16,
        jt,
        jf,
        k,
    };
    let mut out = Vec::new();
    for op in ops {
        let pc = out.len();
        match op {
            Op::Mark(_) => continue,
            Op::Load(off) => out.push(ins(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, 0, 0, *off)),
            Op::JumpEq(k, t, f) => out.push(ins(
                libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K,
                target(*t, pc),
                target(*f, pc),
                *k,
            )),
            Op::JumpGe(k, t, f) => out.push(ins(
                libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K,
                target(*t, pc),
                target(*f, pc),
                *k,
            )),
            Op::Ret(k) => out.push(ins(libc::BPF_RET | libc::BPF_K, 0, 0, *k)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTIFY: u32 = libc::SECCOMP_RET_USER_NOTIF;
    const ALLOW: u32 = libc::SECCOMP_RET_ALLOW;

    /// A tiny interpreter for the instructions `build` emits, to check the decisions.
    fn run(prog: &[libc::sock_filter], nr: i64, args: [u64; 6]) -> u32 {
        run_at(prog, 0x5555_0000_1234, nr, args)
    }

    fn run_at(prog: &[libc::sock_filter], ip: u64, nr: i64, args: [u64; 6]) -> u32 {
        let mut data = [0u8; 64];
        data[0..4].copy_from_slice(&(nr as u32).to_ne_bytes());
        data[4..8].copy_from_slice(&AUDIT_ARCH.to_ne_bytes());
        data[8..16].copy_from_slice(&ip.to_ne_bytes());
        for (i, a) in args.iter().enumerate() {
            data[16 + 8 * i..24 + 8 * i].copy_from_slice(&a.to_ne_bytes());
        }
        let (mut pc, mut acc) = (0usize, 0u32);
        loop {
            let i = prog[pc];
            let code = i.code as u32;
            if code == libc::BPF_LD | libc::BPF_W | libc::BPF_ABS {
                let o = i.k as usize;
                acc = u32::from_ne_bytes(data[o..o + 4].try_into().expect("4 bytes"));
                pc += 1;
            } else if code == libc::BPF_RET | libc::BPF_K {
                return i.k;
            } else {
                let taken = if code & 0xf0 == libc::BPF_JEQ {
                    acc == i.k
                } else {
                    acc >= i.k
                };
                pc += 1 + if taken { i.jt } else { i.jf } as usize;
            }
        }
    }

    #[test]
    fn traps_only_netlink_route_sockets_and_calls_on_reserved_fds() {
        let p = build(768..1024, None);
        let nl = libc::AF_NETLINK as u64;
        assert_eq!(run(&p, libc::SYS_socket, [nl, 3, 0, 0, 0, 0]), NOTIFY);
        assert_eq!(run(&p, libc::SYS_socket, [nl, 3, 15, 0, 0, 0]), ALLOW);
        assert_eq!(run(&p, libc::SYS_socket, [2, 1, 0, 0, 0, 0]), ALLOW);
        for nr in FD_SYSCALLS {
            // (fcntl as F_DUPFD, 0)
            assert_eq!(run(&p, *nr, [800, 0, 0, 0, 0, 0]), NOTIFY);
            assert_eq!(run(&p, *nr, [768, 0, 0, 0, 0, 0]), NOTIFY);
            assert_eq!(run(&p, *nr, [1023, 0, 0, 0, 0, 0]), NOTIFY);
            assert_eq!(run(&p, *nr, [1024, 0, 0, 0, 0, 0]), ALLOW);
            assert_eq!(run(&p, *nr, [3, 0, 0, 0, 0, 0]), ALLOW);
        }
        let fcntl = libc::SYS_fcntl;
        let cloexec = libc::F_DUPFD_CLOEXEC as u64;
        assert_eq!(run(&p, fcntl, [800, cloexec, 0, 0, 0, 0]), NOTIFY);
        assert_eq!(run(&p, fcntl, [3, cloexec, 0, 0, 0, 0]), ALLOW);
        for cmd in [libc::F_GETFL, libc::F_SETFL, libc::F_GETFD, libc::F_SETFD] {
            assert_eq!(run(&p, fcntl, [800, cmd as u64, 0, 0, 0, 0]), ALLOW);
        }
        assert_eq!(run(&p, libc::SYS_sendmsg, [800, 0, 0, 0, 0, 0]), ALLOW);
        for request in ifreq::trapped() {
            assert_eq!(
                run(&p, libc::SYS_ioctl, [3, request as u64, 0, 0, 0, 0]),
                NOTIFY
            );
        }
        // TCGETS, FIONREAD and SIOCGSTAMP stay in the kernel.
        for request in [0x5401u64, 0x541b, 0x8906] {
            assert_eq!(run(&p, libc::SYS_ioctl, [3, request, 0, 0, 0, 0]), ALLOW);
        }
        assert_eq!(run(&p, libc::SYS_write, [800, 0, 0, 0, 0, 0]), ALLOW);
    }

    #[test]
    fn receives_from_the_gate_pass_and_others_still_trap() {
        let gate = 0x1234_5678_9007_u64;
        let send = gate + 27;
        let p = build(768..1024, Some(GateIps { recv: gate, send }));
        let recvmsg = libc::SYS_recvmsg;
        assert_eq!(run_at(&p, gate, recvmsg, [800, 0, 0, 0, 0, 0]), ALLOW);
        assert_eq!(run(&p, recvmsg, [800, 0, 0, 0, 0, 0]), NOTIFY);
        // Either half alone is elsewhere.
        assert_eq!(
            run_at(&p, gate & 0xffff_ffff, recvmsg, [800, 0, 0, 0, 0, 0]),
            NOTIFY
        );
        assert_eq!(
            run_at(&p, gate + (1 << 32), recvmsg, [800, 0, 0, 0, 0, 0]),
            NOTIFY
        );
        assert_eq!(run(&p, recvmsg, [3, 0, 0, 0, 0, 0]), ALLOW);
        // The gate opens recvmsg only.
        assert_eq!(
            run_at(&p, gate, libc::SYS_recvfrom, [800, 0, 0, 0, 0, 0]),
            NOTIFY
        );
        let nl = libc::AF_NETLINK as u64;
        assert_eq!(
            run_at(&p, gate, libc::SYS_socket, [nl, 3, 0, 0, 0, 0]),
            NOTIFY
        );
    }

    #[test]
    fn sends_from_the_gate_trap_on_our_descriptors_only() {
        let gate = 0x1234_5678_9007_u64;
        let send = gate + 27;
        let p = build(768..1024, Some(GateIps { recv: gate, send }));
        let sendto = libc::SYS_sendto;
        assert_eq!(run_at(&p, send, sendto, [800, 0, 0, 0, 0, 0]), NOTIFY);
        assert_eq!(run_at(&p, send, sendto, [3, 0, 0, 0, 0, 0]), ALLOW);
        // Sends from anywhere else, or other send calls from there, run natively.
        assert_eq!(run(&p, sendto, [800, 0, 0, 0, 0, 0]), ALLOW);
        assert_eq!(run_at(&p, gate, sendto, [800, 0, 0, 0, 0, 0]), ALLOW);
        assert_eq!(
            run_at(&p, send + (1 << 32), sendto, [800, 0, 0, 0, 0, 0]),
            ALLOW
        );
        assert_eq!(
            run_at(&p, send, libc::SYS_sendmsg, [800, 0, 0, 0, 0, 0]),
            ALLOW
        );
    }

    #[test]
    fn socket_options_trap_only_when_netlink_owns_them() {
        let p = build(768..1024, None);
        let sol_socket = libc::SOL_SOCKET as u64;
        for (nr, emulated) in [
            (libc::SYS_setsockopt, EMULATED_SETSOCKOPT),
            (libc::SYS_getsockopt, EMULATED_GETSOCKOPT),
        ] {
            for name in emulated {
                assert_eq!(
                    run(&p, nr, [800, sol_socket, *name as u64, 0, 0, 0]),
                    NOTIFY
                );
                assert_eq!(run(&p, nr, [3, sol_socket, *name as u64, 0, 0, 0]), ALLOW);
            }
            // SOL_NETLINK (270) options are all the engine's.
            assert_eq!(run(&p, nr, [800, 270, 11, 0, 0, 0]), NOTIFY);
            assert_eq!(run(&p, nr, [3, 270, 11, 0, 0, 0]), ALLOW);
            for name in [libc::SO_SNDBUF, libc::SO_RCVTIMEO, libc::SO_KEEPALIVE] {
                assert_eq!(run(&p, nr, [800, sol_socket, name as u64, 0, 0, 0]), ALLOW);
            }
        }
        // Every option a netlink socket answers otherwise than a unix socket is trapped.
        for name in socket::NOT_NETLINK_SETSOCKOPT {
            assert!(EMULATED_SETSOCKOPT.contains(&name), "setsockopt {name}");
        }
        for name in socket::NOT_NETLINK_GETSOCKOPT {
            assert!(EMULATED_GETSOCKOPT.contains(&name), "getsockopt {name}");
        }
    }
}
