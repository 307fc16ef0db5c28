//! The program's memory, as the library reads and writes it for a call it answers: what
//! the kernel would copy from and to the caller's pointers, with EFAULT where one is bad.
//!
//! The kernel checks a pointer for us when we copy through process_vm_readv/writev, but
//! that costs ~0.8 µs a call here (it pins the pages), four times Linux's whole
//! getsockopt, and a receive needs two. So a page the kernel once let us read (or write)
//! is remembered, in a small table, and later copies within remembered pages are made
//! directly. A program gets EFAULT, as from Linux, for a pointer into memory it never had;
//! one into a page it unmapped or write-protected after passing it to a call (a use after
//! free) makes it fault instead, as the vDSO's clock_gettime does with a bad pointer.

use crate::libc::{self, c_int, c_void, iovec, ssize_t};
use core::sync::atomic::AtomicI32;
use core::sync::atomic::AtomicUsize;
use core::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed};

const PAGE_SHIFT: usize = 12;
const READ: usize = 1;
const WRITE: usize = 2;
/// Remembered pages: an entry is a page's address with the access granted in its low bits,
/// at an index set by the page number (a program's calls use few pages: its stack, a buffer
/// or two).
const REMEMBERED: usize = 64;
static PAGES: [AtomicUsize; REMEMBERED] = [const { AtomicUsize::new(0) }; REMEMBERED];

/// The pages `len` bytes at `addr` span (at most two: longer copies are not remembered).
fn pages(addr: usize, len: usize) -> Option<core::ops::RangeInclusive<usize>> {
    let end = addr.checked_add(len.checked_sub(1)?)?;
    let (first, last) = (addr >> PAGE_SHIFT, end >> PAGE_SHIFT);
    (first != 0 && last - first <= 1).then_some(first..=last)
}

/// Whether every page of `len` bytes at `addr` is remembered with `access`.
fn remembered(addr: usize, len: usize, access: usize) -> bool {
    pages(addr, len).is_some_and(|mut r| {
        r.all(|p| {
            let e = PAGES[p % REMEMBERED].load(Relaxed);
            e >> PAGE_SHIFT == p && e & access == access
        })
    })
}

/// The kernel granted `access` to `len` bytes at `addr`.
fn remember(addr: usize, len: usize, access: usize) {
    for p in pages(addr, len).into_iter().flatten() {
        let slot = &PAGES[p % REMEMBERED];
        let e = slot.load(Relaxed);
        let had = if e >> PAGE_SHIFT == p {
            e & READ | e & WRITE
        } else {
            0
        };
        slot.store(p << PAGE_SHIFT | had | access, Relaxed);
    }
}

/// Reads `buf.len()` bytes at `addr`; false if they are not all readable.
pub fn get_user(addr: *const c_void, buf: &mut [u8]) -> bool {
    if remembered(addr as usize, buf.len(), READ) {
        let from = addr.cast::<u8>();
        for (i, b) in buf.iter_mut().enumerate() {
            // SAFETY: a page the kernel let us read (see the module's comment); volatile, as
            // another thread of the program may write it.
            *b = unsafe { from.add(i).read_volatile() };
        }
        return true;
    }
    let ok = checked_read(addr, buf);
    if ok {
        remember(addr as usize, buf.len(), READ);
    }
    ok
}

/// Reads two pieces of the program's memory (see [`get_user`]).
pub fn get_user2(a: (*const c_void, &mut [u8]), b: (*const c_void, &mut [u8])) -> bool {
    let fast = |p: &(*const c_void, &mut [u8])| remembered(p.0 as usize, p.1.len(), READ);
    if fast(&a) && fast(&b) {
        return get_user(a.0, a.1) && get_user(b.0, b.1);
    }
    let ok = checked_read2((a.0, &mut *a.1), (b.0, &mut *b.1));
    if ok {
        remember(a.0 as usize, a.1.len(), READ);
        remember(b.0 as usize, b.1.len(), READ);
    }
    ok
}

/// Writes each (address, bytes) pair; false if any is not writable (then nothing or part
/// is written, as with Linux's copy_to_user).
pub fn put_user(pieces: &[(*mut c_void, &[u8])]) -> bool {
    if pieces
        .iter()
        .all(|(addr, bytes)| remembered(*addr as usize, bytes.len(), WRITE))
    {
        for (addr, bytes) in pieces {
            let to = addr.cast::<u8>();
            for (i, b) in bytes.iter().enumerate() {
                // SAFETY: a page the kernel let us write (see the module's comment).
                unsafe { to.add(i).write_volatile(*b) };
            }
        }
        return true;
    }
    let ok = checked_write(pieces);
    if ok {
        for (addr, bytes) in pieces {
            remember(*addr as usize, bytes.len(), READ | WRITE);
        }
    }
    ok
}

/// Where this process's id is kept: a page the kernel empties in a forked child
/// (MADV_WIPEONFORK), however the fork was made, so that the child asks again. A child
/// sharing the memory (vfork) sees the parent's id, whose memory it shares. 0: not mapped
/// yet; 1: could not be.
static PID_PAGE: AtomicUsize = AtomicUsize::new(0);

