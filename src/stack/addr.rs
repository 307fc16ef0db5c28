//! Interface addresses (IPv4 as net/ipv4/devinet.c, IPv6 as net/ipv6/addrconf.c): primaries
//! and secondaries, lifetimes, duplicate address detection, the addresses the kernel adds by
//! itself.

use serde::{Deserialize, Serialize};

use super::{Error, Event, Link, NsId, Rng, Stack};
use crate::wire::consts::*;

/// IFA_PROTO values (IFAPROT_*).
pub const IFAPROT_KERNEL_LO: u8 = 1;
pub const IFAPROT_KERNEL_LL: u8 = 3;

/// How long duplicate address detection takes here: one probe, RetransTimer 1 s
/// (Linux adds a random delay of up to a second before it; nlroute does not).
pub const DAD_MILLIS: u64 = 1000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addr {
    pub ifindex: u32,
    pub family: u8,
    pub prefixlen: u8,
    /// IFA_F_* flags.
    pub flags: u32,
    pub scope: u8,
    /// The address itself: 4 or 16 bytes.
    pub local: Vec<u8>,
    /// The peer for point-to-point addresses (IFA_ADDRESS when it differs from IFA_LOCAL).
    pub peer: Option<Vec<u8>>,
    pub broadcast: Option<[u8; 4]>,
    pub label: Option<String>,
    /// Lifetimes in seconds as set at `tstamp` (INFINITY_LIFE_TIME for forever).
    pub valid_lft: u32,
    pub preferred_lft: u32,
    /// Creation and last-update times, hundredths of a second since the stack started.
    pub cstamp: u32,
    pub tstamp: u32,
    pub proto: u8,
    pub rt_priority: u32,
    /// When duplicate address detection completes (stack milliseconds), if running.
    pub dad_until_ms: Option<u64>,
    /// For IPv6, the order it was added in (ipv6_add_addr hashes it at the head of its
    /// chain, so a lookup by address on no particular device finds the newest first).
    #[serde(default)]
    pub added: u64,
}

/// The selectors of an IPv4 RTM_DELADDR (inet_rtm_deladdr): each one given must match.
pub struct Del4<'a> {
    pub local: Option<[u8; 4]>,
    pub label: Option<&'a [u8]>,
    /// IFA_ADDRESS, matched within the subnet of an address of exactly `prefixlen`.
    pub address: Option<[u8; 4]>,
    pub prefixlen: u8,
}

impl Addr {
    /// The address IFA_ADDRESS carries: the peer if any, else the local address.
    pub fn address(&self) -> &[u8] {
        self.peer.as_deref().unwrap_or(&self.local)
    }

    pub fn is_secondary(&self) -> bool {
        self.flags & IFA_F_SECONDARY != 0
    }

    /// Whether its preferred lifetime runs out: not for an IPv4 address valid forever
    /// (IFA_F_PERMANENT), which check_lifetime passes over whatever its preferred lifetime
    /// says (and which inet_fill_ifaddr reports as forever too).
    pub fn ages(&self) -> bool {
        !(self.family == AF_INET && self.flags & IFA_F_PERMANENT != 0)
    }

    /// Remaining lifetimes (preferred, valid) at `now_cs`.
    pub fn remaining(&self, now_cs: u32) -> (u32, u32) {
        let elapsed = now_cs.saturating_sub(self.tstamp) / 100;
        let left = |lft: u32| {
            if lft == INFINITY_LIFE_TIME {
                lft
            } else {
                lft.saturating_sub(elapsed)
            }
        };
        (left(self.preferred_lft), left(self.valid_lft))
    }
}

/// The subnet mask of an IPv4 prefix length.
fn mask4(prefixlen: u8) -> u32 {
    if prefixlen == 0 {
        0
    } else {
        u32::MAX << (32 - prefixlen.min(32))
    }
}

fn v4(bytes: &[u8]) -> u32 {
    let mut b = [0u8; 4];
    for (d, s) in b.iter_mut().zip(bytes) {
        *d = *s;
    }
    u32::from_be_bytes(b)
}

