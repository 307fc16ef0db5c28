//! Link kinds as plugins: each kind brings its defaults, MTU bounds, carrier rule and the
//! attributes it adds to IFLA_INFO_DATA, as Linux's `rtnl_link_ops`. Adding a kind touches its
//! own file and the registry in [`Kind::ops`] / [`by_name`].

mod bridge;
mod dummy;
mod ifb;
mod loopback;
mod macvlan;
mod veth;
mod vlan;
mod vxlan;

use serde::{Deserialize, Serialize};

use super::{Link, Namespace, Rng};
use crate::wire::consts::*;
use crate::wire::{AttrIter, Writer};

pub use bridge::{
    BR_STATE_BLOCKING, BR_STATE_DISABLED, BR_STATE_FORWARDING, BR_STATE_LEARNING,
    BR_STATE_LISTENING, BR_STATE_UNKNOWN, BridgeConf, PortConf, PortState, check_port_state,
    fill_port_data, gso_limit,
};
pub use macvlan::MacvlanConf;
pub use vlan::VlanConf;
pub use vxlan::VxlanConf;

/// A link's kind with the data it keeps.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Kind {
    Loopback,
    Dummy,
    Ifb,
    Veth,
    /// Boxed: the bridge options would make every link larger.
    Bridge(Box<BridgeConf>),
    Macvlan(MacvlanConf),
    Vlan(VlanConf),
    /// Boxed, as the bridge.
    Vxlan(Box<VxlanConf>),
}

/// What a kind decides for itself.
pub trait LinkOps: Sync {
    /// IFLA_INFO_KIND; `None` for kinds without rtnl_link_ops (loopback).
    fn kind_name(&self) -> Option<&'static str>;
    fn arphrd(&self) -> u16 {
        ARPHRD_ETHER
    }
    fn default_flags(&self) -> u32 {
        IFF_BROADCAST | IFF_MULTICAST
    }
    fn default_mtu(&self) -> u32 {
        1500
    }
    /// (min_mtu, max_mtu) as the driver sets them.
    fn mtu_range(&self) -> (u32, u32) {
        (68, 65535)
    }
    fn txqlen(&self) -> u32 {
        1000
    }
    /// (num_tx_queues, num_rx_queues).
    fn queues(&self) -> (u32, u32) {
        (1, 1)
    }
    fn tso_max_size(&self, _link: &Link, _ns: &Namespace) -> u32 {
        524280
    }
    /// IFLA_HEADROOM: room the device needs before its packets (dev->needed_headroom).
    fn needed_headroom(&self, _link: &Link) -> u16 {
        0
    }
    fn initial_address(&self, rng: &mut Rng) -> Vec<u8> {
        rng.ether_addr().to_vec()
    }
    /// A device whose carrier is on from registration and never changes (lo, ifb, vxlan):
    /// link watch never moves it off UNKNOWN while up. The defaults below follow.
    fn always_on(&self) -> bool {
        false
    }
    /// Carrier right after registration.
    fn initial_carrier(&self) -> bool {
        self.always_on()
    }
    /// The carrier the device has now, given the namespace around it.
    fn carrier(&self, _link: &Link, _ns: &Namespace) -> bool {
        self.always_on()
    }
    /// Whether link watch drives the operational state; devices whose carrier never
    /// changes (lo, dummy) stay UNKNOWN while up.
    fn reports_operstate(&self, _link: &Link, _ns: &Namespace) -> bool {
        !self.always_on()
    }
    fn qdisc_when_up(&self) -> &'static str {
        "noqueue"
    }
    /// Whether the device takes its lower device's DORMANT and TESTING as its own dormant
    /// and testing bits (netif_stacked_transfer_operstate: macvlan, vlan).
    fn follows_lower_state(&self) -> bool {
        false
    }
    /// IFF_UNICAST_FLT: the device filters unicast addresses itself; without it, addresses
    /// devices stacked on it add to its unicast list make it promiscuous (__dev_set_rx_mode).
    fn unicast_filter(&self) -> bool {
        false
    }
    /// Whether the device sits on a peer or lower device (it reports IFLA_LINK always).
    fn has_lower(&self) -> bool {
        false
    }
    /// Whether IFLA_CARRIER may set the carrier (ndo_change_carrier).
    fn can_change_carrier(&self) -> bool {
        false
    }
    /// Whether IFLA_PROTO_DOWN is accepted (ndo_change_proto_down).
    fn can_proto_down(&self) -> bool {
        false
    }
    /// IFLA_NETNS_IMMUTABLE.
    fn netns_immutable(&self) -> bool {
        false
    }
    /// Writes IFLA_INFO_DATA's content; returns false when the kind has no INFO_DATA.
    /// `now_ms` (stack milliseconds) dates the timers it reports.
    fn fill_info_data(
        &self,
        _link: &Link,
        _ns: &Namespace,
        _now_ms: &dyn Fn() -> u64,
        _w: &mut Writer,
    ) -> bool {
        false
    }
}

