//! `bridge` (net/bridge/br_device.c, br_netlink.c): carrier while a port forwards (the port
//! states and their timers are in `stack/stp.rs`); takes the lowest port MAC until one is
//! set; keeps its options and its ports' settings.

use serde::{Deserialize, Serialize};

use super::*;
use crate::stack::{AttrRef, Error, Result, stp};
use crate::wire::attr::Attr;

pub struct Bridge;

/// The bridge options nlroute keeps; the rest of IFLA_INFO_DATA reports Linux's defaults.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BridgeConf {
    pub forward_delay: u32,
    pub hello_time: u32,
    pub max_age: u32,
    pub ageing_time: u32,
    pub stp_state: u32,
    pub priority: u16,
    pub group_fwd_mask: u16,
    pub mcast_snooping: u8,
    /// Whether a port was ever attached: an empty bridge keeps carrier until its first
    /// port, and loses carrier and MAC when the last one leaves.
    #[serde(default)]
    pub had_ports: bool,
    /// Whether br_port_state_selection has run without a port having joined: for a MAC
    /// the user gave (at creation, or a change to another address) or kernel STP
    /// starting. It turns the carrier off while no port forwards.
    #[serde(default)]
    pub state_selected: bool,
    /// The TSO limit br_set_gso_limits last computed (None: never, the legacy default).
    #[serde(default)]
    pub tso_max: Option<u32>,
    /// The user changed the bridge's MTU (BROPT_MTU_SET_BY_USER): it no longer follows the
    /// smallest port MTU.
    #[serde(default)]
    pub mtu_set_by_user: bool,
    /// IFLA_BR_GROUP_ADDR when set (None: 01:80:c2:00:00:00).
    #[serde(default)]
    pub group_addr: Option<[u8; 6]>,
    /// The multicast and netfilter options of `PLAIN_OPTIONS` set by the user, by attribute.
    #[serde(default)]
    pub options: std::collections::BTreeMap<u16, u64>,
    /// Spanning tree state while kernel STP runs (a root bridge: see `stack/stp.rs`).
    #[serde(default)]
    pub topology_change: bool,
    #[serde(default)]
    pub topology_change_detected: bool,
    /// When the topology change timer and the hello timer fire, in stack milliseconds.
    #[serde(default)]
    pub topology_change_timer_ms: Option<u64>,
    #[serde(default)]
    pub hello_timer_ms: Option<u64>,
    /// When the FDB garbage collection first ran after the bridge opened (it then runs
    /// every hold time), in stack milliseconds.
    #[serde(default)]
    pub gc_timer_ms: Option<u64>,
    /// The ageing time while a topology change shortened it (twice the forward delay).
    #[serde(default)]
    pub short_ageing_time: Option<u32>,
}

/// How an option of `PLAIN_OPTIONS` is checked and stored.
#[derive(Clone, Copy)]
enum Check {
    /// Any value.
    Any,
    /// On or off, stored as 1 or 0.
    Bool,
    /// A value in the range, else EINVAL.
    Range(u64, u64),
    /// A time in hundredths of a second, stored in jiffies (HZ = 250) and read back.
    Clock,
    /// Accepted and ignored: the value reported stays the default.
    Fixed,
}

