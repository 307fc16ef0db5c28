//! `dummy` (drivers/net/dummy.c, dummy_setup): NOARP, no multicast, no MTU bounds, carrier
//! always on, so link watch never moves it off UNKNOWN while up.

use super::*;

pub struct Dummy;

impl LinkOps for Dummy {
    fn kind_name(&self) -> Option<&'static str> {
        Some("dummy")
    }
    fn default_flags(&self) -> u32 {
        IFF_BROADCAST | IFF_NOARP
    }
    fn mtu_range(&self) -> (u32, u32) {
        (0, 0)
    }
    fn tso_max_size(&self, _link: &Link, _ns: &Namespace) -> u32 {
        65536
    }
    fn initial_carrier(&self) -> bool {
        true
    }
    fn carrier(&self, link: &Link, _ns: &Namespace) -> bool {
        link.forced_carrier.unwrap_or(true)
    }
    fn can_change_carrier(&self) -> bool {
        true
    }
    fn reports_operstate(&self, _link: &Link, _ns: &Namespace) -> bool {
        false
    }
}
