//! Link watch (net/core/link_watch.c): Linux handles a carrier change in a worker, which
//! moves the operational state and announces the device (and tells its bridge and IPv6).
//! Urgent events are handled at once; the others wait for the next full run, and full runs
//! come at most once a second (linkwatch_nextevent). So a bridge that loses carrier right
//! after other link events is announced up to a second later, with its operational state
//! unchanged until then, and a carrier that goes and comes back meanwhile is announced
//! once.
//!
//! Urgent (linkwatch_urgent_event): a running device with a lower device of its own (veth,
//! macvlan, vlan), or one whose carrier is back after link watch stopped its queue. What
//! is left waiting is a bridge or dummy losing carrier, or gaining it with its queue never
//! stopped (a bridge opening).

use std::collections::HashSet;

use super::addr::Inet6Event;
use super::link::refresh;
use super::stp::PortEvent;
use super::{Event, NsId, Stack};

/// The link watch worker's state (not saved: it only ever holds a second's worth).
#[derive(Debug, Default)]
pub struct LinkWatch {
    /// linkwatch_nextevent, in stack milliseconds: a run before it is urgent-only.
    next_ms: u64,
    /// lweventlist: links with an event not handled yet, in the order they fired.
    pending: Vec<(NsId, u32)>,
    /// When the delayed work runs.
    work_ms: Option<u64>,
    /// Links whose queue link watch stopped at a carrier loss (dev_deactivate).
    deactivated: HashSet<(NsId, u32)>,
}

impl LinkWatch {
    /// When the delayed work is due.
    pub fn due_ms(&self) -> Option<u64> {
        self.work_ms
    }
}

impl Stack {
    fn link_watch_urgent(&self, ns: NsId, idx: u32) -> bool {
        let Some(l) = self.ns(ns).link(idx) else {
            return false;
        };
        l.is_up()
            && (l.iflink().is_some()
                || l.carrier && self.linkwatch.deactivated.contains(&(ns, idx)))
    }

    /// linkwatch_fire_event for a link whose carrier or operational state `refresh` just
    /// changed from `old_operstate` (up or down: a run for a link that is down announces
    /// nothing, but it is a run). The worker runs once the request is done
    /// (`link_watch_flush`) if the event is urgent or a full run is due, else at the next
    /// full run; until then a running link keeps its old operational state.
    pub(super) fn link_watch_fire(&mut self, ns: NsId, idx: u32, old_operstate: u8) {
        let urgent = self.link_watch_urgent(ns, idx);
        let Some(l) = self.ns_mut(ns).link_mut(idx) else {
            return;
        };
        if !l.link_watch_pending {
            l.link_watch_pending = true;
            self.linkwatch.pending.push((ns, idx));
        }
        if let Some(l) = self.ns_mut(ns).link_mut(idx).filter(|l| l.is_up()) {
            l.operstate = old_operstate;
        }
        let now = self.now_ms();
        let lw = &mut self.linkwatch;
        let due = if urgent || now >= lw.next_ms {
            now
        } else {
            lw.next_ms
        };
        lw.work_ms = Some(lw.work_ms.map_or(due, |w| w.min(due)));
    }

    /// The worker after a request let go of RTNL: handles what is due for `ns` (runs
    /// again while handling links made urgent events due), and settles what depends on
    /// the links it handled.
    pub fn link_watch_flush(&mut self, ns: NsId, events: &mut Vec<Event>) {
        for _ in 0..8 {
            // The clock is read only with work pending (reads that find none may be
            // answered from exec's memo, see `Host::read_epoch`).
            let Some(due) = self.linkwatch.work_ms else {
                return;
            };
            let now = self.now_ms();
            if due > now {
                return;
            }
            let urgent_only = self.link_watch_start_run(now);
            let handled = self.link_watch_run(ns, urgent_only, now, events);
            if handled.is_empty() {
                return;
            }
            self.settle_dependents(ns, &handled, events);
        }
    }

    /// The start of __linkwatch_run_queue: a full run when the second since the last one is
    /// over (the next may come a second later), else a run of urgent events only. Returns
    /// whether it is urgent-only.
    fn link_watch_start_run(&mut self, now: u64) -> bool {
        let urgent_only = now < self.linkwatch.next_ms;
        if !urgent_only {
            self.linkwatch.next_ms = now + 1000;
        }
        urgent_only
    }

