//! A link (network device) and the state Linux derives for it: carrier, operational state
//! (RFC 2863, as net/core/link_watch.c), qdisc, promiscuity from bridge ports.

use serde::{Deserialize, Serialize};

use super::kinds::Kind;
use super::{Addr, Namespace, Rng};
use crate::wire::consts::*;

/// A device's GSO and GRO limits (netif_set_gso_max_size and the like).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GsoLimits {
    pub gso_max_size: u32,
    pub gso_max_segs: u32,
    pub gro_max_size: u32,
    pub gso_ipv4_max_size: u32,
    pub gro_ipv4_max_size: u32,
}

/// GSO_LEGACY_MAX_SIZE: the default sizes; the IPv4 limits follow a size up to it.
pub const GSO_LEGACY_MAX_SIZE: u32 = 65536;
/// GSO_MAX_SEGS, also every device's tso_max_segs here.
pub const GSO_MAX_SEGS: u32 = 65535;
/// GRO_MAX_SIZE (8 * 65535).
pub const GRO_MAX_SIZE: u32 = 524280;

impl Default for GsoLimits {
    fn default() -> GsoLimits {
        GsoLimits {
            gso_max_size: GSO_LEGACY_MAX_SIZE,
            gso_max_segs: GSO_MAX_SEGS,
            gro_max_size: GSO_LEGACY_MAX_SIZE,
            gso_ipv4_max_size: GSO_LEGACY_MAX_SIZE,
            gro_ipv4_max_size: GSO_LEGACY_MAX_SIZE,
        }
    }
}

