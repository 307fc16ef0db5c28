//! Creating, changing and deleting links (net/core/dev.c and rtnetlink.c's do_setlink
//! order), with the carrier / operstate / address consequences for every link affected.

use super::addr::{IPV4_MIN_MTU, IPV6_MIN_MTU, Inet6Event};
use super::kinds::Kind;
use super::link::{GsoLimits, operstate_transition, refresh};
use super::stp::{self, PortEvent};
use super::{Error, Event, Link, Namespace, NetConf, NsId, Result, Stack};
use crate::wire::consts::*;

/// The MTU of a bridge without ports (ETH_DATA_LEN).
const ETH_DATA_LEN: u32 = 1500;

/// Changes requested for a link, in the order do_setlink applies them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LinkChanges {
    pub address: Option<Vec<u8>>,
    pub mtu: Option<u32>,
    pub group: Option<u32>,
    pub name: Option<String>,
    /// Some("") removes the alias.
    pub alias: Option<String>,
    pub broadcast: Option<Vec<u8>>,
    /// (ifi_flags, ifi_change).
    pub flags: Option<(u32, u32)>,
    /// Some(0) detaches from the master.
    pub master: Option<u32>,
    pub txqlen: Option<u32>,
    pub operstate: Option<u8>,
    pub linkmode: Option<u8>,
    pub proto_down: Option<bool>,
    pub addr_gen_mode: Option<u8>,
    /// IFLA_INET6_TOKEN (inet6_set_iftoken keeps its low 64 bits).
    pub inet6_token: Option<[u8; 16]>,
    /// IPv4 device settings (id, value) of an AF_INET entry of IFLA_AF_SPEC (Some even
    /// when it sets none: the entry alone makes do_setlink announce a running device).
    pub inet_conf: Option<Vec<(u8, u32)>>,
    /// IFLA_GSO_MAX_SIZE, IFLA_GSO_MAX_SEGS, IFLA_GRO_MAX_SIZE, IFLA_GSO_IPV4_MAX_SIZE and
    /// IFLA_GRO_IPV4_MAX_SIZE, in that order.
    pub gso: [Option<u32>; 5],
    pub num_tx_queues: Option<u32>,
    pub num_rx_queues: Option<u32>,
    /// IFLA_CARRIER: only kinds with ndo_change_carrier (dummy) accept it.
    pub carrier: Option<bool>,
    /// IFLA_NET_NS_PID / IFLA_NET_NS_FD: moving to another namespace.
    pub netns: bool,
    /// Kind or bridge port data changed with the request (DO_SETLINK_NOTIFY): an up link is
    /// announced even if nothing else changed.
    pub notify: bool,
}

/// The flags user space may change (dev_change_flags' mask).
const CHANGEABLE_FLAGS: u32 = IFF_UP
    | IFF_DEBUG
    | IFF_NOTRAILERS
    | IFF_NOARP
    | IFF_DYNAMIC
    | IFF_MULTICAST
    | IFF_PORTSEL
    | IFF_AUTOMEDIA
    | IFF_PROMISC
    | IFF_ALLMULTI;

/// dev_valid_name: not empty, shorter than IFNAMSIZ, not "." or "..", no '/', ':' or space.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() < 16
        && name != "."
        && name != ".."
        && !name
            .bytes()
            .any(|b| b == b'/' || b == b':' || b.is_ascii_whitespace())
}

impl Stack {
    /// The first free name `prefix` N `suffix`, for a pattern like "veth%d"
    /// (__dev_alloc_name).
    pub fn alloc_name(&self, ns: NsId, prefix: &str, suffix: &str) -> Result<String> {
        let ns = self.ns(ns);
        (0..32768)
            .map(|i| format!("{prefix}{i}{suffix}"))
            .find(|n| !ns.name_taken(n))
            .filter(|n| n.len() < 16)
            .ok_or(Error::errno(libc::ENFILE))
    }

    /// Registers a new link; `name` is final (already checked free and valid).
    pub fn register(
        &mut self,
        ns: NsId,
        name: String,
        kind: Kind,
        lower: Option<u32>,
        requested_index: u32,
        events: &mut Vec<Event>,
    ) -> u32 {
        let now = self.now_cs();
        // An explicit index (checked free by the caller) does not move the allocator's hint,
        // as dev_index_reserve.
        let ifindex = if requested_index > 0 {
            requested_index
        } else {
            self.ns_mut(ns).alloc_ifindex()
        };
        let mut link = Link::new(ifindex, name, kind, self.rng());
        link.created_cs = now;
        link.inet6_tstamp_cs = now;
        link.link = lower;
        if let Some(lower) = lower.and_then(|l| self.ns(ns).link(l))
            && !matches!(link.kind, Kind::Veth)
        {
            // Stacked devices inherit the lower device's MTU (macvlan, vlan), a vxlan what
            // encapsulation leaves of it; a vlan also takes its lower device's MAC
            // (vlan_dev_init).
            link.mtu = match &link.kind {
                Kind::Vxlan(c) => c.max_mtu(lower.mtu),
                _ => lower.mtu,
            };
            // A passthru macvlan takes it too (eth_hw_addr_inherit).
            let inherits = match &link.kind {
                Kind::Vlan(_) => true,
                Kind::Macvlan(c) => c.mode == MACVLAN_MODE_PASSTHRU,
                _ => false,
            };
            if inherits {
                link.address = lower.address.clone();
            }
            if let Kind::Macvlan(c) = &mut link.kind
                && c.mode == MACVLAN_MODE_PASSTHRU
            {
                c.perm_addr = lower.address.clone();
            }
        }
        let stacked = lower.is_some() && !matches!(link.kind, Kind::Veth);
        self.ns_mut(ns).insert(link);
        refresh(self.ns_mut(ns), ifindex);
        // NETDEV_REGISTER: devinet and addrconf make the device's IPv4 and (at an MTU of
        // 1280 or more) IPv6 devices, each announced.
        for family in [AF_INET, AF_INET6] {
            events.extend(self.netconf_event(ns, ifindex, family, true));
        }
        // netdev_upper_dev_link raises NETDEV_CHANGEUPPER on the lower device, announced
        // before the new device's first announcement (held until it is configured).
        if stacked {
            self.announce_lower(ns, lower, events);
        }
        if let Some(l) = self.ns(ns).link(ifindex) {
            events.push(Event::NewLink(Box::new(l.clone()), u32::MAX));
        }
        self.changed(ns);
        ifindex
    }

    /// Checks the changes that can fail before any is applied, so a rejected request changes
    /// nothing (do_setlink's validate_linkmsg and friends).
    pub fn validate_changes(&self, ns: NsId, ifindex: u32, ch: &LinkChanges) -> Result<()> {
        let nsr = self.ns(ns);
        let link = nsr.link(ifindex).ok_or(Error::errno(libc::ENODEV))?;
        if let Some(addr) = &ch.address {
            if addr.len() < link.address.len() {
                return Err(Error::errno(libc::EINVAL));
            }
            if link.kind.ops().arphrd() == ARPHRD_ETHER {
                let mac = &addr[..6];
                if mac[0] & 1 != 0 || mac.iter().all(|&b| b == 0) {
                    return Err(Error::errno(libc::EADDRNOTAVAIL));
                }
            }
        }
        if let Some(b) = &ch.broadcast
            && b.len() < link.broadcast.len()
        {
            return Err(Error::errno(libc::EINVAL));
        }
        check_gso(link, &ch.gso, nsr)?;
        if let Some(mtu) = ch.mtu {
            check_mtu(link, mtu, nsr)?;
        }
        if let Some(name) = &ch.name
            && name != &link.name
        {
            if !valid_name(name) {
                return Err(Error::errno(libc::EINVAL));
            }
            if nsr.name_taken(name) {
                return Err(Error::errno(libc::EEXIST));
            }
        }
        if let Some(e) = ch
            .master
            .filter(|&m| m != 0)
            .and_then(|m| self.master_error(ns, ifindex, m))
        {
            return Err(e);
        }
        if ch.netns {
            // No process owns an emulated namespace, so a target pid never exists.
            return Err(Error::errno(libc::ESRCH));
        }
        if ch.carrier.is_some() && !link.kind.ops().can_change_carrier() {
            return Err(Error::errno(libc::EOPNOTSUPP));
        }
        // inet6_validate_link_af: without an IPv6 device (MTU below 1280) there is nothing
        // to configure.
        if (ch.addr_gen_mode.is_some() || ch.inet6_token.is_some()) && !link.has_inet6() {
            return Err(Error::errno(libc::EAFNOSUPPORT));
        }
        // inet_validate_link_af: nor without an IPv4 device (MTU below 68).
        if ch.inet_conf.is_some() && link.inet4_off {
            return Err(Error::errno(libc::EAFNOSUPPORT));
        }
        // inet6_set_iftoken: only a device that does neighbour discovery and solicits
        // routers takes a token.
        if ch.inet6_token.is_some() {
            if link.flags & IFF_LOOPBACK != 0 {
                return Err(Error::new(libc::EINVAL, "ipv6: Device is loopback"));
            }
            if link.flags & IFF_NOARP != 0 {
                return Err(Error::new(
                    libc::EINVAL,
                    "ipv6: Device does not do neighbour discovery",
                ));
            }
        }
        if ch.proto_down.is_some() && !link.kind.ops().can_proto_down() {
            return Err(Error::new(
                libc::EOPNOTSUPP,
                "Protodown not supported by device",
            ));
        }
        if let Some(master) = ch.master.filter(|&m| m != 0)
            && link.master != Some(master)
            && nsr
                .stacked_on(ifindex)
                .any(|l| matches!(l.kind, Kind::Macvlan(_)))
        {
            // The macvlan port already holds the device's rx handler.
            return Err(Error::errno(libc::EBUSY));
        }
        if let Some((flags, change)) = ch.flags {
            let up = combine_flags(link.flags, flags, change) & IFF_UP != 0;
            if up
                && !link.is_up()
                && let Kind::Vlan(_) = link.kind
            {
                let lower_up = link
                    .link
                    .and_then(|l| nsr.link(l))
                    .is_some_and(|l| l.is_up());
                if !lower_up {
                    return Err(Error::errno(libc::ENETDOWN));
                }
            }
        }
        Ok(())
    }

