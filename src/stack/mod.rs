//! The emulated network stack: namespaces, links, link kinds and addresses. No bytes here
//! beyond what a link kind contributes to its own IFLA_INFO_DATA.
//!
//! Every change returns [`Event`]s carrying a snapshot of the object as it was at that moment,
//! so the protocol layer can notify listeners in the order Linux does without reading state
//! that has changed since.

pub mod addr;
pub mod kinds;
pub mod link;
pub mod linkwatch;
pub mod netconf;
pub mod netdev;
pub mod stp;
pub mod timers;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

pub use addr::{Addr, Del4};
pub use kinds::Kind;
pub use link::Link;
pub use netconf::NetConf;

/// Index of a namespace in the stack.
pub type NsId = usize;

/// Something listeners are told about, in order.
#[derive(Clone, Debug)]
pub enum Event {
    /// A link as it is now, with the ifi_change mask Linux reports (~0 when registered).
    NewLink(Box<Link>, u32),
    DelLink(Box<Link>),
    /// RTM_NEWLINK of a bridge port made while it is still a port, with its bridge as it was
    /// then: the bridge may be gone (deleted) by the time the message is written.
    NewPortLink(Box<Link>, Box<Link>, u32),
    /// RTM_NEWLINK with IFLA_EVENT_FEATURES (netdev_features_change), for a bridge whose
    /// port set changed.
    LinkFeatures(Box<Link>),
    /// The AF_BRIDGE view of a port (br_ifinfo_notify): the port, its bridge, and whether
    /// it is RTM_DELLINK (the port left).
    BridgePort(Box<Link>, Box<Link>, bool),
    NewAddr(Box<Addr>),
    DelAddr(Box<Addr>),
    /// The AF_INET6 view of a link whose IPv6 device just became ready
    /// (inet6_ifinfo_notify, to RTNLGRP_IPV6_IFINFO).
    Inet6Info(Box<Link>),
    /// A device's IPv4 or IPv6 device was made (RTM_NEWNETCONF with every setting) or went
    /// away (false: RTM_DELNETCONF, the index alone), to RTNLGRP_IPV4/IPV6_NETCONF.
    NetConf(Box<NetConf>, bool),
}

/// A failed change: errno, Linux's extack text (empty when Linux gives none), and the
/// attribute the problem is about (the protocol layer turns it into an offset).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub errno: i32,
    pub msg: &'static str,
    pub attr: Option<AttrRef>,
}

/// A message built from values (Linux formats a few extack messages), kept for the life of
/// the process so that errors stay plain data. Each distinct text is kept once; past
/// `MAX_INTERNED` texts, `fallback` is used instead, so a client cannot grow memory
/// without bound.
pub fn interned(text: String, fallback: &'static str) -> &'static str {
    const MAX_INTERNED: usize = 4096;
    static TEXTS: std::sync::Mutex<Option<std::collections::HashSet<&'static str>>> =
        std::sync::Mutex::new(None);
    let mut guard = TEXTS.lock().unwrap_or_else(|e| e.into_inner());
    let texts = guard.get_or_insert_with(Default::default);
    if let Some(&t) = texts.get(text.as_str()) {
        return t;
    }
    if texts.len() >= MAX_INTERNED {
        return fallback;
    }
    let t: &'static str = Box::leak(text.into_boxed_str());
    texts.insert(t);
    t
}

/// Which request attribute an error points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrRef {
    /// A top-level attribute of the request, by type.
    Top(u16),
    /// An attribute inside IFLA_LINKINFO / IFLA_INFO_DATA, by type.
    InfoData(u16),
    /// An attribute inside the veth peer's nested ifinfomsg, by type.
    Peer(u16),
}

