//! `veth` (drivers/net/veth.c): a pair; each end has carrier only while both ends are up
//! (veth_open / veth_close), so an up end whose peer is down is LOWERLAYERDOWN.

use super::*;

pub struct Veth;

/// veth allocates one queue per possible CPU (veth_get_num_queues).
fn cpu_count() -> u32 {
    std::thread::available_parallelism()
        .map(|n| n.get() as u32)
        .unwrap_or(1)
}

impl LinkOps for Veth {
    fn has_lower(&self) -> bool {
        true
    }
    fn kind_name(&self) -> Option<&'static str> {
        Some("veth")
    }
    fn queues(&self) -> (u32, u32) {
        (cpu_count(), cpu_count())
    }
    /// Registered with carrier on, then turned off by the driver (one carrier-down change).
    fn initial_carrier(&self) -> bool {
        true
    }
    fn carrier(&self, link: &Link, ns: &Namespace) -> bool {
        link.is_up()
            && link
                .link
                .and_then(|p| ns.link(p))
                .is_some_and(|p| p.is_up())
    }
}
