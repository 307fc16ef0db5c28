//! `lo` (drivers/net/loopback.c): always there, carrier always on, state UNKNOWN when up.

use super::*;

pub struct Loopback;

impl LinkOps for Loopback {
    fn kind_name(&self) -> Option<&'static str> {
        None
    }
    fn arphrd(&self) -> u16 {
        ARPHRD_LOOPBACK
    }
    fn default_flags(&self) -> u32 {
        IFF_LOOPBACK
    }
    fn default_mtu(&self) -> u32 {
        65536
    }
    fn mtu_range(&self) -> (u32, u32) {
        (0, 0)
    }
    fn initial_address(&self, _rng: &mut Rng) -> Vec<u8> {
        vec![0; 6]
    }
    fn always_on(&self) -> bool {
        true
    }
    fn netns_immutable(&self) -> bool {
        true
    }
}