    /// For a change that fails validation: the steps do_setlink would have applied before
    /// the failing one, and that one's error. None when validate_linkmsg (or the namespace
    /// move, do_setlink's first step) refuses it: lengths of the addresses, GSO and GRO
    /// limits, an address family the device lacks.
    fn steps_before_failure(
        &self,
        ns: NsId,
        ifindex: u32,
        ch: &LinkChanges,
    ) -> Option<(LinkChanges, Error)> {
        let nsr = self.ns(ns);
        let link = nsr.link(ifindex)?;
        let short = |given: &Option<Vec<u8>>, has: &[u8]| {
            given.as_ref().is_some_and(|a| a.len() < has.len())
        };
        let up_front = ch.netns
            || short(&ch.address, &link.address)
            || short(&ch.broadcast, &link.broadcast)
            || check_gso(link, &ch.gso, nsr).is_err()
            || ((ch.addr_gen_mode.is_some() || ch.inet6_token.is_some()) && !link.has_inet6())
            || (ch.inet_conf.is_some() && link.inet4_off);
        if up_front {
            return None;
        }
        type Step = fn(&LinkChanges, &mut LinkChanges);
        const STEPS: [Step; 15] = [
            |c, k| k.address = c.address.clone(),
            |c, k| k.mtu = c.mtu,
            |c, k| k.group = c.group,
            |c, k| k.name = c.name.clone(),
            |c, k| k.alias = c.alias.clone(),
            |c, k| k.broadcast = c.broadcast.clone(),
            |c, k| k.master = c.master,
            |c, k| k.flags = c.flags,
            |c, k| k.carrier = c.carrier,
            |c, k| k.txqlen = c.txqlen,
            |c, k| k.gso = c.gso,
            |c, k| k.operstate = c.operstate,
            |c, k| k.linkmode = c.linkmode,
            |c, k| {
                k.addr_gen_mode = c.addr_gen_mode;
                k.inet6_token = c.inet6_token;
                k.inet_conf = c.inet_conf.clone();
            },
            |c, k| k.proto_down = c.proto_down,
        ];
        let mut kept = LinkChanges::default();
        for step in STEPS {
            let mut next = kept.clone();
            step(ch, &mut next);
            if let Err(e) = self.validate_changes(ns, ifindex, &next) {
                return Some((kept, e));
            }
            kept = next;
        }
        None
    }

