//! Bridge port states (net/bridge/br_stp.c, br_stp_if.c, br_stp_timer.c, br.c) for a bridge
//! alone on its segment: no BPDU ever arrives, so the bridge is the root and each of its
//! ports is designated. What is left of the spanning tree is what Linux does with the
//! states: an enabled port forwards at once without STP, and with kernel STP goes through
//! listening and learning, one forward delay each; the bridge has carrier while a port
//! forwards; a port that starts forwarding under STP starts a topology change. Each state
//! change is announced with the port's AF_BRIDGE view (br_ifinfo_notify).
//!
//! Callers settle the bridge afterwards: its carrier is derived from the port states.

use super::kinds::{
    BR_STATE_BLOCKING, BR_STATE_DISABLED, BR_STATE_FORWARDING, BR_STATE_LEARNING,
    BR_STATE_LISTENING, BR_STATE_UNKNOWN, BridgeConf, Kind,
};
use super::{Event, Link, NsId, Stack};
use crate::wire::consts::*;

/// What br_device_event hears about a port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortEvent {
    /// NETDEV_UP, with whether the port's operational state was up at that moment (link
    /// watch may not have run yet).
    Up { oper_up: bool },
    /// NETDEV_DOWN.
    Down,
    /// NETDEV_CHANGE: link watch moved the port's state, or netdev_state_change.
    Change,
    /// NETDEV_CHANGEADDR: the port's MAC changed.
    ChangeAddr,
}

/// netif_running && netif_oper_up: a port that can be enabled.
pub fn runs(port: &Link) -> bool {
    port.is_up() && matches!(port.operstate, IF_OPER_UP | IF_OPER_UNKNOWN)
}

impl Stack {
    /// The bridge `port` belongs to, if it is a bridge port.
    fn bridge_of(&self, ns: NsId, port: u32) -> Option<u32> {
        let nsr = self.ns(ns);
        let master = nsr.link(port)?.master?;
        nsr.link(master)
            .filter(|b| b.kind.is_bridge())
            .map(|b| b.ifindex)
    }

    fn bridge_conf_mut(&mut self, ns: NsId, bridge: u32) -> Option<&mut BridgeConf> {
        match self.ns_mut(ns).link_mut(bridge) {
            Some(Link {
                kind: Kind::Bridge(c),
                ..
            }) => Some(c),
            _ => None,
        }
    }

    /// (kernel STP runs, forward delay in milliseconds) of `bridge`.
    fn stp_mode(&self, ns: NsId, bridge: u32) -> (bool, u64) {
        match self.ns(ns).link(bridge).map(|b| &b.kind) {
            Some(Kind::Bridge(c)) => (c.stp_state != 0, c.forward_delay as u64 * 10),
            _ => (false, 0),
        }
    }

    fn port_state(&self, ns: NsId, port: u32) -> u8 {
        self.ns(ns)
            .link(port)
            .map_or(BR_STATE_DISABLED, |l| l.brport.state)
    }

    fn set_port_state(&mut self, ns: NsId, port: u32, state: u8, timer_ms: Option<u64>) {
        if let Some(l) = self.ns_mut(ns).link_mut(port) {
            l.brport.state = state;
            l.brport.forward_delay_timer_ms = timer_ms;
        }
        self.changed(ns);
        self.reschedule(ns, port);
    }

    /// The ports of `bridge` for which `pick` holds, newest first (the port list's order).
    fn ports_where(&self, ns: NsId, bridge: u32, pick: impl Fn(&Link) -> bool) -> Vec<u32> {
        let nsr = self.ns(ns);
        nsr.ports_newest_first(bridge)
            .into_iter()
            .filter(|&p| nsr.link(p).is_some_and(&pick))
            .collect()
    }

    /// br_ifinfo_notify: the port's AF_BRIDGE view as it is now.
    fn notify_port(&self, ns: NsId, port: u32, events: &mut Vec<Event>) {
        let nsr = self.ns(ns);
        if let Some(p) = nsr.link(port)
            && let Some(b) = p.master.and_then(|m| nsr.link(m))
        {
            events.push(Event::BridgePort(
                Box::new(p.clone()),
                Box::new(b.clone()),
                false,
            ));
        }
    }

