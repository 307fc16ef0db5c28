//! Dumps: a resumable cursor per dump (next ifindex, then address position), producing one
//! datagram per call so a 100k-link dump never sits whole in memory. Parts carry
//! NLM_F_MULTI, NLM_F_DUMP_INTR once the namespace changed after the dump began, and
//! NLM_F_DUMP_FILTERED when a filter applied; the end is NLMSG_DONE with a 4-byte status.

use super::{NlError, Request};
use crate::stack::{Link, Namespace, NsId, Stack};
use crate::wire::Writer;
use crate::wire::consts::*;

/// An NLMSG_DONE with its 4-byte status.
const NLMSG_DONE_LEN: usize = 20;

#[derive(Clone, Debug, Default)]
pub struct LinkFilter {
    pub ext_mask: u32,
    pub master: u32,
    pub kind: Option<Vec<u8>>,
}

#[derive(Clone, Debug)]
pub enum DumpKind {
    /// Links from ifindex `next` on.
    Links { next: u32, filter: LinkFilter },
    /// Addresses of `families` (in order), from link `next` and position `pos` on.
    Addrs {
        families: Vec<u8>,
        family: usize,
        next: u32,
        pos: usize,
        ifindex: u32,
    },
    /// AF_INET6 link dump (inet6_dump_ifinfo), from ifindex `next` on.
    Inet6Links { next: u32 },
    /// AF_BRIDGE link dump (rtnl_bridge_getlink), from ifindex `next` on.
    BridgeLinks { next: u32, ext_mask: u32 },
    /// Netconf entries of `families` (in order): devices from ifindex `next` on, then
    /// `tail` counts "all" and "default".
    NetConf {
        families: Vec<u8>,
        family: usize,
        next: u32,
        tail: u8,
    },
    /// Only NLMSG_DONE carrying an error (strict-mode validation failures).
    Failed(NlError),
}

/// Writes the messages of one link at a time from ifindex `next` on, and stops before the
/// link that would take the part past `budget` (a part holds at least one link), leaving
/// `next` there. Returns whether every link was written.
fn walk_links(
    nsr: &Namespace,
    next: &mut u32,
    w: &mut Writer,
    budget: usize,
    mut write: impl FnMut(&mut Writer, &Link),
) -> bool {
    for (&idx, link) in nsr.links.range(*next..) {
        let before = w.len();
        write(w, link);
        if w.len() > budget && before > 0 {
            w.truncate(before);
            *next = idx;
            return false;
        }
    }
    true
}

/// The header of an RTM_NEWLINK dump message.
fn link_header(flags: u16, seq: u32, portid: u32) -> super::link::MsgHeader {
    super::link::MsgHeader {
        kind: RTM_NEWLINK,
        flags,
        seq,
        portid,
        change: 0,
        event: None,
    }
}

#[derive(Clone, Debug)]
pub struct Dump {
    pub kind: DumpKind,
    ns: NsId,
    seq: u32,
    portid: u32,
    /// The namespace's change counter when the dump started.
    start: Option<u64>,
    filtered: bool,
    done: bool,
}

impl Dump {
    pub fn new(req: &Request<'_>, kind: DumpKind, filtered: bool) -> Dump {
        Dump {
            kind,
            ns: req.ns,
            seq: req.seq(),
            portid: req.portid,
            start: None,
            filtered,
            done: false,
        }
    }

    pub fn failed(req: &Request<'_>, e: NlError) -> Dump {
        Dump::new(req, DumpKind::Failed(e), false)
    }