    /// Applies validated changes in do_setlink's order. Emits one RTM_NEWLINK for the link
    /// when anything a listener sees changed, then the consequences for other links.
    pub fn change_link(
        &mut self,
        ns: NsId,
        ifindex: u32,
        ch: &LinkChanges,
        events: &mut Vec<Event>,
    ) -> Result<()> {
        // do_set_master releases the current master before it looks at the new one, so a
        // move to a bad master leaves the port released (and the request failed).
        if let Some(m) = ch.master.filter(|&m| m != 0) {
            let current = self.ns(ns).link(ifindex).and_then(|l| l.master);
            if let Some(old) = current.filter(|&c| c != m)
                && let Some(e) = self.master_error(ns, ifindex, m)
            {
                self.change_master(ns, ifindex, Some(old), None, None, events);
                self.settle(ns, &[ifindex, old], events);
                self.announce_features(ns, old, ifindex, events);
                return Err(e);
            }
        }
        if let Err(e) = self.validate_changes(ns, ifindex, ch) {
            // do_setlink applies its steps one by one: those before the failing one stay,
            // announced, and the failing one's error is the answer (what validate_linkmsg
            // checks first fails before any).
            let Some((kept, failed)) = self.steps_before_failure(ns, ifindex, ch) else {
                return Err(e);
            };
            if kept != LinkChanges::default() {
                self.change_link(ns, ifindex, &kept, events)?;
            }
            return Err(failed);
        }
        // A passthru macvlan's address is its lower device's (macvlan_set_mac_address):
        // the lower device changes first, announced, and the macvlan follows it.
        let passthru_lower = self.passthru_lower(ns, ifindex);
        if let (Some(addr), Some(lower)) = (&ch.address, passthru_lower) {
            let lower_change = LinkChanges {
                address: Some(addr.clone()),
                ..Default::default()
            };
            // (Set through the macvlan, the address to give back stays.)
            let perm_addr = self.passthru_perm_addr(ns, ifindex);
            let result = self.change_link(ns, lower, &lower_change, events);
            if let (
                Some(Link {
                    kind: Kind::Macvlan(c),
                    ..
                }),
                Some(p),
            ) = (self.ns_mut(ns).link_mut(ifindex), perm_addr)
            {
                c.perm_addr = p;
            }
            result?;
        }
        let port_no = ch
            .master
            .filter(|&m| m != 0)
            .map(|m| self.free_port_no(ns, m, ifindex));
        let mut touched = vec![ifindex];
        // The link as the request found it: the last messages are made with it (see
        // `last_messages`).
        let Some(original) = self.ns(ns).link(ifindex).cloned() else {
            return Err(Error::errno(libc::ENODEV));
        };
        let mut changed = false;
        let mut quiet_change = false;
        let mut address_changed = false;
        // The steps before the flags that announce themselves, each as it left the link:
        // a new address and a broadcast address (NETDEV_CHANGEADDR, even unchanged), a new
        // MTU (NETDEV_CHANGEMTU, before addrconf updates the IPv6 MTU, which it has by the
        // next step) and a new name (NETDEV_CHANGENAME).
        let mut steps: Vec<Link> = Vec::new();
        let after_mtu_step = |l: &Link, mtu_changed: bool| {
            let mut l = l.clone();
            if mtu_changed {
                l.mtu6 = None;
            }
            l
        };
        let was_up;
        let had_ipv6_mtu;
        let mtu_changed;
        {
            let nsr = self.ns_mut(ns);
            let Some(link) = nsr.link_mut(ifindex) else {
                return Err(Error::errno(libc::ENODEV));
            };
            was_up = link.is_up();
            had_ipv6_mtu = link.mtu >= IPV6_MIN_MTU;
            if let Some(addr) = &ch.address {
                let n = link.address.len();
                // br_set_mac_address changes the bridge id for another address only.
                if let Kind::Bridge(c) = &mut link.kind
                    && link.address[..] != addr[..n]
                {
                    c.state_selected = true;
                }
                // dev_set_mac_address raises NETDEV_CHANGEADDR even for the address the
                // device has (announced, and heard by its bridge).
                link.address = addr[..n].to_vec();
                changed = true;
                address_changed = true;
                link.address_set = true;
                steps.push(link.clone());
            }
            mtu_changed = ch.mtu.is_some_and(|m| m != link.mtu);
            if let Some(mtu) = ch.mtu
                && link.mtu != mtu
            {
                link.mtu6 = Some(link.mtu6.unwrap_or(link.mtu));
            }
            if let Some(mtu) = ch.mtu
                && link.mtu != mtu
            {
                link.mtu = mtu;
                if let Kind::Bridge(c) = &mut link.kind {
                    c.mtu_set_by_user = true;
                }
                changed = true;
                steps.push(link.clone());
            }
            // dev_set_group announces nothing itself: see `state_notify`.
            if let Some(group) = ch.group
                && link.group != group
            {
                link.group = group;
                quiet_change = true;
            }
        }
        let mut relabeled = Vec::new();
        if let Some(name) = &ch.name {
            let same = self.ns(ns).link(ifindex).is_some_and(|l| &l.name == name);
            if !same {
                self.ns_mut(ns).rename(ifindex, name.clone());
                if let Some(link) = self.ns_mut(ns).link_mut(ifindex) {
                    relabeled = link.relabel_ipv4();
                    steps.push(after_mtu_step(link, mtu_changed));
                }
                changed = true;
            }
        }
        // set_operstate starts from the state before the flags change: closing holds the
        // old one until link watch runs, and a link that is down has none to move from.
        let oper_move = ch.operstate.and_then(|want| {
            let nsr = self.ns(ns);
            let current = nsr.link(ifindex)?.stored_operstate(nsr);
            let new = operstate_transition(current, want).filter(|&new| new != current)?;
            Some((current, new))
        });
        let nsr = self.ns_mut(ns);
        let Some(link) = nsr.link_mut(ifindex) else {
            return Err(Error::errno(libc::ENODEV));
        };
        // DO_SETLINK_NOTIFY: kind or port data, an alias or a group (even unchanged), a
        // new link mode end in netdev_state_change, which announces only a running device.
        let state_notify = ch.notify
            || ch.inet6_token.is_some()
            || ch.inet_conf.is_some()
            || ch.alias.is_some()
            || ch.group.is_some()
            || ch.linkmode.is_some_and(|m| m != link.linkmode);
        if state_notify && link.is_up() {
            changed = true;
        }
        if let Some(alias) = &ch.alias {
            let new = (!alias.is_empty()).then(|| alias.clone());
            // An alias change is stored but not announced (dev_set_alias has no notifier).
            if link.alias != new {
                link.alias = new;
                quiet_change = true;
            }
        }
        if let Some(b) = &ch.broadcast {
            let n = link.broadcast.len();
            link.broadcast = b[..n].to_vec();
            changed = true;
            steps.push(after_mtu_step(link, mtu_changed));
        }
        let mut flag_change = 0;
        if let Some((flags, change)) = ch.flags {
            let new = combine_flags(link.flags, flags, change);
            flag_change = new ^ link.flags;
            // User-set PROMISC / ALLMULTI count as one reference each (__dev_change_flags).
            let step = |on: bool, counter: &mut u32| {
                *counter = if on {
                    *counter + 1
                } else {
                    counter.saturating_sub(1)
                };
            };
            if flag_change & IFF_PROMISC != 0 {
                step(new & IFF_PROMISC != 0, &mut link.promiscuity);
            }
            if flag_change & IFF_ALLMULTI != 0 {
                step(new & IFF_ALLMULTI != 0, &mut link.allmulti);
            }
            if new != link.flags {
                link.flags = new;
                if new & IFF_UP != 0 {
                    link.qdisc_attached = true;
                }
                changed = true;
            }
        }
        if ch.gso.iter().any(Option::is_some) {
            link.gso = Some(Box::new(set_gso(link.gso.as_deref(), &ch.gso)));
        }
        if let Some(txqlen) = ch.txqlen
            && link.txqlen != txqlen
        {
            link.txqlen = txqlen;
            changed = true;
        }
        // set_operstate, after the queue length and GSO limits: netdev_state_change
        // announces a running device. The messages before it show the state it moved from
        // (for a link this request opened, the stored one, not the DOWN of before).
        let mut oper_before = None;
        if let Some((current, new)) = oper_move {
            link.oper_set = Some(new);
            if link.is_up() {
                let opened = flag_change & IFF_UP != 0;
                oper_before = Some(if opened { current } else { link.operstate });
                changed = true;
            } else {
                quiet_change = true;
            }
        }
        if let Some(mode) = ch.linkmode
            && link.linkmode != mode
        {
            link.linkmode = mode;
            quiet_change = true;
        }
        if let Some(c) = ch.carrier {
            link.forced_carrier = Some(c);
        }
        if let Some(pd) = ch.proto_down
            && link.proto_down != pd
        {
            link.proto_down = pd;
            changed = true;
        }
        if let Some(token) = &ch.inet6_token {
            link.inet6_token.copy_from_slice(&token[8..]);
            // A ready device with a usable link-local address solicits routers at once;
            // either way addrconf announces the device (inet6_ifinfo_notify).
            let link_local = link.addrs6.iter().any(|a| {
                a.scope == RT_SCOPE_LINK && a.flags & (IFA_F_TENTATIVE | IFA_F_OPTIMISTIC) == 0
            });
            if token[8..].iter().any(|&b| b != 0) && link.inet6_ready && link_local {
                link.inet6_rs_sent = true;
            }
            events.push(Event::Inet6Info(Box::new(link.clone())));
            quiet_change = true;
        }
        if let Some(mode) = ch.addr_gen_mode {
            link.addr_gen_mode = mode;
        }
        if let Some(settings) = ch.inet_conf.as_ref().filter(|c| !c.is_empty()) {
            // ipv4_devconf_set: the value as given, no side effects, no RTM_NEWNETCONF.
            let mut conf = link.inet_conf();
            for &(id, value) in settings {
                if let Some(c) = conf.get_mut(usize::from(id).wrapping_sub(1)) {
                    *c = value;
                }
            }
            link.inet_conf = Some(Box::new(conf));
        }
        let old_master = link.master;
        let had_carrier = link.carrier;
        let is_bridge = link.kind.is_bridge();
        let now_up = link.is_up();
        let new_master = ch
            .master
            .map(|m| (m != 0).then_some(m))
            .filter(|&new| new != old_master);
        // The steps before the flags announce themselves before opening or closing does
        // anything.
        let stepped_before_flags = !steps.is_empty();
        events.extend(steps.into_iter().map(|l| Event::NewLink(Box::new(l), 0)));
        // A bridge enables its running ports as it opens and disables them as it stops
        // (ndo_open / ndo_stop), before the change is announced.
        if is_bridge && flag_change & IFF_UP != 0 {
            if now_up {
                self.stp_enable_bridge(ns, ifindex, events);
            } else {
                self.stp_disable_bridge(ns, ifindex, events);
            }
        }
        // A passthru macvlan makes its lower device promiscuous while it runs
        // (macvlan_open / macvlan_stop), announced before itself.
        if flag_change & IFF_UP != 0 {
            self.passthru_promiscuity(ns, ifindex, now_up, true, events);
        }
        self.sync_rx_modes(ns, ifindex);
        refresh(self.ns_mut(ns), ifindex);
        if changed {
            self.changed(ns);
            // netdev_state_change raises NETDEV_CHANGE before rtnetlink's announcement; the
            // bridge answers it for a running port.
            let oper_notify = oper_before.is_some();
            if (state_notify || oper_notify) && self.ns(ns).link(ifindex).is_some_and(Link::is_up) {
                self.bridge_port_event(ns, ifindex, PortEvent::Change, events);
            }
            let nsr = self.ns(ns);
            // What the port's bridge hears after the announcement (NETDEV_UP/DOWN), and
            // whether link watch runs after that (NETDEV_CHANGE, then its announcement).
            let mut port_event = None;
            let mut link_watch = false;
            if let Some(l) = nsr.link(ifindex) {
                let up_down = match l.is_up() {
                    true => PortEvent::Up {
                        oper_up: stp::runs(l),
                    },
                    false => PortEvent::Down,
                };
                let announced =
                    if flag_change & IFF_UP != 0 && l.is_up() && l.carrier && !had_carrier {
                        // The carrier came on while opening (a veth whose peer is up): link
                        // watch, which moves the operational state, runs only after the
                        // open is announced, so that announcement still shows the old state.
                        let mut before_link_watch = l.clone();
                        before_link_watch.operstate = l.operstate_with(false, nsr);
                        link_watch = true;
                        before_link_watch
                    } else {
                        port_event = (flag_change & IFF_UP != 0).then_some(up_down);
                        l.clone()
                    };
                let state_message = state_notify && l.is_up();
                events.extend(
                    last_messages(
                        &original,
                        announced,
                        ch,
                        flag_change,
                        stepped_before_flags,
                        oper_before,
                        state_message,
                    )
                    .into_iter()
                    .map(|(l, change)| Event::NewLink(Box::new(l), change)),
                );
            }
            // dev_open ends with dev_activate and dev_close with dev_deactivate, before the
            // link watch work can run: it judges urgency by the queue they leave. A device
            // that lost carrier as it closed (a bridge) still has its link watch run.
            if flag_change & IFF_UP != 0 {
                if now_up {
                    self.link_watch_opened(ns, ifindex);
                } else {
                    self.link_watch_closed(ns, ifindex);
                    let lost = self.ns(ns).link(ifindex).is_some_and(|l| !l.carrier);
                    if had_carrier && lost {
                        self.link_watch_fire(ns, ifindex, IF_OPER_DOWN);
                    }
                }
            }
            if link_watch {
                // Until link watch runs, the port's bridge sees the old operational state.
                let settled = self.ns(ns).link(ifindex).map(|l| l.operstate);
                let before = self
                    .ns(ns)
                    .link(ifindex)
                    .map_or(IF_OPER_DOWN, |l| l.operstate_with(false, self.ns(ns)));
                if let Some(l) = self.ns_mut(ns).link_mut(ifindex) {
                    l.operstate = before;
                }
                self.bridge_port_event(ns, ifindex, PortEvent::Up { oper_up: false }, events);
                if let Some(l) = self.ns_mut(ns).link_mut(ifindex) {
                    l.operstate = settled.unwrap_or(l.operstate);
                }
                self.link_watch_fire(ns, ifindex, before);
            } else if let Some(event) = port_event {
                self.bridge_port_event(ns, ifindex, event, events);
            }
            // __dev_notify_flags: a flag other than up, promiscuity and allmulti changed on
            // a running device raises NETDEV_CHANGE (its bridge announces the port).
            let quiet_flags = IFF_UP | IFF_PROMISC | IFF_ALLMULTI;
            if now_up && flag_change & !quiet_flags != 0 {
                self.bridge_port_event(ns, ifindex, PortEvent::Change, events);
            }

            // NETDEV_CHANGEMTU reaches devinet after the announcement: below 68 bytes the
            // device loses IPv4 (inetdev_destroy marks it dead first, so each address goes
            // alone, in list order), at 68 or more it has IPv4 again, empty.
            let mut inet4_moved = None;
            if mtu_changed && let Some(l) = self.ns_mut(ns).link_mut(ifindex) {
                let off = l.mtu < IPV4_MIN_MTU;
                if off && !l.inet4_off {
                    let gone = std::mem::take(&mut l.addrs4);
                    events.extend(gone.into_iter().map(|a| Event::DelAddr(Box::new(a))));
                    // The IPv4 device made anew later starts from the namespace's defaults
                    // (what loopback set as it registered is not set again).
                    l.inet_conf = Some(Box::new(super::link::INET_CONF_DEFAULTS));
                }
                if off != l.inet4_off {
                    inet4_moved = Some(!off);
                }
                l.inet4_off = off;
            }
            // (inetdev_destroy unregisters the IPv4 device after its addresses went.)
            if let Some(made) = inet4_moved {
                events.extend(self.netconf_event(ns, ifindex, AF_INET, made));
            }
            // It reaches addrconf next; below the IPv6 minimum MTU the device loses its IPv6
            // addresses (addrconf_ifdown).
            let mut low_mtu = false;
            let mut loopback_link = false;
            if let Some(l) = self.ns_mut(ns).link_mut(ifindex) {
                l.mtu6 = None;
                low_mtu = l.mtu < IPV6_MIN_MTU;
                loopback_link = l.flags & IFF_LOOPBACK != 0;
            }
            if low_mtu {
                self.addrconf(ns, ifindex, Inet6Event::Down, events);
                // addrconf_ifdown unregisters the IPv6 device last (loopback keeps it).
                if mtu_changed && had_ipv6_mtu && !loopback_link {
                    events.extend(self.netconf_event(ns, ifindex, AF_INET6, false));
                }
            }
            self.reschedule(ns, ifindex);
            // NETDEV_CHANGENAME reaches devinet after rtnetlink announced the link.
            events.extend(relabeled.into_iter().map(|a| Event::NewAddr(Box::new(a))));
        } else if quiet_change {
            self.changed(ns);
        }
        // NETDEV_CHANGEMTU of a port reaches its bridge after rtnetlink announced the port.
        if mtu_changed && let Some(br) = old_master.filter(|_| new_master.is_none()) {
            self.bridge_mtu_auto_adjust(ns, br, events);
        }
        // It reaches macvlans and vlans on the link too: those above the new MTU come down
        // to it (dev_set_mtu, each announced).
        if mtu_changed {
            self.stacked_follow_mtu(ns, ifindex, events);
        }
        let mut released = None;
        if let Some(new) = new_master {
            if let (Some(old), Some(_)) = (old_master, new) {
                // A move: do_set_master lets the old bridge's br_del_if run to its end
                // (MTU, MAC, features) before the new bridge takes the port.
                self.change_master(ns, ifindex, Some(old), None, None, events);
                self.bridge_mtu_auto_adjust(ns, old, events);
                self.update_gso_limit(ns, old);
                self.settle(ns, &[old], events);
                self.announce_features(ns, old, ifindex, events);
                self.change_master(ns, ifindex, None, new, port_no, events);
            } else {
                released = self.change_master(ns, ifindex, old_master, new, port_no, events);
                touched.extend(old_master);
                // br_del_if adjusts the MTU of the bridge left before its address and
                // features.
                if let Some(br) = released {
                    self.bridge_mtu_auto_adjust(ns, br, events);
                }
            }
            touched.extend(new);
        }
        // Links whose state depends on this one: the veth peer, stacked devices, bridges.
        touched.extend(self.dependents(ns, ifindex));
        self.settle(ns, &touched, events);
        // NETDEV_CHANGEADDR reaches the bridge after rtnetlink announced the port; the
        // bridge follows the new MAC (settled above), then announces the port.
        if address_changed {
            self.bridge_port_event(ns, ifindex, PortEvent::ChangeAddr, events);
            // A passthru macvlan on it follows, silently (macvlan_sync_address).
            let address = self.ns(ns).link(ifindex).map(|l| l.address.clone());
            let followers: Vec<u32> = self
                .ns(ns)
                .stacked_on(ifindex)
                .filter(|l| self.passthru_lower(ns, l.ifindex).is_some())
                .map(|l| l.ifindex)
                .collect();
            for f in followers {
                if let (Some(l), Some(a)) = (self.ns_mut(ns).link_mut(f), &address) {
                    l.address = a.clone();
                    // Set on the lower device itself: that is the address to give back.
                    if let Kind::Macvlan(c) = &mut l.kind {
                        c.perm_addr = a.clone();
                    }
                }
            }
        }
        // The bridges recompute their GSO limits once the port set settled; the bridge
        // joined adjusts its MTU last (br_add_if).
        if new_master.is_some() {
            for br in [old_master, new_master.flatten()].into_iter().flatten() {
                self.update_gso_limit(ns, br);
            }
            if let Some(br) = new_master.flatten() {
                self.bridge_mtu_auto_adjust(ns, br, events);
            }
        }
        // The bridge a port left recomputes its features last (br_del_if).
        if let Some(br) = released {
            self.announce_features(ns, br, ifindex, events);
        }
        let (is_up, carrier, ipv6_mtu, loopback) =
            self.ns(ns)
                .link(ifindex)
                .map_or((false, false, false, false), |l| {
                    let loopback = l.flags & IFF_LOOPBACK != 0;
                    (l.is_up(), l.carrier, l.mtu >= IPV6_MIN_MTU, loopback)
                });
        // A link back at the IPv6 MTU gets a new IPv6 device, with the default settings
        // (EUI-64 addresses), ready at once if the link is (ipv6_add_dev), and so
        // configured as at NETDEV_UP. The loopback device kept its IPv6 device when the
        // MTU went down (addrconf_ifdown without unregistering): nothing happens until it
        // next comes up.
        let new_inet6_device = ipv6_mtu && !had_ipv6_mtu && !loopback;
        if new_inet6_device {
            let now = self.now_cs();
            let reachable = super::link::random_reachable_time(self.rng());
            if let Some(l) = self.ns_mut(ns).link_mut(ifindex) {
                l.addr_gen_mode = 0;
                l.inet6_tstamp_cs = now;
                l.reachable_time_ms = reachable;
            }
            events.extend(self.netconf_event(ns, ifindex, AF_INET6, true));
        }
        let inet6 = match (was_up, is_up) {
            (false, true) => Some(Inet6Event::Up),
            (true, false) => Some(Inet6Event::Down),
            (true, true) if carrier && (!had_carrier || new_inet6_device) => {
                Some(Inet6Event::Ready)
            }
            // set_operstate's NETDEV_CHANGE: addrconf configures a link that became ready.
            (true, true) if oper_before.is_some() => Some(Inet6Event::Ready),
            _ => None,
        };
        if let Some(event) = inet6 {
            self.addrconf(ns, ifindex, event, events);
        }
        Ok(())
    }

