//! The rtnetlink protocol: a handler table keyed by message type, request validation,
//! replies, dumps and the notifications a change causes. Maps wire ⇄ stack.

pub mod addr;
pub mod af_spec;
pub mod dump;
pub mod link;
pub mod netconf;
pub mod policy;

use crate::stack::{AttrRef, Event, NsId, Stack};
use crate::wire::consts::*;
use crate::wire::msg::Message;
use crate::wire::{NLMSG_HDRLEN, Writer};

pub use dump::Dump;

/// An error reply: errno, Linux's extack text, offset of the offending attribute from the
/// start of the request message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NlError {
    pub errno: i32,
    pub msg: &'static str,
    pub offset: Option<usize>,
    /// The policy the offending attribute failed (NLMSGERR_ATTR_POLICY).
    pub policy: Option<policy::Pol>,
}

impl NlError {
    pub const fn new(errno: i32, msg: &'static str) -> Self {
        NlError {
            errno,
            msg,
            offset: None,
            policy: None,
        }
    }
    pub const fn errno(errno: i32) -> Self {
        Self::new(errno, "")
    }
}

impl From<policy::Invalid> for NlError {
    fn from(e: policy::Invalid) -> Self {
        NlError {
            errno: e.errno,
            msg: e.msg,
            offset: e.offset,
            policy: e.policy,
        }
    }
}

/// One request as the handlers see it.
pub struct Request<'a> {
    pub msg: Message<'a>,
    pub ns: NsId,
    /// The sender's port id (replies and ACKs are addressed to it).
    pub portid: u32,
    /// NETLINK_GET_STRICT_CHK is on for the sending socket.
    pub strict: bool,
}

impl Request<'_> {
    /// The family header and attributes after the netlink header.
    pub fn body(&self) -> &[u8] {
        self.msg.payload()
    }
    pub fn flags(&self) -> u16 {
        self.msg.header.flags
    }
    pub fn seq(&self) -> u32 {
        self.msg.header.seq
    }
}

/// What a handler answers besides its ACK.
pub enum Reply {
    /// Nothing but the ACK (if requested).
    Ack,
    /// Unicast messages to the sender, then the ACK if requested.
    Messages(Writer),
    /// A dump; its parts are produced as the reader reads.
    Dump(Dump),
}

/// Events caused by a request, with the (portid, seq) Linux stamps on the notification.
pub struct Caused {
    pub event: Event,
    pub portid: u32,
    pub seq: u32,
    /// Linux builds this notification with the request's header, so NLM_F_ECHO returns it
    /// to the requester (nlmsg_report).
    pub reported: bool,
}