/// The bridge options br_changelink stores without further effect here, in the order
/// br_fill_info reports them: (attribute, width in bytes, Linux's default, check).
const PLAIN_OPTIONS: &[(u16, u8, u64, Check)] = &[
    (IFLA_BR_MCAST_ROUTER, 1, 1, Check::Range(0, 2)),
    (IFLA_BR_MCAST_SNOOPING, 1, 1, Check::Bool),
    (IFLA_BR_MCAST_QUERY_USE_IFADDR, 1, 0, Check::Bool),
    (IFLA_BR_MCAST_QUERIER, 1, 0, Check::Bool),
    (IFLA_BR_MCAST_STATS_ENABLED, 1, 0, Check::Bool),
    (IFLA_BR_MCAST_HASH_ELASTICITY, 4, 16, Check::Fixed),
    (IFLA_BR_MCAST_HASH_MAX, 4, 4096, Check::Any),
    (IFLA_BR_MCAST_LAST_MEMBER_CNT, 4, 2, Check::Any),
    (IFLA_BR_MCAST_STARTUP_QUERY_CNT, 4, 2, Check::Any),
    (IFLA_BR_MCAST_IGMP_VERSION, 1, 2, Check::Range(2, 3)),
    (IFLA_BR_MCAST_MLD_VERSION, 1, 1, Check::Range(1, 2)),
    (IFLA_BR_MCAST_LAST_MEMBER_INTVL, 8, 100, Check::Clock),
    (IFLA_BR_MCAST_MEMBERSHIP_INTVL, 8, 26000, Check::Clock),
    (IFLA_BR_MCAST_QUERIER_INTVL, 8, 25500, Check::Clock),
    (IFLA_BR_MCAST_QUERY_INTVL, 8, 12500, Check::Clock),
    (IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, 8, 1000, Check::Clock),
    (IFLA_BR_MCAST_STARTUP_QUERY_INTVL, 8, 3124, Check::Clock),
    (IFLA_BR_NF_CALL_IPTABLES, 1, 0, Check::Bool),
    (IFLA_BR_NF_CALL_IP6TABLES, 1, 0, Check::Bool),
    (IFLA_BR_NF_CALL_ARPTABLES, 1, 0, Check::Bool),
];

/// The kernel tick rate assumed for times (CONFIG_HZ; 250 in common distribution kernels).
const HZ: u64 = 250;

/// clock_t_to_jiffies: hundredths of a second to ticks.
fn to_jiffies(cs: u64) -> u64 {
    cs.saturating_mul(HZ) / 100
}

/// A time the user gave in hundredths of a second as Linux stores it: converted to jiffies
/// and reported back (jiffies_to_clock_t).
fn through_jiffies(cs: u64) -> u64 {
    to_jiffies(cs) * 100 / HZ
}

/// STP time limits in hundredths of a second (BR_MIN/MAX_HELLO_TIME, _MAX_AGE,
/// _FORWARD_DELAY).
const HELLO_TIME: std::ops::RangeInclusive<u32> = 100..=1000;
const MAX_AGE: std::ops::RangeInclusive<u32> = 600..=4000;
const FORWARD_DELAY: std::ops::RangeInclusive<u32> = 200..=3000;
/// BR_GROUPFWD_RESTRICTED: STP, MAC pause and slow protocols are never forwarded.
const GROUPFWD_RESTRICTED: u16 = 0x0007;

impl Default for BridgeConf {
    fn default() -> Self {
        BridgeConf {
            forward_delay: 1500,
            hello_time: 200,
            max_age: 2000,
            ageing_time: 30000,
            stp_state: 0,
            priority: 0x8000,
            group_fwd_mask: 0,
            mcast_snooping: 1,
            had_ports: false,
            state_selected: false,
            tso_max: None,
            mtu_set_by_user: false,
            group_addr: None,
            options: Default::default(),
            topology_change: false,
            topology_change_detected: false,
            topology_change_timer_ms: None,
            hello_timer_ms: None,
            gc_timer_ms: None,
            short_ageing_time: None,
        }
    }
}

impl BridgeConf {
    pub fn parse(data: Option<AttrIter<'_>>) -> crate::stack::Result<BridgeConf> {
        let mut conf = BridgeConf::default();
        conf.apply(data)?;
        Ok(conf)
    }