/// inet_ifa_match: `address` lies in the subnet of `ifa`'s IFA_ADDRESS (its peer when
/// point-to-point) under `ifa`'s mask.
fn ifa_match4(address: &[u8], ifa: &Addr) -> bool {
    (v4(address) ^ v4(ifa.address())) & mask4(ifa.prefixlen) == 0
}

/// Flags that mean nothing for IPv4 and are dropped (IPV6ONLY_FLAGS in devinet.c).
const IPV6ONLY_FLAGS: u32 = IFA_F_NODAD
    | IFA_F_OPTIMISTIC
    | IFA_F_DADFAILED
    | IFA_F_HOMEADDRESS
    | IFA_F_TENTATIVE
    | IFA_F_MANAGETEMPADDR
    | IFA_F_STABLE_PRIVACY;

/// The IPv6 flags an address modification replaces (the rest stay as they are).
const MODIFIABLE6: u32 = IFA_F_DEPRECATED
    | IFA_F_PERMANENT
    | IFA_F_NODAD
    | IFA_F_HOMEADDRESS
    | IFA_F_MANAGETEMPADDR
    | IFA_F_NOPREFIXROUTE;

/// Below this MTU a link has no IPv6 (ipv6_add_dev refuses it; a drop below removes it).
pub const IPV6_MIN_MTU: u32 = 1280;
/// Below this MTU a device has no IPv4 (inetdev_valid_mtu: 68).
pub const IPV4_MIN_MTU: u32 = 68;

/// Longest interface name or IPv4 label (IFNAMSIZ - 1).
const LABEL_MAX: usize = 15;

impl Link {
    /// inetdev_changename: after a rename the first IPv4 address is labelled with the new
    /// name, and every other one with the new name plus its old `:suffix` (or `:N`, its
    /// position, if it had none), cut so that the suffix survives. Returns the addresses,
    /// which Linux announces again.
    pub fn relabel_ipv4(&mut self) -> Vec<Addr> {
        let name = self.name.clone();
        for (i, a) in self.addrs4.iter_mut().enumerate() {
            let mut label = name.clone();
            if i > 0 {
                let old = a.label.as_deref().unwrap_or("");
                let suffix = match old.find(':') {
                    Some(colon) => old[colon..].to_string(),
                    None => format!(":{}", i + 1),
                };
                let mut keep = label.len().min(LABEL_MAX.saturating_sub(suffix.len()));
                while !label.is_char_boundary(keep) {
                    keep -= 1;
                }
                label.truncate(keep);
                label.push_str(&suffix);
            }
            a.label = Some(label);
        }
        self.addrs4.clone()
    }

    pub fn addrs(&self, family: u8) -> &[Addr] {
        match family {
            AF_INET => &self.addrs4,
            _ => &self.addrs6,
        }
    }
    fn addrs_mut(&mut self, family: u8) -> &mut Vec<Addr> {
        match family {
            AF_INET => &mut self.addrs4,
            _ => &mut self.addrs6,
        }
    }
}

impl Stack {
    /// RTM_NEWADDR: add, or with NLM_F_REPLACE update, an address.
    pub fn add_addr(
        &mut self,
        ns: NsId,
        addr: Addr,
        nlflags: u16,
        events: &mut Vec<Event>,
    ) -> Result<(), Error> {
        let ifindex = addr.ifindex;
        let result = if addr.family == AF_INET {
            self.add_addr4(ns, addr, nlflags, events)
        } else {
            self.add_addr6(ns, addr, nlflags, events)
        };
        self.reschedule(ns, ifindex);
        result
    }