    /// RTM_NEWNETCONF (`made`, with the settings it has) or RTM_DELNETCONF for the `family`
    /// device of `idx` (devinet_sysctl_register / addrconf_sysctl_register and their
    /// unregister counterparts).
    fn netconf_event(&self, ns: NsId, idx: u32, family: u8, made: bool) -> Option<Event> {
        let conf = match made {
            true => NetConf::of_link(self.ns(ns).link(idx)?, family)?,
            false => NetConf::defaults(family, idx as i32),
        };
        Some(Event::NetConf(Box::new(conf), made))
    }

    /// macvlan_device_event / vlan_device_event on NETDEV_CHANGEMTU of their lower device.
    fn stacked_follow_mtu(&mut self, ns: NsId, lower: u32, events: &mut Vec<Event>) {
        let nsr = self.ns(ns);
        let Some(mtu) = nsr.link(lower).map(|l| l.mtu) else {
            return;
        };
        let above: Vec<u32> = nsr
            .stacked_on(lower)
            .filter(|l| matches!(l.kind, Kind::Macvlan(_) | Kind::Vlan(_)) && l.mtu > mtu)
            .map(|l| l.ifindex)
            .collect();
        for idx in above {
            let ch = LinkChanges {
                mtu: Some(mtu),
                ..Default::default()
            };
            // The lower device's MTU is the upper's limit, so this cannot fail.
            let _ = self.change_link(ns, idx, &ch, events);
        }
    }

