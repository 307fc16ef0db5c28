//! `veth` (drivers/net/veth.c): a pair; each end has carrier only while both ends are up
//! (veth_open / veth_close), so an up end whose peer is down is LOWERLAYERDOWN.

use super::*;

pub struct Veth;

/// veth allocates one queue per possible CPU (veth_get_num_queues: num_possible_cpus(),
/// capped at 4096). Read once: it does not change while the system runs, and finding out
/// takes a file read (available_parallelism, the fallback, reads several).
fn cpu_count() -> u32 {
    static POSSIBLE: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *POSSIBLE.get_or_init(|| {
        std::fs::read_to_string("/sys/devices/system/cpu/possible")
            .ok()
            .and_then(|s| count_cpu_list(s.trim()))
            .or_else(|| {
                std::thread::available_parallelism()
                    .ok()
                    .map(|n| n.get() as u32)
            })
            .unwrap_or(1)
            .clamp(1, 4096)
    })
}

/// The number of CPUs in a kernel CPU list such as `0-3,8,10-11`.
fn count_cpu_list(list: &str) -> Option<u32> {
    list.split(',').try_fold(0u32, |total, part| {
        let (first, last) = part.split_once('-').unwrap_or((part, part));
        let (first, last): (u32, u32) = (first.parse().ok()?, last.parse().ok()?);
        total.checked_add(last.checked_sub(first)?.checked_add(1)?)
    })
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

#[cfg(test)]
mod tests {
    use super::count_cpu_list;

    #[test]
    fn cpu_lists_count_their_members() {
        assert_eq!(count_cpu_list("0"), Some(1));
        assert_eq!(count_cpu_list("0-1"), Some(2));
        assert_eq!(count_cpu_list("0-3,8,10-11"), Some(7));
        assert_eq!(count_cpu_list("3-1"), None);
        assert_eq!(count_cpu_list(""), None);
    }
}
