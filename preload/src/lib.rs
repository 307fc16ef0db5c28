//! LD_PRELOAD companion of `nlroute exec`.
//!
//! Under `nlroute exec` an emulated netlink socket is a unix seqpacket connection to the
//! engine, and every receive on it is trapped (seccomp) so that the supervisor can give it
//! netlink's semantics. A trap costs two task switches; on a virtual machine that is several
//! times what Linux needs for the whole netlink receive. This library, loaded into the
//! program by `exec`, takes the common receives in the program itself:
//!
//! - a datagram already queued on the connection (an ACK or answer the program peeked at
//!   before, a notification, a dump part) is taken with one native receive and given
//!   netlink's source address; for a dump part, a pace note sent after it tells the engine
//!   to make the next part, as Linux's recvmsg does;
//! - a receive that would not wait and finds the connection empty answers EAGAIN when the
//!   server's status page (see `status`) shows that the socket is empty for netlink too;
//! - `socket` makes the socket's seqpacket pair here and has the server take its server end
//!   (one trapped call, see `status`), keeping a copy of that end for the memo;
//! - `getsockname` is answered from the same page;
//! - `getsockopt` of SO_TYPE, SO_DOMAIN and SO_PROTOCOL, fixed at socket(), is answered
//!   here; of SO_RCVBUF and netlink's flags, from the status page;
//! - `setsockopt` of the options Linux never refuses (netlink's flags, SO_RCVBUF) is
//!   written on the status page, which the server reads before it next works for the
//!   socket (an option note on the connection without a page);
//! - a request goes out through the gate's `sendto`, which the filter traps: the supervisor
//!   hands it to the engine before the call returns (as Linux handles a netlink sendmsg
//!   inside the call), so its answer is queued when the program reads, and the receive is
//!   one of the above. A receive the engine did not see tells it of a larger buffer than it
//!   knew (a pace note), which sizes the next dump's parts as Linux's max_recvmsg_len.
//!
//! Everything else makes the original call, which the supervisor answers as before: the
//! rcvbuf overrun marker, odd flags, blocking receives that find nothing (a dump part the
//! engine has not made yet included), sockets this library did not see being created, and
//! the first receive after a native send. That one would find nothing yet (the engine is
//! still at work) and only add system calls before the trap. (Waiting for the answer in the
//! program instead was measured: slower, as a wake-up across CPUs costs more than the trap's
//! direct switch. For the same reason a request is better trapped at its send than sent
//! natively: that woke the server on another CPU, then the receive trapped as well.)
//!
//! The native receives pass the filter because they are made from one instruction, in a
//! "gate" page this library maps at the address `NLROUTE_PRELOAD` names: the filter lets
//! recvmsg through from there only. (Not a key in an unused argument: a register keeps its
//! value after the call, and a later three-argument recvmsg from libc carried the key along
//! without meaning to.) A descriptor is trusted only while its inode is the socket's, and
//! the program's pointers are checked by the kernel the first time the library meets their
//! page (see `usermem`).
//!
//! Only interposable libc entry points are covered: glibc's own internal sockets
//! (getifaddrs, if_nametoindex) and static binaries take the trapped path.
//!
//! `build.rs` compiles this file with plain `rustc` and `nlroute` embeds the result, so it
//! has no dependencies: the few libc declarations it needs are in the `libc` module below. It is
//! `no_std`, so that loading it costs a program next to nothing (with std it pulled in
//! libgcc_s and thread-local storage). Cargo builds it as an rlib only, for the lints:
//! nothing links that.

// (`cargo clippy --all-targets` also builds a test harness of it, which brings std.)
#![cfg_attr(not(test), no_std)]
#![allow(clippy::missing_safety_doc)]

/// The precompiled `core` refers to the unwinder's personality routine even when this
/// library is built with panic=abort; nothing unwinds through here, so it is never called.
#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn rust_eh_personality() {}

/// Nothing here panics on purpose; should anything, the program stops as on abort().
#[cfg(not(test))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    // SAFETY: abort never returns.
    unsafe { libc::abort() }
}

use core::sync::atomic::AtomicI32;
use core::sync::atomic::AtomicU8;
use core::sync::atomic::AtomicU32;
use core::sync::atomic::AtomicU64;
use core::sync::atomic::AtomicUsize;
use core::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release, SeqCst};
use core::sync::atomic::fence;
use libc::{c_int, c_void, iovec, msghdr, size_t, sockaddr, socklen_t, ssize_t};

#[allow(dead_code)] // the reading half is the server's
mod notes;
mod usermem;
use usermem::{get_user, get_user2, put_user};
#[allow(dead_code)] // some constants are the server's
mod status;

const NLMSG_HDRLEN: usize = 16;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLM_F_MULTI: u16 = 2;
const NETLINK_PKTINFO: c_int = 3;
const SOCKADDR_NL_LEN: usize = 12;
/// Descriptor numbers the table can describe (exec reserves at most 256 below 1024).
const TABLE: usize = 1024;

/// 0: not read yet; 1: off; 2: on; 3: being read by another thread (off meanwhile).
static STATE: AtomicU8 = AtomicU8::new(0);
/// Where the gate's page goes (see [`open_gate`]); mapped at the first native receive, so
/// that processes which never receive from an emulated socket do not pay for it.
static GATE: AtomicUsize = AtomicUsize::new(0);
/// 0: not mapped yet; 1: could not be mapped; 2: mapped; 3: being mapped by another thread.
static GATE_STATE: AtomicU8 = AtomicU8::new(0);
static RANGE: AtomicU64 = AtomicU64::new(0);
/// Per descriptor: the socket type + 1 of an emulated socket this process created (0:
/// unknown), and AWAITING.
static TYPES: [AtomicU8; TABLE] = [const { AtomicU8::new(0) }; TABLE];
/// The program sent on the socket and has received nothing since.
const AWAITING: u8 = 0x80;
/// Per descriptor: the inode of that socket. A number this library thinks is an emulated
/// socket is checked against it before use: the program may have closed it behind libc's
/// back (close_range) and put something else there.
static INODES: [AtomicU64; TABLE] = [const { AtomicU64::new(0) }; TABLE];
/// Per descriptor: this process's copy of the connection's server end (-1: none), which
/// queues the memo's answers (see `status`), and that copy's inode: trusted only while the
/// number still holds it.
static SERVER_ENDS: [AtomicI32; TABLE] = [const { AtomicI32::new(-1) }; TABLE];
static SERVER_INODES: [AtomicU64; TABLE] = [const { AtomicU64::new(0) }; TABLE];
/// Server ends kept at most this far into the reserved range: the rest of it stays for
/// the sockets themselves, which the supervisor places from the top down.
const SERVER_END_ROOM: c_int = 64;
/// Server ends this process holds. A socket keeps one only while there is none: with one,
/// each request on it is looked up in the memo and its close costs two more system calls,
/// which short-lived sockets next to a long-lived one (`ip -batch` resolving each name on a
/// fresh socket) would pay for nothing.
static LIVE_SERVER_ENDS: AtomicUsize = AtomicUsize::new(0);
/// Per descriptor: the largest receive buffer this process has told the server of (a pace
/// note), up to [`status::READER_LEN_MAX`]: dump parts are sized to it, as Linux sizes them
/// to the largest recvmsg the socket has seen.
static REPORTED_LEN: [AtomicU32; TABLE] = [const { AtomicU32::new(0) }; TABLE];
/// Per descriptor: requests the memo has not known in a row (capped), and requests left to
/// send without looking it up. A socket that only changes things (a loop of RTM_SETLINK)
/// then reads its requests for the memo ever more rarely, up to one in 64; a hit starts
/// over.
static MEMO_MISSES: [AtomicU8; TABLE] = [const { AtomicU8::new(0) }; TABLE];
static MEMO_SKIP: [AtomicU8; TABLE] = [const { AtomicU8::new(0) }; TABLE];
/// Per descriptor, without a status page (a server outside `exec`): NETLINK_PKTINFO as
/// this process last set it (the page tells otherwise, see [`pktinfo_on`]).
static PKTINFO_SET: [AtomicU8; TABLE] = [const { AtomicU8::new(0) }; TABLE];
const MEMO_MAX_BACKOFF: u8 = 6;

/// Reads `NLROUTE_PRELOAD=GATE:LOW:HIGH[:pairs]` (the gate page's address in hex; the
/// reserved descriptor range; whether the supervisor takes pairs made here, see
/// [`GATE_PAIR`]: only its embedded server does).
fn enabled() -> bool {
    match STATE.load(Acquire) {
        2 => true,
        // One thread maps the gate; a call racing with it takes the trapped path.
        0 if STATE.compare_exchange(0, 3, Acquire, Relaxed).is_ok() => {
            let on = configure();
            STATE.store(if on { 2 } else { 1 }, Release);
            on
        }
        _ => false,
    }
}

fn configure() -> bool {
    // SAFETY: getenv with a NUL-terminated name; the value is read before anything else runs
    // in this library.
    let v = unsafe { libc::getenv(c"NLROUTE_PRELOAD".as_ptr()) };
    if v.is_null() {
        return false;
    }
    // SAFETY: getenv returned a NUL-terminated string.
    let Ok(s) = unsafe { core::ffi::CStr::from_ptr(v) }.to_str() else {
        return false;
    };
    let mut parts = s.split(':');
    let (Some(gate), Some(lo), Some(hi), pairs, None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    if pairs.is_some_and(|p| p != "pairs") {
        return false;
    }
    let (Ok(gate), Ok(lo), Ok(hi)) = (
        usize::from_str_radix(gate, 16),
        lo.parse::<u32>(),
        hi.parse::<u32>(),
    ) else {
        return false;
    };
    if lo >= hi || hi as usize > TABLE {
        return false;
    }
    if GATE_CODE.is_empty() {
        return false;
    }
    GATE.store(gate, Relaxed);
    RANGE.store((lo as u64) << 32 | hi as u64, Relaxed);
    PAIRS.store(if pairs.is_some() { 0 } else { 2 }, Relaxed);
    true
}

/// The table index of `fd` when it lies in the reserved range.
fn index(fd: c_int) -> Option<usize> {
    if !enabled() {
        return None;
    }
    let r = RANGE.load(Relaxed);
    let (lo, hi) = ((r >> 32) as c_int, r as u32 as c_int);
    if fd < lo || fd >= hi {
        return None;
    }
    Some(fd as usize).filter(|i| *i < TABLE)
}

fn slot(fd: c_int) -> Option<&'static AtomicU8> {
    TYPES.get(index(fd)?)
}

/// The socket type of an emulated socket this process made (or copied), once its inode
/// confirms that the number still holds it; else None.
fn sock_type(fd: c_int) -> Option<c_int> {
    verified(fd).map(|(t, _)| t)
}