    /// br_mtu_auto_adjust: unless the user set it, a bridge's MTU is its smallest port MTU
    /// (1500 without ports), announced like any MTU change, whose IPv6 side follows after.
    fn bridge_mtu_auto_adjust(&mut self, ns: NsId, bridge: u32, events: &mut Vec<Event>) {
        let nsr = self.ns(ns);
        let Some(Link {
            kind: Kind::Bridge(c),
            mtu,
            ..
        }) = nsr.link(bridge)
        else {
            return;
        };
        let target = nsr
            .ports(bridge)
            .map(|p| p.mtu)
            .min()
            .unwrap_or(ETH_DATA_LEN);
        if c.mtu_set_by_user || *mtu == target {
            return;
        }
        let Some(br) = self.ns_mut(ns).link_mut(bridge) else {
            return;
        };
        let old_mtu = br.mtu;
        br.mtu6 = Some(br.mtu6.unwrap_or(br.mtu));
        br.mtu = target;
        events.push(Event::NewLink(Box::new(br.clone()), 0));
        br.mtu6 = None;
        self.changed(ns);
        if target < IPV6_MIN_MTU {
            self.addrconf(ns, bridge, Inet6Event::Down, events);
            if old_mtu >= IPV6_MIN_MTU {
                events.extend(self.netconf_event(ns, bridge, AF_INET6, false));
            }
        }
    }

    fn update_gso_limit(&mut self, ns: NsId, bridge: u32) {
        let limit = super::kinds::gso_limit(bridge, self.ns(ns));
        if let Some(Link {
            kind: Kind::Bridge(c),
            ..
        }) = self.ns_mut(ns).link_mut(bridge)
        {
            c.tso_max = Some(limit);
        }
    }

    /// Why `ifindex` cannot be enslaved to `master` (do_set_master, br_add_if), if it cannot.
    fn master_error(&self, ns: NsId, ifindex: u32, master: u32) -> Option<Error> {
        let nsr = self.ns(ns);
        let link = nsr.link(ifindex)?;
        let Some(m) = nsr.link(master) else {
            return Some(Error::errno(libc::EINVAL));
        };
        // br_add_if takes only Ethernet devices with a valid unicast MAC (a bridge whose
        // last port left has 00:00:00:00:00:00 and fails here).
        let valid_mac = link.address.len() == 6
            && link.address[0] & 1 == 0
            && link.address.iter().any(|&b| b != 0);
        if link.flags & IFF_LOOPBACK != 0 || !valid_mac {
            return Some(Error::errno(libc::EINVAL));
        }
        if !m.kind.is_bridge() {
            return Some(Error::errno(libc::EOPNOTSUPP));
        }
        if link.kind.is_bridge() {
            return Some(Error::new(
                libc::ELOOP,
                "Can not enslave a bridge to a bridge",
            ));
        }
        // __netdev_upper_dev_link: a device stacked on the bridge (a macvlan on it) would
        // make a loop.
        let mut lower = link.link;
        for _ in 0..nsr.links.len() {
            match lower {
                Some(l) if l == master => return Some(Error::errno(libc::EBUSY)),
                Some(l) if l != ifindex => lower = nsr.link(l).and_then(|d| d.link),
                _ => break,
            }
        }
        None
    }

    /// Attaches to or releases from a bridge, announcing each step as br_add_if / br_del_if
    /// do. Returns the bridge a port left, whose feature change is announced last.
    fn change_master(
        &mut self,
        ns: NsId,
        ifindex: u32,
        old: Option<u32>,
        new: Option<u32>,
        port_no: Option<u16>,
        events: &mut Vec<Event>,
    ) -> Option<u32> {
        self.changed(ns);
        let snapshot = |s: &Self, idx: u32| s.ns(ns).link(idx).cloned().map(Box::new);
        if let Some(br) = old {
            // br_del_if drops allmulti and promiscuity, then the AF_BRIDGE view goes.
            if let Some(l) = self.ns_mut(ns).link_mut(ifindex) {
                l.promiscuity = l.promiscuity.saturating_sub(1);
                l.allmulti = l.allmulti.saturating_sub(1);
            }
            // (Still a port: the message has its port data, even if the bridge is going.)
            if let (Some(p), Some(b)) = (snapshot(self, ifindex), snapshot(self, br)) {
                events.push(Event::NewPortLink(p, b, IFF_PROMISC));
            }
            // del_nbp: the port is disabled (announced), then its view goes.
            self.stp_disable_port(ns, ifindex, events);
            if let (Some(p), Some(b)) = (snapshot(self, ifindex), snapshot(self, br)) {
                events.push(Event::BridgePort(p, b, true));
            }
            self.ns_mut(ns).set_master(ifindex, None);
            if let Some(l) = self.ns_mut(ns).link_mut(ifindex) {
                l.port_no = 0;
            }
            if let Some(l) = snapshot(self, ifindex) {
                events.push(Event::NewLink(l, 0));
            }
        }
        if let Some(br) = new {
            // netdev_master_upper_dev_link (allmulti already taken), then promiscuity,
            // the bridge's feature change, and the port's AF_BRIDGE view.
            self.ns_mut(ns).set_master(ifindex, Some(br));
            if let Some(l) = self.ns_mut(ns).link_mut(ifindex) {
                l.allmulti += 1;
                l.port_no = port_no.unwrap_or(0);
                l.brport = Default::default();
            }
            self.port_joins += 1;
            let joined = self.port_joins;
            if let Some(l) = self.ns_mut(ns).link_mut(ifindex) {
                l.brport.joined = joined;
            }
            if let Some(l) = snapshot(self, ifindex) {
                events.push(Event::NewLink(l, 0));
            }
            if let Some(l) = self.ns_mut(ns).link_mut(ifindex) {
                l.promiscuity += 1;
            }
            if let Some(l) = snapshot(self, ifindex) {
                events.push(Event::NewLink(l, IFF_PROMISC));
            }
            self.announce_features(ns, br, ifindex, events);
            // br_add_if enables a running port of a running bridge, then announces it.
            self.bridge_port_joined(ns, ifindex, events);
            if let (Some(p), Some(b)) = (snapshot(self, ifindex), snapshot(self, br)) {
                events.push(Event::BridgePort(p, b, false));
            }
        }
        old
    }

    /// The lowest port number not used on `bridge` (find_portno).
    fn free_port_no(&self, ns: NsId, bridge: u32, joining: u32) -> u16 {
        let used: std::collections::HashSet<u16> = self
            .ns(ns)
            .ports(bridge)
            .filter(|l| l.ifindex != joining)
            .map(|l| l.port_no)
            .collect();
        (1..u16::MAX).find(|n| !used.contains(n)).unwrap_or(0)
    }

