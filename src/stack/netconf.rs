//! Per-device IP settings as netconf reports them (RTM_NEWNETCONF): for IPv4 from the
//! device's devconf, for IPv6 the defaults (nothing changes them through netlink); "all"
//! and "default" are the namespace's, at a new namespace's values.

use super::Link;
use crate::wire::consts::{AF_INET, AF_INET6};

/// IPv4 devconf ids (IPV4_DEVCONF_*) of the settings a netconf message carries.
const DEVCONF_FORWARDING: usize = 1;
const DEVCONF_MC_FORWARDING: usize = 2;
const DEVCONF_PROXY_ARP: usize = 3;
const DEVCONF_RP_FILTER: usize = 8;
const DEVCONF_IGNORE_ROUTES_WITH_LINKDOWN: usize = 29;
const DEVCONF_BC_FORWARDING: usize = 32;

/// One family's settings of a device, or of "all" (-1) / "default" (-2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetConf {
    pub family: u8,
    pub ifindex: i32,
    pub forwarding: i32,
    pub rp_filter: i32,
    pub mc_forwarding: i32,
    pub bc_forwarding: i32,
    pub proxy_neigh: i32,
    pub ignore_routes_with_linkdown: i32,
}

impl NetConf {
    /// A new namespace's settings under index `ifindex`.
    pub fn defaults(family: u8, ifindex: i32) -> NetConf {
        NetConf {
            family,
            ifindex,
            forwarding: 0,
            rp_filter: 0,
            mc_forwarding: 0,
            bc_forwarding: 0,
            proxy_neigh: 0,
            ignore_routes_with_linkdown: 0,
        }
    }

    /// The settings of `link` for `family`, if it has that family's device.
    pub fn of_link(link: &Link, family: u8) -> Option<NetConf> {
        let ifindex = link.ifindex as i32;
        match family {
            AF_INET if !link.inet4_off => {
                let conf = link.inet_conf();
                let at = |id: usize| conf.get(id - 1).map_or(0, |&v| v as i32);
                Some(NetConf {
                    forwarding: at(DEVCONF_FORWARDING),
                    rp_filter: at(DEVCONF_RP_FILTER),
                    mc_forwarding: at(DEVCONF_MC_FORWARDING),
                    bc_forwarding: at(DEVCONF_BC_FORWARDING),
                    proxy_neigh: at(DEVCONF_PROXY_ARP),
                    ignore_routes_with_linkdown: at(DEVCONF_IGNORE_ROUTES_WITH_LINKDOWN),
                    ..NetConf::defaults(family, ifindex)
                })
            }
            AF_INET6 if link.has_inet6() => Some(NetConf::defaults(family, ifindex)),
            _ => None,
        }
    }
}