    /// br_device_event for a bridge port: NETDEV_UP enables it when the bridge runs,
    /// NETDEV_DOWN disables it, NETDEV_CHANGE checks its carrier; when none of that
    /// announced the port, its view is announced anyway (NETDEV_CHANGEADDR always).
    pub(super) fn bridge_port_event(
        &mut self,
        ns: NsId,
        port: u32,
        event: PortEvent,
        events: &mut Vec<Event>,
    ) {
        let Some(bridge) = self.bridge_of(ns, port) else {
            return;
        };
        let bridge_up = self.ns(ns).link(bridge).is_some_and(Link::is_up);
        let notified = match event {
            PortEvent::Up { oper_up } if bridge_up && oper_up => {
                self.stp_enable_port(ns, port, events);
                true
            }
            PortEvent::Down if bridge_up => {
                self.stp_disable_port(ns, port, events);
                true
            }
            PortEvent::Change if bridge_up => self.port_carrier_check(ns, port, events),
            _ => false,
        };
        if !notified {
            self.notify_port(ns, port, events);
        }
    }

    /// br_port_carrier_check on a running bridge: returns whether the port was announced.
    fn port_carrier_check(&mut self, ns: NsId, port: u32, events: &mut Vec<Event>) -> bool {
        let state = self.port_state(ns, port);
        let port_runs = self.ns(ns).link(port).is_some_and(runs);
        if port_runs && state == BR_STATE_DISABLED {
            self.stp_enable_port(ns, port, events);
            true
        } else if !port_runs && state != BR_STATE_DISABLED {
            self.stp_disable_port(ns, port, events);
            true
        } else {
            false
        }
    }

    /// br_add_if's last step: a port joining a running bridge while it runs is enabled.
    pub(super) fn bridge_port_joined(&mut self, ns: NsId, port: u32, events: &mut Vec<Event>) {
        let Some(bridge) = self.bridge_of(ns, port) else {
            return;
        };
        let bridge_up = self.ns(ns).link(bridge).is_some_and(Link::is_up);
        if bridge_up && self.ns(ns).link(port).is_some_and(runs) {
            self.stp_enable_port(ns, port, events);
        }
    }

    /// br_stp_enable_port: blocking, then the state selection moves it on.
    pub(super) fn stp_enable_port(&mut self, ns: NsId, port: u32, events: &mut Vec<Event>) {
        self.set_port_state(ns, port, BR_STATE_BLOCKING, None);
        if let Some(bridge) = self.bridge_of(ns, port) {
            self.port_state_selection(ns, bridge, events);
        }
        self.notify_port(ns, port, events);
    }

    /// br_stp_disable_port: disabled, its timers stopped, announced; the others stay.
    pub(super) fn stp_disable_port(&mut self, ns: NsId, port: u32, events: &mut Vec<Event>) {
        self.set_port_state(ns, port, BR_STATE_DISABLED, None);
        self.notify_port(ns, port, events);
        if let Some(bridge) = self.bridge_of(ns, port) {
            self.port_state_selection(ns, bridge, events);
        }
    }

    /// br_port_state_selection: every designated port (all of them here) that is blocking
    /// goes towards forwarding. The carrier it then sets is derived from the states.
    fn port_state_selection(&mut self, ns: NsId, bridge: u32, events: &mut Vec<Event>) {
        let blocking = self.ports_where(ns, bridge, |p| p.brport.state == BR_STATE_BLOCKING);
        for port in blocking {
            self.make_forwarding(ns, bridge, port, events);
        }
    }

    /// br_make_forwarding: forwarding at once without kernel STP (or without a forward
    /// delay), listening with it. The forward delay timer runs either way when there is a
    /// delay: without STP its expiry only announces the port again.
    fn make_forwarding(&mut self, ns: NsId, bridge: u32, port: u32, events: &mut Vec<Event>) {
        let (kernel_stp, delay_ms) = self.stp_mode(ns, bridge);
        let timer = (delay_ms != 0).then(|| self.now_ms() + delay_ms);
        if !kernel_stp || delay_ms == 0 {
            self.set_port_state(ns, port, BR_STATE_FORWARDING, timer);
            self.topology_change_detection(ns, bridge);
        } else {
            self.set_port_state(ns, port, BR_STATE_LISTENING, timer);
        }
        self.notify_port(ns, port, events);
    }

    /// br_stp_enable_bridge (the bridge opens): the hello timer with kernel STP, and each
    /// running port enabled.
    pub(super) fn stp_enable_bridge(&mut self, ns: NsId, bridge: u32, events: &mut Vec<Event>) {
        let now = self.now_ms();
        if let Some(c) = self.bridge_conf_mut(ns, bridge) {
            if c.stp_state != 0 {
                c.hello_timer_ms = Some(now + c.hello_time as u64 * 10);
            }
            // The FDB garbage collection first runs a tenth of a second after.
            c.gc_timer_ms = Some(now + 100);
        }
        for port in self.ports_where(ns, bridge, runs) {
            self.stp_enable_port(ns, port, events);
        }
    }