/// The socket type and connection inode of an emulated socket, as [`sock_type`].
fn verified(fd: c_int) -> Option<(c_int, u64)> {
    let i = index(fd)?;
    let t = TYPES[i].load(Relaxed) & !AWAITING;
    let ino = INODES[i].load(Relaxed);
    if t == 0 || inode(fd) != Some(ino) {
        return None;
    }
    Some((t as c_int - 1, ino))
}

/// Whether this library has seen `fd` made as an emulated socket (unverified: cheap).
fn known(fd: c_int) -> bool {
    slot(fd).is_some_and(|s| s.load(Relaxed) & !AWAITING != 0)
}

/// Whether the program sent on `fd` and received nothing since.
fn awaiting(fd: c_int) -> bool {
    slot(fd).is_some_and(|s| s.load(Relaxed) & AWAITING != 0)
}

/// st_ino of `fd` (fstat(2) made directly: glibc before 2.33 has no fstat symbol).
fn inode(fd: c_int) -> Option<u64> {
    // struct stat is 144 bytes on x86_64 (128 on aarch64), st_ino the second 8-byte field.
    let mut st = [0u64; 18];
    // SAFETY: the buffer is as large as struct stat.
    let r = unsafe { libc::syscall(libc::SYS_fstat, fd, st.as_mut_ptr()) };
    (r == 0).then_some(st[1])
}

fn set_errno(e: c_int) {
    // SAFETY: __errno_location returns this thread's errno.
    unsafe { *libc::__errno_location() = e };
}

fn errno() -> c_int {
    // SAFETY: as above.
    unsafe { *libc::__errno_location() }
}

/// The next definition of a libc function (glibc's), looked up once.
macro_rules! real {
    ($name:literal, $ty:ty) => {{
        static P: AtomicUsize = AtomicUsize::new(0);
        let mut p = P.load(Relaxed);
        if p == 0 {
            // SAFETY: dlsym with a NUL-terminated name.
            p = unsafe { libc::dlsym(libc::RTLD_NEXT, concat!($name, "\0").as_ptr().cast()) }
                as usize;
            P.store(p, Relaxed);
        }
        if p == 0 {
            None
        } else {
            // SAFETY: the symbol of that name has this C signature.
            Some(unsafe { core::mem::transmute::<usize, $ty>(p) })
        }
    }};
}

/// The gate: `recvmsg(fd, msg, flags)` as a C function whose system call instruction is
/// the one the filter lets through. On x86_64 the three C arguments are already in the
/// system call's registers (rdi, rsi, rdx); the filter sees the address just past
/// `syscall`, 7 bytes in (`exec`'s GATE_IP_OFFSET).
///
/// At [`GATE_SOCKET`], `socket(domain, type, protocol)`: trapped like any netlink
/// socket(), but the supervisor knows from its instruction pointer (15 bytes in, `exec`'s
/// SOCKET_IP_OFFSET) that the library asks, and queues the status page on the socket.
#[cfg(target_arch = "x86_64")]
const GATE_CODE: &[u8] = &[
    0xb8, 0x2f, 0x00, 0x00, 0x00, // mov eax, 47 (SYS_recvmsg)
    0x0f, 0x05, // syscall
    0xc3, // ret
    0xb8, 0x29, 0x00, 0x00, 0x00, // mov eax, 41 (SYS_socket)
    0x0f, 0x05, // syscall
    0xc3, // ret
    0xb8, 0x29, 0x00, 0x00, 0x00, // mov eax, 41 (SYS_socket)
    0x0f, 0x05, // syscall
    0xc3, // ret
    0x49, 0x89, 0xca, // mov r10, rcx (the fourth argument's register differs)
    0xb8, 0x2c, 0x00, 0x00, 0x00, // mov eax, 44 (SYS_sendto)
    0x0f, 0x05, // syscall
    0xc3, // ret
    0x49, 0x89, 0xca, // mov r10, rcx
    0xb8, 0x29, 0x00, 0x00, 0x00, // mov eax, 41 (SYS_socket)
    0x0f, 0x05, // syscall
    0xc3, // ret
];
const GATE_SOCKET: usize = 8;
/// At [`GATE_PEER_SOCKET`], the same socket() for every later socket: the supervisor queues
/// only the connection's server end on it (`status::PEER_HANDOUT`; exec's
/// PEER_SOCKET_IP_DISTANCE is the distance between the two).
const GATE_PEER_SOCKET: usize = 16;
/// At [`GATE_SEND`], `sendto(fd, buf, len, flags, NULL, inode)`: trapped on the reserved
/// descriptors (34 bytes in, `exec`'s SEND_IP_OFFSET), so that the supervisor handles the
/// request before the call returns, as Linux does; its answer is then queued when the
/// program reads, and the receive needs no trap. `inode` (the connection's, as the library
/// just read it) names the socket for the supervisor; the kernel ignores an address length
/// without an address.
const GATE_SEND: usize = 24;
/// At [`GATE_PAIR`], `socket(domain, type, protocol, program_end, server_end, inode << 1 |
/// with_page)` (45 bytes in, 30 after the first socket instruction: `exec`'s
/// PAIR_SOCKET_IP_DISTANCE): this library made the socket's seqpacket pair (the program
/// end's inode names it) and the supervisor takes the server end as the socket's
/// connection; with `with_page` it queues the status page and the epoll descriptor on it
/// too.
const GATE_PAIR: usize = 35;
/// 0: not tried yet; 1: the supervisor takes pairs; 2: it does not (not offered in
/// `NLROUTE_PRELOAD`, or ENOSYS).
static PAIRS: AtomicU8 = AtomicU8::new(0);
/// Elsewhere `exec` does not offer the library a gate (untested), and this never opens.
#[cfg(not(target_arch = "x86_64"))]
const GATE_CODE: &[u8] = &[];

/// The gate's address once its page is mapped (None: take the trapped path).
fn gate() -> Option<usize> {
    match GATE_STATE.load(Acquire) {
        2 => Some(GATE.load(Relaxed)),
        0 if GATE_STATE.compare_exchange(0, 3, Acquire, Relaxed).is_ok() => {
            let addr = GATE.load(Relaxed);
            let ok = open_gate(addr);
            GATE_STATE.store(if ok { 2 } else { 1 }, Release);
            ok.then_some(addr)
        }
        _ => None,
    }
}

/// Maps the gate page at `addr` (exactly there, or not at all: the filter knows only that
/// address). Inherited by fork; made again after exec.
fn open_gate(addr: usize) -> bool {
    // SAFETY: a fresh anonymous mapping that replaces nothing; filled, then made executable.
    unsafe {
        let p = libc::mmap(
            addr as *mut c_void,
            4096,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE,
            -1,
            0,
        );
        if p as usize != addr {
            if p != libc::MAP_FAILED {
                libc::munmap(p, 4096);
            }
            return false;
        }
        core::ptr::copy_nonoverlapping(GATE_CODE.as_ptr(), p.cast::<u8>(), GATE_CODE.len());
        if libc::mprotect(p, 4096, libc::PROT_READ | libc::PROT_EXEC) != 0 {
            libc::munmap(p, 4096);
            return false;
        }
    }
    true
}

/// recvmsg(2) through the gate at `gate`: not trapped. Returns like libc (-1 and errno).
unsafe fn gate_recvmsg(gate: usize, fd: c_int, m: *mut msghdr, flags: c_int) -> ssize_t {
    type Gate = unsafe extern "C" fn(c_int, *mut msghdr, c_int) -> ssize_t;
    // SAFETY: `gate` comes from gate(), so its page holds GATE_CODE, which is such a
    // function: the three arguments are already where recvmsg wants them (rdi, rsi, rdx).
    let r = unsafe { core::mem::transmute::<usize, Gate>(gate)(fd, m, flags) };
    if (-4095..0).contains(&r) {
        set_errno(-r as c_int);
        return -1;
    }
    r
}

/// The status page (see `status`): 0 not asked for yet; 1 not to be had; 2 mapped; 3 being
/// asked for by another thread.
static PAGE_STATE: AtomicU8 = AtomicU8::new(0);
static PAGE: AtomicUsize = AtomicUsize::new(0);
/// The server's epoll descriptor, handed over with the page, and its inode: the program
/// may close the number and reuse it.
static EPOLL_FD: AtomicI32 = AtomicI32::new(-1);
static EPOLL_INODE: AtomicU64 = AtomicU64::new(0);

/// The status page's words, once the first netlink socket brought them.
fn page() -> Option<&'static [AtomicU64]> {
    if PAGE_STATE.load(Acquire) != 2 {
        return None;
    }
    let at = PAGE.load(Relaxed);
    // SAFETY: a shared mapping of WORDS words that stays for the process's life; both sides
    // change it only through atomics.
    Some(unsafe { core::slice::from_raw_parts(at as *const AtomicU64, status::WORDS) })
}

/// socket(AF_NETLINK, ty, NETLINK_ROUTE) from the gate, which also brings the status page
/// the first time (see `status`) and the connection's server end; like libc's socket
/// otherwise.
fn socket_from_gate(gate: usize, ty: c_int, with_page: bool) -> c_int {
    type Gate = unsafe extern "C" fn(c_int, c_int, c_int) -> isize;
    let entry = if with_page {
        GATE_SOCKET
    } else {
        GATE_PEER_SOCKET
    };
    // SAFETY: one of the gate's socket() functions, with these three arguments.
    let r = unsafe {
        core::mem::transmute::<usize, Gate>(gate + entry)(libc::AF_NETLINK, ty, libc::NETLINK_ROUTE)
    };
    if (-4095..0).contains(&r) {
        if with_page {
            // Asked again with the next socket.
            PAGE_STATE.store(0, Release);
        }
        set_errno(-r as c_int);
        return -1;
    }
    let fd = r as c_int;
    let (tag, count) = if with_page {
        (status::HANDOUT, 3)
    } else {
        (status::PEER_HANDOUT, 1)
    };
    let fds = take_handout(gate, fd, tag, count);
    let server_end = fds.map(|f| f[count - 1]);
    if with_page {
        let at = fds.and_then(|[file, epoll, _]| adopt_page(file, epoll));
        PAGE.store(at.unwrap_or(0), Relaxed);
        PAGE_STATE.store(if at.is_some() { 2 } else { 1 }, Release);
    }
    keep_server_end(fd, server_end);
    fd
}

