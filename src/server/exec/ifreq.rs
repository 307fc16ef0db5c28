//! Interface ioctls (`SIOCGIFINDEX`, `SIOCGIFFLAGS`, …) answered from the emulated stack.
//!
//! glibc's `if_nametoindex()`/`if_indextoname()`, `ifconfig`-era tools and some `ip`
//! fallbacks ask about interfaces with ioctls on any socket; the host kernel would answer
//! them about the host's interfaces. The filter traps the requests listed in [`IOCTLS`] on
//! every descriptor; the supervisor turns each into a netlink request to the server (a
//! query on a socket of its own) and writes the answer back in the caller's `struct ifreq`.
//! This module builds those requests and reads the answers; it does no I/O.
//!
//! Changes (`SIOCSIFFLAGS`, `SIOCSIFMTU`, `SIOCSIFTXQLEN`, `SIOCSIFNAME`) become
//! RTM_SETLINK with the caller's rights, and brctl's bridge ioctls (`SIOCBRADDBR`,
//! `SIOCBRDELBR`, `SIOCBRADDIF`, `SIOCBRDELIF`) RTM_NEWLINK, RTM_DELLINK and RTM_SETLINK
//! of the master. The other interface changes, ethtool, and the socket ioctls that change
//! other parts of a network stack (routes, ARP entries, VLAN and bonding devices, PHY
//! registers, time stamping, driver-private requests) get EOPNOTSUPP rather than reaching
//! the host.

use super::kernel::Errno;
use crate::wire::consts::*;
use crate::wire::{AttrIter, MessageIter, NLMSG_HDRLEN, Writer};

/// struct ifreq on 64-bit Linux: a 16-byte name, then a 24-byte union.
pub const IFREQ_LEN: usize = 40;
pub const IFNAMSIZ: usize = 16;

const SIOCGIFNAME: u32 = 0x8910;
pub const SIOCGIFCONF: u32 = 0x8912;
const SIOCGIFFLAGS: u32 = 0x8913;
const SIOCSIFFLAGS: u32 = 0x8914;
const SIOCGIFADDR: u32 = 0x8915;
const SIOCSIFADDR: u32 = 0x8916;
const SIOCGIFDSTADDR: u32 = 0x8917;
const SIOCSIFDSTADDR: u32 = 0x8918;
const SIOCGIFBRDADDR: u32 = 0x8919;
const SIOCSIFBRDADDR: u32 = 0x891a;
const SIOCGIFNETMASK: u32 = 0x891b;
const SIOCSIFNETMASK: u32 = 0x891c;
const SIOCGIFMETRIC: u32 = 0x891d;
const SIOCSIFMETRIC: u32 = 0x891e;
const SIOCGIFMTU: u32 = 0x8921;
const SIOCSIFMTU: u32 = 0x8922;
const SIOCSIFNAME: u32 = 0x8923;
const SIOCSIFHWADDR: u32 = 0x8924;
const SIOCGIFHWADDR: u32 = 0x8927;
const SIOCADDMULTI: u32 = 0x8931;
const SIOCDELMULTI: u32 = 0x8932;
const SIOCGIFINDEX: u32 = 0x8933;
const SIOCSIFPFLAGS: u32 = 0x8934;
const SIOCSIFHWBROADCAST: u32 = 0x8937;
const SIOCGIFTXQLEN: u32 = 0x8942;
const SIOCSIFTXQLEN: u32 = 0x8943;
const SIOCETHTOOL: u32 = 0x8946;
const SIOCGIFMAP: u32 = 0x8970;
const SIOCSIFMAP: u32 = 0x8971;
pub const SIOCBRADDBR: u32 = 0x89a0;
pub const SIOCBRDELBR: u32 = 0x89a1;
const SIOCBRADDIF: u32 = 0x89a2;
const SIOCBRDELIF: u32 = 0x89a3;