    /// __linkwatch_run_queue for the links of `ns`. Returns the links handled: what their
    /// dependents derive from them may have changed.
    fn link_watch_run(
        &mut self,
        ns: NsId,
        urgent_only: bool,
        now: u64,
        events: &mut Vec<Event>,
    ) -> Vec<u32> {
        // The list as it stands: what fires during the run waits for the next one.
        let batch = std::mem::take(&mut self.linkwatch.pending);
        let mut kept = Vec::new();
        let mut handled = Vec::new();
        for (n, idx) in batch {
            if n != ns || urgent_only && !self.link_watch_urgent(n, idx) {
                kept.push((n, idx));
            } else {
                self.link_watch_do_dev(n, idx, events);
                handled.push(idx);
            }
        }
        kept.append(&mut self.linkwatch.pending);
        self.linkwatch.pending = kept;
        self.linkwatch.work_ms =
            (!self.linkwatch.pending.is_empty()).then(|| now.max(self.linkwatch.next_ms));
        handled
    }

    /// linkwatch_do_dev: the operational state catches up, the queue starts or stops with
    /// the carrier, and a running device is announced (NETDEV_CHANGE first: its bridge and
    /// IPv6 hear of it).
    fn link_watch_do_dev(&mut self, ns: NsId, idx: u32, events: &mut Vec<Event>) {
        let nsr = self.ns_mut(ns);
        let oper_set = nsr.link(idx).map(|l| l.link_watch_policy(nsr));
        if let Some(l) = nsr.link_mut(idx) {
            l.link_watch_pending = false;
            l.oper_set = oper_set.flatten();
        }
        if refresh(self.ns_mut(ns), idx) {
            self.changed(ns);
        }
        let Some(l) = self.ns(ns).link(idx) else {
            return;
        };
        let (up, carrier) = (l.is_up(), l.carrier);
        if !up {
            return;
        }
        if carrier {
            self.linkwatch.deactivated.remove(&(ns, idx));
        } else {
            self.linkwatch.deactivated.insert((ns, idx));
        }
        self.bridge_port_event(ns, idx, PortEvent::Change, events);
        if carrier {
            self.addrconf(ns, idx, Inet6Event::Ready, events);
        }
        // netdev_state_change announces the link after its notifiers ran.
        if let Some(l) = self.ns(ns).link(idx) {
            events.push(Event::NewLink(Box::new(l.clone()), 0));
        }
    }

    /// The delayed link watch work, when due: one run over every namespace with pending
    /// links, then what the handled links' dependents made urgent.
    pub(super) fn run_link_watch(&mut self, now_ms: u64, out: &mut Vec<(NsId, Event)>) {
        if self.linkwatch.work_ms.is_none_or(|t| t > now_ms) {
            return;
        }
        self.linkwatch.work_ms = None;
        let urgent_only = self.link_watch_start_run(now_ms);
        let mut namespaces: Vec<NsId> = self.linkwatch.pending.iter().map(|&(n, _)| n).collect();
        namespaces.sort_unstable();
        namespaces.dedup();
        for ns in namespaces {
            let mut events = Vec::new();
            let handled = self.link_watch_run(ns, urgent_only, now_ms, &mut events);
            self.settle_dependents(ns, &handled, &mut events);
            self.link_watch_flush(ns, &mut events);
            out.extend(events.into_iter().map(|e| (ns, e)));
        }
    }

    /// linkwatch_sync_dev, as RTM_GETLINK of one link does first: a pending event of the
    /// link is handled now.
    pub fn link_watch_sync(&mut self, ns: NsId, idx: u32, events: &mut Vec<Event>) {
        if !self.ns(ns).link(idx).is_some_and(|l| l.link_watch_pending) {
            return;
        }
        let Some(at) = self.linkwatch.pending.iter().position(|&p| p == (ns, idx)) else {
            return;
        };
        self.linkwatch.pending.remove(at);
        self.link_watch_do_dev(ns, idx, events);
        self.settle_dependents(ns, &[idx], events);
    }

    fn settle_dependents(&mut self, ns: NsId, handled: &[u32], events: &mut Vec<Event>) {
        let dependents: Vec<u32> = handled
            .iter()
            .flat_map(|&idx| self.dependents(ns, idx))
            .collect();
        self.settle(ns, &dependents, events);
    }

    /// The end of dev_open (dev_activate): the queue runs if the link has carrier, else it
    /// waits for the carrier, whose return is then urgent.
    pub(super) fn link_watch_opened(&mut self, ns: NsId, idx: u32) {
        let carrier = self.ns(ns).link(idx).is_some_and(|l| l.carrier);
        if carrier {
            self.linkwatch.deactivated.remove(&(ns, idx));
        } else {
            self.linkwatch.deactivated.insert((ns, idx));
        }
    }

    /// dev_close (dev_deactivate): the queue stops.
    pub(super) fn link_watch_closed(&mut self, ns: NsId, idx: u32) {
        self.linkwatch.deactivated.insert((ns, idx));
    }

    /// Forgets a link that is gone.
    pub(super) fn link_watch_forget(&mut self, ns: NsId, idx: u32, was_pending: bool) {
        if was_pending {
            self.linkwatch.pending.retain(|&p| p != (ns, idx));
        }
        self.linkwatch.deactivated.remove(&(ns, idx));
    }
}