    /// br_stp_disable_bridge (the bridge stops): each port not yet disabled is, and the
    /// topology change and the bridge timers end.
    pub(super) fn stp_disable_bridge(&mut self, ns: NsId, bridge: u32, events: &mut Vec<Event>) {
        let enabled = self.ports_where(ns, bridge, |p| p.brport.state != BR_STATE_DISABLED);
        for port in enabled {
            self.stp_disable_port(ns, port, events);
        }
        if let Some(c) = self.bridge_conf_mut(ns, bridge) {
            // __br_set_topology_change(br, 0): under kernel STP the ageing time comes back.
            set_topology_change(c, false);
            c.topology_change_detected = false;
            c.topology_change_timer_ms = None;
            c.hello_timer_ms = None;
            c.gc_timer_ms = None;
        }
        self.reschedule(ns, bridge);
    }

    /// br_stp_start on a bridge that runs: the hello timer starts (the state selection it
    /// also runs finds no blocking port: ports never stay blocking here).
    pub fn stp_started(&mut self, ns: NsId, bridge: u32) {
        let now = self.now_ms();
        let up = self.ns(ns).link(bridge).is_some_and(Link::is_up);
        if let Some(c) = self.bridge_conf_mut(ns, bridge)
            && up
        {
            c.hello_timer_ms = Some(now + c.hello_time as u64 * 10);
        }
    }

    /// br_stp_stop: the hello timer, no longer re-armed, fires once more (its deadline is
    /// fixed now, while the period still counts).
    pub fn stp_stopped(&mut self, ns: NsId, bridge: u32) {
        let now = self.now_ms();
        if let Some(c) = self.bridge_conf_mut(ns, bridge) {
            c.hello_timer_ms = next_hello_ms(c, true, now);
        }
    }

    /// br_set_port_state (a state set by the user, STP off), then the state selection. The
    /// caller settles the bridge once the request announced the port.
    pub fn bridge_port_state_set(
        &mut self,
        ns: NsId,
        port: u32,
        state: u8,
        events: &mut Vec<Event>,
    ) {
        let timer = self
            .ns(ns)
            .link(port)
            .and_then(|l| l.brport.forward_delay_timer_ms);
        self.set_port_state(ns, port, state, timer);
        if let Some(bridge) = self.bridge_of(ns, port) {
            self.port_state_selection(ns, bridge, events);
        }
    }

    /// Settles `bridge` after its ports' states changed (its carrier follows them).
    pub fn settle_bridge(&mut self, ns: NsId, bridge: u32, events: &mut Vec<Event>) {
        self.settle(ns, &[bridge], events);
    }

    /// br_topology_change_detection on the root bridge: with kernel STP, a topology change
    /// for forward delay + max age, during which addresses age in twice the forward delay.
    fn topology_change_detection(&mut self, ns: NsId, bridge: u32) {
        let now = self.now_ms();
        let Some(c) = self.bridge_conf_mut(ns, bridge) else {
            return;
        };
        if c.stp_state == 0 {
            return;
        }
        set_topology_change(c, true);
        c.topology_change_timer_ms = Some(now + (c.forward_delay + c.max_age) as u64 * 10);
        c.topology_change_detected = true;
        self.changed(ns);
        self.reschedule(ns, bridge);
    }

    /// Fires the STP timers of `ifindex` due at `now_ms`: a port's forward delay timer, a
    /// bridge's topology change timer.
    pub(super) fn run_stp_timers(
        &mut self,
        ns: NsId,
        ifindex: u32,
        now_ms: u64,
        events: &mut Vec<Event>,
    ) {
        let due = |t: Option<u64>| t.is_some_and(|t| t <= now_ms);
        let Some(link) = self.ns(ns).link(ifindex) else {
            return;
        };
        if link.master.is_some() && due(link.brport.forward_delay_timer_ms) {
            self.forward_delay_expired(ns, ifindex, events);
        }
        if let Some(c) = self.bridge_conf_mut(ns, ifindex)
            && due(c.topology_change_timer_ms)
        {
            // br_topology_change_timer_expired.
            c.topology_change_timer_ms = None;
            c.topology_change_detected = false;
            set_topology_change(c, false);
            self.changed(ns);
        }
        self.reschedule(ns, ifindex);
    }