    /// Applies IFLA_INFO_DATA on create or change (br_changelink): the options in its
    /// order, each checked as Linux checks it; an error leaves the options before it
    /// applied, as in Linux.
    pub fn apply(&mut self, data: Option<AttrIter<'_>>) -> crate::stack::Result<()> {
        let attrs: Vec<Attr<'_>> = data.into_iter().flatten().flatten().collect();
        // nla_parse: the last of a type wins.
        let get = |t: u16| attrs.iter().rev().find(|a| a.kind == t).copied();
        let bad = |t: u16| Error::at(libc::EINVAL, "", AttrRef::InfoData(t));
        let num = |t: u16| -> crate::stack::Result<Option<u64>> {
            let Some(a) = get(t) else { return Ok(None) };
            let v = match a.payload.len() {
                1 => a.payload[0] as u64,
                2 => a.u16().map(u64::from).ok_or_else(|| bad(t))?,
                4 => a.u32().map(u64::from).ok_or_else(|| bad(t))?,
                8 => u64::from_ne_bytes(a.payload.try_into().map_err(|_| bad(t))?),
                _ => return Err(bad(t)),
            };
            Ok(Some(v))
        };
        // The STP limits apply to the time in ticks, before it is rounded back.
        let timer = |t: u16, v: u64, r: std::ops::RangeInclusive<u32>| {
            let ticks = to_jiffies(v);
            let (lo, hi) = (to_jiffies(*r.start() as u64), to_jiffies(*r.end() as u64));
            if (lo..=hi).contains(&ticks) {
                Ok(through_jiffies(v) as u32)
            } else {
                Err(Error::at(libc::ERANGE, "", AttrRef::InfoData(t)))
            }
        };
        if let Some(v) = num(IFLA_BR_FORWARD_DELAY)? {
            // br_set_forward_delay holds to the STP limits only while STP runs.
            self.forward_delay = if self.stp_state != 0 {
                timer(IFLA_BR_FORWARD_DELAY, v, FORWARD_DELAY)?
            } else {
                through_jiffies(v) as u32
            };
        }
        if let Some(v) = num(IFLA_BR_HELLO_TIME)? {
            self.hello_time = timer(IFLA_BR_HELLO_TIME, v, HELLO_TIME)?;
        }
        if let Some(v) = num(IFLA_BR_MAX_AGE)? {
            self.max_age = timer(IFLA_BR_MAX_AGE, v, MAX_AGE)?;
        }
        if let Some(v) = num(IFLA_BR_AGEING_TIME)? {
            // br_set_ageing_time sets the running value too.
            self.ageing_time = through_jiffies(v) as u32;
            self.short_ageing_time = None;
        }
        if let Some(v) = num(IFLA_BR_STP_STATE)? {
            // Without a user-space STP helper (none runs for an emulated namespace) any
            // STP is the kernel's (br_stp_start).
            let start = v != 0 && self.stp_state == 0;
            self.stp_state = (v != 0) as u32;
            // br_stp_start brings the forward delay within the STP limits.
            if start {
                // ... and runs br_port_state_selection (the carrier goes off without a
                // forwarding port, and stays off when STP stops).
                self.state_selected = true;
                self.forward_delay = self
                    .forward_delay
                    .clamp(*FORWARD_DELAY.start(), *FORWARD_DELAY.end());
            }
        }
        if let Some(v) = num(IFLA_BR_PRIORITY)? {
            self.priority = v as u16;
        }
        // Like a kernel without CONFIG_BRIDGE_VLAN_FILTERING (br_vlan_filter_toggle's stub):
        // asking for it either way fails, after the options before it applied.
        if get(IFLA_BR_VLAN_FILTERING).is_some() {
            return Err(Error::errno(libc::EOPNOTSUPP));
        }
        if let Some(v) = num(IFLA_BR_GROUP_FWD_MASK)? {
            if v as u16 & GROUPFWD_RESTRICTED != 0 {
                return Err(bad(IFLA_BR_GROUP_FWD_MASK));
            }
            self.group_fwd_mask = v as u16;
        }
        if let Some(a) = get(IFLA_BR_GROUP_ADDR) {
            // A link-local group 01:80:c2:00:00:0X other than pause, slow protocols, PAE.
            let addr: [u8; 6] = a.payload.try_into().map_err(|_| bad(IFLA_BR_GROUP_ADDR))?;
            let link_local = addr[..5] == [0x01, 0x80, 0xc2, 0, 0] && addr[5] & 0xf0 == 0;
            if !link_local || matches!(addr[5], 1..=3) {
                return Err(bad(IFLA_BR_GROUP_ADDR));
            }
            self.group_addr = Some(addr);
        }
        for &(t, _, _, check) in PLAIN_OPTIONS {
            let Some(v) = num(t)? else { continue };
            let stored = match check {
                Check::Any => v,
                Check::Bool => (v != 0) as u64,
                Check::Range(lo, hi) if (lo..=hi).contains(&v) => v,
                Check::Range(..) => return Err(bad(t)),
                Check::Clock => through_jiffies(v),
                Check::Fixed => continue,
            };
            if t == IFLA_BR_MCAST_SNOOPING {
                self.mcast_snooping = stored as u8;
            } else {
                self.options.insert(t, stored);
            }
        }
        Ok(())
    }