    /// inet_rtm_newaddr: find_matching_ifa, then either replace (only the metric, protocol and
    /// lifetimes change) or __inet_insert_ifa.
    fn add_addr4(
        &mut self,
        ns: NsId,
        mut addr: Addr,
        nlflags: u16,
        events: &mut Vec<Event>,
    ) -> Result<(), Error> {
        let now = self.now_cs();
        let link = self
            .ns_mut(ns)
            .link_mut(addr.ifindex)
            .ok_or(Error::errno(libc::ENODEV))?;
        // rtm_to_ifaddr: no in_device.
        if link.inet4_off {
            return Err(Error::errno(libc::ENOBUFS));
        }
        let list = &mut link.addrs4;
        let existing = list.iter().position(|a| {
            a.prefixlen == addr.prefixlen && ifa_match4(a.address(), &addr) && a.local == addr.local
        });
        if let Some(pos) = existing {
            if nlflags & NLM_F_EXCL != 0 || nlflags & NLM_F_REPLACE == 0 {
                return Err(Error::new(libc::EEXIST, "ipv4: Address already assigned"));
            }
            let old = &mut list[pos];
            old.rt_priority = addr.rt_priority;
            old.proto = addr.proto;
            // set_ifa_lifetime: recomputes PERMANENT / DEPRECATED from the new lifetimes.
            old.flags = (old.flags & !(IFA_F_PERMANENT | IFA_F_DEPRECATED))
                | (addr.flags & (IFA_F_PERMANENT | IFA_F_DEPRECATED));
            old.valid_lft = addr.valid_lft;
            old.preferred_lft = addr.preferred_lft;
            old.tstamp = now;
            events.push(Event::NewAddr(Box::new(old.clone())));
            self.changed(ns);
            return Ok(());
        }
        // __inet_insert_ifa.
        addr.flags &= !(IFA_F_SECONDARY | IPV6ONLY_FLAGS);
        if addr.local.iter().all(|b| *b == 0) {
            return Ok(());
        }
        for a in list.iter() {
            if a.prefixlen == addr.prefixlen && ifa_match4(a.address(), &addr) {
                if a.local == addr.local {
                    return Err(Error::errno(libc::EEXIST));
                }
                if a.scope != addr.scope {
                    return Err(Error::new(libc::EINVAL, "ipv4: Invalid scope value"));
                }
                addr.flags |= IFA_F_SECONDARY;
            }
        }
        addr.cstamp = now;
        addr.tstamp = now;
        insert4(list, addr.clone());
        events.push(Event::NewAddr(Box::new(addr)));
        self.changed(ns);
        Ok(())
    }

    /// inet6_rtm_newaddr: inet6_addr_add, or with NLM_F_REPLACE inet6_addr_modify.
    fn add_addr6(
        &mut self,
        ns: NsId,
        mut addr: Addr,
        nlflags: u16,
        events: &mut Vec<Event>,
    ) -> Result<(), Error> {
        let now = self.now_cs();
        let now_ms = self.now_ms();
        self.addr6_added += 1;
        addr.added = self.addr6_added;
        let link = self
            .ns_mut(ns)
            .link_mut(addr.ifindex)
            .ok_or(Error::errno(libc::ENODEV))?;
        let existing = link.addrs6.iter().position(|a| a.local == addr.local);
        if let Some(pos) = existing {
            if nlflags & NLM_F_EXCL != 0 || nlflags & NLM_F_REPLACE == 0 {
                return Err(Error::errno(libc::EEXIST));
            }
            // inet6_addr_modify: flags the request can set are replaced, the others (DAD
            // state among them) kept; lifetimes and protocol follow the request; the metric
            // and the peer only when given; the prefix length never changes.
            let old = &mut link.addrs6[pos];
            old.flags = (old.flags & !MODIFIABLE6) | (addr.flags & !IFA_F_TENTATIVE);
            old.tstamp = now;
            old.valid_lft = addr.valid_lft;
            old.preferred_lft = addr.preferred_lft;
            old.proto = addr.proto;
            if addr.rt_priority != 0 {
                old.rt_priority = addr.rt_priority;
            }
            if addr.peer.is_some() {
                old.peer = addr.peer;
            }
            // An address still in DAD is announced when DAD completes, not now.
            if old.flags & IFA_F_TENTATIVE == 0 {
                events.push(Event::NewAddr(Box::new(old.clone())));
            }
            self.changed(ns);
            return Ok(());
        }
        // Neither family insists on NLM_F_CREATE: "userspace already relies on not having to
        // provide this" (inet6_rtm_newaddr).
        addr.cstamp = now;
        addr.tstamp = now;
        let dad = addr.flags & IFA_F_NODAD == 0;
        // addrconf_dad_begin runs DAD once IPv6 has seen the link ready (IF_READY).
        let link_ready = link.inet6_ready;
        let needs_dad = dad && link.flags & (IFF_LOOPBACK | IFF_NOARP) == 0;
        if needs_dad {
            addr.flags |= IFA_F_TENTATIVE;
            if link_ready {
                addr.dad_until_ms = Some(now_ms + DAD_MILLIS);
            }
        }
        insert6(&mut link.addrs6, addr.clone());
        events.push(Event::NewAddr(Box::new(addr)));
        self.changed(ns);
        Ok(())
    }