type DoIt = fn(&mut Stack, &Request<'_>, &mut Vec<Caused>) -> Result<Reply, NlError>;
type DumpIt = fn(&Stack, &Request<'_>) -> Result<Dump, NlError>;

/// One row of the handler table.
struct Handler {
    kind: u16,
    /// Needs CAP_NET_ADMIN (everything but GET, as rtnetlink_rcv_msg).
    admin: bool,
    doit: Option<DoIt>,
    dumpit: Option<DumpIt>,
}

static HANDLERS: &[Handler] = &[
    Handler {
        kind: RTM_GETLINK,
        admin: false,
        doit: Some(link::get),
        dumpit: Some(link::dump),
    },
    Handler {
        kind: RTM_NEWLINK,
        admin: true,
        doit: Some(link::new),
        dumpit: None,
    },
    Handler {
        kind: RTM_SETLINK,
        admin: true,
        doit: Some(link::set),
        dumpit: None,
    },
    Handler {
        kind: RTM_DELLINK,
        admin: true,
        doit: Some(link::del),
        dumpit: None,
    },
    Handler {
        kind: RTM_NEWLINKPROP,
        admin: true,
        doit: Some(link::new_prop),
        dumpit: None,
    },
    Handler {
        kind: RTM_DELLINKPROP,
        admin: true,
        doit: Some(link::del_prop),
        dumpit: None,
    },
    Handler {
        kind: RTM_GETADDR,
        admin: false,
        doit: Some(addr::get),
        dumpit: Some(addr::dump),
    },
    Handler {
        kind: RTM_NEWADDR,
        admin: true,
        doit: Some(addr::new),
        dumpit: None,
    },
    Handler {
        kind: RTM_DELADDR,
        admin: true,
        doit: Some(addr::del),
        dumpit: None,
    },
    Handler {
        kind: RTM_GETNETCONF,
        admin: false,
        doit: Some(netconf::get),
        dumpit: Some(netconf::dump),
    },
];

/// Highest rtnetlink message type Linux knows (RTM_MAX in 6.18).
const RTM_MAX: u16 = 123;

/// What processing one message produced.
pub struct Outcome {
    pub result: Result<Reply, NlError>,
    pub events: Vec<Caused>,
}

/// Handles one rtnetlink message that carries NLM_F_REQUEST and a type ≥ NLMSG_MIN_TYPE
/// (rtnetlink_rcv_msg).
pub fn handle(stack: &mut Stack, req: &Request<'_>, admin: bool) -> Outcome {
    let mut events = Vec::new();
    let result = dispatch(stack, req, admin, &mut events);
    // Link watch's worker runs once the request let go of RTNL: what it announces comes
    // after everything the request announced itself.
    let mut watched = Vec::new();
    stack.link_watch_flush(req.ns, &mut watched);
    push_unreported(&mut events, watched);
    Outcome { result, events }
}

fn dispatch(
    stack: &mut Stack,
    req: &Request<'_>,
    admin: bool,
    events: &mut Vec<Caused>,
) -> Result<Reply, NlError> {
    let kind = req.msg.header.kind;
    if kind > RTM_MAX {
        return Err(NlError::errno(libc::EOPNOTSUPP));
    }
    // All rtnetlink messages carry at least the one-byte rtgenmsg family; shorter ones
    // succeed without doing anything.
    if req.body().is_empty() {
        return Ok(Reply::Ack);
    }
    let is_get = (kind - RTM_NEWLINK) % 4 == 2;
    if !is_get && !admin {
        return Err(NlError::errno(libc::EPERM));
    }
    let handler = HANDLERS.iter().find(|h| h.kind == kind);
    // Either NLM_F_ROOT or NLM_F_MATCH makes a GET a dump (rtnetlink_rcv_msg).
    if is_get && req.flags() & NLM_F_DUMP != 0 {
        // rtnetlink_rcv_msg picks the family's own handler first: IPv6 has a link dump.
        if kind == RTM_GETLINK && req.body().first() == Some(&AF_INET6) {
            return addr::dump_inet6_ifinfo(stack, req).map(Reply::Dump);
        }
        if kind == RTM_GETLINK && req.body().first() == Some(&AF_BRIDGE) {
            return link::dump_bridge(stack, req).map(Reply::Dump);
        }
        let dumpit = handler
            .and_then(|h| h.dumpit)
            .ok_or(NlError::errno(libc::EOPNOTSUPP))?;
        return dumpit(stack, req).map(Reply::Dump);
    }
    // PF_BRIDGE has its own RTM_SETLINK and RTM_DELLINK (rtnl_bridge_setlink/dellink).
    if req.body().first() == Some(&AF_BRIDGE) {
        match kind {
            RTM_SETLINK => return link::bridge_setlink(stack, req, events),
            RTM_DELLINK => return link::bridge_dellink(stack, req, events),
            _ => {}
        }
    }
    let handler = handler.ok_or(NlError::errno(libc::EOPNOTSUPP))?;
    debug_assert_eq!(handler.admin, !is_get);
    let doit = handler.doit.ok_or(NlError::errno(libc::EOPNOTSUPP))?;
    doit(stack, req, events)
}

/// Stamps the events a request caused as Linux does. IPv4 address notifications are built
/// with the request (rtmsg_ifa: the requester's port and sequence, and NLM_F_ECHO returns
/// them); IPv6 ones are not (inet6_ifa_notify: zeroes, never echoed). For
/// links only the device's registration (ifi_change ~0) and unregistration are, and they
/// carry the requester's port and sequence only under NLM_F_ECHO; consequences carry 0.
pub fn push_events(out: &mut Vec<Caused>, events: Vec<Event>, req: &Request<'_>) {
    let echo = req.flags() & NLM_F_ECHO != 0;
    let mine = (req.portid, req.seq());
    let addr_request = matches!(req.msg.header.kind, RTM_NEWADDR | RTM_DELADDR);
    for event in events {
        let ((portid, seq), reported) = match &event {
            // Addresses a link change adds or removes (lo up, unregistration) are not.
            Event::NewAddr(_) | Event::DelAddr(_) if !addr_request => ((0, 0), false),
            Event::NewAddr(a) | Event::DelAddr(a) if a.family == AF_INET => (mine, true),
            Event::NewAddr(_) | Event::DelAddr(_) => ((0, 0), false),
            Event::NewLink(_, u32::MAX) | Event::DelLink(_) if echo => (mine, true),
            Event::NewLink(_, u32::MAX) | Event::DelLink(_) => ((0, 0), true),
            Event::NewLink(..)
            | Event::NewPortLink(..)
            | Event::LinkFeatures(_)
            | Event::BridgePort(..)
            | Event::Inet6Info(_)
            | Event::NetConf(..) => ((0, 0), false),
        };
        out.push(Caused {
            event,
            portid,
            seq,
            reported,
        });
    }
}

/// Pushes consequences that Linux announces without the request's header.
pub fn push_unreported(out: &mut Vec<Caused>, events: Vec<Event>) {
    out.extend(events.into_iter().map(|event| Caused {
        event,
        portid: 0,
        seq: 0,
        reported: false,
    }));
}

/// Writes the NLMSG_ERROR answering `req` (an ACK when errno is 0): the request echoed in
/// full unless `cap_ack` or success, extended ACK TLVs when `ext_ack` (netlink_ack).
pub fn write_ack(
    w: &mut Writer,
    req: &Message<'_>,
    portid: u32,
    err: Option<&NlError>,
    cap_ack: bool,
    ext_ack: bool,
) {
    let errno = err.map_or(0, |e| e.errno);
    let mut flags = 0;
    let echo_full = errno != 0 && !cap_ack;
    if !echo_full {
        flags |= NLM_F_CAPPED;
    }
    let tlvs = ext_ack
        && err.is_some_and(|e| !e.msg.is_empty() || e.offset.is_some() || e.policy.is_some());
    if tlvs {
        flags |= NLM_F_ACK_TLVS;
    }
    let m = w.begin(NLMSG_ERROR, flags, req.header.seq, portid);
    let mut body = Vec::with_capacity(4 + req.bytes.len());
    body.extend_from_slice(&(-errno).to_ne_bytes());
    if echo_full {
        body.extend_from_slice(req.bytes);
    } else {
        let mut hdr = [0u8; NLMSG_HDRLEN];
        hdr.copy_from_slice(&req.bytes[..NLMSG_HDRLEN]);
        body.extend_from_slice(&hdr);
    }
    w.put_raw(&body);
    if let Some(e) = err.filter(|_| tlvs) {
        write_ext_ack(w, e, req.bytes.len());
    }
    w.end(m);
}

/// NLMSGERR_ATTR_MSG and NLMSGERR_ATTR_OFFS.
pub fn write_ext_ack(w: &mut Writer, e: &NlError, req_len: usize) {
    if !e.msg.is_empty() {
        w.attr_str(NLMSGERR_ATTR_MSG, e.msg);
    }
    if let Some(off) = e.offset.filter(|&o| o < req_len) {
        w.attr_u32(NLMSGERR_ATTR_OFFS, off as u32);
    }
    if let Some(pol) = e.policy {
        policy::write_policy(w, NLMSGERR_ATTR_POLICY, pol);
    }
}

/// Where the attributes of a request start (after the netlink and family headers).
pub fn attrs_offset(family_hdr_len: usize) -> usize {
    NLMSG_HDRLEN + crate::wire::align4(family_hdr_len)
}

/// Resolves a stack error's attribute reference to an offset in the request.
pub fn stack_error(e: crate::stack::Error, locate: impl Fn(AttrRef) -> Option<usize>) -> NlError {
    NlError {
        errno: e.errno,
        msg: e.msg,
        offset: e.attr.and_then(locate),
        policy: None,
    }
}
