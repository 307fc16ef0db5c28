//! `macvlan` (drivers/net/macvlan.c): stacked on a lower device whose carrier it follows;
//! its MTU may not exceed the lower device's. `macvtap` (drivers/net/macvtap.c) is the same
//! device with a character device for its packets (not emulated: no packets move) and a
//! 500-packet queue.

use serde::{Deserialize, Serialize};

use super::*;
use crate::stack::{AttrRef, Error};

pub struct Macvlan;
pub struct Macvtap;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MacvlanConf {
    pub mode: u32,
    pub flags: u16,
    pub bc_queue_len: u32,
    /// A macvtap device.
    #[serde(default)]
    pub tap: bool,
}

impl MacvlanConf {
    pub fn parse(data: Option<AttrIter<'_>>, tap: bool) -> crate::stack::Result<MacvlanConf> {
        let mut conf = MacvlanConf {
            mode: MACVLAN_MODE_VEPA,
            flags: 0,
            bc_queue_len: 1000,
            tap,
        };
        for attr in data.into_iter().flatten().flatten() {
            let bad = || Error::at(libc::EINVAL, "", AttrRef::InfoData(attr.kind));
            match attr.kind {
                IFLA_MACVLAN_MODE => {
                    let mode = attr.u32().ok_or_else(bad)?;
                    if !matches!(
                        mode,
                        MACVLAN_MODE_PRIVATE
                            | MACVLAN_MODE_VEPA
                            | MACVLAN_MODE_BRIDGE
                            | MACVLAN_MODE_PASSTHRU
                            | MACVLAN_MODE_SOURCE
                    ) {
                        return Err(bad());
                    }
                    conf.mode = mode;
                }
                IFLA_MACVLAN_FLAGS => conf.flags = attr.u16().ok_or_else(bad)?,
                IFLA_MACVLAN_BC_QUEUE_LEN => conf.bc_queue_len = attr.u32().ok_or_else(bad)?,
                _ => {}
            }
        }
        Ok(conf)
    }
}

impl LinkOps for Macvlan {
    fn has_lower(&self) -> bool {
        true
    }
    fn kind_name(&self) -> Option<&'static str> {
        Some("macvlan")
    }
    fn can_proto_down(&self) -> bool {
        true
    }
    fn carrier(&self, link: &Link, ns: &Namespace) -> bool {
        lower_carrier(link, ns)
    }
    fn fill_info_data(&self, link: &Link, _ns: &Namespace, _now_ms: u64, w: &mut Writer) -> bool {
        let Kind::Macvlan(conf) = &link.kind else {
            return false;
        };
        w.attr_u32(IFLA_MACVLAN_MODE, conf.mode);
        w.attr_u16(IFLA_MACVLAN_FLAGS, conf.flags);
        w.attr_u32(IFLA_MACVLAN_MACADDR_COUNT, 0);
        w.attr_u32(IFLA_MACVLAN_BC_QUEUE_LEN, conf.bc_queue_len);
        w.attr_u32(IFLA_MACVLAN_BC_QUEUE_LEN_USED, conf.bc_queue_len);
        true
    }
}

impl LinkOps for Macvtap {
    fn has_lower(&self) -> bool {
        true
    }
    fn kind_name(&self) -> Option<&'static str> {
        Some("macvtap")
    }
    /// TUN_READQ_SIZE.
    fn txqlen(&self) -> u32 {
        500
    }
    fn can_proto_down(&self) -> bool {
        true
    }
    fn carrier(&self, link: &Link, ns: &Namespace) -> bool {
        Macvlan.carrier(link, ns)
    }
    fn fill_info_data(&self, link: &Link, ns: &Namespace, now_ms: u64, w: &mut Writer) -> bool {
        Macvlan.fill_info_data(link, ns, now_ms, w)
    }
}