    /// inet_rtm_deladdr: deletes the first IPv4 address that matches every selector given
    /// (local address, label, and IFA_ADDRESS with the prefix length), then __inet_del_ifa
    /// (see `remove4`).
    pub fn del_addr4(
        &mut self,
        ns: NsId,
        ifindex: u32,
        sel: &Del4<'_>,
        events: &mut Vec<Event>,
    ) -> Result<(), Error> {
        let link = self
            .ns_mut(ns)
            .link_mut(ifindex)
            .ok_or(Error::errno(libc::ENODEV))?;
        if link.inet4_off {
            return Err(Error::new(libc::ENODEV, "ipv4: Device not found"));
        }
        let promote = link.promotes_secondaries();
        let list = &mut link.addrs4;
        let pos = list.iter().position(|a| {
            sel.local.is_none_or(|l| a.local == l)
                && sel
                    .label
                    .is_none_or(|l| a.label.as_deref().map(str::as_bytes) == Some(l))
                && sel
                    .address
                    .is_none_or(|ad| sel.prefixlen == a.prefixlen && ifa_match4(&ad, a))
        });
        let Some(pos) = pos else {
            return Err(Error::new(libc::EADDRNOTAVAIL, "ipv4: Address not found"));
        };
        events.extend(remove4(list, pos, promote));
        self.changed(ns);
        self.reschedule(ns, ifindex);
        Ok(())
    }

    /// RTM_DELADDR for IPv6 (inet6_addr_del): the address with this local address and prefix
    /// length.
    pub fn del_addr6(
        &mut self,
        ns: NsId,
        ifindex: u32,
        local: &[u8],
        prefixlen: u8,
        events: &mut Vec<Event>,
    ) -> Result<(), Error> {
        let link = self
            .ns_mut(ns)
            .link_mut(ifindex)
            .ok_or(Error::errno(libc::ENODEV))?;
        if !link.has_inet6() {
            return Err(Error::new(
                libc::ENXIO,
                "ipv6: IPv6 is disabled on this device",
            ));
        }
        let list = &mut link.addrs6;
        let pos = list
            .iter()
            .position(|a| a.local == local && a.prefixlen == prefixlen)
            .ok_or(Error::new(libc::EADDRNOTAVAIL, "ipv6: address not found"))?;
        let removed = list.remove(pos);
        events.push(Event::DelAddr(Box::new(removed)));
        self.changed(ns);
        self.reschedule(ns, ifindex);
        Ok(())
    }