/// Socket ioctls that change what this emulation does not have (routes, ARP entries,
/// VLAN and bonding devices through their old ioctls, PHY registers, time stamping, and
/// the driver-private range brctl once used): refused, on any socket, before their
/// argument is read.
const REFUSED: &[u32] = &[
    0x890b, // SIOCADDRT
    0x890c, // SIOCDELRT
    0x8941, // SIOCSIFBR
    0x8949, // SIOCSMIIREG
    0x894a, // SIOCWANDEV
    0x8953, // SIOCDARP
    0x8955, // SIOCSARP
    0x8980, // SIOCADDDLCI
    0x8981, // SIOCDELDLCI
    0x8983, // SIOCSIFVLAN
    0x8990, // SIOCBONDENSLAVE
    0x8991, // SIOCBONDRELEASE
    0x8992, // SIOCBONDSETHWADDR
    0x8995, // SIOCBONDCHANGEACTIVE
    0x89b0, // SIOCSHWTSTAMP
    0x89f0, // SIOCDEVPRIVATE .. SIOCDEVPRIVATE + 15
    0x89f1, 0x89f2, 0x89f3, 0x89f4, 0x89f5, 0x89f6, 0x89f7, 0x89f8, 0x89f9, 0x89fa, 0x89fb, 0x89fc,
    0x89fd, 0x89fe, 0x89ff,
];

/// TUNSETIFF (_IOW('T', 202, int)): on /dev/net/tun it would create a device in the
/// host's namespace; refused there (see `is_tun_device`).
pub const TUNSETIFF: u32 = 0x4004_54ca;

/// The requests the filter traps, on any descriptor.
pub const IOCTLS: &[u32] = &[
    SIOCGIFNAME,
    SIOCGIFCONF,
    SIOCGIFFLAGS,
    SIOCSIFFLAGS,
    SIOCGIFADDR,
    SIOCSIFADDR,
    SIOCGIFDSTADDR,
    SIOCSIFDSTADDR,
    SIOCGIFBRDADDR,
    SIOCSIFBRDADDR,
    SIOCGIFNETMASK,
    SIOCSIFNETMASK,
    SIOCGIFMETRIC,
    SIOCSIFMETRIC,
    SIOCGIFMTU,
    SIOCSIFMTU,
    SIOCSIFNAME,
    SIOCSIFHWADDR,
    SIOCGIFHWADDR,
    SIOCADDMULTI,
    SIOCDELMULTI,
    SIOCGIFINDEX,
    SIOCSIFPFLAGS,
    SIOCSIFHWBROADCAST,
    SIOCGIFTXQLEN,
    SIOCSIFTXQLEN,
    SIOCETHTOOL,
    SIOCGIFMAP,
    SIOCSIFMAP,
    SIOCBRADDBR,
    SIOCBRDELBR,
    SIOCBRADDIF,
    SIOCBRDELIF,
];

/// Every request the filter traps on any descriptor: the interface ioctls, the refused
/// ones and TUNSETIFF.
pub fn trapped() -> impl Iterator<Item = u32> {
    IOCTLS
        .iter()
        .chain(REFUSED)
        .copied()
        .chain(std::iter::once(TUNSETIFF))
}

/// Whether a trapped ioctl is one this emulation refuses on a socket.
pub fn refused(request: u32) -> bool {
    REFUSED.contains(&request)
}

/// Whether `(st_mode, st_rdev)` describe /dev/net/tun (character device 10, 200).
pub fn is_tun_device(mode: u32, rdev: u64) -> bool {
    mode & libc::S_IFMT == libc::S_IFCHR && libc::major(rdev) == 10 && libc::minor(rdev) == 200
}

/// IPv4 address ioctls, which only AF_INET sockets answer (devinet_ioctl).
fn is_inet_only(request: u32) -> bool {
    matches!(
        request,
        SIOCGIFADDR | SIOCGIFDSTADDR | SIOCGIFBRDADDR | SIOCGIFNETMASK
    )
}

/// Whether a trapped ioctl on a socket of `family` is answered here; the others run in
/// the kernel (for other families Linux fails the address ioctls anyway).
pub fn emulated(request: u32, family: i32) -> bool {
    IOCTLS.contains(&request) && (!is_inet_only(request) || family == libc::AF_INET)
}

/// The netlink exchange an ioctl needs: `ask` sends a request and returns the answer's
/// messages (an NLMSG_ERROR among them is turned into its errno by [`answer`]).
pub trait Ask {
    fn ask(&mut self, request: Vec<u8>) -> Result<Vec<u8>, Errno>;
}

/// What a link answer says.
#[derive(Default)]
struct LinkInfo {
    index: i32,
    kind: u16,
    flags: u32,
    name: Vec<u8>,
    mtu: u32,
    txqlen: u32,
    address: Vec<u8>,
    master: i32,
    bridge: bool,
}