impl Kind {
    pub fn ops(&self) -> &'static dyn LinkOps {
        match self {
            Kind::Loopback => &loopback::Loopback,
            Kind::Dummy => &dummy::Dummy,
            Kind::Ifb => &ifb::Ifb,
            Kind::Veth => &veth::Veth,
            Kind::Bridge(_) => &bridge::Bridge,
            Kind::Macvlan(c) if c.tap => &macvlan::MACVTAP,
            Kind::Macvlan(_) => &macvlan::MACVLAN,
            Kind::Vlan(_) => &vlan::Vlan,
            Kind::Vxlan(_) => &vxlan::Vxlan,
        }
    }
    pub fn is_bridge(&self) -> bool {
        matches!(self, Kind::Bridge(_))
    }
    /// Whether RTM_NEWLINK may change its IFLA_INFO_DATA (ops->changelink).
    pub fn has_changelink(&self) -> bool {
        matches!(self, Kind::Bridge(_) | Kind::Macvlan(_) | Kind::Vxlan(_))
    }
}

/// Which kinds RTM_NEWLINK can create, and how a kind parses its IFLA_INFO_DATA.
pub enum NewKind {
    Dummy,
    Ifb,
    Veth,
    Bridge,
    Macvlan,
    Macvtap,
    Vlan,
    Vxlan,
}

pub fn by_name(name: &[u8]) -> Option<NewKind> {
    Some(match name {
        b"dummy" => NewKind::Dummy,
        b"ifb" => NewKind::Ifb,
        b"veth" => NewKind::Veth,
        b"bridge" => NewKind::Bridge,
        b"macvlan" => NewKind::Macvlan,
        b"macvtap" => NewKind::Macvtap,
        b"vlan" => NewKind::Vlan,
        b"vxlan" => NewKind::Vxlan,
        _ => return None,
    })
}

impl NewKind {
    /// Builds the kind's data from IFLA_INFO_DATA (veth's peer is handled by the protocol
    /// layer, which parses the nested ifinfomsg).
    pub fn parse(&self, data: Option<AttrIter<'_>>) -> super::Result<Kind> {
        Ok(match self {
            NewKind::Dummy => Kind::Dummy,
            NewKind::Ifb => Kind::Ifb,
            NewKind::Veth => Kind::Veth,
            NewKind::Bridge => Kind::Bridge(Box::new(BridgeConf::parse(data)?)),
            NewKind::Macvlan => Kind::Macvlan(MacvlanConf::parse(data, false)?),
            NewKind::Macvtap => Kind::Macvlan(MacvlanConf::parse(data, true)?),
            NewKind::Vlan => Kind::Vlan(VlanConf::parse(data)?),
            NewKind::Vxlan => Kind::Vxlan(Box::new(VxlanConf::parse(data)?)),
        })
    }
    /// Kinds stacked on a lower device need IFLA_LINK.
    pub fn needs_lower(&self) -> bool {
        matches!(self, NewKind::Macvlan | NewKind::Macvtap | NewKind::Vlan)
    }
}

/// Carrier rule shared by stacked devices (macvlan, vlan): they follow their lower device
/// (netif_stacked_transfer_operstate).
fn lower_carrier(link: &Link, ns: &Namespace) -> bool {
    link.is_up()
        && link
            .link
            .and_then(|l| ns.link(l))
            .is_some_and(|lower| lower.is_up() && lower.carrier)
}