    /// The value of a `PLAIN_OPTIONS` option: the user's, else the default.
    fn option(&self, t: u16, default: u64) -> u64 {
        if t == IFLA_BR_MCAST_SNOOPING {
            return self.mcast_snooping as u64;
        }
        self.options.get(&t).copied().unwrap_or(default)
    }
}

const IFLA_BR_MCAST_ROUTER: u16 = 22;
const IFLA_BR_MCAST_SNOOPING: u16 = 23;
const IFLA_BR_MCAST_QUERY_USE_IFADDR: u16 = 24;
const IFLA_BR_MCAST_QUERIER: u16 = 25;
const IFLA_BR_MCAST_HASH_ELASTICITY: u16 = 26;
const IFLA_BR_MCAST_HASH_MAX: u16 = 27;
const IFLA_BR_MCAST_LAST_MEMBER_CNT: u16 = 28;
const IFLA_BR_MCAST_STARTUP_QUERY_CNT: u16 = 29;
const IFLA_BR_MCAST_LAST_MEMBER_INTVL: u16 = 30;
const IFLA_BR_MCAST_MEMBERSHIP_INTVL: u16 = 31;
const IFLA_BR_MCAST_QUERIER_INTVL: u16 = 32;
const IFLA_BR_MCAST_QUERY_INTVL: u16 = 33;
const IFLA_BR_MCAST_QUERY_RESPONSE_INTVL: u16 = 34;
const IFLA_BR_MCAST_STARTUP_QUERY_INTVL: u16 = 35;
const IFLA_BR_NF_CALL_IPTABLES: u16 = 36;
const IFLA_BR_NF_CALL_IP6TABLES: u16 = 37;
const IFLA_BR_NF_CALL_ARPTABLES: u16 = 38;
const IFLA_BR_MCAST_STATS_ENABLED: u16 = 42;
const IFLA_BR_MCAST_IGMP_VERSION: u16 = 43;
const IFLA_BR_MCAST_MLD_VERSION: u16 = 44;
const IFLA_BR_MULTI_BOOLOPT: u16 = 46;
const IFLA_BR_FDB_N_LEARNED: u16 = 48;
const IFLA_BR_FDB_MAX_LEARNED: u16 = 49;
/// All BR_BOOLOPT_* bits this kernel knows (the mask in IFLA_BR_MULTI_BOOLOPT).
const BR_BOOLOPT_MASK: u32 = 0x1f;

/// GSO_MAX_SIZE: the largest TSO limit a device may have.
const GSO_MAX_SIZE: u32 = 524280;

/// br_set_gso_limits: the smallest TSO limit of the ports, GSO_MAX_SIZE without ports.
pub fn gso_limit(bridge: u32, ns: &Namespace) -> u32 {
    ns.ports(bridge)
        .map(|p| p.kind.ops().tso_max_size(p, ns))
        .min()
        .unwrap_or(GSO_MAX_SIZE)
        .min(GSO_MAX_SIZE)
}

/// BR_STATE_DISABLED … BR_STATE_BLOCKING.
pub const BR_STATE_DISABLED: u8 = 0;
pub const BR_STATE_LISTENING: u8 = 1;
pub const BR_STATE_LEARNING: u8 = 2;
pub const BR_STATE_FORWARDING: u8 = 3;
pub const BR_STATE_BLOCKING: u8 = 4;
/// The state of a port read from a state file written before port states were kept;
/// `Stack::after_load` settles it.
pub const BR_STATE_UNKNOWN: u8 = 0xff;
/// Port priority and path cost bounds (BR_MAX_PORT_PRIORITY, BR_MIN/MAX_PATH_COST).
const MAX_PORT_PRIORITY: u16 = 63;
const PATH_COST: std::ops::RangeInclusive<u32> = 1..=65535;
/// BR_GROUPFWD_MACPAUSE: 802.3x pause frames are never forwarded.
const GROUPFWD_MACPAUSE: u16 = 1 << 1;
/// Multicast router types (MDB_RTR_TYPE_DISABLED … MDB_RTR_TYPE_TEMP).
const MAX_MCAST_ROUTER: u8 = 3;

