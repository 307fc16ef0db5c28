//! `bridge` (net/bridge/br_device.c, br_netlink.c): carrier while any port is up with
//! carrier (STP off, so ports forward at once); takes the lowest port MAC until one is set.

use serde::{Deserialize, Serialize};

use super::*;
use crate::stack::{AttrRef, Error};

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
    pub vlan_filtering: u8,
    pub group_fwd_mask: u16,
    pub mcast_snooping: u8,
    /// Whether a port was ever attached: an empty bridge keeps carrier until its first
    /// port, and loses carrier and MAC when the last one leaves.
    #[serde(default)]
    pub had_ports: bool,
    /// The TSO limit br_set_gso_limits last computed (None: never, the legacy default).
    #[serde(default)]
    pub tso_max: Option<u32>,
    /// The user changed the bridge's MTU (BROPT_MTU_SET_BY_USER): it no longer follows the
    /// smallest port MTU.
    #[serde(default)]
    pub mtu_set_by_user: bool,
}

impl Default for BridgeConf {
    fn default() -> Self {
        BridgeConf {
            forward_delay: 1500,
            hello_time: 200,
            max_age: 2000,
            ageing_time: 30000,
            stp_state: 0,
            priority: 0x8000,
            vlan_filtering: 0,
            group_fwd_mask: 0,
            mcast_snooping: 1,
            had_ports: false,
            tso_max: None,
            mtu_set_by_user: false,
        }
    }
}

impl BridgeConf {
    pub fn parse(data: Option<AttrIter<'_>>) -> crate::stack::Result<BridgeConf> {
        let mut conf = BridgeConf::default();
        conf.apply(data)?;
        Ok(conf)
    }