impl Error {
    pub const fn new(errno: i32, msg: &'static str) -> Error {
        Error {
            errno,
            msg,
            attr: None,
        }
    }
    pub const fn at(errno: i32, msg: &'static str, attr: AttrRef) -> Error {
        Error {
            errno,
            msg,
            attr: Some(attr),
        }
    }
    pub const fn errno(errno: i32) -> Error {
        Error::new(errno, "")
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// One network namespace: its links by index (ordered, for dumps) and by name.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Namespace {
    pub links: BTreeMap<u32, Link>,
    #[serde(skip)]
    names: HashMap<String, u32>,
    /// For each ifindex, the links that point at it through IFLA_LINK (veth peer, stacked
    /// devices) or IFLA_MASTER (bridge ports), so dependents are found without a scan.
    #[serde(skip)]
    uppers: HashMap<u32, BTreeSet<u32>>,
    pub next_ifindex: u32,
    /// Bumped on every change of links or addresses; dumps compare it between parts to set
    /// NLM_F_DUMP_INTR, as Linux does with its per-namespace dev_base_seq / addr seq.
    #[serde(skip)]
    pub seq: u64,
}

/// All emulated state.
#[derive(Debug, Serialize, Deserialize)]
pub struct Stack {
    pub namespaces: Vec<Namespace>,
    #[serde(skip)]
    pub generation: u64,
    #[serde(skip)]
    rng: Rng,
    /// Time the stack started, for IFA_CACHEINFO timestamps (hundredths of a second).
    #[serde(skip, default = "std::time::Instant::now")]
    pub epoch: std::time::Instant,
    #[serde(skip)]
    timers: timers::Timers,
    #[serde(skip)]
    linkwatch: linkwatch::LinkWatch,
    /// Bridge port joins so far (see `PortConf::joined`).
    #[serde(skip)]
    port_joins: u64,
    /// Times the clock was read: an answer made without reading it depends on the state
    /// alone (what the preload library's memo needs, see `Host::read_epoch`).
    #[serde(skip)]
    clock_reads: std::cell::Cell<u64>,
    /// IPv6 addresses added so far (see `Addr::added`).
    #[serde(default)]
    addr6_added: u64,
}

impl Default for Stack {
    fn default() -> Self {
        Self::new()
    }
}

impl Stack {
    /// A stack with one namespace, fresh like a kernel namespace: only `lo`, down.
    pub fn new() -> Stack {
        let mut stack = Stack {
            namespaces: Vec::new(),
            generation: 0,
            rng: Rng::from_entropy(),
            epoch: std::time::Instant::now(),
            timers: timers::Timers::default(),
            linkwatch: Default::default(),
            port_joins: 0,
            clock_reads: Default::default(),
            addr6_added: 0,
        };
        stack.add_namespace();
        stack
    }

    /// Makes the MAC addresses and other random choices repeatable (for tests).
    pub fn seed(&mut self, seed: u64) {
        self.rng = Rng(seed | 1);
    }

    pub fn add_namespace(&mut self) -> NsId {
        let mut ns = Namespace {
            links: BTreeMap::new(),
            names: HashMap::new(),
            uppers: HashMap::new(),
            next_ifindex: 1,
            seq: 1,
        };
        let lo = Link::new(1, "lo".into(), Kind::Loopback, &mut self.rng);
        ns.insert(lo);
        ns.next_ifindex = 2;
        self.namespaces.push(ns);
        self.namespaces.len() - 1
    }

    pub fn ns(&self, ns: NsId) -> &Namespace {
        &self.namespaces[ns]
    }

    pub fn ns_mut(&mut self, ns: NsId) -> &mut Namespace {
        &mut self.namespaces[ns]
    }

    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// Hundredths of a second since the stack started (IFA_CACHEINFO cstamp/tstamp unit).
    pub fn now_cs(&self) -> u32 {
        (self.now_ms() / 10) as u32
    }

    pub fn now_ms(&self) -> u64 {
        self.clock_reads.set(self.clock_reads.get() + 1);
        self.epoch.elapsed().as_millis() as u64
    }

    /// How often the clock has been read so far.
    pub fn clock_reads(&self) -> u64 {
        self.clock_reads.get()
    }

    /// Records that state changed (for persistence and dump consistency).
    pub fn changed(&mut self, ns: NsId) {
        self.generation += 1;
        self.namespaces[ns].seq += 1;
    }

    /// Re-files `ifindex` in the timer index after its addresses changed.
    pub fn reschedule(&mut self, ns: NsId, ifindex: u32) {
        let deadline = self
            .namespaces
            .get(ns)
            .and_then(|n| n.link(ifindex))
            .and_then(Link::next_deadline_ms);
        self.timers.set(ns, ifindex, deadline);
    }