    /// addrconf_notify for what happened to a link: it went up (NETDEV_UP), down
    /// (NETDEV_DOWN), or became ready while up (NETDEV_CHANGE with carrier).
    pub fn addrconf(&mut self, ns: NsId, ifindex: u32, event: Inet6Event, events: &mut Vec<Event>) {
        let now = self.now_cs();
        let now_ms = self.now_ms();
        let Stack {
            namespaces,
            rng,
            addr6_added,
            ..
        } = self;
        let Some(link) = namespaces.get_mut(ns).and_then(|n| n.link_mut(ifindex)) else {
            return;
        };
        let mut changed = false;
        match event {
            Inet6Event::Down => {
                // addrconf_ifdown: every IPv6 address goes (keep_addr_on_down = 0).
                link.inet6_ready = false;
                link.inet6_rs_sent = false;
                link.inet6_tstamp_cs = now;
                for a in std::mem::take(&mut link.addrs6) {
                    events.push(Event::DelAddr(Box::new(a)));
                    changed = true;
                }
            }
            Inet6Event::Up if link.flags & IFF_LOOPBACK != 0 => {
                // Always ready when up: addrconf_notify dates the IPv6 device and announces
                // it (below, after its addresses).
                link.inet6_tstamp_cs = now;
                let lo4 = [127, 0, 0, 1];
                // (inetdev_event adds it only to a device that has IPv4.)
                if !link.inet4_off && !link.addrs4.iter().any(|a| a.local == lo4) {
                    let a = kernel_addr(ifindex, AF_INET, lo4.to_vec(), 8, RT_SCOPE_HOST, now);
                    let a = Addr {
                        label: Some(link.name.clone()),
                        proto: 0,
                        ..a
                    };
                    insert4(&mut link.addrs4, a.clone());
                    events.push(Event::NewAddr(Box::new(a)));
                }
                let mut lo6 = [0u8; 16];
                lo6[15] = 1;
                // ipv6_add_addr refuses an address the device has under any prefix length;
                // below the IPv6 MTU there is no IPv6 to add it to.
                if link.mtu >= IPV6_MIN_MTU && !link.addrs6.iter().any(|a| a.local == lo6) {
                    let mut a =
                        kernel_addr(ifindex, AF_INET6, lo6.to_vec(), 128, RT_SCOPE_HOST, now);
                    *addr6_added += 1;
                    a.added = *addr6_added;
                    insert6(&mut link.addrs6, a.clone());
                    events.push(Event::NewAddr(Box::new(a)));
                }
                if link.has_inet6() {
                    events.push(Event::Inet6Info(Box::new(link.clone())));
                }
                changed = true;
            }
            // A link already configured only resends its multicast reports; one not ready
            // (addrconf_link_ready: operational state up, as link watch left it, and a
            // carrier) waits; below the IPv6 MTU it has no IPv6 device to configure.
            Inet6Event::Up | Inet6Event::Ready
                if link.inet6_ready
                    || !link.carrier
                    || !matches!(link.operstate, IF_OPER_UP | IF_OPER_UNKNOWN)
                    || link.mtu < IPV6_MIN_MTU => {}
            Inet6Event::Up | Inet6Event::Ready => {
                link.inet6_ready = true;
                link.inet6_tstamp_cs = now;
                // addrconf_dad_run: addresses waiting for the link start DAD.
                for a in link.addrs6.iter_mut() {
                    if a.flags & IFA_F_TENTATIVE != 0 && a.dad_until_ms.is_none() {
                        a.dad_until_ms = Some(now_ms + DAD_MILLIS);
                    }
                }
                if let Some(mut a) = link_local_for(link, now, now_ms, rng) {
                    *addr6_added += 1;
                    a.added = *addr6_added;
                    // addrconf_add_linklocal starts DAD without a notification: listeners
                    // first hear of the address when DAD completes, unless no DAD runs.
                    if a.flags & IFA_F_TENTATIVE == 0 {
                        // No DAD: addrconf_dad_completed at once, router solicitation sent.
                        link.inet6_rs_sent = true;
                        events.push(Event::NewAddr(Box::new(a.clone())));
                    }
                    insert6(&mut link.addrs6, a);
                }
                // inet6_ifinfo_notify: the IPv6 device is configured.
                events.push(Event::Inet6Info(Box::new(link.clone())));
                changed = true;
            }
        }
        if changed {
            self.changed(ns);
        }
        self.reschedule(ns, ifindex);
    }

