//! The timer wheel of the stack: links ordered by the next deadline among their addresses
//! (DAD completion, preferred and valid lifetime expiry) and their STP timers, so finding
//! the next timer and running due ones costs O(log n), not a walk over every address.

use std::collections::{BTreeSet, HashMap};

use super::{Addr, Kind, Link, NsId};
use crate::wire::consts::*;

#[derive(Debug, Default)]
pub struct Timers {
    due: BTreeSet<(u64, NsId, u32)>,
    by_link: HashMap<(NsId, u32), u64>,
}

impl Timers {
    /// Records `ifindex`'s next deadline (None: it has none, or the link is gone).
    pub fn set(&mut self, ns: NsId, ifindex: u32, deadline: Option<u64>) {
        if let Some(old) = self.by_link.remove(&(ns, ifindex)) {
            self.due.remove(&(old, ns, ifindex));
        }
        if let Some(t) = deadline {
            self.by_link.insert((ns, ifindex), t);
            self.due.insert((t, ns, ifindex));
        }
    }

    pub fn first(&self) -> Option<u64> {
        self.due.first().map(|(t, _, _)| *t)
    }

    /// Links with a deadline at or before `now_ms`.
    pub fn due(&self, now_ms: u64) -> Vec<(NsId, u32)> {
        self.due
            .iter()
            .take_while(|(t, _, _)| *t <= now_ms)
            .map(|&(_, ns, idx)| (ns, idx))
            .collect()
    }

    pub fn clear(&mut self) {
        self.due.clear();
        self.by_link.clear();
    }
}

impl Addr {
    /// When something next happens to this address, in stack milliseconds: DAD completes,
    /// the preferred lifetime runs out (unless already deprecated), or the valid one does.
    pub fn next_deadline_ms(&self) -> Option<u64> {
        let base = self.tstamp as u64 * 10;
        let lifetime = |lft: u32| (lft != INFINITY_LIFE_TIME).then(|| base + lft as u64 * 1000);
        let preferred = if self.flags & IFA_F_DEPRECATED == 0 && self.ages() {
            lifetime(self.preferred_lft)
        } else {
            None
        };
        [self.dad_until_ms, preferred, lifetime(self.valid_lft)]
            .into_iter()
            .flatten()
            .min()
    }
}

impl Link {
    /// The earliest of its addresses' deadlines and its STP timers (a port's forward
    /// delay, a bridge's topology change).
    pub fn next_deadline_ms(&self) -> Option<u64> {
        let port = self.master.and(self.brport.forward_delay_timer_ms);
        let bridge = match &self.kind {
            Kind::Bridge(c) => c.topology_change_timer_ms,
            _ => None,
        };
        self.addrs4
            .iter()
            .chain(self.addrs6.iter())
            .filter_map(Addr::next_deadline_ms)
            .chain(port)
            .chain(bridge)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(tstamp: u32, preferred: u32, valid: u32, flags: u32) -> Addr {
        Addr {
            ifindex: 2,
            family: AF_INET,
            prefixlen: 24,
            flags,
            scope: 0,
            local: vec![192, 0, 2, 1],
            peer: None,
            broadcast: None,
            label: None,
            valid_lft: valid,
            preferred_lft: preferred,
            cstamp: tstamp,
            tstamp,
            proto: 0,
            rt_priority: 0,
            dad_until_ms: None,
            added: 0,
        }
    }

    #[test]
    fn permanent_addresses_have_no_deadline() {
        let a = addr(0, INFINITY_LIFE_TIME, INFINITY_LIFE_TIME, IFA_F_PERMANENT);
        assert_eq!(a.next_deadline_ms(), None);
    }

    #[test]
    fn a_deprecated_address_waits_for_its_valid_lifetime_only() {
        // tstamp is in hundredths of a second: 100 = 1 s.
        let a = addr(100, 5, 30, 0);
        assert_eq!(a.next_deadline_ms(), Some(1000 + 5000));
        let a = addr(100, 5, 30, IFA_F_DEPRECATED);
        assert_eq!(a.next_deadline_ms(), Some(1000 + 30000));
    }

    #[test]
    fn the_earliest_link_comes_first_and_moves_when_rescheduled() {
        let mut t = Timers::default();
        t.set(0, 2, Some(500));
        t.set(0, 3, Some(100));
        assert_eq!(t.first(), Some(100));
        assert_eq!(t.due(200), vec![(0, 3)]);
        t.set(0, 3, None);
        assert_eq!(t.first(), Some(500));
    }
}