/// IPV4_DEVCONF_MAX: the number of IPv4 device settings (enum ipv4_devconf, from 1).
pub const IPV4_DEVCONF_MAX: usize = 33;
const IPV4_DEVCONF_NOXFRM: usize = 15;
const IPV4_DEVCONF_NOPOLICY: usize = 16;
/// A namespace's ipv4_devconf_dflt as Linux 6.18 reports it for a new device (index = id - 1):
/// ACCEPT_REDIRECTS, SECURE_REDIRECTS, SEND_REDIRECTS, SHARED_MEDIA, ACCEPT_SOURCE_ROUTE,
/// the IGMPv2 and IGMPv3 unsolicited report intervals (10 s, 1 s) and ARP_EVICT_NOCARRIER.
/// (rtnl/af_spec.rs records the same values in its tables; a test holds them together.)
pub const INET_CONF_DEFAULTS: [u32; IPV4_DEVCONF_MAX] = {
    let mut c = [0; IPV4_DEVCONF_MAX];
    c[3] = 1;
    c[4] = 1;
    c[5] = 1;
    c[6] = 1;
    c[8] = 1;
    c[26] = 10000;
    c[27] = 1000;
    c[32] = 1;
    c
};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Link {
    pub ifindex: u32,
    pub name: String,
    pub kind: Kind,
    /// Administrative IFF_* flags (UP, PROMISC, ALLMULTI, NOARP, DEBUG, …), as dev->flags
    /// minus the derived RUNNING / LOWER_UP bits.
    pub flags: u32,
    pub mtu: u32,
    pub txqlen: u32,
    pub address: Vec<u8>,
    pub broadcast: Vec<u8>,
    pub alias: Option<String>,
    pub group: u32,
    pub master: Option<u32>,
    /// The lower device: veth peer, macvlan/vlan parent (IFLA_LINK).
    pub link: Option<u32>,
    pub promiscuity: u32,
    /// The promiscuity reference __dev_set_rx_mode holds while addresses of devices
    /// stacked on it fill the unicast list of a device without a unicast filter.
    #[serde(default)]
    pub uc_promisc: bool,
    pub allmulti: u32,
    pub carrier: bool,
    /// The operational state as reported (IFLA_OPERSTATE; DOWN while the link is down).
    pub operstate: u8,
    /// The state the link mode or IFLA_OPERSTATE set (dev->operstate where it differs from
    /// what link watch derives), kept until link watch next runs for the link and finds
    /// another state (rfc2863_policy); None: the derived state.
    #[serde(default)]
    pub oper_set: Option<u8>,
    /// netif_dormant: a stacked device whose lower device is DORMANT (IFF_DORMANT while up).
    #[serde(default)]
    pub dormant: bool,
    pub linkmode: u8,
    pub carrier_up_count: u32,
    pub carrier_down_count: u32,
    pub altnames: Vec<String>,
    pub proto_down: bool,
    /// The qdisc attached at first up: "noop" before, "noqueue" for queue-less kinds after.
    pub qdisc_attached: bool,
    /// The hardware address was set by the user (a bridge then stops following its ports).
    pub address_set: bool,
    pub num_tx_queues: u32,
    pub num_rx_queues: u32,
    pub addr_gen_mode: u8,
    /// Hundredths of a second since the stack started, when the link was created.
    pub created_cs: u32,
    /// IFLA_INET6_CACHEINFO.tstamp: when the IPv6 device was made, last became ready or
    /// last went down (idev->tstamp), in the unit of `created_cs`.
    #[serde(default)]
    pub inet6_tstamp_cs: u32,
    /// IFLA_INET6_CACHEINFO.reachable_time: drawn for each IPv6 device, as
    /// neigh_rand_reach_time does from the 30 s base (0 in state saved before it was kept).
    #[serde(default)]
    pub reachable_time_ms: u32,
    /// IF_RS_SENT: the IPv6 device sent its first router solicitation (a link-local
    /// address finished DAD, or a token was set on a ready device); cleared when it goes
    /// down.
    #[serde(default)]
    pub inet6_rs_sent: bool,
    /// The IPv6 token's interface identifier (the low 64 bits of IFLA_INET6_TOKEN).
    #[serde(default)]
    pub inet6_token: [u8; 8],
    /// Port number on its bridge (br_add_if picks the lowest free one, from 1).
    #[serde(default)]
    pub port_no: u16,
    /// The IPv6 MTU when it lags the link MTU: addrconf follows an MTU change only after
    /// the change was announced, so that notification still shows the old value.
    #[serde(default)]
    pub mtu6: Option<u32>,
    /// Carrier set by the user through IFLA_CARRIER (dummy only).
    #[serde(default)]
    pub forced_carrier: Option<bool>,
    /// IPv6 has seen the link ready (IF_READY): set when it is up with carrier, cleared
    /// only when it goes down or below the IPv6 MTU, so DAD runs on after a carrier loss.
    #[serde(default)]
    pub inet6_ready: bool,
    /// IPv4 is off: an MTU change took the link below 68 bytes (inetdev_destroy). A change
    /// to 68 or more turns it back on, without addresses (inetdev_init).
    #[serde(default)]
    pub inet4_off: bool,
    /// Its IPv4 device configuration (IFLA_INET_CONF, ipv4_devconf) once set through
    /// IFLA_AF_SPEC or made anew; None: the values every device starts with
    /// ([`Link::inet_conf_initial`]).
    #[serde(default)]
    pub inet_conf: Option<Box<[u32]>>,
    /// GSO and GRO limits once set (IFLA_GSO_MAX_SIZE and the like); None: the defaults.
    #[serde(default)]
    pub gso: Option<Box<GsoLimits>>,
    /// A carrier change waits for link watch: until it runs, the operational state stays
    /// as it was (not saved: a loaded state is settled at once).
    #[serde(skip)]
    pub link_watch_pending: bool,
    /// Its settings as a bridge port (meaningful while it has a bridge master).
    #[serde(default)]
    pub brport: super::kinds::PortConf,
    /// IPv4 addresses in Linux's list order (primaries, then secondaries).
    pub addrs4: Vec<Addr>,
    /// IPv6 addresses in Linux's list order (by scope, newest first).
    pub addrs6: Vec<Addr>,
}

impl Link {
    pub fn new(ifindex: u32, name: String, kind: Kind, rng: &mut Rng) -> Link {
        let ops = kind.ops();
        let address = ops.initial_address(rng);
        let broadcast = if address.iter().all(|&b| b == 0) {
            vec![0; address.len()]
        } else {
            vec![0xff; address.len()]
        };
        let (num_tx_queues, num_rx_queues) = ops.queues();
        Link {
            ifindex,
            name,
            flags: ops.default_flags(),
            mtu: ops.default_mtu(),
            txqlen: ops.txqlen(),
            address,
            broadcast,
            alias: None,
            group: 0,
            master: None,
            link: None,
            promiscuity: 0,
            uc_promisc: false,
            allmulti: 0,
            carrier: ops.initial_carrier(),
            operstate: IF_OPER_DOWN,
            oper_set: None,
            dormant: false,
            linkmode: 0,
            carrier_up_count: 0,
            carrier_down_count: 0,
            altnames: Vec::new(),
            proto_down: false,
            qdisc_attached: false,
            address_set: false,
            num_tx_queues,
            num_rx_queues,
            addr_gen_mode: 0,
            created_cs: 0,
            inet6_tstamp_cs: 0,
            reachable_time_ms: random_reachable_time(rng),
            inet6_rs_sent: false,
            inet6_token: [0; 8],
            port_no: 0,
            mtu6: None,
            forced_carrier: None,
            inet6_ready: false,
            inet4_off: false,
            inet_conf: None,
            gso: None,
            link_watch_pending: false,
            brport: Default::default(),
            addrs4: Vec::new(),
            addrs6: Vec::new(),
            kind,
        }
    }