/// Answers an ioctl on a `struct ifreq`; `ifr` is updated in place with what Linux would
/// copy back. `inet`: the socket is AF_INET.
pub fn ifreq(request: u32, ifr: &mut [u8; IFREQ_LEN], ask: &mut impl Ask) -> Result<(), Errno> {
    // dev_ioctl: the name is terminated at IFNAMSIZ-1.
    ifr[IFNAMSIZ - 1] = 0;
    let full_name = c_str(&ifr[..IFNAMSIZ]).to_vec();
    match request {
        SIOCGIFNAME => {
            let index = read_i32(ifr, IFNAMSIZ);
            let link = get_link(ask, index, &[])?;
            ifr[..IFNAMSIZ].fill(0);
            let n = link.name.len().min(IFNAMSIZ - 1);
            ifr[..n].copy_from_slice(&link.name[..n]);
            Ok(())
        }
        SIOCGIFADDR | SIOCGIFDSTADDR | SIOCGIFBRDADDR | SIOCGIFNETMASK => {
            let link = get_link(ask, 0, device_name(&full_name))?;
            let addr = ipv4_by_label(ask, link.index, &full_name)?;
            let value = match request {
                SIOCGIFADDR => addr.local,
                SIOCGIFDSTADDR => addr.peer,
                SIOCGIFBRDADDR => addr.broadcast,
                _ => prefix_mask(addr.prefix),
            };
            write_sockaddr_in(ifr, value);
            Ok(())
        }
        SIOCSIFFLAGS | SIOCSIFMTU | SIOCSIFTXQLEN | SIOCSIFNAME => {
            let link = get_link(ask, 0, device_name(&full_name))?;
            let mut w = Writer::new();
            let m = w.begin(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, 0);
            if request == SIOCSIFFLAGS {
                // ifr_flags is a short: only the low 16 flags can be set this way.
                let flags = u16::from_ne_bytes([ifr[16], ifr[17]]) as u32;
                w.put_raw(&ifinfomsg(link.index, flags, 0xffff));
            } else {
                w.put_raw(&ifinfomsg(link.index, 0, 0));
            }
            match request {
                SIOCSIFMTU => w.attr(IFLA_MTU, &ifr[16..20]),
                SIOCSIFTXQLEN => w.attr(IFLA_TXQLEN, &ifr[16..20]),
                SIOCSIFNAME => {
                    let mut name = c_str(&ifr[16..16 + IFNAMSIZ - 1]).to_vec();
                    name.push(0);
                    w.attr(IFLA_IFNAME, &name);
                }
                _ => {}
            }
            w.end(m);
            answer(&ask.ask(w.into_bytes())?).map(|_| ())
        }
        SIOCBRADDIF | SIOCBRDELIF => {
            // dev_ifsioc names the bridge; br_ioctl_stub's add_del_if the port by index.
            let bridge = get_link(ask, 0, device_name(&full_name))?;
            if !bridge.bridge {
                return Err(libc::EOPNOTSUPP);
            }
            let port = match read_i32(ifr, IFNAMSIZ) {
                i if i > 0 => get_link(ask, i, &[]).map_err(|_| libc::EINVAL)?,
                _ => return Err(libc::EINVAL),
            };
            let master = if request == SIOCBRADDIF {
                // br_add_if: a bridge is never a port, and a port has one master.
                if port.bridge {
                    return Err(libc::ELOOP);
                }
                if port.master != 0 {
                    return Err(libc::EBUSY);
                }
                bridge.index
            } else if port.master != bridge.index {
                // br_del_if: not a port of this bridge.
                return Err(libc::EINVAL);
            } else {
                0
            };
            let mut w = Writer::new();
            let m = w.begin(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, 0);
            w.put_raw(&ifinfomsg(port.index, 0, 0));
            w.attr(IFLA_MASTER, &master.to_ne_bytes());
            w.end(m);
            answer(&ask.ask(w.into_bytes())?).map(|_| ())
        }
        SIOCETHTOOL | SIOCSIFADDR | SIOCSIFDSTADDR | SIOCSIFBRDADDR | SIOCSIFNETMASK
        | SIOCSIFMETRIC | SIOCSIFHWADDR | SIOCADDMULTI | SIOCDELMULTI | SIOCSIFPFLAGS
        | SIOCSIFHWBROADCAST | SIOCSIFMAP => Err(libc::EOPNOTSUPP),
        _ => {
            let link = get_link(ask, 0, device_name(&full_name))?;
            let union = &mut ifr[16..];
            union.fill(0);
            match request {
                SIOCGIFINDEX => union[..4].copy_from_slice(&link.index.to_ne_bytes()),
                SIOCGIFFLAGS => union[..2].copy_from_slice(&(link.flags as u16).to_ne_bytes()),
                SIOCGIFMTU => union[..4].copy_from_slice(&link.mtu.to_ne_bytes()),
                SIOCGIFTXQLEN => union[..4].copy_from_slice(&link.txqlen.to_ne_bytes()),
                SIOCGIFHWADDR => {
                    // sa_family is the link type; sa_data the address, as far as it fits.
                    union[..2].copy_from_slice(&link.kind.to_ne_bytes());
                    let n = link.address.len().min(14);
                    union[2..2 + n].copy_from_slice(&link.address[..n]);
                }
                // SIOCGIFMETRIC (always 0) and SIOCGIFMAP (no hardware resources).
                _ => {}
            }
            Ok(())
        }
    }
}