/// The on/off port settings br_setport takes (br_set_port_flag), in its order, and whether
/// each is on for a new port.
const PORT_FLAGS: &[(u16, bool)] = &[
    (IFLA_BRPORT_MODE, false),
    (IFLA_BRPORT_GUARD, false),
    (IFLA_BRPORT_FAST_LEAVE, false),
    (IFLA_BRPORT_PROTECT, false),
    (IFLA_BRPORT_LEARNING, true),
    (IFLA_BRPORT_UNICAST_FLOOD, true),
    (IFLA_BRPORT_MCAST_FLOOD, true),
    (IFLA_BRPORT_MCAST_TO_UCAST, false),
    (IFLA_BRPORT_BCAST_FLOOD, true),
    (IFLA_BRPORT_PROXYARP, false),
    (IFLA_BRPORT_PROXYARP_WIFI, false),
    (IFLA_BRPORT_VLAN_TUNNEL, false),
    (IFLA_BRPORT_NEIGH_SUPPRESS, false),
    (IFLA_BRPORT_ISOLATED, false),
    (IFLA_BRPORT_LOCKED, false),
    (IFLA_BRPORT_MAB, false),
    (IFLA_BRPORT_NEIGH_VLAN_SUPPRESS, false),
];

/// A bridge port's settings (struct net_bridge_port), changed by `ip link set DEV type
/// bridge_slave …` and `bridge link set`. A port gets the defaults each time it joins.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct PortConf {
    pub cost: u32,
    pub priority: u16,
    /// The on/off settings that are on, as bit `n` for attribute type `n` (PORT_FLAGS).
    pub flags: u64,
    pub group_fwd_mask: u16,
    pub multicast_router: u8,
    pub mcast_eht_hosts_limit: u32,
    pub mcast_max_groups: u32,
    /// The STP port state (BR_STATE_*); a new port starts disabled.
    #[serde(default = "unknown_state")]
    pub state: u8,
    /// When the forward delay timer fires, in stack milliseconds.
    pub forward_delay_timer_ms: Option<u64>,
    /// When it joined, as a count of joins (0 in older state files): a bridge walks its
    /// ports newest first (br_add_if puts a port at the head of the list).
    pub joined: u64,
}

fn unknown_state() -> u8 {
    BR_STATE_UNKNOWN
}

impl Default for PortConf {
    fn default() -> Self {
        let flags = PORT_FLAGS
            .iter()
            .filter(|(_, on)| *on)
            .fold(0, |bits, (t, _)| bits | 1 << t);
        PortConf {
            cost: 2,
            priority: 32,
            flags,
            group_fwd_mask: 0,
            multicast_router: 1,
            mcast_eht_hosts_limit: 512,
            mcast_max_groups: 0,
            state: BR_STATE_DISABLED,
            forward_delay_timer_ms: None,
            joined: 0,
        }
    }
}

/// What br_set_port_state needs to know about the port.
pub struct PortState {
    pub running: bool,
    pub oper_up: bool,
    pub kernel_stp: bool,
}

impl PortConf {
    fn flag(&self, attr: u16) -> bool {
        self.flags & (1 << attr) != 0
    }