    /// The IPv4 device configuration a device starts with (a namespace's defaults; the
    /// loopback device also skips IPsec transforms and policy, set as it registers).
    pub fn inet_conf_initial(&self) -> [u32; IPV4_DEVCONF_MAX] {
        let mut conf = INET_CONF_DEFAULTS;
        if self.flags & IFF_LOOPBACK != 0 {
            conf[IPV4_DEVCONF_NOXFRM - 1] = 1;
            conf[IPV4_DEVCONF_NOPOLICY - 1] = 1;
        }
        conf
    }

    /// Whether deleting a primary IPv4 address promotes the next secondary of its subnet
    /// (IN_DEV_PROMOTE_SECONDARIES; the namespace's "all" setting is not emulated).
    pub fn promotes_secondaries(&self) -> bool {
        const IPV4_DEVCONF_PROMOTE_SECONDARIES: usize = 20;
        self.inet_conf
            .as_deref()
            .and_then(|c| c.get(IPV4_DEVCONF_PROMOTE_SECONDARIES - 1))
            .is_some_and(|&v| v != 0)
    }

    /// Its IPv4 device configuration as IFLA_INET_CONF reports it.
    pub fn inet_conf(&self) -> [u32; IPV4_DEVCONF_MAX] {
        match self.inet_conf.as_deref() {
            Some(set) => {
                let mut conf = [0; IPV4_DEVCONF_MAX];
                for (c, v) in conf.iter_mut().zip(set) {
                    *c = *v;
                }
                conf
            }
            None => self.inet_conf_initial(),
        }
    }

    pub fn is_up(&self) -> bool {
        self.flags & IFF_UP != 0
    }

    /// Whether it has an IPv6 device: not below the IPv6 minimum MTU (ipv6_add_dev), as
    /// the IPv6 side sees the MTU (it follows a change after the change is announced). The
    /// loopback device keeps its own at any MTU (addrconf_ifdown without unregistering).
    pub fn has_inet6(&self) -> bool {
        self.mtu6.unwrap_or(self.mtu) >= super::addr::IPV6_MIN_MTU || self.flags & IFF_LOOPBACK != 0
    }

    /// ifi_flags as dev_get_flags reports them: administrative flags, and while up
    /// RUNNING for an operational state of UP or UNKNOWN and LOWER_UP for a carrier.
    pub fn ifi_flags(&self) -> u32 {
        let mut flags = self.flags;
        if self.is_up() {
            if matches!(self.operstate, IF_OPER_UP | IF_OPER_UNKNOWN) {
                flags |= IFF_RUNNING;
            }
            if self.carrier {
                flags |= IFF_LOWER_UP;
            }
            if self.dormant {
                flags |= IFF_DORMANT;
            }
        }
        flags
    }

    pub fn carrier_changes(&self) -> u32 {
        self.carrier_up_count + self.carrier_down_count
    }