    /// Applies IFLA_INFO_DATA on create or change (br_changelink).
    pub fn apply(&mut self, data: Option<AttrIter<'_>>) -> crate::stack::Result<()> {
        for attr in data.into_iter().flatten().flatten() {
            let bad = || Error::at(libc::EINVAL, "", AttrRef::InfoData(attr.kind));
            match attr.kind {
                IFLA_BR_FORWARD_DELAY => self.forward_delay = attr.u32().ok_or_else(bad)?,
                IFLA_BR_HELLO_TIME => self.hello_time = attr.u32().ok_or_else(bad)?,
                IFLA_BR_MAX_AGE => self.max_age = attr.u32().ok_or_else(bad)?,
                IFLA_BR_AGEING_TIME => self.ageing_time = attr.u32().ok_or_else(bad)?,
                IFLA_BR_STP_STATE => self.stp_state = attr.u32().ok_or_else(bad)?,
                IFLA_BR_PRIORITY => self.priority = attr.u16().ok_or_else(bad)?,
                IFLA_BR_VLAN_FILTERING => self.vlan_filtering = attr.u8().ok_or_else(bad)?,
                IFLA_BR_GROUP_FWD_MASK => self.group_fwd_mask = attr.u16().ok_or_else(bad)?,
                IFLA_BR_MCAST_SNOOPING => self.mcast_snooping = attr.u8().ok_or_else(bad)?,
                _ => {}
            }
        }
        Ok(())
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

// Bridge port attributes (IFLA_BRPORT_*).
const IFLA_BRPORT_STATE: u16 = 1;
const IFLA_BRPORT_PRIORITY: u16 = 2;
const IFLA_BRPORT_COST: u16 = 3;
const IFLA_BRPORT_MODE: u16 = 4;
const IFLA_BRPORT_GUARD: u16 = 5;
const IFLA_BRPORT_PROTECT: u16 = 6;
const IFLA_BRPORT_FAST_LEAVE: u16 = 7;
const IFLA_BRPORT_LEARNING: u16 = 8;
const IFLA_BRPORT_UNICAST_FLOOD: u16 = 9;
const IFLA_BRPORT_PROXYARP: u16 = 10;
const IFLA_BRPORT_PROXYARP_WIFI: u16 = 12;
const IFLA_BRPORT_ROOT_ID: u16 = 13;
const IFLA_BRPORT_BRIDGE_ID: u16 = 14;
const IFLA_BRPORT_DESIGNATED_PORT: u16 = 15;
const IFLA_BRPORT_DESIGNATED_COST: u16 = 16;
const IFLA_BRPORT_ID: u16 = 17;
const IFLA_BRPORT_NO: u16 = 18;
const IFLA_BRPORT_TOPOLOGY_CHANGE_ACK: u16 = 19;
const IFLA_BRPORT_CONFIG_PENDING: u16 = 20;
const IFLA_BRPORT_MESSAGE_AGE_TIMER: u16 = 21;
const IFLA_BRPORT_FORWARD_DELAY_TIMER: u16 = 22;
const IFLA_BRPORT_HOLD_TIMER: u16 = 23;
const IFLA_BRPORT_MULTICAST_ROUTER: u16 = 25;
const IFLA_BRPORT_MCAST_FLOOD: u16 = 27;
const IFLA_BRPORT_MCAST_TO_UCAST: u16 = 28;
const IFLA_BRPORT_VLAN_TUNNEL: u16 = 29;
const IFLA_BRPORT_BCAST_FLOOD: u16 = 30;
const IFLA_BRPORT_GROUP_FWD_MASK: u16 = 31;
const IFLA_BRPORT_NEIGH_SUPPRESS: u16 = 32;
const IFLA_BRPORT_ISOLATED: u16 = 33;
const IFLA_BRPORT_MRP_RING_OPEN: u16 = 35;
const IFLA_BRPORT_MRP_IN_OPEN: u16 = 36;
const IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT: u16 = 37;
const IFLA_BRPORT_MCAST_EHT_HOSTS_CNT: u16 = 38;
const IFLA_BRPORT_LOCKED: u16 = 39;
const IFLA_BRPORT_MAB: u16 = 40;
const IFLA_BRPORT_MCAST_N_GROUPS: u16 = 41;
const IFLA_BRPORT_MCAST_MAX_GROUPS: u16 = 42;
const IFLA_BRPORT_NEIGH_VLAN_SUPPRESS: u16 = 43;
/// BR_STATE_DISABLED / BR_STATE_FORWARDING.
const BR_STATE_DISABLED: u8 = 0;
const BR_STATE_FORWARDING: u8 = 3;

/// IFLA_INFO_SLAVE_DATA of a bridge port (br_port_fill_attrs), in Linux's order. With STP
/// off a port forwards as soon as it and its bridge run.
pub fn fill_port_data(port: &Link, bridge: &Link, w: &mut Writer) {
    let running = port.is_up() && port.carrier && bridge.is_up();
    let state = if running {
        BR_STATE_FORWARDING
    } else {
        BR_STATE_DISABLED
    };
    let port_id = 0x8000 | port.port_no;
    let prio = match &bridge.kind {
        Kind::Bridge(c) => c.priority,
        _ => 0x8000,
    };
    let id = bridge_id(prio, &bridge.address);
    w.attr_u8(IFLA_BRPORT_STATE, state);
    w.attr_u16(IFLA_BRPORT_PRIORITY, 32);
    w.attr_u32(IFLA_BRPORT_COST, 2);
    for flag in [
        IFLA_BRPORT_MODE,
        IFLA_BRPORT_GUARD,
        IFLA_BRPORT_PROTECT,
        IFLA_BRPORT_FAST_LEAVE,
        IFLA_BRPORT_MCAST_TO_UCAST,
    ] {
        w.attr_u8(flag, 0);
    }
    for flag in [
        IFLA_BRPORT_LEARNING,
        IFLA_BRPORT_UNICAST_FLOOD,
        IFLA_BRPORT_MCAST_FLOOD,
        IFLA_BRPORT_BCAST_FLOOD,
    ] {
        w.attr_u8(flag, 1);
    }
    w.attr_u8(IFLA_BRPORT_PROXYARP, 0);
    w.attr_u8(IFLA_BRPORT_PROXYARP_WIFI, 0);
    w.attr(IFLA_BRPORT_ROOT_ID, &id);
    w.attr(IFLA_BRPORT_BRIDGE_ID, &id);
    w.attr_u16(IFLA_BRPORT_DESIGNATED_PORT, port_id);
    w.attr_u16(IFLA_BRPORT_DESIGNATED_COST, 0);
    w.attr_u16(IFLA_BRPORT_ID, port_id);
    w.attr_u16(IFLA_BRPORT_NO, port.port_no);
    w.attr_u8(IFLA_BRPORT_TOPOLOGY_CHANGE_ACK, 0);
    w.attr_u8(IFLA_BRPORT_CONFIG_PENDING, 0);
    w.attr_u8(IFLA_BRPORT_VLAN_TUNNEL, 0);
    w.attr_u16(IFLA_BRPORT_GROUP_FWD_MASK, 0);
    for flag in [
        IFLA_BRPORT_NEIGH_SUPPRESS,
        IFLA_BRPORT_MRP_RING_OPEN,
        IFLA_BRPORT_MRP_IN_OPEN,
        IFLA_BRPORT_ISOLATED,
        IFLA_BRPORT_LOCKED,
        IFLA_BRPORT_MAB,
        IFLA_BRPORT_NEIGH_VLAN_SUPPRESS,
    ] {
        w.attr_u8(flag, 0);
    }
    for timer in [
        IFLA_BRPORT_MESSAGE_AGE_TIMER,
        IFLA_BRPORT_FORWARD_DELAY_TIMER,
        IFLA_BRPORT_HOLD_TIMER,
    ] {
        w.attr_u64(timer, 0);
    }
    w.attr_u8(IFLA_BRPORT_MULTICAST_ROUTER, 1);
    w.attr_u32(IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT, 512);
    w.attr_u32(IFLA_BRPORT_MCAST_EHT_HOSTS_CNT, 0);
    w.attr_u32(IFLA_BRPORT_MCAST_N_GROUPS, 0);
    w.attr_u32(IFLA_BRPORT_MCAST_MAX_GROUPS, 0);
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
        let had_ports = matches!(&link.kind, Kind::Bridge(c) if c.had_ports);
        (ports.peek().is_none() && !had_ports) || ports.any(|p| p.is_up() && p.carrier)
    }
    fn reports_operstate(&self, link: &Link, ns: &Namespace) -> bool {
        matches!(&link.kind, Kind::Bridge(c) if c.had_ports) || has_ports(link, ns)
    }
    fn netns_immutable(&self) -> bool {
        true
    }
    fn fill_info_data(&self, link: &Link, _ns: &Namespace, w: &mut Writer) -> bool {
        let Kind::Bridge(c) = &link.kind else {
            return false;
        };
        for timer in [
            IFLA_BR_HELLO_TIMER,
            IFLA_BR_TCN_TIMER,
            IFLA_BR_TOPOLOGY_CHANGE_TIMER,
            IFLA_BR_GC_TIMER,
        ] {
            w.attr_u64(timer, 0);
        }
        w.attr_u32(IFLA_BR_FORWARD_DELAY, c.forward_delay);
        w.attr_u32(IFLA_BR_HELLO_TIME, c.hello_time);
        w.attr_u32(IFLA_BR_MAX_AGE, c.max_age);
        w.attr_u32(IFLA_BR_AGEING_TIME, c.ageing_time);
        w.attr_u32(IFLA_BR_STP_STATE, c.stp_state);
        w.attr_u16(IFLA_BR_PRIORITY, c.priority);
        w.attr_u8(IFLA_BR_VLAN_FILTERING, c.vlan_filtering);
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
        w.attr_u8(IFLA_BR_TOPOLOGY_CHANGE, 0);
        w.attr_u8(IFLA_BR_TOPOLOGY_CHANGE_DETECTED, 0);
        w.attr(IFLA_BR_GROUP_ADDR, &[0x01, 0x80, 0xc2, 0, 0, 0]);
        let mut boolopt = [0u8; 8];
        boolopt[4..].copy_from_slice(&BR_BOOLOPT_MASK.to_ne_bytes());
        w.attr(IFLA_BR_MULTI_BOOLOPT, &boolopt);
        w.attr_u32(IFLA_BR_FDB_N_LEARNED, 0);
        w.attr_u32(IFLA_BR_FDB_MAX_LEARNED, 0);
        w.attr_u8(IFLA_BR_MCAST_ROUTER, 1);
        w.attr_u8(IFLA_BR_MCAST_SNOOPING, c.mcast_snooping);
        w.attr_u8(IFLA_BR_MCAST_QUERY_USE_IFADDR, 0);
        w.attr_u8(IFLA_BR_MCAST_QUERIER, 0);
        w.attr_u8(IFLA_BR_MCAST_STATS_ENABLED, 0);
        w.attr_u32(IFLA_BR_MCAST_HASH_ELASTICITY, 16);
        w.attr_u32(IFLA_BR_MCAST_HASH_MAX, 4096);
        w.attr_u32(IFLA_BR_MCAST_LAST_MEMBER_CNT, 2);
        w.attr_u32(IFLA_BR_MCAST_STARTUP_QUERY_CNT, 2);
        w.attr_u8(IFLA_BR_MCAST_IGMP_VERSION, 2);
        w.attr_u8(IFLA_BR_MCAST_MLD_VERSION, 1);
        w.attr_u64(IFLA_BR_MCAST_LAST_MEMBER_INTVL, 100);
        w.attr_u64(IFLA_BR_MCAST_MEMBERSHIP_INTVL, 26000);
        w.attr_u64(IFLA_BR_MCAST_QUERIER_INTVL, 25500);
        w.attr_u64(IFLA_BR_MCAST_QUERY_INTVL, 12500);
        w.attr_u64(IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, 1000);
        w.attr_u64(IFLA_BR_MCAST_STARTUP_QUERY_INTVL, 3124);
        w.attr_u8(IFLA_BR_NF_CALL_IPTABLES, 0);
        w.attr_u8(IFLA_BR_NF_CALL_IP6TABLES, 0);
        w.attr_u8(IFLA_BR_NF_CALL_ARPTABLES, 0);
        true
    }
}