    /// Timers: DAD completion, preferred lifetime expiry (deprecated), valid lifetime expiry
    /// (removal), then the link's STP timers. Returns the events per namespace.
    pub fn run_timers(&mut self) -> Vec<(NsId, Event)> {
        let now_ms = self.now_ms();
        let now_cs = self.now_cs();
        let mut out = Vec::new();
        for (ns_id, ifindex) in self.timers.due(now_ms) {
            // (Only a DAD finishing now needs the neighbour: most timers are lifetimes and
            // STP.)
            let dad_due = self
                .namespaces
                .get(ns_id)
                .and_then(|n| n.link(ifindex))
                .is_some_and(|l| {
                    l.addrs6
                        .iter()
                        .any(|a| a.dad_until_ms.is_some_and(|t| t <= now_ms))
                });
            let (peer, on_the_wire) = if dad_due {
                self.dad_neighbour(ns_id, ifindex)
            } else {
                (None, Vec::new())
            };
            // The peer's addresses our probes made fail (they were still tentative).
            let mut peer_failed = Vec::new();
            let Some(link) = self
                .namespaces
                .get_mut(ns_id)
                .and_then(|n| n.link_mut(ifindex))
            else {
                self.timers.set(ns_id, ifindex, None);
                continue;
            };
            let loopback = link.flags & IFF_LOOPBACK != 0;
            let promote = link.promotes_secondaries();
            let mut solicited = false;
            for family in [AF_INET, AF_INET6] {
                let list = link.addrs_mut(family);
                let mut i = 0;
                while i < list.len() {
                    let a = &mut list[i];
                    let (pref, valid) = a.remaining(now_cs);
                    if valid == 0 {
                        // An expired IPv4 primary goes like a deleted one (check_lifetime
                        // calls inet_del_ifa): with its secondaries, or promoting one.
                        let gone = if family == AF_INET {
                            remove4(list, i, promote)
                        } else {
                            vec![Event::DelAddr(Box::new(list.remove(i)))]
                        };
                        out.extend(gone.into_iter().map(|e| (ns_id, e)));
                        continue;
                    }
                    let mut changed = false;
                    if a.dad_until_ms.is_some_and(|t| t <= now_ms) {
                        a.dad_until_ms = None;
                        changed = true;
                        let duplicate = on_the_wire.iter().find(|(l, _)| *l == a.local);
                        if let Some((_, false)) = duplicate {
                            // addrconf_dad_failure: the neighbour answered; the address
                            // stays tentative.
                            a.flags |= IFA_F_DADFAILED;
                        } else {
                            // A neighbour still probing for it heard our probe, which came
                            // first (both wait as long after probing): its DAD failed, and
                            // it answered nothing.
                            if let Some((local, true)) = duplicate {
                                peer_failed.push(local.clone());
                            }
                            a.flags &= !IFA_F_TENTATIVE;
                            // addrconf_dad_completed: a link-local address sends the first
                            // router solicitation.
                            solicited |=
                                family == AF_INET6 && a.scope == RT_SCOPE_LINK && !loopback;
                        }
                    }
                    if pref == 0 && a.flags & IFA_F_DEPRECATED == 0 && a.ages() {
                        a.flags |= IFA_F_DEPRECATED;
                        changed = true;
                    }
                    if changed {
                        out.push((ns_id, Event::NewAddr(Box::new(a.clone()))));
                    }
                    i += 1;
                }
            }
            link.inet6_rs_sent |= solicited;
            if let Some(peer) = peer {
                self.fail_dad(ns_id, peer, &peer_failed, &mut out);
            }
            let mut stp = Vec::new();
            self.run_stp_timers(ns_id, ifindex, now_ms, &mut stp);
            out.extend(stp.into_iter().map(|e| (ns_id, e)));
            self.reschedule(ns_id, ifindex);
        }
        self.run_link_watch(now_ms, &mut out);
        if !out.is_empty() {
            self.generation += 1;
            for (ns, _) in &out {
                self.namespaces[*ns].seq += 1;
            }
        }
        out
    }