    /// br_setport: the on/off settings first, then cost, priority, state and the rest, each
    /// checked as Linux checks it; an error leaves what came before it applied, as in
    /// Linux. `get` gives the request's attributes, which passed the port policy.
    pub fn apply<'a>(
        &mut self,
        get: impl Fn(u16) -> Option<Attr<'a>>,
        state: &PortState,
    ) -> Result<()> {
        let old = self.flags;
        for &(t, _) in PORT_FLAGS {
            if let Some(on) = get(t).and_then(|a| a.payload.first().copied()) {
                if on != 0 {
                    self.flags |= 1 << t;
                } else {
                    self.flags &= !(1 << t);
                }
            }
        }
        let mab = self.flag(IFLA_BRPORT_MAB);
        if mab && !(self.flag(IFLA_BRPORT_LOCKED) && self.flag(IFLA_BRPORT_LEARNING)) {
            self.flags = old;
            return Err(Error::new(
                libc::EINVAL,
                "Bridge port must be locked and have learning enabled when MAB is enabled",
            ));
        }
        if let Some(cost) = get(IFLA_BRPORT_COST).and_then(|a| a.u32_prefix()) {
            if !PATH_COST.contains(&cost) {
                return Err(Error::errno(libc::ERANGE));
            }
            self.cost = cost;
        }
        if let Some(prio) = get(IFLA_BRPORT_PRIORITY).and_then(|a| a.u16_prefix()) {
            if prio > MAX_PORT_PRIORITY {
                return Err(Error::errno(libc::ERANGE));
            }
            self.priority = prio;
        }
        if let Some(s) = get(IFLA_BRPORT_STATE).and_then(|a| a.payload.first().copied()) {
            check_port_state(s, state)?;
            self.state = s;
        }
        if let Some(r) = get(IFLA_BRPORT_MULTICAST_ROUTER).and_then(|a| a.payload.first().copied())
        {
            if r > MAX_MCAST_ROUTER {
                return Err(Error::errno(libc::EINVAL));
            }
            self.multicast_router = r;
        }
        if let Some(limit) = get(IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT).and_then(|a| a.u32_prefix()) {
            if limit == 0 {
                return Err(Error::errno(libc::EINVAL));
            }
            self.mcast_eht_hosts_limit = limit;
        }
        if let Some(max) = get(IFLA_BRPORT_MCAST_MAX_GROUPS).and_then(|a| a.u32_prefix()) {
            self.mcast_max_groups = max;
        }
        if let Some(mask) = get(IFLA_BRPORT_GROUP_FWD_MASK).and_then(|a| a.u16_prefix()) {
            if mask & GROUPFWD_MACPAUSE != 0 {
                return Err(Error::errno(libc::EINVAL));
            }
            self.group_fwd_mask = mask;
        }
        // Backup ports and next hops are not emulated.
        if get(IFLA_BRPORT_BACKUP_PORT).is_some() || get(IFLA_BRPORT_BACKUP_NHID).is_some() {
            return Err(Error::errno(libc::EOPNOTSUPP));
        }
        Ok(())
    }
}

/// br_set_port_state's checks. The caller then runs the state selection, which moves a
/// blocking port on; other states stay until the next event moves them.
pub fn check_port_state(s: u8, port: &PortState) -> Result<()> {
    if s > BR_STATE_BLOCKING {
        return Err(Error::errno(libc::EINVAL));
    }
    if port.kernel_stp {
        return Err(Error::errno(libc::EBUSY));
    }
    if !port.running || (!port.oper_up && s != BR_STATE_DISABLED) {
        return Err(Error::errno(libc::ENETDOWN));
    }
    Ok(())
}

