//! `vlan` (net/8021q/vlan_netlink.c): 802.1Q/802.1ad on a lower device; id 0–4094
//! (vlan_validate), carrier from the lower device, MTU at most the lower device's.

use serde::{Deserialize, Serialize};

use super::*;
use crate::stack::{AttrRef, Error};

pub struct Vlan;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VlanConf {
    pub id: u16,
    /// Network byte order value of IFLA_VLAN_PROTOCOL (ETH_P_8021Q or ETH_P_8021AD).
    pub protocol: u16,
    pub flags: u32,
}

impl VlanConf {
    pub fn parse(data: Option<AttrIter<'_>>) -> crate::stack::Result<VlanConf> {
        let mut id = None;
        let mut conf = VlanConf {
            id: 0,
            protocol: ETH_P_8021Q,
            flags: VLAN_FLAG_REORDER_HDR,
        };
        for attr in data.into_iter().flatten().flatten() {
            let bad = || Error::at(libc::EINVAL, "", AttrRef::InfoData(attr.kind));
            match attr.kind {
                IFLA_VLAN_ID => {
                    let v = attr.u16().ok_or_else(bad)?;
                    if v >= 4095 {
                        return Err(Error::at(
                            libc::ERANGE,
                            "8021q: Invalid VLAN id",
                            AttrRef::InfoData(attr.kind),
                        ));
                    }
                    id = Some(v);
                }
                IFLA_VLAN_PROTOCOL => {
                    let p = attr.u16().map(u16::from_be).ok_or_else(bad)?;
                    if p != ETH_P_8021Q && p != ETH_P_8021AD {
                        return Err(Error::at(
                            libc::EPROTONOSUPPORT,
                            "8021q: Invalid VLAN protocol",
                            AttrRef::InfoData(attr.kind),
                        ));
                    }
                    conf.protocol = p;
                }
                IFLA_VLAN_FLAGS => {
                    let p = attr.payload;
                    if p.len() < 8 {
                        return Err(bad());
                    }
                    let flags = u32::from_ne_bytes([p[0], p[1], p[2], p[3]]);
                    let mask = u32::from_ne_bytes([p[4], p[5], p[6], p[7]]);
                    conf.flags = (conf.flags & !mask) | (flags & mask);
                }
                _ => {}
            }
        }
        conf.id = id.ok_or(Error::new(libc::EINVAL, "8021q: VLAN id not specified"))?;
        Ok(conf)
    }
}

impl LinkOps for Vlan {
    fn has_lower(&self) -> bool {
        true
    }
    fn kind_name(&self) -> Option<&'static str> {
        Some("vlan")
    }
    fn mtu_range(&self) -> (u32, u32) {
        (0, 65535)
    }
    fn carrier(&self, link: &Link, ns: &Namespace) -> bool {
        lower_carrier(link, ns)
    }
    fn unicast_filter(&self) -> bool {
        true
    }
    fn follows_lower_state(&self) -> bool {
        true
    }
    fn fill_info_data(
        &self,
        link: &Link,
        _ns: &Namespace,
        _now_ms: &dyn Fn() -> u64,
        w: &mut Writer,
    ) -> bool {
        let Kind::Vlan(conf) = &link.kind else {
            return false;
        };
        w.attr(IFLA_VLAN_PROTOCOL, &conf.protocol.to_be_bytes());
        w.attr_u16(IFLA_VLAN_ID, conf.id);
        if conf.flags != 0 {
            let mut f = [0u8; 8];
            f[..4].copy_from_slice(&conf.flags.to_ne_bytes());
            f[4..].copy_from_slice(&u32::MAX.to_ne_bytes());
            w.attr(IFLA_VLAN_FLAGS, &f);
        }
        true
    }
}