/// getpid(), asked once per process: every access to the program's memory names it.
fn own_pid() -> c_int {
    let mut at = PID_PAGE.load(Acquire);
    if at == 0 {
        at = map_pid_page();
        if let Err(other) = PID_PAGE.compare_exchange(0, at, AcqRel, Acquire) {
            if at > 1 {
                // SAFETY: our own mapping, which nothing refers to.
                unsafe { libc::munmap(at as *mut c_void, 4096) };
            }
            at = other;
        }
    }
    if at == 1 {
        // SAFETY: getpid has no failure.
        return unsafe { libc::getpid() };
    }
    // SAFETY: a page of ours that stays mapped; the first word is the cached id.
    let cached = unsafe { &*(at as *const AtomicI32) };
    match cached.load(Relaxed) {
        0 => {
            // SAFETY: as above.
            let pid = unsafe { libc::getpid() };
            cached.store(pid, Relaxed);
            pid
        }
        pid => pid,
    }
}

/// The page for [`own_pid`]: its address, or 1 when it cannot be had.
fn map_pid_page() -> usize {
    // SAFETY: a fresh private anonymous page, then advice on it.
    unsafe {
        let p = libc::mmap(
            core::ptr::null_mut(),
            4096,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        if p == libc::MAP_FAILED {
            return 1;
        }
        if libc::madvise(p, 4096, libc::MADV_WIPEONFORK) != 0 {
            libc::munmap(p, 4096);
            return 1;
        }
        p as usize
    }
}

/// Reads two pieces of the program's memory with one system call (see [`get_user`]).
fn checked_read2(a: (*const c_void, &mut [u8]), b: (*const c_void, &mut [u8])) -> bool {
    let total = a.1.len() + b.1.len();
    let local = [
        iovec {
            iov_base: a.1.as_mut_ptr().cast(),
            iov_len: a.1.len(),
        },
        iovec {
            iov_base: b.1.as_mut_ptr().cast(),
            iov_len: b.1.len(),
        },
    ];
    let remote = [
        iovec {
            iov_base: a.0.cast_mut(),
            iov_len: a.1.len(),
        },
        iovec {
            iov_base: b.0.cast_mut(),
            iov_len: b.1.len(),
        },
    ];
    // SAFETY: two local buffers we own; the kernel checks the remote ones.
    let n = unsafe { libc::process_vm_readv(own_pid(), local.as_ptr(), 2, remote.as_ptr(), 2, 0) };
    n == total as ssize_t
}

/// Reads `buf.len()` bytes at `addr` through the kernel; false if they are not all readable.
fn checked_read(addr: *const c_void, buf: &mut [u8]) -> bool {
    let local = iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    let remote = iovec {
        iov_base: addr.cast_mut(),
        iov_len: buf.len(),
    };
    // SAFETY: one local buffer we own; the kernel checks the remote one.
    let n = unsafe { libc::process_vm_readv(own_pid(), &local, 1, &remote, 1, 0) };
    n == buf.len() as ssize_t
}

/// Writes each (address, bytes) pair through the kernel, in one system call; false if any is
/// not writable.
fn checked_write(pieces: &[(*mut c_void, &[u8])]) -> bool {
    let mut local = [const {
        iovec {
            iov_base: core::ptr::null_mut(),
            iov_len: 0,
        }
    }; 4];
    let mut remote = [const {
        iovec {
            iov_base: core::ptr::null_mut(),
            iov_len: 0,
        }
    }; 4];
    let mut total = 0;
    for (i, (addr, bytes)) in pieces.iter().take(4).enumerate() {
        local[i] = iovec {
            iov_base: bytes.as_ptr().cast_mut().cast(),
            iov_len: bytes.len(),
        };
        remote[i] = iovec {
            iov_base: *addr,
            iov_len: bytes.len(),
        };
        total += bytes.len();
    }
    let k = pieces.len().min(4) as libc::c_ulong;
    // SAFETY: local buffers we borrow for the call; the kernel checks the remote ones.
    let n = unsafe { libc::process_vm_writev(own_pid(), local.as_ptr(), k, remote.as_ptr(), k, 0) };
    n == total as ssize_t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_span_at_most_two_pages_and_never_page_zero() {
        assert_eq!(pages(0x1ff8, 8), Some(1..=1));
        assert_eq!(pages(0x1ffc, 8), Some(1..=2));
        assert_eq!(pages(0x1000, 0x2001), None);
        assert_eq!(pages(8, 4), None);
        assert_eq!(pages(usize::MAX - 2, 8), None);
        assert_eq!(pages(0x1000, 0), None);
    }

    #[test]
    fn good_pages_are_remembered_and_bad_pointers_are_efault() {
        let mut value = 0x1234_5678u32.to_ne_bytes();
        let at = value.as_mut_ptr().cast::<c_void>();
        let mut copy = [0u8; 4];
        assert!(get_user(at, &mut copy));
        assert_eq!(copy, value);
        assert!(remembered(at as usize, 4, READ));
        // Now direct, both ways.
        assert!(put_user(&[(at, &7u32.to_ne_bytes())]));
        assert!(remembered(at as usize, 4, WRITE));
        assert!(put_user(&[(at, &9u32.to_ne_bytes())]));
        assert!(get_user(at, &mut copy));
        assert_eq!(u32::from_ne_bytes(copy), 9);
        // Never mapped: the kernel says so, and nothing is remembered.
        let bad = 8usize as *mut c_void;
        assert!(!get_user(bad, &mut copy));
        assert!(!put_user(&[(bad, &copy)]));
        let high = (usize::MAX - 4095) as *mut c_void;
        assert!(!get_user(high, &mut copy));
        assert!(!remembered(high as usize, 4, READ));
    }
}