/// SIOCGIFCONF: one `struct ifreq` (label and IPv4 address) per IPv4 address, in the order
/// of the address dump.
pub fn ifconf(ask: &mut impl Ask) -> Result<Vec<[u8; IFREQ_LEN]>, Errno> {
    let mut out = Vec::new();
    for a in ipv4_addresses(&answer(&ask.ask(ipv4_dump(0))?)?) {
        let mut ifr = [0u8; IFREQ_LEN];
        let n = a.label.len().min(IFNAMSIZ - 1);
        ifr[..n].copy_from_slice(&a.label[..n]);
        write_sockaddr_in(&mut ifr, a.local);
        out.push(ifr);
    }
    Ok(out)
}

/// SIOCBRADDBR / SIOCBRDELBR, whose argument is a bridge name (IFNAMSIZ bytes, cut at
/// the last), as br_ioctl_stub reads it: br_add_bridge, or br_del_bridge (ENXIO: no such
/// device, EPERM: not a bridge, EBUSY: up).
pub fn bridge_by_name(
    request: u32,
    name: &[u8; IFNAMSIZ],
    ask: &mut impl Ask,
) -> Result<(), Errno> {
    let mut name = c_str(&name[..IFNAMSIZ - 1]).to_vec();
    let mut w = Writer::new();
    if request == SIOCBRADDBR {
        name.push(0);
        let m = w.begin(
            RTM_NEWLINK,
            NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
            1,
            0,
        );
        w.put_raw(&ifinfomsg(0, 0, 0));
        w.attr(IFLA_IFNAME, &name);
        let info = w.nest(IFLA_LINKINFO);
        w.attr(IFLA_INFO_KIND, b"bridge");
        w.nest_end(info);
        w.end(m);
    } else {
        let link = match get_link(ask, 0, &name) {
            Err(libc::ENODEV) => return Err(libc::ENXIO),
            other => other?,
        };
        if !link.bridge {
            return Err(libc::EPERM);
        }
        if link.flags & IFF_UP != 0 {
            return Err(libc::EBUSY);
        }
        let m = w.begin(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 1, 0);
        w.put_raw(&ifinfomsg(link.index, 0, 0));
        w.end(m);
    }
    answer(&ask.ask(w.into_bytes())?).map(|_| ())
}

/// The link by index, or by name when `name` is not empty. ENODEV when there is none.
fn get_link(ask: &mut impl Ask, index: i32, name: &[u8]) -> Result<LinkInfo, Errno> {
    if index <= 0 && name.is_empty() {
        return Err(libc::ENODEV);
    }
    let mut w = Writer::new();
    let m = w.begin(RTM_GETLINK, NLM_F_REQUEST, 1, 0);
    w.put_raw(&ifinfomsg(index.max(0), 0, 0));
    if !name.is_empty() {
        let mut n = name.to_vec();
        n.push(0);
        w.attr(IFLA_IFNAME, &n);
    }
    w.end(m);
    let messages = answer(&ask.ask(w.into_bytes())?)?;
    let m = MessageIter::new(&messages)
        .find(|m| m.header.kind == RTM_NEWLINK)
        .ok_or(libc::ENODEV)?;
    let p = m.payload();
    let Some(fixed) = p.get(..16) else {
        return Err(libc::ENODEV);
    };
    let mut link = LinkInfo {
        kind: u16::from_ne_bytes([fixed[2], fixed[3]]),
        index: read_i32(fixed, 4),
        flags: u32::from_ne_bytes([fixed[8], fixed[9], fixed[10], fixed[11]]),
        ..LinkInfo::default()
    };
    for a in AttrIter::new(&p[16..], NLMSG_HDRLEN + 16).flatten() {
        match a.kind {
            IFLA_IFNAME => link.name = c_str(a.payload).to_vec(),
            IFLA_MTU => link.mtu = a.u32().unwrap_or(0),
            IFLA_TXQLEN => link.txqlen = a.u32().unwrap_or(0),
            IFLA_ADDRESS => link.address = a.payload.to_vec(),
            IFLA_MASTER => link.master = read_i32(a.payload, 0),
            IFLA_LINKINFO => {
                link.bridge = a
                    .nested()
                    .flatten()
                    .any(|i| i.kind == IFLA_INFO_KIND && c_str(i.payload) == b"bridge")
            }
            _ => {}
        }
    }
    Ok(link)
}