    /// Links whose carrier depends on `ifindex`.
    /// In the order Linux touches them: the veth peer (veth_open/close set both carriers),
    /// the devices stacked on it (their notifier), then its bridge.
    pub(super) fn dependents(&self, ns: NsId, ifindex: u32) -> Vec<u32> {
        let nsr = self.ns(ns);
        let (peers, stacked): (Vec<&Link>, Vec<&Link>) = nsr
            .stacked_on(ifindex)
            .partition(|l| matches!(l.kind, Kind::Veth));
        let mut out: Vec<u32> = peers.iter().chain(&stacked).map(|l| l.ifindex).collect();
        if let Some(m) = nsr.link(ifindex).and_then(|l| l.master) {
            out.push(m);
        }
        out
    }

    /// The links whose carrier follows `ifindex`'s at once, before link watch handles it:
    /// its veth peer and its bridge (which looks at port states). Stacked devices follow
    /// when link watch raises NETDEV_CHANGE for it.
    fn direct_dependents(&self, ns: NsId, ifindex: u32) -> Vec<u32> {
        let nsr = self.ns(ns);
        let mut out: Vec<u32> = nsr
            .stacked_on(ifindex)
            .filter(|l| matches!(l.kind, Kind::Veth))
            .map(|l| l.ifindex)
            .collect();
        out.extend(nsr.link(ifindex).and_then(|l| l.master));
        out
    }

    /// Recomputes derived state of `links` (and what depends on them at once); a link whose
    /// carrier or operstate moved is handed to link watch, which announces it and runs
    /// address configuration for it.
    pub(super) fn settle(&mut self, ns: NsId, links: &[u32], events: &mut Vec<Event>) {
        // First in, first out: link watch hears of the links in the order they changed.
        let mut queue: std::collections::VecDeque<u32> = links.iter().copied().collect();
        let mut seen = 0;
        while let Some(idx) = queue.pop_front() {
            seen += 1;
            if seen > 4096 {
                break;
            }
            let old_operstate = self.ns(ns).link(idx).map(|l| l.operstate);
            if refresh(self.ns_mut(ns), idx) {
                self.changed(ns);
                // Link watch announces the change later (only for a running device).
                let old = old_operstate.unwrap_or(IF_OPER_DOWN);
                self.link_watch_fire(ns, idx, old);
                queue.extend(self.direct_dependents(ns, idx));
            }
            // The bridge id (and MAC) is recomputed after the port's carrier check.
            self.bridge_follow_ports(ns, idx, events);
        }
    }

    /// A bridge without a user-set MAC takes the lowest MAC of its ports
    /// (br_stp_recalculate_bridge_id).
    fn bridge_follow_ports(&mut self, ns: NsId, idx: u32, events: &mut Vec<Event>) {
        let nsr = self.ns(ns);
        let Some(br) = nsr.link(idx) else { return };
        if !br.kind.is_bridge() {
            return;
        }
        let lowest = nsr.ports(idx).map(|p| p.address.clone()).min();
        let has_ports = lowest.is_some();
        let had_ports = matches!(&br.kind, Kind::Bridge(c) if c.had_ports);
        // Without ports the bridge id, and so the MAC, falls back to all zeroes.
        let mac = match lowest {
            Some(mac) => mac,
            None if had_ports => vec![0; 6],
            None => br.address.clone(),
        };
        let new_mac = !br.address_set && mac != br.address;
        if let Some(Link {
            kind: Kind::Bridge(c),
            address,
            ..
        }) = self.ns_mut(ns).link_mut(idx)
        {
            c.had_ports |= has_ports;
            if new_mac {
                *address = mac;
            }
        }
        if new_mac {
            self.changed(ns);
            if let Some(l) = self.ns(ns).link(idx) {
                events.push(Event::NewLink(Box::new(l.clone()), 0));
            }
        }
    }

    /// Deletes a link (rtnl_dellink), with its veth peer and the devices stacked on it, in
    /// Linux's three phases: the kinds' dellink (a veth forgets its peer, a bridge releases
    /// its ports); dev_close_many (each up link announced down, RTM_NEWLINK, losing its
    /// IPv6 addresses); then unregistration of each (its addresses, RTM_DELADDR in list
    /// order, its bridge port released, then RTM_DELLINK).
    pub fn delete_link(&mut self, ns: NsId, ifindex: u32, events: &mut Vec<Event>) -> Result<()> {
        let link = self
            .ns(ns)
            .link(ifindex)
            .ok_or(Error::errno(libc::ENODEV))?;
        if matches!(link.kind, Kind::Loopback) {
            return Err(Error::errno(libc::EOPNOTSUPP));
        }
        let mut doomed = vec![ifindex];
        if let Kind::Veth = link.kind {
            doomed.extend(link.link);
        }
        // Devices stacked on them (macvlan, vlan) go while each is unregistered: their
        // NETDEV_UNREGISTER handlers delete them whole, before the lower device's own
        // RTM_DELLINK.
        let nsr = self.ns(ns);
        let stacked: Vec<Vec<u32>> = doomed
            .iter()
            .map(|&d| {
                nsr.stacked_on(d)
                    .filter(|l| !matches!(l.kind, Kind::Veth))
                    .map(|l| l.ifindex)
                    .collect()
            })
            .collect();
        for &idx in &doomed {
            self.dellink(ns, idx, false, events);
        }
        for &idx in &doomed {
            self.close_for_unregister(ns, idx, false, events);
        }
        let mut touched = Vec::new();
        for (&idx, upper) in doomed.iter().zip(&stacked) {
            for &u in upper {
                self.dellink(ns, u, true, events);
                self.close_for_unregister(ns, u, true, events);
                self.unregister(ns, u, true, &mut touched, events);
            }
            let lower_going = self
                .ns(ns)
                .link(idx)
                .and_then(|l| l.link)
                .is_some_and(|l| doomed.contains(&l));
            self.unregister(ns, idx, lower_going, &mut touched, events);
        }
        self.changed(ns);
        touched.retain(|t| self.ns(ns).link(*t).is_some());
        self.settle(ns, &touched, events);
        Ok(())
    }

    /// The last step of unregistering `idx`: its addresses go, its bridge releases it
    /// (the bridge joins `touched`), and RTM_DELLINK.
    fn unregister(
        &mut self,
        ns: NsId,
        idx: u32,
        lower_going: bool,
        touched: &mut Vec<u32>,
        events: &mut Vec<Event>,
    ) {
        // NETDEV_UNREGISTER: devinet, then addrconf, each deletes the addresses and then
        // unregisters its device (announced).
        let (had_inet4, had_inet6) = self
            .ns(ns)
            .link(idx)
            .map_or((false, false), |l| (!l.inet4_off, l.has_inet6()));
        if let Some(l) = self.ns_mut(ns).link_mut(idx) {
            let addrs4 = std::mem::take(&mut l.addrs4);
            events.extend(addrs4.into_iter().map(|a| Event::DelAddr(Box::new(a))));
        }
        if had_inet4 {
            events.extend(self.netconf_event(ns, idx, AF_INET, false));
        }
        if let Some(l) = self.ns_mut(ns).link_mut(idx) {
            let addrs6 = std::mem::take(&mut l.addrs6);
            events.extend(addrs6.into_iter().map(|a| Event::DelAddr(Box::new(a))));
        }
        if had_inet6 {
            events.extend(self.netconf_event(ns, idx, AF_INET6, false));
        }
        let master = self.ns(ns).link(idx).and_then(|l| l.master);
        if let Some(br) = master {
            self.release_dying_port(ns, idx, br, events);
            touched.push(br);
        }
        let Some(mut link) = self.ns_mut(ns).remove(idx) else {
            return;
        };
        self.link_watch_forget(ns, idx, link.link_watch_pending);
        // A passthru macvlan gives its lower device back its own address
        // (macvlan_port_destroy, from ndo_uninit): announced after RTM_DELLINK was built,
        // before it is sent; silently to a lower device going too.
        if let (Kind::Macvlan(c), Some(lower)) = (&link.kind, link.link)
            && c.mode == MACVLAN_MODE_PASSTHRU
            && !c.perm_addr.is_empty()
            && self
                .ns(ns)
                .link(lower)
                .is_some_and(|l| l.address != c.perm_addr)
        {
            if lower_going {
                if let Some(l) = self.ns_mut(ns).link_mut(lower) {
                    l.address = c.perm_addr.clone();
                }
            } else {
                let give_back = LinkChanges {
                    address: Some(c.perm_addr.clone()),
                    ..Default::default()
                };
                if let Err(e) = self.change_link(ns, lower, &give_back, events) {
                    tracing::debug!("passthru lower device {lower} keeps its address: {e:?}");
                }
            }
        }
        // dev_shutdown detaches the qdisc before RTM_DELLINK is built.
        link.qdisc_attached = false;
        events.push(Event::DelLink(Box::new(link)));
        self.reschedule(ns, idx);
    }