    /// Who hears `ifindex`'s neighbour solicitations for DAD: its veth peer, while up (no
    /// packets move, so other neighbours, such as those across a bridge, are not
    /// emulated), and the peer's IPv6 addresses: each with whether it is itself tentative
    /// (it answers nothing, and fails). An address whose DAD failed is not there for it.
    fn dad_neighbour(&self, ns: NsId, ifindex: u32) -> (Option<u32>, Vec<(Vec<u8>, bool)>) {
        let nsr = self.ns(ns);
        let peer = nsr
            .link(ifindex)
            .filter(|l| matches!(l.kind, super::Kind::Veth))
            .and_then(|l| l.link)
            .and_then(|p| nsr.link(p))
            .filter(|p| p.is_up());
        let Some(peer) = peer else {
            return (None, Vec::new());
        };
        let answering = peer
            .addrs6
            .iter()
            .filter(|a| a.flags & IFA_F_DADFAILED == 0)
            .map(|a| (a.local.clone(), a.flags & IFA_F_TENTATIVE != 0))
            .collect();
        (Some(peer.ifindex), answering)
    }

    /// The peer's tentative addresses in `locals` heard a probe for the same address: their
    /// DAD fails.
    fn fail_dad(&mut self, ns: NsId, peer: u32, locals: &[Vec<u8>], out: &mut Vec<(NsId, Event)>) {
        let Some(link) = self.ns_mut(ns).link_mut(peer) else {
            return;
        };
        for a in link.addrs6.iter_mut() {
            if a.flags & IFA_F_TENTATIVE != 0 && locals.contains(&a.local) {
                a.dad_until_ms = None;
                a.flags |= IFA_F_DADFAILED;
                out.push((ns, Event::NewAddr(Box::new(a.clone()))));
            }
        }
        self.reschedule(ns, peer);
    }

    /// The next time a timer fires, in stack milliseconds.
    pub fn next_timer_ms(&self) -> Option<u64> {
        [self.timers.first(), self.linkwatch.due_ms()]
            .into_iter()
            .flatten()
            .min()
    }
}

fn kernel_addr(ifindex: u32, family: u8, local: Vec<u8>, plen: u8, scope: u8, now: u32) -> Addr {
    Addr {
        ifindex,
        family,
        prefixlen: plen,
        flags: IFA_F_PERMANENT,
        scope,
        local,
        peer: None,
        broadcast: None,
        label: None,
        valid_lft: INFINITY_LIFE_TIME,
        preferred_lft: INFINITY_LIFE_TIME,
        cstamp: now,
        tstamp: now,
        proto: if family == AF_INET6 && plen == 128 {
            IFAPROT_KERNEL_LO
        } else {
            0
        },
        rt_priority: 0,
        dad_until_ms: None,
        added: 0,
    }
}

/// fe80::/64 with the modified EUI-64 interface id of a MAC (RFC 4291 appendix A).
pub fn link_local(mac: &[u8]) -> [u8; 16] {
    let mut a = [0u8; 16];
    a[0] = 0xfe;
    a[1] = 0x80;
    if let [m0, m1, m2, m3, m4, m5] = *mac {
        a[8..16].copy_from_slice(&[m0 ^ 0x02, m1, m2, 0xff, 0xfe, m3, m4, m5]);
    }
    a
}

/// IPv4 list order (__inet_insert_ifa): a primary goes after the last primary of the same
/// or narrower scope; a secondary goes last.
fn insert4(list: &mut Vec<Addr>, addr: Addr) {
    if addr.is_secondary() {
        list.push(addr);
        return;
    }
    let mut at = 0;
    for (i, a) in list.iter().enumerate() {
        if !a.is_secondary() && addr.scope <= a.scope {
            at = i + 1;
        }
    }
    list.insert(at, addr);
}

