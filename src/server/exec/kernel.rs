//! The kernel interfaces of the supervisor: the seccomp notification fd, pidfds and the
//! child's memory. Reads and writes of child memory that fail (a bad pointer) give EFAULT.

use crate::server::sys::cvt;
use std::io;
use std::mem::zeroed;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

pub type Errno = i32;

pub struct Notifier(pub OwnedFd);

/// SECCOMP_IOCTL_NOTIF_SET_FLAGS (Linux 6.6): _IOW('!', 4, __u64).
const SECCOMP_IOCTL_NOTIF_SET_FLAGS: libc::c_ulong = 0x4008_2104;
/// Wake the supervisor, and later the trapped caller, on the CPU that does the waking.
const SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP: u64 = 1;

impl Notifier {
    /// Asks for synchronous wake-ups: a trapped call and its answer become a hand-off
    /// between two threads on one CPU instead of a cross-CPU wake-up each way. Returns
    /// false on kernels before 6.6, which keep the ordinary (slower) behaviour.
    pub fn prefer_sync_wakeups(&self) -> bool {
        // SAFETY: ioctl with an integer flag argument.
        unsafe {
            libc::ioctl(
                self.0.as_raw_fd(),
                SECCOMP_IOCTL_NOTIF_SET_FLAGS as _,
                SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP,
            ) == 0
        }
    }