/// One IPv4 address, as devinet_ioctl reads it.
struct Ipv4 {
    label: Vec<u8>,
    local: [u8; 4],
    peer: [u8; 4],
    broadcast: [u8; 4],
    prefix: u8,
}

/// The IPv4 address of link `index` whose label is `label` (the first one); an alias
/// label (`eth0:1`) picks that alias. EADDRNOTAVAIL when there is none.
fn ipv4_by_label(ask: &mut impl Ask, index: i32, label: &[u8]) -> Result<Ipv4, Errno> {
    ipv4_addresses(&answer(&ask.ask(ipv4_dump(index))?)?)
        .into_iter()
        .find(|a| a.label == label)
        .ok_or(libc::EADDRNOTAVAIL)
}

fn ipv4_addresses(messages: &[u8]) -> Vec<Ipv4> {
    let mut out = Vec::new();
    for m in MessageIter::new(messages).filter(|m| m.header.kind == RTM_NEWADDR) {
        let p = m.payload();
        let Some(fixed) = p.get(..8) else { continue };
        if fixed[0] != libc::AF_INET as u8 {
            continue;
        }
        let mut a = Ipv4 {
            label: Vec::new(),
            local: [0; 4],
            peer: [0; 4],
            broadcast: [0; 4],
            prefix: fixed[1],
        };
        for at in AttrIter::new(&p[8..], NLMSG_HDRLEN + 8).flatten() {
            let v4 = <[u8; 4]>::try_from(at.payload).ok();
            match (at.kind, v4) {
                (IFA_LABEL, _) => a.label = c_str(at.payload).to_vec(),
                (IFA_LOCAL, Some(v)) => a.local = v,
                (IFA_ADDRESS, Some(v)) => a.peer = v,
                (IFA_BROADCAST, Some(v)) => a.broadcast = v,
                _ => {}
            }
        }
        out.push(a);
    }
    out
}

/// The messages of an answer, or the errno of its NLMSG_ERROR.
fn answer(messages: &[u8]) -> Result<Vec<u8>, Errno> {
    for m in MessageIter::new(messages) {
        if m.header.kind == NLMSG_ERROR {
            let errno = m.payload().get(..4).map_or(0, |e| read_i32(e, 0));
            if errno != 0 {
                return Err(-errno);
            }
        }
    }
    Ok(messages.to_vec())
}

/// struct ifinfomsg for a link request.
fn ifinfomsg(index: i32, flags: u32, change: u32) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[4..8].copy_from_slice(&index.to_ne_bytes());
    b[8..12].copy_from_slice(&flags.to_ne_bytes());
    b[12..16].copy_from_slice(&change.to_ne_bytes());
    b
}

/// A dump of IPv4 addresses: of one link (strictly filtered), or of all with index 0.
fn ipv4_dump(index: i32) -> Vec<u8> {
    let mut ifaddrmsg = [0u8; 8];
    ifaddrmsg[0] = libc::AF_INET as u8;
    ifaddrmsg[4..8].copy_from_slice(&index.to_ne_bytes());
    let mut w = Writer::new();
    let m = w.begin(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 1, 0);
    w.put_raw(&ifaddrmsg);
    w.end(m);
    w.into_bytes()
}

/// The device part of a name: dev_ioctl cuts an alias label at the colon.
fn device_name(name: &[u8]) -> &[u8] {
    name.split(|b| *b == b':').next().unwrap_or(name)
}

/// The bytes before the first NUL.
fn c_str(b: &[u8]) -> &[u8] {
    b.split(|c| *c == 0).next().unwrap_or(b)
}

fn read_i32(b: &[u8], at: usize) -> i32 {
    b.get(at..at + 4)
        .and_then(|s| s.try_into().ok())
        .map_or(0, i32::from_ne_bytes)
}

