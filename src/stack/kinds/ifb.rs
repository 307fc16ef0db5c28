//! `ifb` (drivers/net/ifb.c, ifb_setup): an Ethernet device that takes what tc redirects to
//! it. NOARP, no multicast, no MTU bounds, a 32-packet queue (so the default qdisc, not
//! noqueue, once it is opened), carrier always on: UNKNOWN while up.

use super::*;

pub struct Ifb;

impl LinkOps for Ifb {
    fn kind_name(&self) -> Option<&'static str> {
        Some("ifb")
    }
    fn default_flags(&self) -> u32 {
        IFF_BROADCAST | IFF_NOARP
    }
    fn mtu_range(&self) -> (u32, u32) {
        (0, 0)
    }
    fn txqlen(&self) -> u32 {
        32
    }
    fn always_on(&self) -> bool {
        true
    }
    /// Linux's built-in default qdisc (net.core.default_qdisc).
    fn qdisc_when_up(&self) -> &'static str {
        "pfifo_fast"
    }
}