/// socket(AF_NETLINK, ty, NETLINK_ROUTE) with a pair made here (see [`GATE_PAIR`]): the
/// program's end goes into the reserved range above the room for server ends, this process
/// keeps the server end for the memo, and the first socket brings the status page. None
/// when it cannot be done so (nothing is left behind): the caller takes another way.
fn socket_pair_from_gate(gate: usize, ty: c_int, with_page: bool) -> Option<c_int> {
    let (base, flags) = (ty & 0xf, ty & !0xf);
    let known_flags = libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK;
    if PAIRS.load(Relaxed) == 2
        || (base != libc::SOCK_RAW && base != libc::SOCK_DGRAM)
        || flags & !known_flags != 0
    {
        return None;
    }
    let r = RANGE.load(Relaxed);
    let (lo, hi) = ((r >> 32) as c_int, r as u32 as c_int);
    let close = |fd: c_int| {
        // SAFETY: descriptors made here, not yet seen by the program.
        unsafe { libc::syscall(libc::SYS_close, fd) };
    };
    let mut pair = [-1 as c_int; 2];
    let pair_type = libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC | (flags & libc::SOCK_NONBLOCK);
    // SAFETY: socketpair writes two ints into `pair`.
    let made = unsafe {
        libc::syscall(
            libc::SYS_socketpair,
            libc::AF_UNIX,
            pair_type,
            0,
            pair.as_mut_ptr(),
        )
    };
    if made != 0 {
        return None;
    }
    let dup = if flags & libc::SOCK_CLOEXEC != 0 {
        libc::F_DUPFD_CLOEXEC
    } else {
        libc::F_DUPFD
    };
    // SAFETY: F_DUPFD* takes an int.
    let program_end = unsafe { libc::fcntl(pair[0], dup, lo + SERVER_END_ROOM) };
    close(pair[0]);
    let server_end = out_of_the_way(pair[1]);
    if program_end < 0 || program_end >= hi {
        if program_end >= 0 {
            close(program_end);
        }
        close(server_end);
        return None;
    }
    // The program end's inode names the socket for the supervisor, which then need not
    // take that end to look (see `GATE_PAIR`).
    let Some(ino) = inode(program_end) else {
        close(program_end);
        close(server_end);
        return None;
    };
    type Gate = unsafe extern "C" fn(c_int, c_int, c_int, c_int, c_int, u64) -> isize;
    // SAFETY: the gate's pair function, with these six arguments.
    let r = unsafe {
        core::mem::transmute::<usize, Gate>(gate + GATE_PAIR)(
            libc::AF_NETLINK,
            ty,
            libc::NETLINK_ROUTE,
            program_end,
            server_end,
            ino << 1 | u64::from(with_page),
        )
    };
    if r != program_end as isize {
        close(program_end);
        close(server_end);
        if r == -(libc::ENOSYS as isize) || r >= 0 {
            // A supervisor that does not take pairs; one that made a socket of its own
            // instead is not expected, but that socket is not the program's either.
            if r >= 0 {
                close(r as c_int);
            }
            PAIRS.store(2, Relaxed);
            return None;
        }
        // The server's answer to this socket(): the usual way would get it too.
        set_errno(if (-4095..0).contains(&r) {
            -r as c_int
        } else {
            libc::EINVAL
        });
        return Some(-1);
    }
    PAIRS.store(1, Relaxed);
    if with_page {
        let at = take_handout(gate, program_end, status::HANDOUT, 2)
            .and_then(|[file, epoll, _]| adopt_page(file, epoll));
        PAGE.store(at.unwrap_or(0), Relaxed);
        PAGE_STATE.store(if at.is_some() { 2 } else { 1 }, Release);
    }
    // Kept for the memo only while this process holds no other: short-lived sockets next
    // to a long-lived one (`ip -batch` resolving each name on a fresh socket) would pay
    // system calls for it on every request and at close, for nothing.
    if LIVE_SERVER_ENDS.load(Relaxed) == 0 {
        keep_server_end(program_end, Some(server_end));
    } else {
        close(server_end);
    }
    Some(program_end)
}

/// Receives the hand-out datagram `tag` from the new socket `fd`, where the supervisor
/// queued it first, with `count` descriptors (close-on-exec; the unused slots are -1).
fn take_handout(gate: usize, fd: c_int, tag: [u8; 8], count: usize) -> Option<[c_int; 3]> {
    let mut got = [0u8; 8];
    let mut iov = iovec {
        iov_base: got.as_mut_ptr().cast(),
        iov_len: got.len(),
    };
    // cmsghdr (16 bytes) and up to three ints, aligned for cmsghdr.
    let mut control = [0u64; 4];
    let mut m = msghdr_for(&mut iov, 1);
    m.msg_control = control.as_mut_ptr().cast();
    m.msg_controllen = 32;
    // SAFETY: `m` and its buffers are ours.
    let n = unsafe {
        gate_recvmsg(
            gate,
            fd,
            &mut m,
            libc::MSG_DONTWAIT | libc::MSG_CMSG_CLOEXEC,
        )
    };
    // control[0]: cmsg_len; control[1]: level, type; then the ints.
    let len = 16 + 4 * count as u64;
    let rights = n >= 0
        && m.msg_controllen as u64 >= len
        && control[0] == len
        && control[1] == (libc::SCM_RIGHTS as u64) << 32 | libc::SOL_SOCKET as u64;
    if !rights {
        return None;
    }
    let ints = [
        control[2] as u32 as c_int,
        (control[2] >> 32) as u32 as c_int,
        control[3] as u32 as c_int,
    ];
    let mut fds = [-1; 3];
    fds[..count].copy_from_slice(&ints[..count]);
    if n != got.len() as ssize_t || got != tag {
        for f in &fds[..count] {
            // SAFETY: descriptors just received, ours to close.
            unsafe { libc::syscall(libc::SYS_close, *f) };
        }
        return None;
    }
    Some(fds)
}

/// Files `server_end` (received with the socket `fd`, or None) for `fd`'s memo answers, or
/// closes it when the reserved range has no room to spare for it.
fn keep_server_end(fd: c_int, server_end: Option<c_int>) {
    let Some(i) = index(fd) else {
        if let Some(e) = server_end {
            // SAFETY: our own descriptor.
            unsafe { libc::syscall(libc::SYS_close, e) };
        }
        return;
    };
    release_server_end(i);
    let Some(end) = server_end.map(out_of_the_way) else {
        return;
    };
    let lo = (RANGE.load(Relaxed) >> 32) as c_int;
    match inode(end) {
        Some(ino) if end >= lo && end < lo + SERVER_END_ROOM => {
            MEMO_MISSES[i].store(0, Relaxed);
            MEMO_SKIP[i].store(0, Relaxed);
            SERVER_INODES[i].store(ino, Relaxed);
            SERVER_ENDS[i].store(end, Release);
            LIVE_SERVER_ENDS.fetch_add(1, Relaxed);
        }
        // SAFETY: our own descriptor.
        _ => unsafe {
            libc::syscall(libc::SYS_close, end);
        },
    }
}

/// Closes the server end filed for table index `i`, if any.
fn release_server_end(i: usize) {
    let end = SERVER_ENDS[i].swap(-1, AcqRel);
    if end < 0 {
        return;
    }
    LIVE_SERVER_ENDS.fetch_sub(1, Relaxed);
    if inode(end) == Some(SERVER_INODES[i].load(Relaxed)) {
        // SAFETY: the library's own copy, which nothing else uses.
        unsafe { libc::syscall(libc::SYS_close, end) };
    }
}

/// Maps the page from `file`, which the supervisor placed (then closed), and keeps
/// `epoll`, the server's epoll descriptor. The mapping's address, or None.
fn adopt_page(file: c_int, epoll: c_int) -> Option<usize> {
    if file < 0 || epoll < 0 {
        return None;
    }
    let epoll = out_of_the_way(epoll);
    let bytes = status::WORDS * 8;
    // SAFETY: a new shared mapping of the page's file, then our copy of the file closes (the
    // mapping stays). Writable for the count of option notes sent (see `status`); nothing
    // else is written.
    let p = unsafe {
        let p = libc::mmap(
            core::ptr::null_mut(),
            bytes,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            file,
            0,
        );
        libc::syscall(libc::SYS_close, file);
        p
    };
    let ino = inode(epoll);
    // SAFETY: when mapped, the page is at least one word long.
    let magic_ok = p != libc::MAP_FAILED
        && unsafe { *(p as *const u64).add(status::MAGIC_WORD) } == status::MAGIC;
    let Some(ino) = ino.filter(|_| magic_ok) else {
        // SAFETY: our own mapping and descriptor, unused elsewhere.
        unsafe {
            if p != libc::MAP_FAILED {
                libc::munmap(p, bytes);
            }
            libc::syscall(libc::SYS_close, epoll);
        }
        return None;
    };
    EPOLL_INODE.store(ino, Relaxed);
    EPOLL_FD.store(epoll, Relaxed);
    Some(p as usize)
}

/// Moves a descriptor the library keeps into the reserved range, with the emulated sockets:
/// the program's own numbers stay as they would be without the library.
fn out_of_the_way(fd: c_int) -> c_int {
    let r = RANGE.load(Relaxed);
    let (lo, hi) = ((r >> 32) as c_int, r as u32 as c_int);
    if (lo..hi).contains(&fd) {
        return fd;
    }
    // SAFETY: F_DUPFD_CLOEXEC takes an int; on success the old number is ours to close.
    unsafe {
        let moved = libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, lo);
        if moved < 0 {
            return fd;
        }
        libc::syscall(libc::SYS_close, fd);
        moved
    }
}

/// The first word of the slot of the socket whose connection has inode `ino`.
fn find_slot(w: &[AtomicU64], ino: u64) -> Option<usize> {
    status::find(ino, |i| w[i].load(SeqCst))
}

/// Reads `f` of the page inside a round in which the server did not work (see `status`).
fn between_rounds<T>(w: &[AtomicU64], f: impl FnOnce() -> Option<T>) -> Option<T> {
    let round = w[status::ROUND_WORD].load(SeqCst);
    if round % 2 == 1 || w[status::STASH_WORD].load(SeqCst) != 0 {
        return None;
    }
    let v = f()?;
    (w[status::ROUND_WORD].load(SeqCst) == round).then_some(v)
}

/// Whether the receive does not wait: MSG_DONTWAIT, or a non-blocking descriptor.
fn nonblocking(fd: c_int, flags: c_int) -> bool {
    if flags & libc::MSG_DONTWAIT != 0 {
        return true;
    }
    // SAFETY: F_GETFL takes no argument.
    let fl = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    fl >= 0 && fl & libc::O_NONBLOCK != 0
}

/// Whether the emulated socket `fd` (connection inode `ino`), whose connection was just
/// found empty, is empty for netlink too: the server holds nothing for it, has read every
/// request sent so far, and is not between reading one and writing what it caused (see
/// `status`). The round is read first, then both the server's connections and this one
/// are polled, then the slot and the round again: a request sent before this call began is
/// then either unread (the epoll descriptor is readable), in a round (the counter is odd or
/// moves), or answered, its output in the connection (readable) or held (the slot says so).
fn empty_for_sure(fd: c_int, ino: u64) -> bool {
    let Some(w) = page() else {
        return false;
    };
    between_rounds(w, || quiet_slot(w, fd, ino)).is_some()
}