    /// The kind's dellink: a veth clears both peer pointers (so neither end reports a peer
    /// from now on), a bridge releases its ports.
    fn dellink(&mut self, ns: NsId, idx: u32, lower_going: bool, events: &mut Vec<Event>) {
        let Some(link) = self.ns(ns).link(idx) else {
            return;
        };
        // A stacked device unlinks from its lower device (netdev_upper_dev_unlink), which
        // is announced unless that one is being unregistered too.
        if !lower_going && link.link.is_some() && !matches!(link.kind, Kind::Veth) {
            let lower = link.link;
            self.announce_lower(ns, lower, events);
        }
        let Some(link) = self.ns(ns).link(idx) else {
            return;
        };
        if let (Kind::Veth, Some(peer)) = (&link.kind, link.link) {
            self.ns_mut(ns).set_lower(idx, None);
            self.ns_mut(ns).set_lower(peer, None);
        }
        // br_dev_delete: each port goes as from br_del_if (del_nbp), newest first.
        for p in self.ns(ns).ports_newest_first(idx) {
            self.change_master(ns, p, Some(idx), None, None, events);
        }
    }

    /// vxlan_changelink's effects, once `conf` is checked (`VxlanConf::changed`): a new
    /// lower device must exist; the device moves to it (the new lower device announced,
    /// then the old), takes its TSO limit and headroom, and comes down to its MTU.
    pub fn change_vxlan(
        &mut self,
        ns: NsId,
        idx: u32,
        mut conf: super::kinds::VxlanConf,
        events: &mut Vec<Event>,
    ) -> Result<()> {
        let Some(link) = self.ns(ns).link(idx) else {
            return Err(Error::errno(libc::ENODEV));
        };
        let old_lower = link.link;
        let lower = match conf.lower.filter(|&l| Some(l) != old_lower) {
            Some(l) => Some(self.ns(ns).link(l).ok_or(Error::new(
                libc::ENODEV,
                "Invalid local interface, device not found",
            ))?),
            None => None,
        };
        if lower.is_some() {
            conf.take_from_lower(lower, self.ns(ns));
        }
        let max_mtu = lower.map(|l| conf.max_mtu(l.mtu));
        let new_lower = lower.map(|l| l.ifindex);
        if let Some(l) = self.ns_mut(ns).link_mut(idx) {
            if let Some(max) = max_mtu {
                l.mtu = l.mtu.min(max);
            }
            l.kind = Kind::Vxlan(Box::new(conf));
        }
        if let Some(new) = new_lower {
            self.ns_mut(ns).set_lower(idx, Some(new));
            // netdev_adjacent_change_prepare/commit: linked to the new, unlinked from the old.
            self.announce_lower(ns, Some(new), events);
            self.announce_lower(ns, old_lower, events);
        }
        self.changed(ns);
        Ok(())
    }

    /// The address a passthru macvlan gives its lower device back when it goes.
    fn passthru_perm_addr(&self, ns: NsId, idx: u32) -> Option<Vec<u8>> {
        match &self.ns(ns).link(idx)?.kind {
            Kind::Macvlan(c) if c.mode == MACVLAN_MODE_PASSTHRU => Some(c.perm_addr.clone()),
            _ => None,
        }
    }

    /// The lower device of a passthru macvlan.
    fn passthru_lower(&self, ns: NsId, idx: u32) -> Option<u32> {
        match self.ns(ns).link(idx) {
            Some(Link {
                kind: Kind::Macvlan(c),
                link: Some(lower),
                ..
            }) if c.mode == MACVLAN_MODE_PASSTHRU => Some(*lower),
            _ => None,
        }
    }

    /// The promiscuity a passthru macvlan (without NOPROMISC) holds on its lower device
    /// while it runs: taken as it opens, given back as it stops.
    fn passthru_promiscuity(
        &mut self,
        ns: NsId,
        idx: u32,
        opening: bool,
        announce: bool,
        events: &mut Vec<Event>,
    ) {
        let Some(lower) = self.passthru_lower(ns, idx) else {
            return;
        };
        let nopromisc = matches!(
            self.ns(ns).link(idx).map(|l| &l.kind),
            Some(Kind::Macvlan(c)) if c.flags & MACVLAN_FLAG_NOPROMISC != 0
        );
        if nopromisc {
            return;
        }
        self.set_promiscuity(ns, lower, if opening { 1 } else { -1 }, announce, events);
    }

    /// __dev_set_rx_mode for a running device without IFF_UNICAST_FLT: promiscuous (one
    /// reference, not announced) while its unicast list holds addresses, which running
    /// macvlans (but passthru ones) and vlans with a MAC of their own put there. A device
    /// that is down keeps its state until it opens.
    fn sync_rx_mode(&mut self, ns: NsId, idx: u32) {
        let nsr = self.ns(ns);
        let Some(l) = nsr.link(idx) else {
            return;
        };
        if !l.is_up() || l.kind.ops().unicast_filter() {
            return;
        }
        let listed = nsr.stacked_on(idx).any(|upper| {
            upper.is_up()
                && match &upper.kind {
                    Kind::Macvlan(c) => c.mode != MACVLAN_MODE_PASSTHRU,
                    Kind::Vlan(_) => upper.address != l.address,
                    _ => false,
                }
        });
        if listed == l.uc_promisc {
            return;
        }
        if let Some(l) = self.ns_mut(ns).link_mut(idx) {
            l.uc_promisc = listed;
            l.promiscuity = l
                .promiscuity
                .wrapping_add_signed(if listed { 1 } else { -1 });
        }
        self.changed(ns);
    }

    /// The unicast lists a change of `idx` may have moved: its own (it opened) and its
    /// lower device's (it opened or stopped, or took another MAC).
    fn sync_rx_modes(&mut self, ns: NsId, idx: u32) {
        self.sync_rx_mode(ns, idx);
        if let Some(lower) = self.ns(ns).link(idx).and_then(|l| l.link) {
            self.sync_rx_mode(ns, lower);
        }
    }

    /// dev_set_promiscuity: the count moves as Linux's unsigned one does (a passthru
    /// macvlan whose NOPROMISC flag is cleared while it is down takes it below zero, as on
    /// Linux), and the device is announced with IFF_PROMISC as the change.
    pub fn set_promiscuity(
        &mut self,
        ns: NsId,
        idx: u32,
        delta: i32,
        announce: bool,
        events: &mut Vec<Event>,
    ) {
        let Some(l) = self.ns_mut(ns).link_mut(idx) else {
            return;
        };
        l.promiscuity = l.promiscuity.wrapping_add_signed(delta);
        if announce {
            events.push(Event::NewLink(Box::new(l.clone()), IFF_PROMISC));
        }
        self.changed(ns);
    }

    /// NETDEV_CHANGEUPPER on `lower` (a device was stacked on it or left it): rtnetlink
    /// announces the lower device as it is, without a change mask.
    fn announce_lower(&mut self, ns: NsId, lower: Option<u32>, events: &mut Vec<Event>) {
        if let Some(l) = lower.and_then(|l| self.ns(ns).link(l)) {
            events.push(Event::NewLink(Box::new(l.clone()), 0));
        }
    }

    /// What br_del_if undoes on the port itself: its master, and the promiscuity and
    /// allmulti references the bridge held.
    fn detach_port(&mut self, ns: NsId, port: u32) {
        self.ns_mut(ns).set_master(port, None);
        if let Some(l) = self.ns_mut(ns).link_mut(port) {
            l.promiscuity = l.promiscuity.saturating_sub(1);
            l.allmulti = l.allmulti.saturating_sub(1);
            l.port_no = 0;
            l.brport.state = super::kinds::BR_STATE_DISABLED;
            l.brport.forward_delay_timer_ms = None;
        }
    }

