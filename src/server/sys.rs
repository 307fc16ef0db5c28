//! Thin, checked wrappers over the few libc calls the transports need (seqpacket sockets,
//! fd passing, peer credentials, poll). Everything returns `io::Result`; nothing panics.

use std::io;
use std::mem::{size_of, zeroed};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Turns a libc return value into `io::Result`, reading errno on -1.
pub fn cvt<T: Copy + PartialOrd + Default + From<i8>>(ret: T) -> io::Result<T> {
    if ret == T::from(-1) {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// Retries a call interrupted by a signal.
pub fn retry<T>(mut f: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    loop {
        match f() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}

fn sockaddr_un(path: &Path) -> io::Result<(libc::sockaddr_un, libc::socklen_t)> {
    // SAFETY: sockaddr_un is plain data; all-zero is a valid value.
    let mut addr: libc::sockaddr_un = unsafe { zeroed() };
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    let bytes = path.as_os_str().as_bytes();
    if bytes.is_empty() || bytes.len() >= addr.sun_path.len() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "socket path {} is empty or longer than {} bytes",
                path.display(),
                addr.sun_path.len() - 1
            ),
        ));
    }
    for (d, s) in addr.sun_path.iter_mut().zip(bytes) {
        *d = *s as libc::c_char;
    }
    let len = size_of::<libc::sa_family_t>() + bytes.len() + 1;
    Ok((addr, len as libc::socklen_t))
}

fn seqpacket() -> io::Result<OwnedFd> {
    // SAFETY: plain syscall; the fd is owned right away.
    let fd =
        cvt(unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0) })?;
    // SAFETY: fd is a fresh descriptor we own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Connects a SOCK_SEQPACKET socket to a listening path.
pub fn seqpacket_connect(path: &Path) -> io::Result<OwnedFd> {
    let fd = seqpacket()?;
    let (addr, len) = sockaddr_un(path)?;
    // SAFETY: addr is a valid sockaddr_un of `len` bytes.
    retry(|| {
        cvt(unsafe {
            libc::connect(
                fd.as_raw_fd(),
                &addr as *const _ as *const libc::sockaddr,
                len,
            )
        })
    })?;
    Ok(fd)
}

/// Binds and listens on a SOCK_SEQPACKET socket at `path`.
pub fn seqpacket_listen(path: &Path) -> io::Result<OwnedFd> {
    let fd = seqpacket()?;
    let (addr, len) = sockaddr_un(path)?;
    // SAFETY: addr is a valid sockaddr_un of `len` bytes.
    cvt(unsafe {
        libc::bind(
            fd.as_raw_fd(),
            &addr as *const _ as *const libc::sockaddr,
            len,
        )
    })?;
    // SAFETY: plain syscall on our fd.
    cvt(unsafe { libc::listen(fd.as_raw_fd(), 128) })?;
    set_nonblocking(fd.as_raw_fd(), true)?;
    Ok(fd)
}

/// Accepts one connection (non-blocking, close-on-exec); `Ok(None)` when none is pending.
pub fn accept(listener: RawFd) -> io::Result<Option<OwnedFd>> {
    // SAFETY: null address pointers are allowed by accept4.
    let r = unsafe {
        libc::accept4(
            listener,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK,
        )
    };
    match cvt(r) {
        // SAFETY: accept4 returned a new descriptor we now own.
        Ok(fd) => Ok(Some(unsafe { OwnedFd::from_raw_fd(fd) })),
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
        Err(e) if e.raw_os_error() == Some(libc::ECONNABORTED) => Ok(None),
        Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(None),
        Err(e) => Err(e),
    }
}

/// A connected SOCK_SEQPACKET pair (close-on-exec).
pub fn seqpacket_pair() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: fds has room for two descriptors.
    cvt(unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    })?;
    // SAFETY: socketpair returned two fresh descriptors we own.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

pub fn set_nonblocking(fd: RawFd, on: bool) -> io::Result<()> {
    // FIONBIO changes O_NONBLOCK alone: one system call, where fcntl needs F_GETFL first.
    let mut on = libc::c_int::from(on);
    // SAFETY: ioctl on a descriptor with a pointer to a live int; invalid fds give EBADF.
    cvt(unsafe { libc::ioctl(fd, libc::FIONBIO, &mut on) }).map(|_| ())
}

