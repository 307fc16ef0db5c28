//! `macvlan` (drivers/net/macvlan.c): stacked on a lower device whose carrier it follows;
//! its MTU may not exceed the lower device's. `macvtap` (drivers/net/macvtap.c) is the same
//! device with a character device for its packets (not emulated: no packets move) and a
//! 500-packet queue.

use serde::{Deserialize, Serialize};

use super::*;
use crate::stack::{AttrRef, Error};

/// The operations of both kinds, which differ only in name and queue length.
pub struct Macvlan {
    tap: bool,
}

pub static MACVLAN: Macvlan = Macvlan { tap: false };
pub static MACVTAP: Macvlan = Macvlan { tap: true };

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MacvlanConf {
    pub mode: u32,
    pub flags: u16,
    pub bc_queue_len: u32,
    /// A macvtap device.
    #[serde(default)]
    pub tap: bool,
    /// Passthru: the lower device's address to give back when this device goes
    /// (port->perm_addr): its address when this device was made, or when it was last set
    /// on the lower device itself.
    #[serde(default)]
    pub perm_addr: Vec<u8>,
}

impl MacvlanConf {
    pub fn parse(data: Option<AttrIter<'_>>, tap: bool) -> crate::stack::Result<MacvlanConf> {
        let mut conf = MacvlanConf {
            mode: MACVLAN_MODE_VEPA,
            flags: 0,
            bc_queue_len: 1000,
            tap,
            perm_addr: Vec::new(),
        };
        conf.apply(data, true)?;
        Ok(conf)
    }

    /// macvlan_validate, then the options macvlan_changelink applies: the mode (checked
    /// first, set last: an existing device can neither become passthru nor stop being
    /// it), the flags and the broadcast queue length. A `new` device starts from the
    /// defaults.
    pub fn apply(&mut self, data: Option<AttrIter<'_>>, new: bool) -> crate::stack::Result<()> {
        let attrs: Vec<_> = data.into_iter().flatten().flatten().collect();
        let bad = |kind| Error::at(libc::EINVAL, "", AttrRef::InfoData(kind));
        let mut mode = None;
        for attr in &attrs {
            match attr.kind {
                IFLA_MACVLAN_MODE => {
                    let m = attr.u32().ok_or_else(|| bad(attr.kind))?;
                    if !matches!(
                        m,
                        MACVLAN_MODE_PRIVATE
                            | MACVLAN_MODE_VEPA
                            | MACVLAN_MODE_BRIDGE
                            | MACVLAN_MODE_PASSTHRU
                            | MACVLAN_MODE_SOURCE
                    ) {
                        return Err(bad(attr.kind));
                    }
                    mode = Some(m);
                }
                IFLA_MACVLAN_FLAGS => {
                    let f = attr.u16().ok_or_else(|| bad(attr.kind))?;
                    if f & !(MACVLAN_FLAG_NOPROMISC | MACVLAN_FLAG_NODST) != 0 {
                        return Err(bad(attr.kind));
                    }
                }
                IFLA_MACVLAN_BC_QUEUE_LEN => {
                    attr.u32().ok_or_else(|| bad(attr.kind))?;
                }
                // Only ever reported.
                IFLA_MACVLAN_MACADDR_COUNT => return Err(bad(attr.kind)),
                _ => {}
            }
        }
        if let Some(m) = mode
            && !new
            && (m == MACVLAN_MODE_PASSTHRU) != (self.mode == MACVLAN_MODE_PASSTHRU)
        {
            return Err(Error::errno(libc::EINVAL));
        }
        for attr in &attrs {
            match attr.kind {
                IFLA_MACVLAN_FLAGS => self.flags = attr.u16().unwrap_or(self.flags),
                IFLA_MACVLAN_BC_QUEUE_LEN => {
                    self.bc_queue_len = attr.u32().unwrap_or(self.bc_queue_len)
                }
                _ => {}
            }
        }
        if let Some(m) = mode {
            self.mode = m;
        }
        Ok(())
    }
}

impl LinkOps for Macvlan {
    fn has_lower(&self) -> bool {
        true
    }
    fn kind_name(&self) -> Option<&'static str> {
        Some(if self.tap { "macvtap" } else { "macvlan" })
    }
    /// A macvtap's is TUN_READQ_SIZE.
    fn txqlen(&self) -> u32 {
        if self.tap { 500 } else { 1000 }
    }
    fn can_proto_down(&self) -> bool {
        true
    }
    /// The lower device's, whether the macvlan runs or not: netif_stacked_transfer_operstate
    /// copies it at creation and whenever the lower device goes up, down or changes, and
    /// macvlan_open / macvlan_stop leave it alone.
    fn carrier(&self, link: &Link, ns: &Namespace) -> bool {
        link.link
            .and_then(|l| ns.link(l))
            .is_some_and(|lower| lower.carrier)
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
        ns: &Namespace,
        _now_ms: &dyn Fn() -> u64,
        w: &mut Writer,
    ) -> bool {
        let Kind::Macvlan(conf) = &link.kind else {
            return false;
        };
        // The port's queue serves every macvlan on the lower device: the largest length
        // any of them asked for (update_port_bc_queue_len).
        let used = link
            .link
            .into_iter()
            .flat_map(|lower| ns.stacked_on(lower))
            .filter_map(|l| match &l.kind {
                Kind::Macvlan(c) => Some(c.bc_queue_len),
                _ => None,
            })
            .max()
            .unwrap_or(conf.bc_queue_len);
        w.attr_u32(IFLA_MACVLAN_MODE, conf.mode);
        w.attr_u16(IFLA_MACVLAN_FLAGS, conf.flags);
        w.attr_u32(IFLA_MACVLAN_MACADDR_COUNT, 0);
        w.attr_u32(IFLA_MACVLAN_BC_QUEUE_LEN, conf.bc_queue_len);
        w.attr_u32(IFLA_MACVLAN_BC_QUEUE_LEN_USED, used);
        true
    }
}