    /// dev_close_many for a link being unregistered: announced down (ifi_change
    /// IFF_UP|IFF_RUNNING), then NETDEV_DOWN takes its IPv6 addresses and disables its
    /// bridge port. The consequences for other links are not announced: they are going too,
    /// or hear of it when the port is released.
    fn close_for_unregister(
        &mut self,
        ns: NsId,
        idx: u32,
        lower_going: bool,
        events: &mut Vec<Event>,
    ) {
        if !self.ns(ns).link(idx).is_some_and(Link::is_up) {
            return;
        }
        // (A lower device being unregistered itself announces nothing.)
        self.passthru_promiscuity(ns, idx, false, !lower_going, events);
        let nsr = self.ns_mut(ns);
        match nsr.link_mut(idx) {
            Some(l) if l.is_up() => l.flags &= !IFF_UP,
            _ => return,
        }
        self.sync_rx_modes(ns, idx);
        let nsr = self.ns_mut(ns);
        refresh(nsr, idx);
        // NETDEV_DOWN: the macvlans on it take its carrier (netif_stacked_transfer_operstate)
        // before they go.
        let macvlans: Vec<u32> = nsr
            .stacked_on(idx)
            .filter(|u| matches!(u.kind, Kind::Macvlan(_)))
            .map(|u| u.ifindex)
            .collect();
        for upper in macvlans {
            refresh(nsr, upper);
        }
        let Some(link) = nsr.link_mut(idx) else {
            return;
        };
        events.push(Event::NewLink(Box::new(link.clone()), IFF_UP | IFF_RUNNING));
        let addrs6 = std::mem::take(&mut link.addrs6);
        events.extend(addrs6.into_iter().map(|a| Event::DelAddr(Box::new(a))));
        self.bridge_port_event(ns, idx, PortEvent::Down, events);
    }

    /// br_del_if for a port being unregistered: its AF_BRIDGE view goes (RTM_NEWLINK, then
    /// RTM_DELLINK), then the bridge settles and recomputes its features. The port's own
    /// RTM_NEWLINKs are not sent: Linux announces nothing for a device being unregistered.
    fn release_dying_port(&mut self, ns: NsId, idx: u32, br: u32, events: &mut Vec<Event>) {
        self.stp_disable_port(ns, idx, events);
        let nsr = self.ns(ns);
        if let (Some(p), Some(b)) = (nsr.link(idx), nsr.link(br)) {
            events.push(Event::BridgePort(
                Box::new(p.clone()),
                Box::new(b.clone()),
                true,
            ));
        }
        self.detach_port(ns, idx);
        self.bridge_mtu_auto_adjust(ns, br, events);
        self.update_gso_limit(ns, br);
        self.settle(ns, &[br], events);
        self.announce_features(ns, br, idx, events);
    }

    /// netdev_update_features after `port` joined or left `bridge`: the bridge's features
    /// are those its ports have in common, so they change, and NETDEV_FEAT_CHANGE is
    /// announced, only when no other port is of the same kind (each kind here has one set
    /// of features).
    fn announce_features(&self, ns: NsId, bridge: u32, port: u32, events: &mut Vec<Event>) {
        let nsr = self.ns(ns);
        let (Some(br), Some(port)) = (nsr.link(bridge), nsr.link(port)) else {
            return;
        };
        let kind = port.kind.ops().kind_name();
        let shared = nsr
            .ports(bridge)
            .any(|p| p.ifindex != port.ifindex && p.kind.ops().kind_name() == kind);
        if !shared {
            events.push(Event::LinkFeatures(Box::new(br.clone())));
        }
    }
}

/// rtnl_dev_combine_flags: only the bits in `change` (all when it is 0) move.
pub fn combine_flags(old: u32, flags: u32, change: u32) -> u32 {
    let change = if change == 0 { u32::MAX } else { change } & CHANGEABLE_FLAGS;
    (old & !change) | (flags & change)
}

/// dev_validate_mtu plus the stacked-device limit.
pub fn check_mtu(link: &Link, mtu: u32, ns: &super::Namespace) -> Result<()> {
    let (min, max) = link.kind.ops().mtu_range();
    if mtu < min {
        // dev_validate_mtu sets the message but not the attribute.
        return Err(Error::new(libc::EINVAL, "mtu less than device minimum"));
    }
    if max > 0 && mtu > max {
        return Err(Error::new(libc::EINVAL, "mtu greater than device maximum"));
    }
    // Above the lower device's MTU: macvlan_change_mtu says EINVAL, vlan_dev_change_mtu
    // ERANGE (when creating, both say EINVAL: see `rtnl::link`).
    if let Some(lower) = link.link.and_then(|l| ns.link(l))
        && mtu > lower.mtu
    {
        match link.kind {
            Kind::Macvlan(_) => return Err(Error::errno(libc::EINVAL)),
            Kind::Vlan(_) => return Err(Error::errno(libc::ERANGE)),
            _ => {}
        }
    }
    // vxlan_change_mtu: no more than encapsulation leaves of the lower device's.
    if let Kind::Vxlan(c) = &link.kind
        && let Some(lower) = link.link.and_then(|l| ns.link(l))
        && mtu > c.max_mtu(lower.mtu)
    {
        return Err(Error::errno(libc::EINVAL));
    }
    Ok(())
}

/// validate_linkmsg's limits on GSO and GRO settings: sizes up to the device's TSO limit
/// (GRO up to GRO_MAX_SIZE), segments up to GSO_MAX_SEGS.
pub fn check_gso(link: &Link, gso: &[Option<u32>; 5], nsr: &Namespace) -> Result<()> {
    use super::link::{GRO_MAX_SIZE, GSO_MAX_SEGS};
    let tso_max_size = link.kind.ops().tso_max_size(link, nsr);
    let limits = [
        (tso_max_size, "too big gso_max_size"),
        (GSO_MAX_SEGS, "too big gso_max_segs"),
        (GRO_MAX_SIZE, "too big gro_max_size"),
        (tso_max_size, "too big gso_ipv4_max_size"),
        (GRO_MAX_SIZE, "too big gro_ipv4_max_size"),
    ];
    for (value, (max, msg)) in gso.iter().zip(limits) {
        if value.is_some_and(|v| v > max) {
            return Err(Error::new(libc::EINVAL, msg));
        }
    }
    Ok(())
}

/// The limits after `gso` is applied (do_setlink's order): a GSO or GRO size up to
/// GSO_LEGACY_MAX_SIZE sets the IPv4 one too (netif_set_gso_max_size,
/// netif_set_gro_max_size), which an IPv4 value given after it overrides.
fn set_gso(old: Option<&GsoLimits>, gso: &[Option<u32>; 5]) -> GsoLimits {
    use super::link::GSO_LEGACY_MAX_SIZE;
    let mut l = old.copied().unwrap_or_default();
    let [gso_size, gso_segs, gro_size, gso_ipv4, gro_ipv4] = *gso;
    if let Some(v) = gso_size {
        l.gso_max_size = v;
        if v <= GSO_LEGACY_MAX_SIZE {
            l.gso_ipv4_max_size = v;
        }
    }
    if let Some(v) = gso_segs {
        l.gso_max_segs = v;
    }
    if let Some(v) = gro_size {
        l.gro_max_size = v;
        if v <= GSO_LEGACY_MAX_SIZE {
            l.gro_ipv4_max_size = v;
        }
    }
    if let Some(v) = gso_ipv4 {
        l.gso_ipv4_max_size = v;
    }
    if let Some(v) = gro_ipv4 {
        l.gro_ipv4_max_size = v;
    }
    l
}

/// The messages that end do_setlink, with their change masks, from `last` (the link as the
/// request left it): the flags' (__dev_notify_flags) and the transmit queue length's
/// (NETDEV_CHANGE_TX_QUEUE_LEN), each without the settings applied after it, then
/// netdev_state_change's for settings that announce nothing themselves (`state_message`:
/// on a running device). Without any step announced, `last` once, as the change's only
/// message.
fn last_messages(
    original: &Link,
    last: Link,
    ch: &LinkChanges,
    flag_change: u32,
    stepped: bool,
    oper_before: Option<u8>,
    state_message: bool,
) -> Vec<(Link, u32)> {
    // What do_setlink applies after the transmit queue length: GSO and GRO limits, the
    // operational state, the link mode.
    let before_limits = |l: &Link| {
        let mut l = l.clone();
        l.gso = original.gso.clone();
        l.operstate = oper_before.unwrap_or(l.operstate);
        l.linkmode = original.linkmode;
        l
    };
    // A new MTU reached addrconf at its own step, before these.
    let mut last = last;
    if ch.mtu.is_some_and(|m| m != original.mtu) {
        last.mtu6 = None;
    }
    let txqlen_changed = ch.txqlen.is_some_and(|t| t != original.txqlen);
    let mut out = Vec::new();
    if flag_change != 0 {
        let mut at_flags = before_limits(&last);
        at_flags.txqlen = original.txqlen;
        out.push((at_flags, flag_change));
    }
    if txqlen_changed {
        out.push((before_limits(&last), 0));
    }
    // set_operstate's netdev_state_change (on a running device).
    if oper_before.is_some() && last.is_up() {
        let mut at_oper = last.clone();
        at_oper.linkmode = original.linkmode;
        out.push((at_oper, 0));
    }
    if state_message || (!stepped && out.is_empty()) {
        out.push((last, 0));
    }
    out
}