/// struct sockaddr_in { AF_INET, port 0, addr, zero[8] } in the ifreq union.
fn write_sockaddr_in(ifr: &mut [u8; IFREQ_LEN], addr: [u8; 4]) {
    let union = &mut ifr[16..];
    union.fill(0);
    union[..2].copy_from_slice(&(libc::AF_INET as u16).to_ne_bytes());
    union[4..8].copy_from_slice(&addr);
}

fn prefix_mask(prefix: u8) -> [u8; 4] {
    let bits = u32::MAX
        .checked_shl(32 - u32::from(prefix.min(32)))
        .unwrap_or(0);
    bits.to_be_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_names() {
        assert_eq!(prefix_mask(24), [255, 255, 255, 0]);
        assert_eq!(prefix_mask(0), [0, 0, 0, 0]);
        assert_eq!(prefix_mask(32), [255; 4]);
        assert_eq!(device_name(b"eth0:1"), b"eth0");
        assert_eq!(c_str(b"lo\0\0x"), b"lo");
    }

    /// Asks an engine of its own, as the supervisor's query socket would.
    struct Engine(crate::socket::Host);

    impl Ask for Engine {
        fn ask(&mut self, request: Vec<u8>) -> Result<Vec<u8>, Errno> {
            let cred = crate::socket::Credentials {
                pid: 1,
                uid: 0,
                gid: 0,
                admin: true,
            };
            Ok(self.0.query(&cred, &request, 1 << 20))
        }
    }

    fn name(n: &str) -> [u8; IFNAMSIZ] {
        let mut b = [0u8; IFNAMSIZ];
        b[..n.len()].copy_from_slice(n.as_bytes());
        b
    }

    fn ifr(bridge: &str, index: i32) -> [u8; IFREQ_LEN] {
        let mut b = [0u8; IFREQ_LEN];
        b[..bridge.len()].copy_from_slice(bridge.as_bytes());
        b[IFNAMSIZ..IFNAMSIZ + 4].copy_from_slice(&index.to_ne_bytes());
        b
    }

    #[test]
    fn brctl_ioctls_make_and_join_bridges_with_linux_errors() {
        let mut e = Engine(crate::socket::Host::new());
        assert_eq!(bridge_by_name(SIOCBRADDBR, &name("br0"), &mut e), Ok(()));
        assert_eq!(bridge_by_name(SIOCBRADDBR, &name("br1"), &mut e), Ok(()));
        assert_eq!(
            bridge_by_name(SIOCBRADDBR, &name("br0"), &mut e),
            Err(libc::EEXIST)
        );
        assert_eq!(
            bridge_by_name(SIOCBRADDBR, &name(""), &mut e),
            Err(libc::EINVAL)
        );
        let br0 = get_link(&mut e, 0, b"br0").expect("br0");
        assert!(br0.bridge);
        // lo is no bridge to join, and no port; a bridge is no port either.
        let mut r = ifr("lo", br0.index);
        assert_eq!(ifreq(SIOCBRADDIF, &mut r, &mut e), Err(libc::EOPNOTSUPP));
        assert_eq!(
            ifreq(SIOCBRADDIF, &mut ifr("br0", 1), &mut e),
            Err(libc::EINVAL)
        );
        let br1 = get_link(&mut e, 0, b"br1").expect("br1").index;
        assert_eq!(
            ifreq(SIOCBRADDIF, &mut ifr("br0", br1), &mut e),
            Err(libc::ELOOP)
        );
        assert_eq!(
            ifreq(SIOCBRADDIF, &mut ifr("br0", 999), &mut e),
            Err(libc::EINVAL)
        );
        assert_eq!(
            ifreq(SIOCBRADDIF, &mut ifr("nosuch", br1), &mut e),
            Err(libc::ENODEV)
        );
        assert_eq!(
            ifreq(SIOCBRDELIF, &mut ifr("br0", br1), &mut e),
            Err(libc::EINVAL)
        );
        assert_eq!(
            bridge_by_name(SIOCBRDELBR, &name("lo"), &mut e),
            Err(libc::EPERM)
        );
        assert_eq!(bridge_by_name(SIOCBRDELBR, &name("br1"), &mut e), Ok(()));
        assert_eq!(
            bridge_by_name(SIOCBRDELBR, &name("br1"), &mut e),
            Err(libc::ENXIO)
        );
    }
}