/// IFLA_INFO_SLAVE_DATA of a bridge port (br_port_fill_attrs), in Linux's order, its timers
/// as they stand at `now_ms`.
pub fn fill_port_data(port: &Link, bridge: &Link, now_ms: u64, w: &mut Writer) {
    let conf = &port.brport;
    let state = conf.state;
    // br_make_port_id: the priority above the 10-bit port number.
    let port_id = (conf.priority << 10) | (port.port_no & 0x3ff);
    let prio = match &bridge.kind {
        Kind::Bridge(c) => c.priority,
        _ => 0x8000,
    };
    let id = bridge_id(prio, &bridge.address);
    let flag = |w: &mut Writer, t: u16| w.attr_u8(t, conf.flag(t) as u8);
    w.attr_u8(IFLA_BRPORT_STATE, state);
    w.attr_u16(IFLA_BRPORT_PRIORITY, conf.priority);
    w.attr_u32(IFLA_BRPORT_COST, conf.cost);
    for t in [
        IFLA_BRPORT_MODE,
        IFLA_BRPORT_GUARD,
        IFLA_BRPORT_PROTECT,
        IFLA_BRPORT_FAST_LEAVE,
        IFLA_BRPORT_MCAST_TO_UCAST,
        IFLA_BRPORT_LEARNING,
        IFLA_BRPORT_UNICAST_FLOOD,
        IFLA_BRPORT_MCAST_FLOOD,
        IFLA_BRPORT_BCAST_FLOOD,
        IFLA_BRPORT_PROXYARP,
        IFLA_BRPORT_PROXYARP_WIFI,
    ] {
        flag(w, t);
    }
    w.attr(IFLA_BRPORT_ROOT_ID, &id);
    w.attr(IFLA_BRPORT_BRIDGE_ID, &id);
    w.attr_u16(IFLA_BRPORT_DESIGNATED_PORT, port_id);
    w.attr_u16(IFLA_BRPORT_DESIGNATED_COST, 0);
    w.attr_u16(IFLA_BRPORT_ID, port_id);
    w.attr_u16(IFLA_BRPORT_NO, port.port_no);
    w.attr_u8(IFLA_BRPORT_TOPOLOGY_CHANGE_ACK, 0);
    w.attr_u8(IFLA_BRPORT_CONFIG_PENDING, 0);
    flag(w, IFLA_BRPORT_VLAN_TUNNEL);
    w.attr_u16(IFLA_BRPORT_GROUP_FWD_MASK, conf.group_fwd_mask);
    for t in [
        IFLA_BRPORT_NEIGH_SUPPRESS,
        IFLA_BRPORT_MRP_RING_OPEN,
        IFLA_BRPORT_MRP_IN_OPEN,
        IFLA_BRPORT_ISOLATED,
        IFLA_BRPORT_LOCKED,
        IFLA_BRPORT_MAB,
        IFLA_BRPORT_NEIGH_VLAN_SUPPRESS,
    ] {
        flag(w, t);
    }
    // A designated port has no message age; hold timers follow BPDUs, which are not sent.
    w.attr_u64(IFLA_BRPORT_MESSAGE_AGE_TIMER, 0);
    w.attr_u64(
        IFLA_BRPORT_FORWARD_DELAY_TIMER,
        stp::timer_cs(conf.forward_delay_timer_ms, now_ms),
    );
    w.attr_u64(IFLA_BRPORT_HOLD_TIMER, 0);
    w.attr_u8(IFLA_BRPORT_MULTICAST_ROUTER, conf.multicast_router);
    w.attr_u32(
        IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT,
        conf.mcast_eht_hosts_limit,
    );
    w.attr_u32(IFLA_BRPORT_MCAST_EHT_HOSTS_CNT, 0);
    w.attr_u32(IFLA_BRPORT_MCAST_N_GROUPS, 0);
    w.attr_u32(IFLA_BRPORT_MCAST_MAX_GROUPS, conf.mcast_max_groups);
}

fn has_ports(link: &Link, ns: &Namespace) -> bool {
    ns.ports(link.ifindex).next().is_some()
}

/// The 8-byte bridge id: priority then MAC (struct ifla_bridge_id).
fn bridge_id(priority: u16, mac: &[u8]) -> [u8; 8] {
    let mut id = [0u8; 8];
    id[..2].copy_from_slice(&priority.to_be_bytes());
    for (dst, src) in id[2..].iter_mut().zip(mac) {
        *dst = *src;
    }
    id
}