    /// A dump that fails after its request asked for a filter: an address dump's
    /// NLMSG_DONE then says NLM_F_DUMP_FILTERED (cb->answer_flags was set first).
    pub fn failed_filtered(req: &Request<'_>, e: NlError, filtered: bool) -> Dump {
        Dump::new(req, DumpKind::Failed(e), filtered)
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Writes the next part into `w` (empty on entry), at most `budget` bytes unless a single
    /// message is larger. After the last part the dump is done.
    pub fn next_part(&mut self, stack: &Stack, w: &mut Writer, budget: usize, ext_ack: bool) {
        if self.done {
            return;
        }
        let Some(nsr) = stack.namespaces.get(self.ns) else {
            self.done = true;
            return;
        };
        let start = *self.start.get_or_insert(nsr.seq);
        let mut flags = NLM_F_MULTI;
        if nsr.seq != start {
            flags |= NLM_F_DUMP_INTR;
        }
        if self.filtered {
            flags |= NLM_F_DUMP_FILTERED;
        }
        let (seq, portid) = (self.seq, self.portid);
        let now_ms = stack.now_ms();
        let finished = match &mut self.kind {
            DumpKind::Failed(_) => true,
            DumpKind::Links { next, filter } => walk_links(nsr, next, w, budget, |w, link| {
                if !super::link::filtered_out(link, nsr, filter) {
                    let h = link_header(flags, seq, portid);
                    super::link::fill(w, h, link, nsr, stack, filter.ext_mask);
                }
            }),
            DumpKind::BridgeLinks { next, ext_mask } => {
                walk_links(nsr, next, w, budget, |w, link| {
                    let h = link_header(flags, seq, portid);
                    super::link::fill_bridge_dump(w, h, link, nsr, *ext_mask, now_ms);
                })
            }
            DumpKind::Inet6Links { next } => walk_links(nsr, next, w, budget, |w, link| {
                let h = super::addr::AddrHeader {
                    kind: RTM_NEWLINK,
                    flags,
                    seq,
                    portid,
                };
                // inet6_dump_ifinfo lists only links with an IPv6 device.
                if link.has_inet6() {
                    super::addr::fill_inet6_ifinfo(w, h, link);
                }
            }),
            DumpKind::NetConf {
                families,
                family,
                next,
                tail,
            } => {
                let mut finished = true;
                let put = |w: &mut Writer, conf: &crate::stack::NetConf| {
                    let before = w.len();
                    super::netconf::fill(w, RTM_NEWNETCONF, flags, seq, portid, conf, true);
                    // A part holds at least one message.
                    if w.len() > budget && before > 0 {
                        w.truncate(before);
                        return false;
                    }
                    true
                };
                'netconf: while let Some(&fam) = families.get(*family) {
                    for (&idx, link) in nsr.links.range(*next..) {
                        if let Some(conf) = crate::stack::NetConf::of_link(link, fam)
                            && !put(w, &conf)
                        {
                            *next = idx;
                            finished = false;
                            break 'netconf;
                        }
                        *next = idx + 1;
                    }
                    *next = u32::MAX;
                    while *tail < 2 {
                        if !put(w, &super::netconf::tail_conf(fam, *tail)) {
                            finished = false;
                            break 'netconf;
                        }
                        *tail += 1;
                    }
                    *family += 1;
                    *next = 0;
                    *tail = 0;
                }
                finished
            }
            DumpKind::Addrs {
                families,
                family,
                next,
                pos,
                ifindex,
            } => {
                let mut finished = true;
                'families: while let Some(&fam) = families.get(*family) {
                    for (&idx, link) in nsr.links.range(*next..) {
                        if *ifindex != 0 && idx != *ifindex {
                            continue;
                        }
                        let list = link.addrs(fam);
                        while let Some(a) = list.get(*pos) {
                            let before = w.len();
                            let h = super::addr::AddrHeader {
                                kind: RTM_NEWADDR,
                                flags,
                                seq,
                                portid,
                            };
                            super::addr::fill(w, h, a, stack.now_cs());
                            if w.len() > budget && before > 0 {
                                w.truncate(before);
                                *next = idx;
                                finished = false;
                                break 'families;
                            }
                            *pos += 1;
                        }
                        *pos = 0;
                        *next = idx + 1;
                    }
                    *family += 1;
                    *next = 0;
                    *pos = 0;
                }
                finished
            }
        };
        if !finished {
            return;
        }
        // A dump callback that wrote messages returns their length, so netlink_dump sends
        // NLMSG_DONE only on the next call, in a datagram of its own.
        // inet6_dump_addr returns 0 rather than the length, so NLMSG_DONE shares the last
        // part when it fits (the IPv4 and all-family dumps return skb->len).
        // inet6_dump_ifinfo likewise.
        let packs = match &self.kind {
            DumpKind::Addrs { families, .. } => families[..] == [AF_INET6],
            DumpKind::Inet6Links { .. } => true,
            _ => false,
        };
        let done_fits = packs && w.len() + NLMSG_DONE_LEN <= budget;
        if !w.is_empty() && !done_fits {
            return self.finish_later();
        }
        self.write_done(w, flags, ext_ack);
    }

    fn finish_later(&mut self) {
        if let DumpKind::Links { next, .. }
        | DumpKind::Inet6Links { next }
        | DumpKind::BridgeLinks { next, .. } = &mut self.kind
        {
            *next = u32::MAX;
        }
        if let DumpKind::Addrs {
            families, family, ..
        } = &mut self.kind
        {
            *family = families.len();
        }
    }

    fn write_done(&mut self, w: &mut Writer, mut flags: u16, ext_ack: bool) {
        let err = match &self.kind {
            DumpKind::Failed(e) => Some(*e),
            _ => None,
        };
        // Address dumps set cb->answer_flags, so their NLMSG_DONE says FILTERED too; link
        // dumps only flag the messages themselves.
        flags &= !NLM_F_DUMP_FILTERED;
        if self.filtered && !matches!(self.kind, DumpKind::Links { .. }) {
            flags |= NLM_F_DUMP_FILTERED;
        }
        let tlv = ext_ack && err.is_some_and(|e| !e.msg.is_empty());
        if tlv {
            flags |= NLM_F_ACK_TLVS;
        }
        let m = w.begin(NLMSG_DONE, flags, self.seq, self.portid);
        let status = err.map_or(0, |e| -e.errno);
        w.put_raw(&status.to_ne_bytes());
        if let (true, Some(e)) = (tlv, err) {
            w.attr_str(NLMSGERR_ATTR_MSG, e.msg);
        }
        w.end(m);
        self.done = true;
    }
}