/// __inet_del_ifa: removes the IPv4 address at `pos`. A primary takes the secondaries of
/// its subnet with it, or, with `promote` (promote_secondaries), makes the first of them
/// primary. Returns what Linux announces, in its order: each secondary deleted, the
/// address itself, then the promoted address.
fn remove4(list: &mut Vec<Addr>, pos: usize, promote: bool) -> Vec<Event> {
    let mut events = Vec::new();
    let Some(first) = list.get(pos) else {
        return events;
    };
    let (primary, scope, prefixlen, address) = (
        !first.is_secondary(),
        first.scope,
        first.prefixlen,
        first.address().to_vec(),
    );
    // Where a promoted address goes (an index once the deleted one is gone): behind the
    // last primary of the deleted one's scope or wider, or in its place.
    let mut last_primary = pos;
    // Whether anything of another subnet lies between the two (else it stays put).
    let mut passed_other = false;
    let mut promoted = None;
    if primary {
        let mut j = pos + 1;
        while let Some(a) = list.get(j) {
            if !a.is_secondary() && scope <= a.scope {
                last_primary = j;
            }
            if !a.is_secondary() || a.prefixlen != prefixlen || !ifa_match4(&address, a) {
                passed_other = true;
                j += 1;
            } else if promote {
                promoted = Some(j);
                break;
            } else {
                events.push(Event::DelAddr(Box::new(list.remove(j))));
            }
        }
    }
    events.push(Event::DelAddr(Box::new(list.remove(pos))));
    if let Some(j) = promoted {
        let mut a = list.remove(j - 1);
        a.flags &= !IFA_F_SECONDARY;
        let at = if passed_other { last_primary } else { j - 1 };
        list.insert(at, a.clone());
        events.push(Event::NewAddr(Box::new(a)));
    }
    events
}

/// What addrconf hears about a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inet6Event {
    Up,
    /// It went down, or below the IPv6 MTU: addrconf_ifdown.
    Down,
    /// Carrier came on while the link was up.
    Ready,
}

/// IN6_ADDR_GEN_MODE_* (IFLA_INET6_ADDR_GEN_MODE).
const ADDR_GEN_EUI64: u8 = 0;
const ADDR_GEN_RANDOM: u8 = 3;

/// addrconf_addr_gen: the link-local address a ready link gets in its generation mode, if
/// it does not have it: EUI-64 from the MAC, or a random interface id (flagged stable
/// privacy, as Linux's random mode derives it from a per-device random secret). None for
/// mode none, and for stable-privacy mode, which needs a secret nlroute has no way to set.
fn link_local_for(link: &Link, now: u32, now_ms: u64, rng: &mut Rng) -> Option<Addr> {
    let (local, flags) = match link.addr_gen_mode {
        ADDR_GEN_EUI64 if link.address.len() == 6 => (link_local(&link.address), 0),
        ADDR_GEN_RANDOM => {
            let mut a = [0u8; 16];
            a[0] = 0xfe;
            a[1] = 0x80;
            a[8..].copy_from_slice(&rng.next_u64().to_be_bytes());
            (a, IFA_F_STABLE_PRIVACY)
        }
        _ => return None,
    };
    // ipv6_add_addr refuses an address the device already has.
    if link.addrs6.iter().any(|a| a.local == local) {
        return None;
    }
    let mut a = kernel_addr(
        link.ifindex,
        AF_INET6,
        local.to_vec(),
        64,
        RT_SCOPE_LINK,
        now,
    );
    a.proto = IFAPROT_KERNEL_LL;
    a.flags |= flags;
    if link.flags & IFF_NOARP == 0 {
        a.flags |= IFA_F_TENTATIVE;
        a.dad_until_ms = Some(now_ms + DAD_MILLIS);
    }
    Some(a)
}

/// ipv6_link_dev_addr: the list is sorted by source scope, widest first, and a new address
/// goes before the others of its scope.
fn insert6(list: &mut Vec<Addr>, addr: Addr) {
    let scope = |a: &Addr| ipv6_src_scope(&a.local);
    let s = scope(&addr);
    let at = list
        .iter()
        .position(|a| s >= scope(a))
        .unwrap_or(list.len());
    list.insert(at, addr);
}

/// ipv6_addr_src_scope: a multicast address's own scope field; for unicast, loopback 1,
/// link-local 2, site-local 5, anything else global (14).
pub fn ipv6_src_scope(a: &[u8]) -> u8 {
    match a {
        [0xff, flags_scope, ..] => flags_scope & 0x0f,
        [0xfe, b, ..] if b & 0xc0 == 0x80 => 0x2,
        [0xfe, b, ..] if b & 0xc0 == 0xc0 => 0x5,
        _ if a.len() == 16 && a[..15].iter().all(|&b| b == 0) && a[15] == 1 => 0x1,
        _ => 0xe,
    }
}