/// Inside [`between_rounds`]: the first word of the slot of socket `fd` (connection inode
/// `ino`) when its connection is empty, no connection has anything unread and the server
/// holds nothing for the socket (see [`empty_for_sure`]).
fn quiet_slot(w: &[AtomicU64], fd: c_int, ino: u64) -> Option<usize> {
    let epoll = EPOLL_FD.load(Relaxed);
    if inode(epoll) != Some(EPOLL_INODE.load(Relaxed)) {
        return None;
    }
    // Nothing to read in any connection, this one included (looked at again: inside the
    // round).
    let mut p = [
        libc::pollfd {
            fd: epoll,
            events: libc::POLLIN,
            revents: 0,
        },
        libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    // SAFETY: two pollfds of ours, no waiting.
    if unsafe { libc::poll(p.as_mut_ptr(), 2, 0) } != 0 {
        return None;
    }
    let slot = find_slot(w, ino)?;
    // Nor an option change the server has not taken (the answer may depend on it).
    let taken = w[slot + status::NOTES_READ_AT].load(SeqCst)
        == w[slot + status::NOTES_SENT_AT].load(SeqCst);
    (taken && w[slot + status::HOLDS_AT].load(SeqCst) == 0).then_some(slot)
}

/// The memo's answer to `request` (a `status::memo_candidate`) on socket `fd`, queued on
/// its connection by the library itself (see `status`): whether it was. Only when the
/// socket is empty for sure, so that the answer is the next thing it reads, as on Linux.
fn answer_from_memo(fd: c_int, request: &[u8]) -> bool {
    let Some(i) = index(fd) else {
        return false;
    };
    let end = SERVER_ENDS[i].load(Acquire);
    if end < 0 || awaiting(fd) || !status::memo_candidate(request) {
        return false;
    }
    let Some(w) = page() else {
        return false;
    };
    // First a look without a system call: most requests that change something have no
    // answer kept, and must not pay for the checks below.
    let known = memo_lookup(w, request, None, None).is_some();
    memo_outcome(fd, known);
    if !known {
        return false;
    }
    let Some((_, ino)) = verified(fd) else {
        return false;
    };
    let mut answer = [0u64; status::BUCKET_WORDS];
    let found = between_rounds(w, || {
        let slot = quiet_slot(w, fd, ino)?;
        let key = w[slot + status::KEY_AT].load(SeqCst);
        let port_id = w[slot + status::ADDRESS_AT].load(SeqCst) as u32;
        // Unbound, the request would bind the socket (autobind): the server's to do.
        if key == 0 || port_id == 0 {
            return None;
        }
        let len = memo_lookup(w, request, Some(key), Some(&mut answer))?;
        Some((len, port_id))
    });
    let Some((len, port_id)) = found else {
        return false;
    };
    // SAFETY: plain bytes of our own array, `len` within it (memo_lookup checked).
    let bytes = unsafe { core::slice::from_raw_parts_mut(answer.as_mut_ptr().cast::<u8>(), len) };
    // The request's sequence number and the socket's port id, as the server would write
    // them; an error echoes the request's header, sequence number included.
    bytes[8..12].copy_from_slice(&request[8..12]);
    bytes[12..16].copy_from_slice(&port_id.to_ne_bytes());
    if u16::from_ne_bytes([bytes[4], bytes[5]]) == NLMSG_ERROR && len >= 32 {
        bytes[28..32].copy_from_slice(&request[8..12]);
    }
    if inode(end) != Some(SERVER_INODES[i].load(Relaxed)) {
        return false;
    }
    // SAFETY: a plain send of our own buffer on the library's own descriptor.
    let r = unsafe {
        libc::syscall(
            libc::SYS_sendto,
            end,
            bytes.as_ptr(),
            len,
            libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
            0usize,
            0usize,
        )
    };
    r == len as libc::c_long
}

/// Copies the memo's answer to `request` for key word `key` (any, without one) into `out`
/// (if given); its length. None when neither bucket holds that request with a current
/// answer, or one is being written.
fn memo_lookup(
    w: &[AtomicU64],
    request: &[u8],
    key: Option<u64>,
    mut out: Option<&mut [u64; status::BUCKET_WORDS]>,
) -> Option<usize> {
    let h = status::hash(request);
    status::bucket_words(h)
        .into_iter()
        .find_map(|at| memo_bucket(w, at, h, request, key, out.as_deref_mut()))
}

/// [`memo_lookup`] in the bucket at word `at`.
fn memo_bucket(
    w: &[AtomicU64],
    at: usize,
    h: u64,
    request: &[u8],
    key: Option<u64>,
    out: Option<&mut [u64; status::BUCKET_WORDS]>,
) -> Option<usize> {
    // The bucket's sequence lock (see the server's `StatusPage::memorize`): read first with
    // acquire, again after an acquire fence; the copy between is relaxed.
    let lock = w[at].load(Acquire);
    if lock % 2 == 1
        || w[at + 1].load(Relaxed) != w[status::MEMO_EPOCH_WORD].load(SeqCst)
        || w[at + 2].load(Relaxed) != h
        || key.is_some_and(|k| w[at + 3].load(Relaxed) != k)
    {
        return None;
    }
    let lens = w[at + 4].load(Relaxed);
    let (request_len, answer_len) = (lens as u32 as usize, (lens >> 32) as usize);
    if request_len != request.len()
        || !(NLMSG_HDRLEN..=status::MEMO_MAX_ANSWER).contains(&answer_len)
    {
        return None;
    }
    let body = at + status::BUCKET_HEAD_WORDS;
    for (k, chunk) in request.chunks(8).enumerate() {
        let stored = w[body + k].load(Relaxed).to_ne_bytes();
        let same = chunk
            .iter()
            .zip(stored)
            .enumerate()
            .all(|(j, (a, b))| (8..12).contains(&(8 * k + j)) || *a == b);
        if !same {
            return None;
        }
    }
    let answer_at = body + request_len.div_ceil(8);
    let words = answer_len.div_ceil(8);
    for (k, o) in out.into_iter().flatten().take(words).enumerate() {
        *o = w[answer_at + k].load(Relaxed);
    }
    fence(Acquire);
    (w[at].load(Relaxed) == lock).then_some(answer_len)
}

/// Whether the status page says an overrun waits to be reported on the socket whose
/// connection has inode `ino` (see `status::OVERRUN`). One that happens just after this
/// look is reported by the next receive, as on Linux for one that happens just after it.
fn overrun_waits(ino: u64) -> bool {
    page()
        .and_then(|w| find_slot(w, ino).map(|s| w[s + status::HOLDS_AT].load(SeqCst)))
        .is_some_and(|state| state & status::OVERRUN != 0)
}

/// The local address of the emulated socket `fd` (port id, groups), from the status page:
/// it changes only with the socket's own calls, trapped (bind, connect, options) or a send
/// (autobind, which `awaiting` covers).
fn local_address(fd: c_int) -> Option<(u32, u32)> {
    if awaiting(fd) {
        return None;
    }
    let (_, ino) = verified(fd)?;
    let w = page()?;
    let a = between_rounds(w, || {
        let slot = find_slot(w, ino)?;
        Some(w[slot + status::ADDRESS_AT].load(SeqCst))
    })?;
    Some((a as u32, (a >> 32) as u32))
}

/// Full length and first header of the datagram at the head of the connection.
fn peek_head(gate: usize, fd: c_int, head: &mut [u8; NLMSG_HDRLEN]) -> Result<usize, c_int> {
    let mut iov = iovec {
        iov_base: head.as_mut_ptr().cast(),
        iov_len: head.len(),
    };
    let mut m = msghdr_for(&mut iov, 1);
    // SAFETY: `m` is valid.
    let n = unsafe {
        gate_recvmsg(
            gate,
            fd,
            &mut m,
            libc::MSG_PEEK | libc::MSG_DONTWAIT | libc::MSG_TRUNC,
        )
    };
    if n < 0 { Err(errno()) } else { Ok(n as usize) }
}

/// The first buffer of the caller's iovec array (address, length), read as the kernel would.
fn first_buffer(iov: *const iovec, iovlen: usize) -> Option<(*const c_void, usize)> {
    let mut raw = [0u8; 16];
    if iovlen == 0 || !get_user(iov.cast(), &mut raw) {
        return None;
    }
    let (base, len) = raw.split_at(8);
    let word = |b: &[u8]| {
        let mut v = [0u8; 8];
        v.copy_from_slice(b);
        u64::from_ne_bytes(v) as usize
    };
    let (base, len) = (word(base), word(len));
    Some((base as *const c_void, len))
}

/// Takes the datagram at the head of the connection without copying any of it.
fn drop_head(gate: usize, fd: c_int) {
    let mut m = msghdr_for(core::ptr::null_mut(), 0);
    // SAFETY: no buffers; the datagram is discarded.
    unsafe { gate_recvmsg(gate, fd, &mut m, libc::MSG_DONTWAIT) };
}

/// A header with buffers and nothing else (no name, no control messages).
fn msghdr_for(iov: *mut iovec, iovlen: usize) -> msghdr {
    msghdr {
        msg_name: core::ptr::null_mut(),
        msg_namelen: 0,
        msg_iov: iov,
        msg_iovlen: iovlen,
        msg_control: core::ptr::null_mut(),
        msg_controllen: 0,
        msg_flags: 0,
    }
}

/// Flags a native receive gives the same meaning as netlink's recvmsg.
const NATIVE_FLAGS: c_int = libc::MSG_PEEK
    | libc::MSG_TRUNC
    | libc::MSG_DONTWAIT
    | libc::MSG_WAITALL
    | libc::MSG_CMSG_CLOEXEC;

/// Receives into `iov` natively when the next datagram can be taken without the engine.
/// None: make the original (trapped) call. Some(Ok((length, msg_flags, group))) or
/// Some(Err(errno)); `group`: the multicast group it was sent to (0: unicast), its mark
/// taken out of the bytes (see `notes::mark`).
/// The kernel checks the iovec array and buffers (EFAULT, with the datagram gone, as in
/// netlink).
/// `capacity` gives the total size of the buffers, when it can: needed for a dump part.
unsafe fn fast_recv(
    fd: c_int,
    iov: *mut iovec,
    iovlen: usize,
    capacity: impl FnOnce() -> Option<usize>,
    flags: c_int,
    with_address: bool,
) -> Option<Result<(ssize_t, c_int, u32), c_int>> {
    if flags & !NATIVE_FLAGS != 0 || iovlen > libc::UIO_MAXIOV as usize {
        return None;
    }
    if awaiting(fd) || !known(fd) {
        return None;
    }
    // The inode of the socket this library saw made at that number. Whether the number
    // still holds it (an fstat) matters only where a wrong guess would do harm: giving
    // netlink's source address, or sending a note. A native receive from any other file,
    // and an EAGAIN it would give natively too (a non-blocking receive on an empty file:
    // the checks below fail safe for an inode no longer there), are what the program's
    // own call would have done.
    let ino = INODES[index(fd)?].load(Relaxed);
    if with_address && verified(fd).is_none() {
        return None;
    }
    if overrun_waits(ino) {
        // ENOBUFS comes first, even before what is queued: the supervisor reports it.
        return None;
    }
    let gate = gate()?;
    let mut head = [0u8; NLMSG_HDRLEN];
    // When the first buffer holds a header, the datagram is taken at once and its header
    // read from there; else it is peeked at first (one system call more).
    let first = first_buffer(iov, iovlen).filter(|&(_, len)| len >= NLMSG_HDRLEN);
    let mut m = msghdr_for(iov, iovlen);
    let taken = if first.is_some() {
        // SAFETY: the caller's iovec array, as it gave it.
        let n = unsafe { gate_recvmsg(gate, fd, &mut m, flags | libc::MSG_DONTWAIT) };
        if n < 0 {
            let e = errno();
            if e != libc::EAGAIN {
                return Some(Err(e));
            }
            // Nothing queued: the supervisor decides (and waits if need be), unless the
            // receive would not wait and the socket is surely empty.
            return (nonblocking(fd, flags) && empty_for_sure(fd, ino)).then_some(Err(e));
        }
        Some(n as usize)
    } else {
        // Nothing queued, or anything unusual: the supervisor decides (and waits if need
        // be), unless the receive would not wait and the socket is surely empty.
        match peek_head(gate, fd, &mut head) {
            Ok(n) if n < NLMSG_HDRLEN => {
                // The overrun marker: the supervisor turns it into ENOBUFS.
                return None;
            }
            // A multicast mark would land somewhere in the program's buffers: the
            // supervisor takes it out.
            Ok(_) if notes::unmark(u16::from_ne_bytes([head[6], head[7]])).1 != 0 => {
                return None;
            }
            Ok(_) => None,
            Err(libc::EAGAIN) if nonblocking(fd, flags) && empty_for_sure(fd, ino) => {
                return Some(Err(libc::EAGAIN));
            }
            Err(_) => return None,
        }
    };
    if let (Some(n), Some((base, _))) = (taken, first) {
        if n < NLMSG_HDRLEN {
            if verified(fd).is_none() {
                // Not the socket any more (its number reused behind libc's back): what the
                // program's own call would have received.
                return Some(Ok((n as ssize_t, m.msg_flags & libc::MSG_TRUNC, 0)));
            }
            // The overrun marker (the only datagram this short): one ENOBUFS, and it is
            // gone, even for a peek, as the supervisor does.
            if flags & libc::MSG_PEEK != 0 {
                drop_head(gate, fd);
            }
            return Some(Err(libc::ENOBUFS));
        }
        if !get_user(base, &mut head) {
            // The kernel just wrote there; should it be gone, the call is done anyway.
            return Some(Ok((n as ssize_t, m.msg_flags & libc::MSG_TRUNC, 0)));
        }
    }
    let (nl_flags, group) = notes::unmark(u16::from_ne_bytes([head[6], head[7]]));
    if group != 0 {
        // Taken out of the program's first buffer (which holds the header: a peeked
        // datagram with a mark traps above), as the server put it in.
        let clean = nl_flags.to_ne_bytes();
        let at = first.map_or(core::ptr::null_mut(), |(b, _)| b.cast_mut().cast::<u8>());
        put_user(&[(at.wrapping_add(notes::FLAGS_AT).cast(), &clean)]);
    }
    let ty = u16::from_ne_bytes([head[4], head[5]]);
    // A dump part: as Linux's recvmsg, this receive makes the engine produce the next one,
    // which it learns from a pace note sent after it (sized for the reader's buffers).
    let dump_part = nl_flags & NLM_F_MULTI != 0 && ty != NLMSG_DONE;
    // Any other receive tells the server of a larger buffer than it knows, once: its next
    // dump is sized to it (the gate's sends leave no trapped receive to tell it).
    let reported = index(fd).map_or(u32::MAX, |i| REPORTED_LEN[i].load(Relaxed));
    let capacity = if dump_part || (reported as usize) < status::READER_LEN_MAX {
        Some(capacity()?)
    } else {
        None
    };
    let n = match taken {
        Some(n) => n as ssize_t,
        None => {
            // SAFETY: the caller's iovec array, as it gave it.
            let n = unsafe { gate_recvmsg(gate, fd, &mut m, flags | libc::MSG_DONTWAIT) };
            if n < 0 {
                return match errno() {
                    // Another thread took it first: the supervisor decides (and waits if
                    // need be).
                    libc::EAGAIN => None,
                    e => Some(Err(e)),
                };
            }
            n
        }
    };
    if let Some(c) = capacity
        && (dump_part || c > reported as usize)
        && let Some(ino) = if with_address {
            Some(ino)
        } else {
            verified(fd).map(|(_, i)| i)
        }
    {
        // A dump part: the server must make the next one now. Else only the size matters,
        // for the next dump: it is written on the page, which wakes nobody.
        if dump_part || !want(ino, |w| status::want_reader_len(w, c)) {
            pace(fd, c);
        }
        if let Some(i) = index(fd) {
            let c = c.min(status::READER_LEN_MAX) as u32;
            REPORTED_LEN[i].fetch_max(c, Relaxed);
        }
    }
    Some(Ok((n, m.msg_flags & libc::MSG_TRUNC, group)))
}

/// Tells the engine that the program received from a running dump (a pace note, see
/// `notes`): a native send on the connection, read in order with the requests. Should the
/// note not get through, the next receive finds nothing and traps, which paces as well.
fn pace(fd: c_int, capacity: usize) {
    send_note(fd, &notes::pace(capacity));
}

/// Sends one of the library's own notes on the connection; whether it went through whole.
/// Made directly: it must not count as a request of the program's (see `sent`).
fn send_note(fd: c_int, note: &[u8]) -> bool {
    // SAFETY: a plain send of our own buffer.
    let r = unsafe {
        libc::syscall(
            libc::SYS_sendto,
            fd,
            note.as_ptr(),
            note.len(),
            libc::MSG_DONTWAIT,
            0usize,
            0usize,
        )
    };
    r == note.len() as libc::c_long
}

/// The total size of the iovec array at `iov`, read through the kernel; None if it cannot
/// be read or is long (the receive then traps).
fn iov_capacity(iov: *const iovec, iovlen: usize) -> Option<usize> {
    const MAX: usize = 8;
    if iovlen > MAX {
        return None;
    }
    let mut raw = [0u8; 16 * MAX];
    if iovlen > 0 && !get_user(iov.cast(), &mut raw[..16 * iovlen]) {
        return None;
    }
    let lens = raw[..16 * iovlen].chunks_exact(16).map(|c| {
        let mut l = [0u8; 8];
        l.copy_from_slice(&c[8..16]);
        u64::from_ne_bytes(l) as usize
    });
    Some(lens.fold(0usize, usize::saturating_add))
}

/// A struct sockaddr_nl.
fn sockaddr_nl(port_id: u32, groups: u32) -> [u8; SOCKADDR_NL_LEN] {
    let mut a = [0u8; SOCKADDR_NL_LEN];
    a[..2].copy_from_slice(&(libc::AF_NETLINK as u16).to_ne_bytes());
    a[4..8].copy_from_slice(&port_id.to_ne_bytes());
    a[8..12].copy_from_slice(&groups.to_ne_bytes());
    a
}

/// Whether NETLINK_PKTINFO is on for the emulated socket `fd`, from the status page; None
/// while the page does not tell (a change the server has not taken, or options not
/// published yet): the receive then traps, and the supervisor asks the server. Without a
/// page (a server outside `exec`), as this process last set it.
fn pktinfo_on(fd: c_int) -> Option<bool> {
    let Some(w) = page() else {
        return index(fd).map(|i| PKTINFO_SET[i].load(Relaxed) != 0);
    };
    let ino = INODES[index(fd)?].load(Relaxed);
    let slot = find_slot(w, ino)?;
    let read = w[slot + status::NOTES_READ_AT].load(SeqCst);
    if read != w[slot + status::NOTES_SENT_AT].load(SeqCst) {
        return None;
    }
    let word = w[slot + status::OPTIONS_AT].load(SeqCst);
    status::option_value(word, libc::SOL_NETLINK, NETLINK_PKTINFO).map(|v| v == 1)
}

/// Whether the program asked for credentials with each message (SO_PASSCRED, which lands
/// on the connection natively): netlink's scm_recv then gives the kernel's.
fn passes_credentials(fd: c_int) -> bool {
    let mut on: c_int = 0;
    let mut len = core::mem::size_of::<c_int>() as socklen_t;
    // SAFETY: getsockopt into our own int.
    let r = unsafe {
        libc::syscall(
            libc::SYS_getsockopt,
            fd,
            libc::SOL_SOCKET,
            libc::SO_PASSCRED,
            &mut on as *mut c_int,
            &mut len as *mut socklen_t,
        )
    };
    r == 0 && on != 0
}

/// The source address of everything an emulated socket receives: the kernel, port 0, and
/// the bit of the multicast group it was sent to (none for a unicast).
fn netlink_source(group: u32) -> [u8; SOCKADDR_NL_LEN] {
    sockaddr_nl(0, notes::group_mask(group))
}

/// Byte offsets of msghdr's fields (64-bit Linux).
const MSG_NAMELEN_AT: usize = 8;
const MSG_CONTROL_AT: usize = 32;
const MSG_CONTROLLEN_AT: usize = 40;
const MSG_FLAGS_AT: usize = 48;
const MSGHDR_LEN: usize = 56;

fn field_u64(b: &[u8; MSGHDR_LEN], at: usize) -> u64 {
    let mut v = [0u8; 8];
    v.copy_from_slice(&b[at..at + 8]);
    u64::from_ne_bytes(v)
}

type SocketFn = unsafe extern "C" fn(c_int, c_int, c_int) -> c_int;
type CloseFn = unsafe extern "C" fn(c_int) -> c_int;
type Dup2Fn = unsafe extern "C" fn(c_int, c_int) -> c_int;
type Dup3Fn = unsafe extern "C" fn(c_int, c_int, c_int) -> c_int;
type RecvFromFn = unsafe extern "C" fn(
    c_int,
    *mut c_void,
    size_t,
    c_int,
    *mut sockaddr,
    *mut socklen_t,
) -> ssize_t;
type RecvMsgFn = unsafe extern "C" fn(c_int, *mut msghdr, c_int) -> ssize_t;
type GetSockOptFn = unsafe extern "C" fn(c_int, c_int, c_int, *mut c_void, *mut socklen_t) -> c_int;

fn enosys() -> c_int {
    set_errno(libc::ENOSYS);
    -1
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn socket(domain: c_int, ty: c_int, protocol: c_int) -> c_int {
    let netlink = domain == libc::AF_NETLINK && protocol == libc::NETLINK_ROUTE;
    // The process's first netlink socket also brings the status page; it, and a later one
    // made while the process holds no server end, brings its connection's server end.
    let mut via_gate = false;
    let fd = if netlink && enabled() && PAGE_STATE.compare_exchange(0, 3, Acquire, Relaxed).is_ok()
    {
        match gate() {
            Some(gate) => {
                via_gate = true;
                match socket_pair_from_gate(gate, ty, true) {
                    Some(fd) => {
                        if fd < 0 {
                            // Asked again with the next socket.
                            PAGE_STATE.store(0, Release);
                        }
                        fd
                    }
                    None => socket_from_gate(gate, ty, true),
                }
            }
            None => {
                PAGE_STATE.store(1, Release);
                real_socket(domain, ty, protocol)
            }
        }
    } else if netlink
        && PAGE_STATE.load(Acquire) == 2
        && let Some(gate) = gate()
        && let Some(fd) = socket_pair_from_gate(gate, ty, false)
    {
        via_gate = true;
        fd
    } else if netlink
        && PAGE_STATE.load(Acquire) == 2
        && LIVE_SERVER_ENDS.load(Relaxed) == 0
        && let Some(gate) = gate()
    {
        via_gate = true;
        socket_from_gate(gate, ty, false)
    } else {
        real_socket(domain, ty, protocol)
    };
    if fd >= 0
        && netlink
        && let Some(i) = index(fd)
    {
        if !via_gate {
            // A number reused behind the library's back must not keep an old server end.
            release_server_end(i);
        }
        if let Some(ino) = inode(fd) {
            INODES[i].store(ino, Relaxed);
            TYPES[i].store(((ty & 0xf) + 1) as u8, Relaxed);
            REPORTED_LEN[i].store(0, Relaxed);
        }
    }
    fd
}

fn real_socket(domain: c_int, ty: c_int, protocol: c_int) -> c_int {
    let Some(f) = real!("socket", SocketFn) else {
        return enosys();
    };
    // SAFETY: forwarding the caller's arguments.
    unsafe { f(domain, ty, protocol) }
}

type GetSockNameFn = unsafe extern "C" fn(c_int, *mut sockaddr, *mut socklen_t) -> c_int;

#[unsafe(no_mangle)]
pub unsafe extern "C" fn getsockname(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int {
    if known(fd)
        && let Some((port_id, groups)) = local_address(fd)
    {
        // As Linux's move_addr_to_user: the caller's length is read first (EFAULT), must not
        // be negative (EINVAL), caps the copy; the full length is written back.
        let mut want = [0u8; 4];
        if !get_user(len.cast(), &mut want) {
            set_errno(libc::EFAULT);
            return -1;
        }
        let want = i32::from_ne_bytes(want);
        if want < 0 {
            set_errno(libc::EINVAL);
            return -1;
        }
        let a = sockaddr_nl(port_id, groups);
        let n = (want as usize).min(a.len());
        let full = (SOCKADDR_NL_LEN as socklen_t).to_ne_bytes();
        let pieces = [(len.cast(), &full[..]), (addr.cast(), &a[..n])];
        if !put_user(&pieces[..if n == 0 { 1 } else { 2 }]) {
            set_errno(libc::EFAULT);
            return -1;
        }
        return 0;
    }
    let Some(f) = real!("getsockname", GetSockNameFn) else {
        return enosys();
    };
    // SAFETY: forwarding the caller's arguments.
    unsafe { f(fd, addr, len) }
}

fn forget(fd: c_int) {
    if let Some(i) = index(fd) {
        TYPES[i].store(0, Relaxed);
        REPORTED_LEN[i].store(0, Relaxed);
        PKTINFO_SET[i].store(0, Relaxed);
        release_server_end(i);
    }
}

/// `to` now holds what `from` holds (a dup): the same socket, without a server end of its
/// own (its memo answers go the trapped way).
fn copy_kind(from: c_int, to: c_int) {
    let (t, ino, reported, pktinfo) = index(from).map_or((0, 0, 0, 0), |i| {
        (
            TYPES[i].load(Relaxed) & !AWAITING,
            INODES[i].load(Relaxed),
            REPORTED_LEN[i].load(Relaxed),
            PKTINFO_SET[i].load(Relaxed),
        )
    });
    if let Some(i) = index(to) {
        release_server_end(i);
        INODES[i].store(ino, Relaxed);
        TYPES[i].store(t, Relaxed);
        REPORTED_LEN[i].store(reported, Relaxed);
        PKTINFO_SET[i].store(pktinfo, Relaxed);
    }
}

/// The program sent on `fd`: its next receive goes straight to the supervisor.
fn sent(fd: c_int) {
    if let Some(s) = slot(fd)
        && s.load(Relaxed) != 0
    {
        s.fetch_or(AWAITING, Relaxed);
    }
}

/// Something arrived on `fd` (a receive returned data): later receives may look first.
fn received(fd: c_int, r: ssize_t) {
    if r >= 0
        && let Some(s) = slot(fd)
    {
        s.fetch_and(!AWAITING, Relaxed);
    }
}

type SendFn = unsafe extern "C" fn(c_int, *const c_void, size_t, c_int) -> ssize_t;
type SendToFn = unsafe extern "C" fn(
    c_int,
    *const c_void,
    size_t,
    c_int,
    *const sockaddr,
    socklen_t,
) -> ssize_t;
type SendMsgFn = unsafe extern "C" fn(c_int, *const msghdr, c_int) -> ssize_t;

/// Send flags that change nothing for a request the memo answers.
const MEMO_SEND_FLAGS: c_int = libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL;

/// Whether the send of `len` bytes at `buf` to `fd` with `flags`, addressed to the kernel,
/// was answered from the memo (see `status`): then the request goes nowhere, as Linux's
/// netlink_sendmsg would have consumed it whole.
fn sent_to_memo(fd: c_int, buf: *const c_void, len: usize, flags: c_int) -> bool {
    if !memo_capable(fd) || flags & !MEMO_SEND_FLAGS != 0 || len > status::MEMO_MAX_REQUEST {
        return false;
    }
    let mut request = [0u8; status::MEMO_MAX_REQUEST];
    let request = &mut request[..len];
    get_user(buf, request) && answer_from_memo(fd, request)
}

/// Whether a request on `fd` might be answered from the memo: the library holds its
/// server end, no answer is outstanding, and the memo has not missed too often lately (a
/// cheap look, before anything is read).
fn memo_capable(fd: c_int) -> bool {
    let Some(i) = index(fd) else {
        return false;
    };
    if SERVER_ENDS[i].load(Relaxed) < 0 || awaiting(fd) {
        return false;
    }
    let skip = MEMO_SKIP[i].load(Relaxed);
    if skip > 0 {
        MEMO_SKIP[i].store(skip - 1, Relaxed);
        return false;
    }
    true
}

/// The memo knew the request on `fd` (`hit`) or not: see [`MEMO_MISSES`].
fn memo_outcome(fd: c_int, hit: bool) {
    let Some(i) = index(fd) else { return };
    if hit {
        MEMO_MISSES[i].store(0, Relaxed);
        return;
    }
    let misses = MEMO_MISSES[i].load(Relaxed);
    MEMO_SKIP[i].store((1u8 << misses) - 1, Relaxed);
    MEMO_MISSES[i].store((misses + 1).min(MEMO_MAX_BACKOFF), Relaxed);
}

/// Sends the request `buf` (of `len` bytes) on the emulated socket `fd` through the gate,
/// which the supervisor handles at once (see [`GATE_SEND`]); like libc's send. None when
/// it should go the usual way: not an emulated socket, flags other than those of a plain
/// request, too long, no gate or no status page.
fn gate_send(fd: c_int, buf: *const c_void, len: usize, flags: c_int) -> Option<ssize_t> {
    // Only the embedded server (the one with a status page) takes them: through any other
    // the trap would only add to the native send.
    if !known(fd) || flags & !MEMO_SEND_FLAGS != 0 || len > status::GATE_SEND_MAX {
        return None;
    }
    page()?;
    let gate = gate()?;
    // The supervisor takes the socket's name from the address length (no address: the
    // kernel ignores it), instead of taking the descriptor to look.
    let (_, ino) = verified(fd)?;
    type Gate = unsafe extern "C" fn(c_int, *const c_void, usize, c_int, usize, u64) -> isize;
    // SAFETY: the gate's sendto function, with the caller's buffer (which the supervisor
    // reads as the kernel would, EFAULT included).
    let r = unsafe {
        core::mem::transmute::<usize, Gate>(gate + GATE_SEND)(fd, buf, len, flags, 0, ino)
    };
    if (-4095..0).contains(&r) {
        set_errno(-r as c_int);
        return Some(-1);
    }
    Some(r as ssize_t)
}

/// Whether `addr` (of `len` bytes) is the kernel's netlink address: what sending without
/// one means too.
fn to_the_kernel(addr: *const c_void, len: socklen_t) -> bool {
    if addr.is_null() {
        return true;
    }
    let mut a = [0u8; SOCKADDR_NL_LEN];
    len as usize >= SOCKADDR_NL_LEN && get_user(addr, &mut a) && a == netlink_source(0)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn send(fd: c_int, buf: *const c_void, len: size_t, flags: c_int) -> ssize_t {
    if sent_to_memo(fd, buf, len, flags) {
        return len as ssize_t;
    }
    if let Some(r) = gate_send(fd, buf, len, flags) {
        return r;
    }
    sent(fd);
    let Some(f) = real!("send", SendFn) else {
        return enosys() as ssize_t;
    };
    // SAFETY: forwarding the caller's arguments.
    unsafe { f(fd, buf, len, flags) }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn sendto(
    fd: c_int,
    buf: *const c_void,
    len: size_t,
    flags: c_int,
    addr: *const sockaddr,
    addrlen: socklen_t,
) -> ssize_t {
    if known(fd) && to_the_kernel(addr.cast(), addrlen) {
        if sent_to_memo(fd, buf, len, flags) {
            return len as ssize_t;
        }
        if let Some(r) = gate_send(fd, buf, len, flags) {
            return r;
        }
    }
    sent(fd);
    let Some(f) = real!("sendto", SendToFn) else {
        return enosys() as ssize_t;
    };
    // SAFETY: forwarding the caller's arguments.
    unsafe { f(fd, buf, len, flags, addr, addrlen) }
}

/// Control messages netlink_sendmsg refuses (scm_send): file descriptors (SCM_RIGHTS is
/// for unix sockets only), or a malformed header. The connection, a unix socket, would take
/// the descriptors. Control data longer than this library looks at goes the usual way.
fn refused_control(control: *const c_void, len: usize) -> bool {
    const CMSGHDR_LEN: usize = 16;
    let mut buf = [0u8; 512];
    if control.is_null() || len < CMSGHDR_LEN || len > buf.len() {
        return false;
    }
    let buf = &mut buf[..len];
    if !get_user(control, buf) {
        return false;
    }
    let mut at = 0;
    while let Some(head) = buf.get(at..at + CMSGHDR_LEN) {
        let mut word = [0u8; 8];
        word.copy_from_slice(&head[..8]);
        let cmsg_len = u64::from_ne_bytes(word) as usize;
        let level = c_int::from_ne_bytes([head[8], head[9], head[10], head[11]]);
        let kind = c_int::from_ne_bytes([head[12], head[13], head[14], head[15]]);
        // CMSG_OK
        if cmsg_len < CMSGHDR_LEN || cmsg_len > len - at {
            return true;
        }
        if level == libc::SOL_SOCKET && kind == libc::SCM_RIGHTS {
            return true;
        }
        at += (cmsg_len + 7) & !7;
    }
    false
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn sendmsg(fd: c_int, msg: *const msghdr, flags: c_int) -> ssize_t {
    let mut h = [0u8; MSGHDR_LEN];
    if known(fd) && get_user(msg.cast(), &mut h) {
        let name = field_u64(&h, 0) as *const c_void;
        let namelen = u32::from_ne_bytes([h[8], h[9], h[10], h[11]]);
        let (iov, iovlen) = (field_u64(&h, 16) as *const c_void, field_u64(&h, 24));
        let control_len = field_u64(&h, MSG_CONTROLLEN_AT);
        let control = field_u64(&h, MSG_CONTROL_AT) as *const c_void;
        if refused_control(control, control_len as usize) {
            set_errno(libc::EINVAL);
            return -1;
        }
        let mut one = [0u8; 16];
        let mut a = [0u8; SOCKADDR_NL_LEN];
        // One buffer and no control messages, to the kernel: what netlink clients send.
        // (The address and the iovec are read together.)
        let plain = iovlen == 1
            && control_len == 0
            && if name.is_null() {
                get_user(iov, &mut one)
            } else {
                namelen as usize >= SOCKADDR_NL_LEN
                    && get_user2((name, &mut a), (iov, &mut one))
                    && a == netlink_source(0)
            };
        if plain {
            let mut base = [0u8; 8];
            base.copy_from_slice(&one[..8]);
            let mut len = [0u8; 8];
            len.copy_from_slice(&one[8..]);
            let (base, len) = (u64::from_ne_bytes(base), u64::from_ne_bytes(len) as usize);
            if sent_to_memo(fd, base as *const c_void, len, flags) {
                return len as ssize_t;
            }
            if let Some(r) = gate_send(fd, base as *const c_void, len, flags) {
                return r;
            }
        }
    }
    sent(fd);
    let Some(f) = real!("sendmsg", SendMsgFn) else {
        return enosys() as ssize_t;
    };
    // SAFETY: forwarding the caller's arguments.
    unsafe { f(fd, msg, flags) }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn close(fd: c_int) -> c_int {
    // Forgotten first: once closed, the number may be reused by another thread at once.
    forget(fd);
    let Some(f) = real!("close", CloseFn) else {
        return enosys();
    };
    // SAFETY: forwarding the caller's argument.
    unsafe { f(fd) }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn dup(fd: c_int) -> c_int {
    let Some(f) = real!("dup", CloseFn) else {
        return enosys();
    };
    // SAFETY: forwarding the caller's argument.
    let new = unsafe { f(fd) };
    if new >= 0 {
        copy_kind(fd, new);
    }
    new
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn dup2(old: c_int, new: c_int) -> c_int {
    let Some(f) = real!("dup2", Dup2Fn) else {
        return enosys();
    };
    // SAFETY: forwarding the caller's arguments.
    let r = unsafe { f(old, new) };
    if r >= 0 && old != new {
        copy_kind(old, new);
    }
    r
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn dup3(old: c_int, new: c_int, flags: c_int) -> c_int {
    let Some(f) = real!("dup3", Dup3Fn) else {
        return enosys();
    };
    // SAFETY: forwarding the caller's arguments.
    let r = unsafe { f(old, new, flags) };
    if r >= 0 {
        copy_kind(old, new);
    }
    r
}

/// Sends an option note (no status page, see `status`): whether the connection took it
/// (if not, the option goes the trapped way).
fn option_note(fd: c_int, tag: [u8; 4], name: c_int, value: [u8; 4]) -> bool {
    send_note(fd, &notes::option(tag, name, value))
}

/// Writes a change (`change` of the word) in the slot of the socket whose connection has
/// inode `ino`, for the server to take before it next works for that socket (see `status`,
/// "Options"): whether there was a slot to write in.
fn want(ino: u64, change: impl Fn(u64) -> u64) -> bool {
    let Some(w) = page() else {
        return false;
    };
    let Some(at) = find_slot(w, ino) else {
        return false;
    };
    // (Should another thread close the socket meanwhile and the server give its slot to a
    // new socket between the look above and the write, the change would reach that one: a
    // race Linux settles with EBADF or a change to the closing socket. The window is a few
    // instructions wide, and only a program racing close against setsockopt opens it.)
    let word = &w[at + status::WANTS_AT];
    let mut old = word.load(SeqCst);
    while let Err(now) = word.compare_exchange_weak(old, change(old), SeqCst, SeqCst) {
        old = now;
    }
    // Counted after the write, so that a server that read the count took the change too.
    w[at + status::NOTES_SENT_AT].fetch_add(1, SeqCst);
    w[status::WANTS_DIRTY_WORD].fetch_add(1, SeqCst);
    true
}

/// getsockopt(`level`, `name`) of the emulated socket `fd` from the status page: once every
/// option note it was sent is applied and published, between rounds.
fn page_option(fd: c_int, level: c_int, name: c_int) -> Option<c_int> {
    if !known(fd) || status::option_value(u64::MAX, level, name).is_none() {
        return None;
    }
    let (_, ino) = verified(fd)?;
    let w = page()?;
    between_rounds(w, || {
        let slot = find_slot(w, ino)?;
        let read = w[slot + status::NOTES_READ_AT].load(SeqCst);
        let sent = w[slot + status::NOTES_SENT_AT].load(SeqCst);
        let word = w[slot + status::OPTIONS_AT].load(SeqCst);
        (read == sent).then_some(())?;
        status::option_value(word, level, name)
    })
}

type SetSockOptFn = unsafe extern "C" fn(c_int, c_int, c_int, *const c_void, socklen_t) -> c_int;

#[unsafe(no_mangle)]
pub unsafe extern "C" fn setsockopt(
    fd: c_int,
    level: c_int,
    name: c_int,
    val: *const c_void,
    len: socklen_t,
) -> c_int {
    let mut value = [0u8; 4];
    if let Some(tag) = notes::option_tag(level, name)
        && len >= 4
        && known(fd)
        && let Some((_, ino)) = verified(fd)
        && get_user(val, &mut value)
        && (want(ino, |w| {
            status::want_option(w, level, name, i32::from_ne_bytes(value)).unwrap_or(w)
        }) || option_note(fd, tag, name, value))
    {
        if (level, name) == (libc::SOL_NETLINK, NETLINK_PKTINFO)
            && let Some(i) = index(fd)
        {
            PKTINFO_SET[i].store(u8::from(i32::from_ne_bytes(value) != 0), Relaxed);
        }
        return 0;
    }
    let Some(f) = real!("setsockopt", SetSockOptFn) else {
        return enosys();
    };
    // SAFETY: forwarding the caller's arguments.
    unsafe { f(fd, level, name, val, len) }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn getsockopt(
    fd: c_int,
    level: c_int,
    name: c_int,
    val: *mut c_void,
    len: *mut socklen_t,
) -> c_int {
    let answer = match (level, name) {
        (libc::SOL_SOCKET, libc::SO_TYPE) => sock_type(fd),
        (libc::SOL_SOCKET, libc::SO_DOMAIN) => sock_type(fd).map(|_| libc::AF_NETLINK),
        (libc::SOL_SOCKET, libc::SO_PROTOCOL) => sock_type(fd).map(|_| libc::NETLINK_ROUTE),
        _ => page_option(fd, level, name),
    };
    let mut want = [0u8; 4];
    if let Some(v) = answer
        && get_user(len.cast(), &mut want)
    {
        // A negative length is EINVAL. Linux's sock_getsockopt gives a short length a
        // prefix; netlink_getsockopt refuses one shorter than an int (EINVAL).
        let want = i32::from_ne_bytes(want);
        if want < 0 || (level == libc::SOL_NETLINK && want < 4) {
            set_errno(libc::EINVAL);
            return -1;
        }
        let bytes = v.to_ne_bytes();
        let n = (want as usize).min(bytes.len());
        let n_bytes = (n as socklen_t).to_ne_bytes();
        if !put_user(&[(val, &bytes[..n]), (len.cast(), &n_bytes)]) {
            set_errno(libc::EFAULT);
            return -1;
        }
        return 0;
    }
    let Some(f) = real!("getsockopt", GetSockOptFn) else {
        return enosys();
    };
    // SAFETY: forwarding the caller's arguments.
    unsafe { f(fd, level, name, val, len) }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn recvmsg(fd: c_int, msg: *mut msghdr, flags: c_int) -> ssize_t {
    let mut h = [0u8; MSGHDR_LEN];
    // (A receive right after a send goes straight to the supervisor: nothing to read first.)
    if known(fd)
        && !awaiting(fd)
        && get_user(msg.cast(), &mut h)
        && let Some(pktinfo) = pktinfo_on(fd)
    {
        let name = field_u64(&h, 0) as *mut c_void;
        let namelen = u32::from_ne_bytes([h[8], h[9], h[10], h[11]]);
        let (iov, iovlen) = (field_u64(&h, 16) as *mut iovec, field_u64(&h, 24) as usize);
        // SAFETY: the caller's buffers, which the kernel checks.
        let capacity = || iov_capacity(iov, iovlen);
        match unsafe { fast_recv(fd, iov, iovlen, capacity, flags, !name.is_null()) } {
            None => {}
            Some(Err(e)) => {
                set_errno(e);
                return -1;
            }
            Some(Ok((n, mflags, group))) => {
                let a = netlink_source(group);
                let nl_len = (SOCKADDR_NL_LEN as u32).to_ne_bytes();
                // NETLINK_PKTINFO and SCM_CREDENTIALS, as on the trapped path.
                let control = field_u64(&h, MSG_CONTROL_AT) as *mut c_void;
                let room = if control.is_null() {
                    0
                } else {
                    field_u64(&h, MSG_CONTROLLEN_AT) as usize
                };
                let passcred = passes_credentials(fd);
                let (cmsg, used, cut) = notes::control_messages(group, pktinfo, passcred, room);
                let controllen = (used as u64).to_ne_bytes();
                let mflags = (mflags | if cut { libc::MSG_CTRUNC } else { 0 }).to_ne_bytes();
                let at = |o: usize| msg.cast::<u8>().wrapping_add(o).cast::<c_void>();
                let pieces = [
                    (control, &cmsg[..used]),
                    (at(MSG_CONTROLLEN_AT), &controllen[..]),
                    (at(MSG_FLAGS_AT), &mflags[..]),
                    (name, &a[..(namelen as usize).min(a.len())]),
                    (at(MSG_NAMELEN_AT), &nl_len[..]),
                ];
                // Linux writes msg_namelen only when there is a name buffer.
                let from = if used == 0 { 1 } else { 0 };
                let to = if name.is_null() { 3 } else { 5 };
                if !put_user(&pieces[from..to]) {
                    set_errno(libc::EFAULT);
                    return -1;
                }
                return n;
            }
        }
    }
    let Some(f) = real!("recvmsg", RecvMsgFn) else {
        return enosys() as ssize_t;
    };
    // SAFETY: forwarding the caller's arguments.
    let r = unsafe { f(fd, msg, flags) };
    received(fd, r);
    r
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn recvfrom(
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    flags: c_int,
    addr: *mut sockaddr,
    addrlen: *mut socklen_t,
) -> ssize_t {
    // The address length is read first; a bad one is the supervisor's to refuse.
    let mut addr_len = [0u8; 4];
    if known(fd)
        && !awaiting(fd)
        && (addr.is_null()
            || (get_user(addrlen.cast(), &mut addr_len) && i32::from_ne_bytes(addr_len) >= 0))
    {
        let mut iov = iovec {
            iov_base: buf,
            iov_len: len,
        };
        // SAFETY: the caller's buffer, which the kernel checks.
        match unsafe { fast_recv(fd, &mut iov, 1, || Some(len), flags, !addr.is_null()) } {
            None => {}
            Some(Err(e)) => {
                set_errno(e);
                return -1;
            }
            Some(Ok((n, _, group))) => {
                if !addr.is_null() {
                    let a = netlink_source(group);
                    let k = (i32::from_ne_bytes(addr_len) as usize).min(a.len());
                    let nl_len = (SOCKADDR_NL_LEN as u32).to_ne_bytes();
                    if !put_user(&[(addr.cast(), &a[..k]), (addrlen.cast(), &nl_len)]) {
                        set_errno(libc::EFAULT);
                        return -1;
                    }
                }
                return n;
            }
        }
    }
    let Some(f) = real!("recvfrom", RecvFromFn) else {
        return enosys() as ssize_t;
    };
    // SAFETY: forwarding the caller's arguments.
    let r = unsafe { f(fd, buf, len, flags, addr, addrlen) };
    received(fd, r);
    r
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn recv(fd: c_int, buf: *mut c_void, len: size_t, flags: c_int) -> ssize_t {
    // SAFETY: forwarding the caller's arguments.
    unsafe {
        recvfrom(
            fd,
            buf,
            len,
            flags,
            core::ptr::null_mut(),
            core::ptr::null_mut(),
        )
    }
}

/// Fortified recv (`_FORTIFY_SOURCE`): the buffer-size check stays glibc's.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn __recv_chk(
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    buflen: size_t,
    flags: c_int,
) -> ssize_t {
    if len <= buflen {
        // SAFETY: forwarding the caller's arguments.
        return unsafe { recv(fd, buf, len, flags) };
    }
    type F = unsafe extern "C" fn(c_int, *mut c_void, size_t, size_t, c_int) -> ssize_t;
    let Some(f) = real!("__recv_chk", F) else {
        return enosys() as ssize_t;
    };
    // SAFETY: forwarding the caller's arguments (glibc aborts the program).
    unsafe { f(fd, buf, len, buflen, flags) }
}

/// Fortified recvfrom, as `__recv_chk`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn __recvfrom_chk(
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    buflen: size_t,
    flags: c_int,
    addr: *mut sockaddr,
    addrlen: *mut socklen_t,
) -> ssize_t {
    if len <= buflen {
        // SAFETY: forwarding the caller's arguments.
        return unsafe { recvfrom(fd, buf, len, flags, addr, addrlen) };
    }
    type F = unsafe extern "C" fn(
        c_int,
        *mut c_void,
        size_t,
        size_t,
        c_int,
        *mut sockaddr,
        *mut socklen_t,
    ) -> ssize_t;
    let Some(f) = real!("__recvfrom_chk", F) else {
        return enosys() as ssize_t;
    };
    // SAFETY: forwarding the caller's arguments (glibc aborts the program).
    unsafe { f(fd, buf, len, buflen, flags, addr, addrlen) }
}

/// The libc declarations this library uses (Linux, glibc; x86_64 and aarch64).
#[allow(non_camel_case_types, non_upper_case_globals)]
mod libc {
    pub use core::ffi::{c_char, c_int, c_long, c_ulong, c_void};
    pub type size_t = usize;
    pub type ssize_t = isize;
    pub type socklen_t = u32;

    #[repr(C)]
    pub struct iovec {
        pub iov_base: *mut c_void,
        pub iov_len: size_t,
    }

    #[repr(C)]
    pub struct msghdr {
        pub msg_name: *mut c_void,
        pub msg_namelen: socklen_t,
        pub msg_iov: *mut iovec,
        pub msg_iovlen: size_t,
        pub msg_control: *mut c_void,
        pub msg_controllen: size_t,
        pub msg_flags: c_int,
    }

    /// Opaque: only passed through.
    pub enum sockaddr {}

    #[repr(C)]
    pub struct pollfd {
        pub fd: c_int,
        pub events: i16,
        pub revents: i16,
    }

    pub const RTLD_NEXT: *mut c_void = -1isize as *mut c_void;
    pub const AF_NETLINK: c_int = 16;
    pub const NETLINK_ROUTE: c_int = 0;
    pub const SOL_SOCKET: c_int = 1;
    pub const SOL_NETLINK: c_int = 270;
    pub const SCM_RIGHTS: c_int = 1;
    pub const SO_TYPE: c_int = 3;
    pub const SO_PROTOCOL: c_int = 38;
    pub const SO_DOMAIN: c_int = 39;
    pub const MSG_PEEK: c_int = 0x2;
    pub const MSG_TRUNC: c_int = 0x20;
    pub const MSG_CTRUNC: c_int = 0x8;
    pub const MSG_DONTWAIT: c_int = 0x40;
    pub const MSG_NOSIGNAL: c_int = 0x4000;
    pub const MSG_WAITALL: c_int = 0x100;
    pub const MSG_CMSG_CLOEXEC: c_int = 0x4000_0000;
    pub const EAGAIN: c_int = 11;
    pub const ENOBUFS: c_int = 105;
    pub const EINVAL: c_int = 22;
    pub const EFAULT: c_int = 14;
    #[cfg(target_arch = "x86_64")]
    pub const SYS_fstat: c_long = 5;
    #[cfg(target_arch = "x86_64")]
    pub const SYS_sendto: c_long = 44;
    #[cfg(target_arch = "aarch64")]
    pub const SYS_sendto: c_long = 206;
    #[cfg(target_arch = "aarch64")]
    pub const SYS_fstat: c_long = 80;
    pub const ENOSYS: c_int = 38;
    pub const POLLIN: i16 = 1;
    pub const F_GETFL: c_int = 3;
    pub const F_DUPFD_CLOEXEC: c_int = 1030;
    pub const O_NONBLOCK: c_int = 0o4000;
    #[cfg(target_arch = "x86_64")]
    pub const SYS_close: c_long = 3;
    #[cfg(target_arch = "x86_64")]
    pub const SYS_socketpair: c_long = 53;
    #[cfg(target_arch = "aarch64")]
    pub const SYS_socketpair: c_long = 199;
    pub const AF_UNIX: c_int = 1;
    pub const SOCK_DGRAM: c_int = 2;
    pub const SOCK_RAW: c_int = 3;
    pub const SOCK_SEQPACKET: c_int = 5;
    pub const SOCK_NONBLOCK: c_int = 0o4000;
    pub const SOCK_CLOEXEC: c_int = 0o2000000;
    pub const F_DUPFD: c_int = 0;
    #[cfg(target_arch = "aarch64")]
    pub const SYS_close: c_long = 57;
    #[cfg(target_arch = "x86_64")]
    pub const SYS_getsockopt: c_long = 55;
    #[cfg(target_arch = "aarch64")]
    pub const SYS_getsockopt: c_long = 209;
    pub const SO_PASSCRED: c_int = 16;
    pub const UIO_MAXIOV: c_int = 1024;
    pub const PROT_READ: c_int = 1;
    pub const PROT_WRITE: c_int = 2;
    pub const PROT_EXEC: c_int = 4;
    pub const MAP_SHARED: c_int = 1;
    pub const MAP_PRIVATE: c_int = 2;
    pub const MAP_ANONYMOUS: c_int = 0x20;
    pub const MAP_FIXED_NOREPLACE: c_int = 0x10_0000;
    pub const MAP_FAILED: *mut c_void = !0usize as *mut c_void;
    pub const MADV_WIPEONFORK: c_int = 18;

    // dlsym is in libdl before glibc 2.34 (an empty stub after).
    #[link(name = "dl")]
    unsafe extern "C" {
        pub fn dlsym(handle: *mut c_void, name: *const c_char) -> *mut c_void;
    }

    #[link(name = "c")]
    unsafe extern "C" {
        #[cfg_attr(test, allow(dead_code))]
        pub fn abort() -> !;
        pub fn getenv(name: *const c_char) -> *mut c_char;
        pub fn mmap(
            addr: *mut c_void,
            len: size_t,
            prot: c_int,
            flags: c_int,
            fd: c_int,
            off: i64,
        ) -> *mut c_void;
        pub fn mprotect(addr: *mut c_void, len: size_t, prot: c_int) -> c_int;
        pub fn munmap(addr: *mut c_void, len: size_t) -> c_int;
        pub fn madvise(addr: *mut c_void, len: size_t, advice: c_int) -> c_int;
        pub fn getpid() -> c_int;
        pub fn syscall(num: c_long, ...) -> c_long;
        pub fn fcntl(fd: c_int, cmd: c_int, ...) -> c_int;
        pub fn poll(fds: *mut pollfd, nfds: c_ulong, timeout: c_int) -> c_int;
        pub fn process_vm_readv(
            pid: c_int,
            local: *const iovec,
            local_count: c_ulong,
            remote: *const iovec,
            remote_count: c_ulong,
            flags: c_ulong,
        ) -> ssize_t;
        pub fn process_vm_writev(
            pid: c_int,
            local: *const iovec,
            local_count: c_ulong,
            remote: *const iovec,
            remote_count: c_ulong,
            flags: c_ulong,
        ) -> ssize_t;
        pub fn __errno_location() -> *mut c_int;
    }
}