/// Bytes sent on a unix socket that its peer has not read yet (SIOCOUTQ).
pub fn unread_by_peer(fd: RawFd) -> io::Result<usize> {
    let mut n: libc::c_int = 0;
    // SAFETY: SIOCOUTQ writes one int.
    cvt(unsafe { libc::ioctl(fd, libc::TIOCOUTQ, &mut n) })?;
    Ok(n.max(0) as usize)
}

pub fn is_nonblocking(fd: RawFd) -> bool {
    // SAFETY: fcntl on a descriptor; invalid fds give EBADF.
    let fl = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    fl != -1 && fl & libc::O_NONBLOCK != 0
}

/// Sends one datagram; `flags` usually includes MSG_DONTWAIT. MSG_NOSIGNAL is always added.
pub fn send(fd: RawFd, data: &[u8], flags: i32) -> io::Result<usize> {
    // SAFETY: data is a valid slice.
    retry(|| {
        cvt(unsafe {
            libc::send(
                fd,
                data.as_ptr() as *const libc::c_void,
                data.len(),
                flags | libc::MSG_NOSIGNAL,
            )
        })
        .map(|n| n as usize)
    })
}

/// Receives one datagram into `buf`; returns the datagram's full length (MSG_TRUNC),
/// which may exceed `buf.len()`.
pub fn recv(fd: RawFd, buf: &mut [u8], flags: i32) -> io::Result<usize> {
    // SAFETY: buf is a valid mutable slice.
    retry(|| {
        cvt(unsafe {
            libc::recv(
                fd,
                buf.as_mut_ptr() as *mut libc::c_void,
                buf.len(),
                flags | libc::MSG_TRUNC,
            )
        })
        .map(|n| n as usize)
    })
}

/// Receives up to `slots` datagrams without blocking, the i-th into
/// `buf[i * slot_len..(i + 1) * slot_len]`, in one system call. Returns each datagram's
/// length and whether it was cut to fit its slot. A reader that took one datagram learns
/// here, for free, that no second one waits: a `recv` loop pays a system call for that.
pub fn recv_batch(
    fd: RawFd,
    buf: &mut [u8],
    slot_len: usize,
    slots: usize,
) -> io::Result<Vec<(usize, bool)>> {
    let slots = slots.min(buf.len() / slot_len.max(1));
    if slots == 0 {
        return Ok(Vec::new());
    }
    let base = buf.as_mut_ptr();
    let mut iovs: Vec<libc::iovec> = (0..slots)
        .map(|i| libc::iovec {
            // SAFETY: i * slot_len + slot_len <= buf.len() by the `slots` bound above.
            iov_base: unsafe { base.add(i * slot_len) } as *mut libc::c_void,
            iov_len: slot_len,
        })
        .collect();
    // SAFETY: mmsghdr is plain data; zeroed means no name and no control buffer.
    let mut hdrs: Vec<libc::mmsghdr> = (0..slots).map(|_| unsafe { std::mem::zeroed() }).collect();
    for (h, iov) in hdrs.iter_mut().zip(iovs.iter_mut()) {
        h.msg_hdr.msg_iov = iov;
        h.msg_hdr.msg_iovlen = 1;
    }
    // SAFETY: every header points at one iovec inside `buf`, all alive for the call.
    let n = retry(|| {
        cvt(unsafe {
            libc::recvmmsg(
                fd,
                hdrs.as_mut_ptr(),
                slots as libc::c_uint,
                libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
            )
        })
    })?;
    Ok(hdrs[..n as usize]
        .iter()
        .map(|h| {
            let cut = h.msg_hdr.msg_flags & libc::MSG_TRUNC != 0;
            (h.msg_len as usize, cut)
        })
        .collect())
}

/// Sends `data` with one descriptor attached (SCM_RIGHTS).
pub fn send_fd(sock: RawFd, data: &[u8], fd: RawFd) -> io::Result<()> {
    send_fds(sock, data, &[fd])
}