    /// The next notification; `Ok(None)` when it vanished (the caller died) or was interrupted.
    pub fn recv(&self) -> io::Result<Option<libc::seccomp_notif>> {
        // SAFETY: the kernel requires a zeroed struct of exactly this type.
        let mut n: libc::seccomp_notif = unsafe { zeroed() };
        // SAFETY: ioctl with a pointer to a valid seccomp_notif.
        let r = unsafe {
            libc::ioctl(
                self.0.as_raw_fd(),
                libc::SECCOMP_IOCTL_NOTIF_RECV as _,
                &mut n as *mut libc::seccomp_notif,
            )
        };
        match cvt(r) {
            Ok(_) => Ok(Some(n)),
            Err(e)
                if matches!(
                    e.raw_os_error(),
                    Some(libc::ENOENT) | Some(libc::EINTR) | Some(libc::EAGAIN)
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    fn send(&self, id: u64, val: i64, error: i32, flags: u32) -> bool {
        let resp = libc::seccomp_notif_resp {
            id,
            val,
            error,
            flags,
        };
        // SAFETY: ioctl with a pointer to a valid seccomp_notif_resp.
        let r = unsafe {
            libc::ioctl(
                self.0.as_raw_fd(),
                libc::SECCOMP_IOCTL_NOTIF_SEND as _,
                &resp as *const libc::seccomp_notif_resp,
            )
        };
        // ENOENT: the call was interrupted or the caller died; nothing to answer.
        r == 0
    }

    /// Completes the call with a return value. False when the call no longer waits.
    pub fn reply(&self, id: u64, val: i64) -> bool {
        self.send(id, val, 0, 0)
    }

    /// Completes the call with -errno.
    pub fn fail(&self, id: u64, errno: Errno) -> bool {
        self.send(id, 0, -errno, 0)
    }

    /// Lets the kernel run the call as if it had not been trapped.
    pub fn pass(&self, id: u64) -> bool {
        self.send(id, 0, 0, libc::SECCOMP_USER_NOTIF_FLAG_CONTINUE as u32)
    }

    /// Is the call still waiting for an answer (not interrupted, caller alive)?
    pub fn valid(&self, id: u64) -> bool {
        // SAFETY: ioctl with a pointer to a u64.
        unsafe {
            libc::ioctl(
                self.0.as_raw_fd(),
                libc::SECCOMP_IOCTL_NOTIF_ID_VALID as _,
                &id as *const u64,
            ) == 0
        }
    }

    /// Installs `src` in the caller at `newfd` and completes its call with that number.
    pub fn add_fd_and_reply(
        &self,
        id: u64,
        src: RawFd,
        newfd: i32,
        cloexec: bool,
    ) -> io::Result<i32> {
        let a = libc::seccomp_notif_addfd {
            id,
            flags: (libc::SECCOMP_ADDFD_FLAG_SETFD | libc::SECCOMP_ADDFD_FLAG_SEND) as u32,
            srcfd: src as u32,
            newfd: newfd as u32,
            newfd_flags: if cloexec { libc::O_CLOEXEC as u32 } else { 0 },
        };
        // SAFETY: ioctl with a pointer to a valid seccomp_notif_addfd.
        cvt(unsafe {
            libc::ioctl(
                self.0.as_raw_fd(),
                libc::SECCOMP_IOCTL_NOTIF_ADDFD as _,
                &a as *const libc::seccomp_notif_addfd,
            )
        })
    }
}

/// Thread pidfds kept between notifications: opening one allocates an inode and a dentry,
/// which costs more than the pidfd_getfd it serves, and a program's threads trap again and
/// again.
#[derive(Default)]
pub struct Pidfds(std::collections::HashMap<u32, OwnedFd>);

/// Threads remembered at most; past that the cache starts over (threads come and go).
const PIDFD_CACHE: usize = 512;

impl Pidfds {
    /// Runs `f` with thread `tid`'s pidfd: the cached one first, and if that fails in a way
    /// a stale pidfd explains (`stale`), a fresh one, whose answer stands. A cached pidfd
    /// may belong to a thread that has exited since and whose id was reused.
    fn with_pidfd<T>(
        &mut self,
        tid: u32,
        f: impl Fn(&OwnedFd) -> io::Result<T>,
        stale: impl Fn(&io::Error) -> bool,
    ) -> io::Result<T> {
        if let Some(p) = self.0.get(&tid) {
            match f(p) {
                Err(e) if stale(&e) => {
                    self.0.remove(&tid);
                }
                answer => return answer,
            }
        }
        let p = pidfd_open(tid)?;
        let answer = f(&p);
        if self.0.len() >= PIDFD_CACHE {
            self.0.clear();
        }
        self.0.insert(tid, p);
        answer
    }

    /// A duplicate of descriptor `fd` of thread `tid` (pidfd_getfd), to act on the same
    /// socket. EBADF is authoritative even from a cached pidfd: a reused thread id means the
    /// old thread was reaped (ESRCH), so a pidfd that reaches a file table is the caller's.
    pub fn take_fd(&mut self, tid: u32, fd: i32) -> io::Result<OwnedFd> {
        self.with_pidfd(
            tid,
            |p| getfd(p, fd),
            |e| e.raw_os_error() != Some(libc::EBADF),
        )
    }

    /// The thread's process and effective ids: one ioctl on its pidfd (Linux 6.13), else
    /// /proc. Never cached: a program may drop privileges between two sockets.
    pub fn task_info(&mut self, tid: u32) -> io::Result<TaskInfo> {
        let from_pidfd = |p: &OwnedFd| {
            let i = pidfd_info(p)?;
            if i.pid != tid {
                return Err(io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(TaskInfo {
                tgid: i.tgid,
                euid: i.euid,
                egid: i.egid,
            })
        };
        // ENOTTY/EINVAL: a kernel too old for the ioctl; /proc answers then.
        let old_kernel =
            |e: &io::Error| matches!(e.raw_os_error(), Some(libc::ENOTTY | libc::EINVAL));
        self.with_pidfd(tid, from_pidfd, |e| !old_kernel(e))
            .or_else(|_| task_info(tid))
    }

    /// The highest free descriptor number of `range` in thread `tid`, trying the top few
    /// numbers with pidfd_getfd (EBADF: free) before listing /proc.
    pub fn free_fd_from_top(&mut self, tid: u32, range: &std::ops::Range<i32>) -> Option<i32> {
        const PROBES: usize = 4;
        for fd in range.clone().rev().take(PROBES) {
            match self.take_fd(tid, fd) {
                Err(e) if e.raw_os_error() == Some(libc::EBADF) => return Some(fd),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        let used = used_fds(tid, range).unwrap_or_default();
        range.clone().rev().find(|f| !used.contains(f))
    }
}

/// struct pidfd_info, version 0 (64 bytes).
#[repr(C)]
#[derive(Default)]
struct PidfdInfo {
    mask: u64,
    cgroupid: u64,
    pid: u32,
    tgid: u32,
    ppid: u32,
    ruid: u32,
    rgid: u32,
    euid: u32,
    egid: u32,
    suid: u32,
    sgid: u32,
    fsuid: u32,
    fsgid: u32,
    spare0: u32,
}
/// PIDFD_GET_INFO: _IOWR(0xFF, 11, struct pidfd_info).
const PIDFD_GET_INFO: libc::c_ulong = 0xC040_FF0B;
const PIDFD_INFO_PID: u64 = 1;
const PIDFD_INFO_CREDS: u64 = 2;

fn pidfd_info(pidfd: &OwnedFd) -> io::Result<PidfdInfo> {
    let mut info = PidfdInfo {
        mask: PIDFD_INFO_PID | PIDFD_INFO_CREDS,
        ..PidfdInfo::default()
    };
    // SAFETY: ioctl with a pointer to a struct of the size the request code encodes.
    cvt(unsafe {
        libc::ioctl(
            pidfd.as_raw_fd(),
            PIDFD_GET_INFO as _,
            &mut info as *mut PidfdInfo,
        )
    })?;
    Ok(info)
}

/// A pidfd for thread `tid`. A thread pidfd reaches the fd table of that very thread; on
/// kernels without PIDFD_THREAD the thread id serves as a process id (fine for the usual
/// shared fd table).
fn pidfd_open(tid: u32) -> io::Result<OwnedFd> {
    // SAFETY: plain syscalls; the returned descriptor is owned at once.
    unsafe {
        let r = libc::syscall(libc::SYS_pidfd_open, tid as libc::pid_t, libc::PIDFD_THREAD);
        let r = if r >= 0 {
            r
        } else {
            cvt(libc::syscall(libc::SYS_pidfd_open, tid as libc::pid_t, 0))?
        };
        Ok(OwnedFd::from_raw_fd(r as RawFd))
    }
}

fn getfd(pidfd: &OwnedFd, fd: i32) -> io::Result<OwnedFd> {
    // SAFETY: plain syscall.
    let r = cvt(unsafe { libc::syscall(libc::SYS_pidfd_getfd, pidfd.as_raw_fd(), fd, 0) })?;
    // SAFETY: fresh descriptor.
    Ok(unsafe { OwnedFd::from_raw_fd(r as RawFd) })
}

pub use crate::server::sys::inode;

/// Reads `len` bytes at `addr` in process `tid`.
pub fn read_mem(tid: u32, addr: u64, len: usize) -> Result<Vec<u8>, Errno> {
    let mut buf = vec![0u8; len];
    if len == 0 {
        return Ok(buf);
    }
    let mut done = 0;
    while done < len {
        let local = libc::iovec {
            iov_base: buf[done..].as_mut_ptr() as *mut libc::c_void,
            iov_len: len - done,
        };
        let remote = libc::iovec {
            iov_base: (addr.wrapping_add(done as u64)) as *mut libc::c_void,
            iov_len: len - done,
        };
        // SAFETY: local points into our buffer; the remote side is checked by the kernel.
        let n = unsafe { libc::process_vm_readv(tid as libc::pid_t, &local, 1, &remote, 1, 0) };
        if n <= 0 {
            return Err(libc::EFAULT);
        }
        done += n as usize;
    }
    Ok(buf)
}

/// Writes `data` at `addr` in process `tid`.
pub fn write_mem(tid: u32, addr: u64, data: &[u8]) -> Result<(), Errno> {
    let mut done = 0;
    while done < data.len() {
        let local = libc::iovec {
            iov_base: data[done..].as_ptr() as *mut libc::c_void,
            iov_len: data.len() - done,
        };
        let remote = libc::iovec {
            iov_base: (addr.wrapping_add(done as u64)) as *mut libc::c_void,
            iov_len: data.len() - done,
        };
        // SAFETY: local points into `data`; the remote side is checked by the kernel.
        let n = unsafe { libc::process_vm_writev(tid as libc::pid_t, &local, 1, &remote, 1, 0) };
        if n <= 0 {
            return Err(libc::EFAULT);
        }
        done += n as usize;
    }
    Ok(())
}

/// Writes several pieces, each at its own address, in one system call.
pub fn write_gather(tid: u32, pieces: &[(u64, &[u8])]) -> Result<(), Errno> {
    let pieces: Vec<&(u64, &[u8])> = pieces.iter().filter(|(_, d)| !d.is_empty()).collect();
    let total: usize = pieces.iter().map(|(_, d)| d.len()).sum();
    if pieces.len() > 1024 {
        // More than IOV_MAX: one at a time.
        return pieces.iter().try_for_each(|(a, d)| write_mem(tid, *a, d));
    }
    let local: Vec<libc::iovec> = pieces
        .iter()
        .map(|(_, d)| libc::iovec {
            iov_base: d.as_ptr() as *mut libc::c_void,
            iov_len: d.len(),
        })
        .collect();
    let remote: Vec<libc::iovec> = pieces
        .iter()
        .map(|(a, d)| libc::iovec {
            iov_base: *a as *mut libc::c_void,
            iov_len: d.len(),
        })
        .collect();
    // SAFETY: local iovecs point into live slices; the remote side is checked by the kernel.
    let n = unsafe {
        libc::process_vm_writev(
            tid as libc::pid_t,
            local.as_ptr(),
            local.len() as libc::c_ulong,
            remote.as_ptr(),
            remote.len() as libc::c_ulong,
            0,
        )
    };
    if n == total as isize {
        return Ok(());
    }
    // A short write stops at a bad address, or at a page the kernel could not take in one
    // go: finish piece by piece, which tells them apart.
    pieces.iter().try_for_each(|(a, d)| write_mem(tid, *a, d))
}

pub fn read_i32(tid: u32, addr: u64) -> Result<i32, Errno> {
    let b = read_mem(tid, addr, 4)?;
    Ok(i32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
}

pub fn write_u32(tid: u32, addr: u64, v: u32) -> Result<(), Errno> {
    write_mem(tid, addr, &v.to_ne_bytes())
}

/// What /proc says about a thread: its process (tgid) and effective ids.
pub struct TaskInfo {
    pub tgid: u32,
    pub euid: u32,
    pub egid: u32,
}

/// Signals waiting for a thread that it would take (neither blocked nor ignored).
#[derive(Default, Clone, Copy)]
pub struct PendingSignals {
    /// Sent to this thread: Linux has marked it to take them.
    pub own: u64,
    /// Sent to its process: Linux marked one thread of it, which one /proc does not say.
    pub shared: u64,
}

/// The signals pending for thread `tid`, from /proc; none when that cannot be read.
pub fn pending_signals(tid: u32) -> PendingSignals {
    let Ok(s) = proc_status(tid) else {
        return PendingSignals::default();
    };
    let mask = |name: &str| {
        status_field(&s, name)
            .and_then(|v| u64::from_str_radix(v, 16).ok())
            .unwrap_or(0)
    };
    let takes = !mask("SigBlk:") & !mask("SigIgn:");
    PendingSignals {
        own: mask("SigPnd:") & takes,
        shared: mask("ShdPnd:") & takes,
    }
}

fn proc_status(tid: u32) -> io::Result<String> {
    std::fs::read_to_string(format!("/proc/{tid}/status"))
}

/// The value of the line `name` (with its colon) in a /proc status text, trimmed.
fn status_field<'a>(status: &'a str, name: &str) -> Option<&'a str> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(name))
        .map(str::trim)
}

fn task_info(tid: u32) -> io::Result<TaskInfo> {
    let s = proc_status(tid)?;
    let field = |name: &str, idx: usize| -> Option<u32> {
        status_field(&s, name)?
            .split_whitespace()
            .nth(idx)?
            .parse()
            .ok()
    };
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "unexpected /proc status format");
    Ok(TaskInfo {
        tgid: field("Tgid:", 0).ok_or_else(bad)?,
        euid: field("Uid:", 1).ok_or_else(bad)?,
        egid: field("Gid:", 1).ok_or_else(bad)?,
    })
}

/// Descriptor numbers currently open in thread `tid` within `range`.
pub fn used_fds(tid: u32, range: &std::ops::Range<i32>) -> io::Result<Vec<i32>> {
    let mut used = Vec::new();
    for e in std::fs::read_dir(format!("/proc/{tid}/fd"))? {
        if let Some(n) = e?.file_name().to_str().and_then(|s| s.parse::<i32>().ok())
            && range.contains(&n)
        {
            used.push(n);
        }
    }
    Ok(used)
}
