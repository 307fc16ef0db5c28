//! The kernel interfaces of the supervisor: the seccomp notification fd, pidfds and the
//! child's memory. Reads and writes of child memory that fail (a bad pointer) give EFAULT.

use crate::server::sys::cvt;
use std::io;
use std::mem::zeroed;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

pub type Errno = i32;

pub struct Notifier(pub OwnedFd);

impl Notifier {
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

/// A duplicate of descriptor `fd` of thread `tid` (pidfd_getfd), to act on the same socket.
pub fn take_fd(tid: u32, fd: i32) -> io::Result<OwnedFd> {
    // A thread pidfd reaches the fd table of that very thread; fall back to the thread id as
    // a process id on kernels without PIDFD_THREAD (fine for the usual shared fd table).
    // SAFETY: plain syscalls; returned descriptors are owned at once.
    let pidfd = unsafe {
        let r = libc::syscall(libc::SYS_pidfd_open, tid as libc::pid_t, libc::PIDFD_THREAD);
        if r >= 0 {
            r
        } else {
            cvt(libc::syscall(libc::SYS_pidfd_open, tid as libc::pid_t, 0))?
        }
    };
    // SAFETY: pidfd is a fresh descriptor.
    let pidfd = unsafe { OwnedFd::from_raw_fd(pidfd as RawFd) };
    // SAFETY: plain syscall.
    let r = cvt(unsafe { libc::syscall(libc::SYS_pidfd_getfd, pidfd.as_raw_fd(), fd, 0) })?;
    // SAFETY: fresh descriptor.
    Ok(unsafe { OwnedFd::from_raw_fd(r as RawFd) })
}

/// The inode number that identifies a socket.
pub fn inode(fd: RawFd) -> io::Result<u64> {
    // SAFETY: stat is plain data.
    let mut st: libc::stat = unsafe { zeroed() };
    // SAFETY: fstat with a valid buffer.
    cvt(unsafe { libc::fstat(fd, &mut st) })?;
    Ok(st.st_ino)
}

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

pub fn task_info(tid: u32) -> io::Result<TaskInfo> {
    let s = std::fs::read_to_string(format!("/proc/{tid}/status"))?;
    let field = |name: &str, idx: usize| -> Option<u32> {
        s.lines()
            .find_map(|l| l.strip_prefix(name))?
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