    /// Rebuilds the indexes that are not serialized.
    pub fn after_load(&mut self) {
        self.timers.clear();
        for ns in &mut self.namespaces {
            let links: Vec<Link> = std::mem::take(&mut ns.links).into_values().collect();
            ns.names.clear();
            ns.uppers.clear();
            for mut link in links {
                // State saved before IF_READY was kept: a link up with carrier at the IPv6
                // MTU had been seen ready (IF_READY is only cleared with those).
                link.inet6_ready |= link.is_up() && link.carrier && link.mtu >= addr::IPV6_MIN_MTU;
                // State saved before the IPv6 device's cacheinfo was kept.
                if link.reachable_time_ms == 0 {
                    link.reachable_time_ms = link::random_reachable_time(&mut self.rng);
                    link.inet6_tstamp_cs = link.created_cs;
                }
                ns.insert(link);
            }
            ns.seq = 1;
        }
        for n in 0..self.namespaces.len() {
            self.settle_loaded_port_states(n);
            // A change link watch still held when the state was saved is applied now.
            let links: Vec<u32> = self.namespaces[n].links.keys().copied().collect();
            for idx in links {
                link::refresh(&mut self.namespaces[n], idx);
            }
        }
        self.port_joins = self
            .namespaces
            .iter()
            .flat_map(|ns| ns.links.values())
            .map(|l| l.brport.joined)
            .max()
            .unwrap_or(0);
        let links: Vec<(NsId, u32)> = self
            .namespaces
            .iter()
            .enumerate()
            .flat_map(|(n, ns)| ns.links.keys().map(move |&i| (n, i)))
            .collect();
        for (n, i) in links {
            self.reschedule(n, i);
        }
    }
}

impl Namespace {
    pub fn link(&self, ifindex: u32) -> Option<&Link> {
        self.links.get(&ifindex)
    }
    pub fn link_mut(&mut self, ifindex: u32) -> Option<&mut Link> {
        self.links.get_mut(&ifindex)
    }
    /// Looks a link up by name or alternative name.
    pub fn by_name(&self, name: &[u8]) -> Option<&Link> {
        let name = std::str::from_utf8(name).ok()?;
        let idx = self.names.get(name)?;
        self.links.get(idx)
    }
    pub fn name_taken(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }
    pub fn insert(&mut self, link: Link) {
        for target in [link.link, link.master].into_iter().flatten() {
            self.uppers.entry(target).or_default().insert(link.ifindex);
        }
        self.names.insert(link.name.clone(), link.ifindex);
        for alt in &link.altnames {
            self.names.insert(alt.clone(), link.ifindex);
        }
        self.links.insert(link.ifindex, link);
    }
    pub fn remove(&mut self, ifindex: u32) -> Option<Link> {
        let link = self.links.remove(&ifindex)?;
        for target in [link.link, link.master].into_iter().flatten() {
            self.unlink_upper(target, ifindex);
        }
        self.names.remove(&link.name);
        for alt in &link.altnames {
            self.names.remove(alt);
        }
        Some(link)
    }
    fn unlink_upper(&mut self, target: u32, upper: u32) {
        if let Some(set) = self.uppers.get_mut(&target) {
            set.remove(&upper);
            if set.is_empty() {
                self.uppers.remove(&target);
            }
        }
    }

    /// Sets a link's IFLA_MASTER, keeping the index of uppers.
    pub fn set_master(&mut self, ifindex: u32, master: Option<u32>) {
        let Some(old) = self.links.get(&ifindex).map(|l| l.master) else {
            return;
        };
        self.retarget(ifindex, old, master);
        if let Some(l) = self.links.get_mut(&ifindex) {
            l.master = master;
        }
    }

    /// Sets a link's IFLA_LINK (peer or lower device), keeping the index of uppers.
    pub fn set_lower(&mut self, ifindex: u32, lower: Option<u32>) {
        let Some(old) = self.links.get(&ifindex).map(|l| l.link) else {
            return;
        };
        self.retarget(ifindex, old, lower);
        if let Some(l) = self.links.get_mut(&ifindex) {
            l.link = lower;
        }
    }

    fn retarget(&mut self, ifindex: u32, old: Option<u32>, new: Option<u32>) {
        let other = self
            .links
            .get(&ifindex)
            .map(|l| (l.link, l.master))
            .unwrap_or_default();
        if let Some(o) = old {
            // Keep the entry when the other relation still points at the same link.
            if other.0 != Some(o) || other.1 != Some(o) {
                self.unlink_upper(o, ifindex);
            }
        }
        if let Some(n) = new {
            self.uppers.entry(n).or_default().insert(ifindex);
        }
    }

    /// Links pointing at `ifindex` through IFLA_LINK or IFLA_MASTER, in ifindex order.
    pub fn uppers(&self, ifindex: u32) -> impl Iterator<Item = &Link> + '_ {
        self.uppers
            .get(&ifindex)
            .into_iter()
            .flatten()
            .filter_map(|i| self.links.get(i))
    }

    /// The ports of a bridge in the order Linux walks them: newest first.
    pub fn ports_newest_first(&self, bridge: u32) -> Vec<u32> {
        let mut ports: Vec<(u64, u32)> = self
            .ports(bridge)
            .map(|p| (p.brport.joined, p.ifindex))
            .collect();
        ports.sort_unstable_by(|a, b| b.cmp(a));
        ports.into_iter().map(|(_, i)| i).collect()
    }