/// Sends `data` with up to 4 descriptors attached (SCM_RIGHTS), without waiting.
pub fn send_fds(sock: RawFd, data: &[u8], fds: &[RawFd]) -> io::Result<()> {
    if fds.is_empty() || fds.len() > 4 {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    let bytes = size_of_val(fds) as u32;
    let mut iov = libc::iovec {
        iov_base: data.as_ptr() as *mut libc::c_void,
        iov_len: data.len(),
    };
    // u64 alignment covers cmsghdr's alignment.
    let mut cbuf = [0u64; 6];
    // SAFETY: msghdr is plain data; the pointers set below outlive the sendmsg call and
    // the control buffer is large enough for four ints (CMSG_SPACE(16) = 32 bytes).
    unsafe {
        let mut msg: libc::msghdr = zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf.as_mut_ptr() as *mut libc::c_void;
        msg.msg_controllen = libc::CMSG_SPACE(bytes) as usize;
        let c = libc::CMSG_FIRSTHDR(&msg);
        (*c).cmsg_level = libc::SOL_SOCKET;
        (*c).cmsg_type = libc::SCM_RIGHTS;
        (*c).cmsg_len = libc::CMSG_LEN(bytes) as usize;
        for (i, fd) in fds.iter().enumerate() {
            std::ptr::write_unaligned((libc::CMSG_DATA(c) as *mut RawFd).add(i), *fd);
        }
        retry(|| {
            cvt(libc::sendmsg(
                sock,
                &msg,
                libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT,
            ))
            .map(|_| ())
        })
    }
}

/// Receives a datagram that carries one descriptor (SCM_RIGHTS); returns it and the
/// datagram's first byte.
pub fn recv_fd(sock: RawFd) -> io::Result<(OwnedFd, u8)> {
    let mut byte = [0u8; 16];
    let mut iov = libc::iovec {
        iov_base: byte.as_mut_ptr() as *mut libc::c_void,
        iov_len: byte.len(),
    };
    let mut cbuf = [0u64; 8];
    // SAFETY: as in send_fd; we only read a cmsg the kernel filled and check its type.
    unsafe {
        let mut msg: libc::msghdr = zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf.as_mut_ptr() as *mut libc::c_void;
        msg.msg_controllen = size_of::<[u64; 8]>();
        let n = retry(|| cvt(libc::recvmsg(sock, &mut msg, libc::MSG_CMSG_CLOEXEC)))?;
        let c = libc::CMSG_FIRSTHDR(&msg);
        if c.is_null() || (*c).cmsg_level != libc::SOL_SOCKET || (*c).cmsg_type != libc::SCM_RIGHTS
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "expected a file descriptor",
            ));
        }
        let fd = std::ptr::read_unaligned(libc::CMSG_DATA(c) as *const RawFd);
        let first = if n > 0 { byte[0] } else { 0 };
        Ok((OwnedFd::from_raw_fd(fd), first))
    }
}

/// C structs a socket option can be read into: any bit pattern, zeros included, is valid.
pub trait PlainOption: Copy {}
impl PlainOption for i32 {}
impl PlainOption for libc::ucred {}
impl PlainOption for libc::timeval {}

/// getsockopt(SOL_SOCKET, `name`) into a `T`.
pub fn socket_option<T: PlainOption>(fd: RawFd, name: i32) -> io::Result<T> {
    // SAFETY: T is plain data (PlainOption), so zeros are a valid value; getsockopt
    // fills at most `len` bytes of it.
    let mut v: T = unsafe { zeroed() };
    let mut len = size_of::<T>() as libc::socklen_t;
    cvt(unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            name,
            &mut v as *mut T as *mut libc::c_void,
            &mut len,
        )
    })?;
    Ok(v)
}

/// SO_PEERCRED of a connected unix socket.
pub fn peer_cred(fd: RawFd) -> io::Result<libc::ucred> {
    socket_option(fd, libc::SO_PEERCRED)
}

pub fn set_sndbuf(fd: RawFd, bytes: i32) -> io::Result<()> {
    // SAFETY: value is a valid int.
    cvt(unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_SNDBUF,
            &bytes as *const i32 as *const libc::c_void,
            size_of::<i32>() as libc::socklen_t,
        )
    })
    .map(|_| ())
}