    /// The qdisc Linux reports: "noop" until the device is first opened, then the kind's
    /// default ("noqueue" for virtual devices without a queue).
    pub fn qdisc(&self) -> &'static str {
        if self.qdisc_attached {
            self.kind.ops().qdisc_when_up()
        } else {
            "noop"
        }
    }

    /// dev->hard_header_len: an Ethernet header (lo's too), with a VLAN tag for a vlan.
    pub fn hard_header_len(&self) -> u32 {
        if matches!(self.kind, Kind::Vlan(_)) {
            18
        } else {
            14
        }
    }

    /// IFLA_LINK: the lower device's index when it differs from our own.
    /// Kinds with a lower device always report one, 0 once it is gone (veth_get_iflink);
    /// others report none (their iflink is their own index), a vxlan's lower device
    /// included: that one is in its kind data.
    pub fn iflink(&self) -> Option<u32> {
        self.kind.ops().has_lower().then(|| self.link.unwrap_or(0))
    }

    /// The operational state Linux's link watch would settle on (rfc2863_policy).
    pub fn derive_operstate(&self, ns: &Namespace) -> u8 {
        self.operstate_with(self.carrier, ns)
    }

    /// The operational state for a given carrier.
    pub fn operstate_with(&self, carrier: bool, ns: &Namespace) -> u8 {
        if !self.is_up() {
            return IF_OPER_DOWN;
        }
        if !self.kind.ops().reports_operstate(self, ns) {
            return IF_OPER_UNKNOWN;
        }
        // default_operstate: the testing bit first, the dormant bit once there is carrier.
        let lower_state = self.lower_state(ns);
        if lower_state == Some(IF_OPER_TESTING) {
            return IF_OPER_TESTING;
        }
        if !carrier {
            return if self.iflink().is_some() {
                IF_OPER_LOWERLAYERDOWN
            } else {
                IF_OPER_DOWN
            };
        }
        if lower_state == Some(IF_OPER_DORMANT) {
            return IF_OPER_DORMANT;
        }
        IF_OPER_UP
    }

    /// The lower device's operational state, for a kind that takes its dormant and testing
    /// bits from it.
    fn lower_state(&self, ns: &Namespace) -> Option<u8> {
        if !self.kind.ops().follows_lower_state() {
            return None;
        }
        Some(self.link.and_then(|l| ns.link(l))?.operstate)
    }

    /// dev->operstate, which set_operstate starts from: what was set, else for a kind
    /// without link watch UNKNOWN (as allocated), else the state reported while up (a
    /// link that is down has link watch's DOWN or LOWERLAYERDOWN, which no transition
    /// leaves).
    pub fn stored_operstate(&self, ns: &Namespace) -> u8 {
        match self.oper_set {
            Some(s) => s,
            None if !self.kind.ops().reports_operstate(self, ns) => IF_OPER_UNKNOWN,
            None if self.is_up() => self.operstate,
            None => IF_OPER_DOWN,
        }
    }

    /// rfc2863_policy, as link watch runs for the link: when the derived state differs
    /// from dev->operstate, it replaces it, as DORMANT or TESTING instead of UP in those
    /// link modes. Kinds without link watch keep what was set. Returns the new `oper_set`.
    pub fn link_watch_policy(&self, ns: &Namespace) -> Option<u8> {
        if !self.kind.ops().reports_operstate(self, ns) {
            return self.oper_set;
        }
        let derived = self.derive_operstate(ns);
        if derived == self.oper_set.unwrap_or(self.operstate) {
            return self.oper_set;
        }
        let new = match (self.linkmode, derived) {
            (IF_LINK_MODE_DORMANT, IF_OPER_UP) => IF_OPER_DORMANT,
            (IF_LINK_MODE_TESTING, IF_OPER_UP) => IF_OPER_TESTING,
            _ => derived,
        };
        (new != derived).then_some(new)
    }
}

/// Recomputes derived state of `ifindex` in `ns`; returns whether anything a listener sees
/// changed.
pub fn refresh(ns: &mut Namespace, ifindex: u32) -> bool {
    let Some(link) = ns.link(ifindex) else {
        return false;
    };
    let carrier = link.kind.ops().carrier(link, ns);
    // A state that was set stays until link watch runs; while link watch holds a change
    // of a running link, its operational state waits.
    let operstate = match link.oper_set {
        _ if !link.is_up() => IF_OPER_DOWN,
        Some(set) => set,
        None if link.link_watch_pending => link.operstate,
        None => link.operstate_with(carrier, ns),
    };
    let dormant = link.lower_state(ns) == Some(IF_OPER_DORMANT);
    let link = match ns.link_mut(ifindex) {
        Some(l) => l,
        None => return false,
    };
    let mut changed = false;
    if dormant != link.dormant {
        link.dormant = dormant;
        changed = true;
    }
    if carrier != link.carrier {
        link.carrier = carrier;
        if carrier {
            link.carrier_up_count += 1;
        } else {
            link.carrier_down_count += 1;
        }
        changed = true;
    }
    if operstate != link.operstate {
        link.operstate = operstate;
        changed = true;
    }
    changed
}

/// set_operstate (IFLA_OPERSTATE): the state `current` moves to when a program asks for
/// `want`: UP from DORMANT, TESTING or UNKNOWN, DORMANT or TESTING from UP or UNKNOWN.
/// None: no move.
pub fn operstate_transition(current: u8, want: u8) -> Option<u8> {
    match want {
        IF_OPER_UP if matches!(current, IF_OPER_DORMANT | IF_OPER_TESTING | IF_OPER_UNKNOWN) => {
            Some(IF_OPER_UP)
        }
        IF_OPER_DORMANT | IF_OPER_TESTING if matches!(current, IF_OPER_UP | IF_OPER_UNKNOWN) => {
            Some(want)
        }
        _ => None,
    }
}

/// neigh_rand_reach_time for the IPv6 default base of 30 s: uniform in [15 s, 45 s).
pub fn random_reachable_time(rng: &mut Rng) -> u32 {
    const BASE_MS: u64 = 30_000;
    (BASE_MS / 2 + rng.next_u64() % BASE_MS) as u32
}