    /// The ports of a bridge.
    pub fn ports(&self, bridge: u32) -> impl Iterator<Item = &Link> + '_ {
        self.uppers(bridge)
            .filter(move |l| l.master == Some(bridge))
    }

    /// The links whose IFLA_LINK is `ifindex` (its veth peer, devices stacked on it).
    pub fn stacked_on(&self, ifindex: u32) -> impl Iterator<Item = &Link> + '_ {
        self.uppers(ifindex)
            .filter(move |l| l.link == Some(ifindex) && l.ifindex != ifindex)
    }

    pub fn rename(&mut self, ifindex: u32, new: String) {
        if let Some(link) = self.links.get_mut(&ifindex) {
            self.names.remove(&link.name);
            self.names.insert(new.clone(), ifindex);
            link.name = new;
        }
    }
    pub fn add_altname(&mut self, ifindex: u32, name: String) {
        if let Some(link) = self.links.get_mut(&ifindex) {
            self.names.insert(name.clone(), ifindex);
            link.altnames.push(name);
        }
    }
    pub fn del_altname(&mut self, ifindex: u32, name: &str) {
        if let Some(link) = self.links.get_mut(&ifindex) {
            link.altnames.retain(|n| n != name);
            self.names.remove(name);
        }
    }
    /// Ifindex allocation as Linux's dev_index_reserve: the next free index after the last one
    /// handed out, wrapping.
    pub fn alloc_ifindex(&mut self) -> u32 {
        loop {
            let idx = self.next_ifindex;
            self.next_ifindex = if idx >= i32::MAX as u32 { 1 } else { idx + 1 };
            if !self.links.contains_key(&idx) {
                return idx;
            }
        }
    }
}

/// A small xorshift generator for MAC addresses: no cryptographic need, and seedable so tests
/// are repeatable.
#[derive(Clone, Debug, Default)]
pub struct Rng(u64);

impl Rng {
    pub fn from_entropy() -> Rng {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        Rng((t ^ (std::process::id() as u64).rotate_left(32)) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    /// A random unicast, locally administered Ethernet address (eth_random_addr).
    pub fn ether_addr(&mut self) -> [u8; 6] {
        let v = self.next_u64().to_ne_bytes();
        let mut mac = [v[0], v[1], v[2], v[3], v[4], v[5]];
        mac[0] &= 0xfe;
        mac[0] |= 0x02;
        mac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The uppers index must always agree with the links' IFLA_LINK / IFLA_MASTER fields.
    fn index_is_consistent(ns: &Namespace) {
        for link in ns.links.values() {
            let ports: Vec<u32> = ns.ports(link.ifindex).map(|l| l.ifindex).collect();
            let scanned: Vec<u32> = ns
                .links
                .values()
                .filter(|l| l.master == Some(link.ifindex))
                .map(|l| l.ifindex)
                .collect();
            assert_eq!(ports, scanned, "ports of {}", link.ifindex);
            let stacked: Vec<u32> = ns.stacked_on(link.ifindex).map(|l| l.ifindex).collect();
            let scanned: Vec<u32> = ns
                .links
                .values()
                .filter(|l| l.link == Some(link.ifindex) && l.ifindex != link.ifindex)
                .map(|l| l.ifindex)
                .collect();
            assert_eq!(stacked, scanned, "stacked on {}", link.ifindex);
        }
    }

    #[test]
    fn uppers_index_follows_master_and_lower_changes() {
        let mut stack = Stack::new();
        let mut ev = Vec::new();
        let br = stack.register(
            0,
            "br0".into(),
            Kind::Bridge(Box::default()),
            None,
            0,
            &mut ev,
        );
        let a = stack.register(0, "a".into(), Kind::Veth, None, 0, &mut ev);
        let b = stack.register(0, "b".into(), Kind::Veth, Some(a), 0, &mut ev);
        stack.ns_mut(0).set_lower(a, Some(b));
        stack.ns_mut(0).set_master(a, Some(br));
        index_is_consistent(stack.ns(0));
        stack.ns_mut(0).set_master(a, None);
        index_is_consistent(stack.ns(0));
        stack.ns_mut(0).set_master(b, Some(br));
        stack.delete_link(0, br, &mut ev).expect("delete bridge");
        index_is_consistent(stack.ns(0));
        stack.delete_link(0, a, &mut ev).expect("delete veth");
        index_is_consistent(stack.ns(0));
        assert_eq!(stack.ns(0).links.len(), 1);
    }
}