    /// br_forward_delay_timer_expired: listening to learning (for another delay), learning
    /// to forwarding (carrier on, topology change); the port is announced in any state.
    fn forward_delay_expired(&mut self, ns: NsId, port: u32, events: &mut Vec<Event>) {
        let Some(bridge) = self.bridge_of(ns, port) else {
            return;
        };
        let (_, delay_ms) = self.stp_mode(ns, bridge);
        match self.port_state(ns, port) {
            BR_STATE_LISTENING => {
                let timer = Some(self.now_ms() + delay_ms);
                self.set_port_state(ns, port, BR_STATE_LEARNING, timer);
            }
            BR_STATE_LEARNING => {
                self.set_port_state(ns, port, BR_STATE_FORWARDING, None);
                // br_is_designated_for_some_port: this port is.
                self.topology_change_detection(ns, bridge);
            }
            state => self.set_port_state(ns, port, state, None),
        }
        self.notify_port(ns, port, events);
        self.settle(ns, &[bridge], events);
    }

    /// Port states of a state file written before they were kept: a port that runs on a
    /// running bridge forwarded (ports forwarded at once then); timers restart from now.
    pub(super) fn settle_loaded_port_states(&mut self, ns: NsId) {
        let nsr = self.ns(ns);
        let mut fixes = Vec::new();
        for port in nsr.links.values().filter(|l| l.master.is_some()) {
            let bridge_up = port
                .master
                .and_then(|m| nsr.link(m))
                .is_some_and(|b| b.kind.is_bridge() && b.is_up());
            let state = match port.brport.state {
                BR_STATE_UNKNOWN if bridge_up && runs(port) => BR_STATE_FORWARDING,
                BR_STATE_UNKNOWN => BR_STATE_DISABLED,
                s => s,
            };
            // The stack clock restarts at zero: a running forward delay restarts whole.
            let timer = port.brport.forward_delay_timer_ms.and_then(|_| {
                let (_, delay) = self.stp_mode(ns, port.master?);
                Some(delay)
            });
            fixes.push((port.ifindex, state, timer));
        }
        for (port, state, timer) in fixes {
            if let Some(l) = self.ns_mut(ns).link_mut(port) {
                l.brport.state = state;
                l.brport.forward_delay_timer_ms = timer;
            }
        }
        for link in self.ns_mut(ns).links.values_mut() {
            if let Kind::Bridge(c) = &mut link.kind {
                if c.topology_change_timer_ms.is_some() {
                    c.topology_change_timer_ms = Some(0);
                }
                c.hello_timer_ms = c.hello_timer_ms.map(|_| 0);
                c.gc_timer_ms = c.gc_timer_ms.map(|_| 0);
            }
        }
    }
}

/// __br_set_topology_change: under kernel STP the ageing time is twice the forward delay
/// while a topology change lasts. (When STP stopped meanwhile, Linux never restores it.)
fn set_topology_change(c: &mut BridgeConf, on: bool) {
    if c.stp_state != 0 && c.topology_change != on {
        c.short_ageing_time = on.then_some(2 * c.forward_delay);
    }
    c.topology_change = on;
}

/// What a Linux timer reports (br_timer_value): hundredths of a second left, 0 when idle.
pub fn timer_cs(deadline_ms: Option<u64>, now_ms: u64) -> u64 {
    deadline_ms.map_or(0, |t| t.saturating_sub(now_ms) / 10)
}

/// When the hello timer fires next: with kernel STP it re-arms itself every hello time
/// (br_hello_timer_expired); after STP stopped it runs out once more, then stays idle.
fn next_hello_ms(c: &BridgeConf, rearming: bool, now_ms: u64) -> Option<u64> {
    let t = c.hello_timer_ms?;
    if t > now_ms || !rearming {
        return Some(t);
    }
    let period = (c.hello_time as u64 * 10).max(10);
    Some(t + (now_ms - t) / period * period + period)
}

/// IFLA_BR_GC_TIMER: br_fdb_cleanup re-arms itself every ageing time (at least 10 ms)
/// while the bridge runs. (A run that falls inside a topology change waits only the
/// forward delay; topology changes last seconds and the ageing time minutes, so that is
/// left out.)
pub fn gc_timer_cs(c: &BridgeConf, now_ms: u64) -> u64 {
    let Some(first) = c.gc_timer_ms else {
        return 0;
    };
    let period = (c.ageing_time as u64 * 10).max(10);
    let next = if first > now_ms {
        first
    } else {
        first + (now_ms - first) / period * period + period
    };
    timer_cs(Some(next), now_ms)
}

/// IFLA_BR_HELLO_TIMER of a bridge (its timers stop while it is down).
pub fn hello_timer_cs(c: &BridgeConf, up: bool, now_ms: u64) -> u64 {
    if !up {
        return 0;
    }
    timer_cs(next_hello_ms(c, c.stp_state != 0, now_ms), now_ms)
}