/// The address family of a socket (SO_DOMAIN); None when `fd` is not a socket.
pub fn socket_domain(fd: RawFd) -> Option<i32> {
    socket_option(fd, libc::SO_DOMAIN).ok()
}

/// poll(2); EINTR counts as "nothing ready".
pub fn poll(fds: &mut [libc::pollfd], timeout_ms: i32) -> io::Result<usize> {
    // SAFETY: fds is a valid slice of pollfd.
    match cvt(unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) }) {
        Ok(n) => Ok(n as usize),
        Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(0),
        Err(e) => Err(e),
    }
}

pub fn pollfd(fd: RawFd, events: i16) -> libc::pollfd {
    libc::pollfd {
        fd,
        events,
        revents: 0,
    }
}

/// An epoll instance (level-triggered) whose events carry a caller-chosen u64.
pub struct Epoll(OwnedFd);

impl Epoll {
    pub fn new() -> io::Result<Epoll> {
        // SAFETY: plain syscall; the fd is owned right away.
        let fd = cvt(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })?;
        // SAFETY: fresh descriptor.
        Ok(Epoll(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    fn ctl(&self, op: i32, fd: RawFd, events: u32, data: u64) -> io::Result<()> {
        let mut ev = libc::epoll_event { events, u64: data };
        // SAFETY: epoll_ctl with a valid event struct.
        cvt(unsafe { libc::epoll_ctl(self.0.as_raw_fd(), op, fd, &mut ev) }).map(|_| ())
    }

    pub fn add(&self, fd: RawFd, events: u32, data: u64) -> io::Result<()> {
        self.ctl(libc::EPOLL_CTL_ADD, fd, events, data)
    }

    pub fn modify(&self, fd: RawFd, events: u32, data: u64) -> io::Result<()> {
        self.ctl(libc::EPOLL_CTL_MOD, fd, events, data)
    }

    pub fn delete(&self, fd: RawFd) -> io::Result<()> {
        self.ctl(libc::EPOLL_CTL_DEL, fd, 0, 0)
    }

    /// Ready events without waiting; EINTR counts as none.
    pub fn ready(&self, events: &mut [libc::epoll_event]) -> io::Result<usize> {
        let max = events.len().min(i32::MAX as usize) as i32;
        // SAFETY: events is a valid, writable slice of `max` entries.
        match cvt(unsafe { libc::epoll_wait(self.0.as_raw_fd(), events.as_mut_ptr(), max, 0) }) {
            Ok(n) => Ok(n as usize),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(0),
            Err(e) => Err(e),
        }
    }

    pub fn fd(&self) -> RawFd {
        self.0.as_raw_fd()
    }
}

/// The inode number that identifies a socket (or any open file).
pub fn inode(fd: RawFd) -> io::Result<u64> {
    Ok(stat(fd)?.st_ino)
}

/// fstat(2).
pub fn stat(fd: RawFd) -> io::Result<libc::stat> {
    // SAFETY: stat is plain data.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fstat with a valid buffer.
    cvt(unsafe { libc::fstat(fd, &mut st) })?;
    Ok(st)
}

/// The host's net.core buffer sysctls (rmem/wmem default and max); Linux's built-in values
/// for any that cannot be read.
pub fn buffer_limits() -> crate::socket::BufferLimits {
    let builtin = crate::socket::BufferLimits::default();
    let read = |name: &str, or: usize| {
        std::fs::read_to_string(format!("/proc/sys/net/core/{name}"))
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            // sock_setsockopt works in ints: a larger sysctl cannot be asked for anyway.
            .map(|v| v.min(i32::MAX as usize / 2))
            .unwrap_or(or)
    };
    crate::socket::BufferLimits {
        rmem_default: read("rmem_default", builtin.rmem_default),
        rmem_max: read("rmem_max", builtin.rmem_max),
        wmem_default: read("wmem_default", builtin.wmem_default),
        wmem_max: read("wmem_max", builtin.wmem_max),
    }
}

/// Whether SO_PASSCRED is on for the socket `fd`.
pub fn passes_credentials(fd: RawFd) -> bool {
    let mut on: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: getsockopt into our own int.
    let r = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_PASSCRED,
            (&mut on as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    r == 0 && on != 0
}