impl LinkOps for Bridge {
    fn kind_name(&self) -> Option<&'static str> {
        Some("bridge")
    }
    /// The limit br_set_gso_limits computed when the port set last changed.
    fn tso_max_size(&self, link: &Link, _ns: &Namespace) -> u32 {
        match &link.kind {
            Kind::Bridge(c) => c.tso_max.unwrap_or(65536),
            _ => 65536,
        }
    }
    /// A bridge without ports keeps the carrier it has from open; with ports, carrier
    /// follows whether any port runs (br_port_carrier_check).
    /// Registered with carrier on, then turned off by the driver (one carrier-down change).
    fn initial_carrier(&self) -> bool {
        true
    }
    fn carrier(&self, link: &Link, ns: &Namespace) -> bool {
        let mut ports = ns.ports(link.ifindex).peekable();
        // br_port_state_selection and the forward delay timer: carrier while a port
        // forwards (see stack/stp.rs).
        // br_port_state_selection turns the carrier off without a forwarding port. Without
        // STP it first runs when a port joins; kernel STP runs it at once (br_stp_start).
        // br_stp_change_bridge_id runs it too, for a MAC the user sets.
        let selected = matches!(&link.kind,
            Kind::Bridge(c) if c.had_ports || c.stp_state != 0 || c.state_selected);
        // A bridge that is down has its ports disabled, and nothing turns its carrier back
        // on until it comes up (br_port_carrier_check ignores a bridge that is not running).
        if selected && !link.is_up() {
            return false;
        }
        (ports.peek().is_none() && !selected)
            || ports.any(|p| p.brport.state == BR_STATE_FORWARDING)
    }
    fn reports_operstate(&self, link: &Link, ns: &Namespace) -> bool {
        // Link watch runs for it once its carrier first changed.
        matches!(&link.kind, Kind::Bridge(c) if c.had_ports || c.state_selected || c.stp_state != 0)
            || has_ports(link, ns)
    }
    fn netns_immutable(&self) -> bool {
        true
    }
    fn fill_info_data(
        &self,
        link: &Link,
        _ns: &Namespace,
        now_ms: &dyn Fn() -> u64,
        w: &mut Writer,
    ) -> bool {
        let now_ms = now_ms();
        let Kind::Bridge(c) = &link.kind else {
            return false;
        };
        w.attr_u64(
            IFLA_BR_HELLO_TIMER,
            stp::hello_timer_cs(c, link.is_up(), now_ms),
        );
        // The root bridge sends no topology change notification.
        w.attr_u64(IFLA_BR_TCN_TIMER, 0);
        w.attr_u64(
            IFLA_BR_TOPOLOGY_CHANGE_TIMER,
            stp::timer_cs(c.topology_change_timer_ms, now_ms),
        );
        w.attr_u64(IFLA_BR_GC_TIMER, stp::gc_timer_cs(c, now_ms));
        w.attr_u32(IFLA_BR_FORWARD_DELAY, c.forward_delay);
        w.attr_u32(IFLA_BR_HELLO_TIME, c.hello_time);
        w.attr_u32(IFLA_BR_MAX_AGE, c.max_age);
        w.attr_u32(
            IFLA_BR_AGEING_TIME,
            c.short_ageing_time.unwrap_or(c.ageing_time),
        );
        w.attr_u32(IFLA_BR_STP_STATE, c.stp_state);
        w.attr_u16(IFLA_BR_PRIORITY, c.priority);
        w.attr_u8(IFLA_BR_VLAN_FILTERING, 0);
        w.attr_u16(IFLA_BR_GROUP_FWD_MASK, c.group_fwd_mask);
        // The bridge id is computed from a port (or a set address); until then it is zero.
        let id = if c.had_ports || link.address_set {
            bridge_id(c.priority, &link.address)
        } else {
            bridge_id(c.priority, &[0; 6])
        };
        w.attr(IFLA_BR_BRIDGE_ID, &id);
        w.attr(IFLA_BR_ROOT_ID, &id);
        w.attr_u16(IFLA_BR_ROOT_PORT, 0);
        w.attr_u32(IFLA_BR_ROOT_PATH_COST, 0);
        w.attr_u8(IFLA_BR_TOPOLOGY_CHANGE, c.topology_change as u8);
        w.attr_u8(
            IFLA_BR_TOPOLOGY_CHANGE_DETECTED,
            c.topology_change_detected as u8,
        );
        w.attr(
            IFLA_BR_GROUP_ADDR,
            &c.group_addr.unwrap_or([0x01, 0x80, 0xc2, 0, 0, 0]),
        );
        let mut boolopt = [0u8; 8];
        boolopt[4..].copy_from_slice(&BR_BOOLOPT_MASK.to_ne_bytes());
        w.attr(IFLA_BR_MULTI_BOOLOPT, &boolopt);
        w.attr_u32(IFLA_BR_FDB_N_LEARNED, 0);
        w.attr_u32(IFLA_BR_FDB_MAX_LEARNED, 0);
        for &(t, width, default, _) in PLAIN_OPTIONS {
            let v = c.option(t, default);
            match width {
                1 => w.attr_u8(t, v as u8),
                4 => w.attr_u32(t, v as u32),
                _ => w.attr_u64(t, v),
            }
        }
        true
    }
}
