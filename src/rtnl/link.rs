//! RTM_GETLINK / NEWLINK / SETLINK / DELLINK (net/core/rtnetlink.c) and the link message
//! Linux emits (rtnl_fill_ifinfo), attribute for attribute in its order.

use super::policy::{self, Attrs, Mode, Pol, Policy};
use super::{Caused, NlError, Reply, Request, attrs_offset, stack_error};
use crate::rtnl::dump::{Dump, DumpKind, LinkFilter};
use crate::stack::kinds::{self, Kind};
use crate::stack::link::{IPV4_DEVCONF_MAX, operstate_transition};
use crate::stack::netdev::{LinkChanges, check_gso, check_mtu, valid_name};
use crate::stack::{AttrRef, Event, Link, Namespace, NsId, Stack};
use crate::wire::attr::AttrIter;
use crate::wire::attr::NLA_HDRLEN;
use crate::wire::consts::*;
use crate::wire::{NLMSG_HDRLEN, Writer, align4};

const IFNAMSIZ: u16 = 16;
const IFALIASZ: u16 = 256;
/// MAX_TCP_HEADER as Linux 6.18 here has it (the smallest GSO size it takes is 193): a
/// GSO size must exceed it.
const MAX_TCP_HEADER: u32 = 192;
const MAX_ADDR_LEN: u16 = 32;

/// ifla_policy (the parts nlroute acts on or Linux rejects).
pub static IFLA_POLICY: Policy = Policy {
    max: IFLA_MAX,
    rules: &[
        (IFLA_IFNAME, Pol::Name(IFNAMSIZ - 1)),
        (IFLA_ADDRESS, Pol::Binary(MAX_ADDR_LEN)),
        (IFLA_BROADCAST, Pol::Binary(MAX_ADDR_LEN)),
        (IFLA_MAP, Pol::Unspec(32)),
        (IFLA_MTU, Pol::U32),
        (IFLA_LINK, Pol::U32),
        (IFLA_MASTER, Pol::U32),
        (IFLA_CARRIER, Pol::U8),
        (IFLA_TXQLEN, Pol::U32),
        (IFLA_WEIGHT, Pol::U32),
        (IFLA_OPERSTATE, Pol::U8),
        (IFLA_LINKMODE, Pol::U8),
        (IFLA_LINKINFO, Pol::Nested),
        (IFLA_NET_NS_PID, Pol::U32),
        (IFLA_NET_NS_FD, Pol::U32),
        // NLA_BINARY "to allow 0-length string": the NUL counts.
        (IFLA_IFALIAS, Pol::Binary(IFALIASZ - 1)),
        (IFLA_VFINFO_LIST, Pol::Nested),
        (IFLA_VF_PORTS, Pol::Nested),
        (IFLA_PORT_SELF, Pol::Nested),
        (IFLA_AF_SPEC, Pol::Nested),
        (IFLA_EXT_MASK, Pol::U32),
        (IFLA_PROMISCUITY, Pol::U32),
        (IFLA_NUM_TX_QUEUES, Pol::U32),
        (IFLA_NUM_RX_QUEUES, Pol::U32),
        (IFLA_GSO_MAX_SEGS, Pol::U32),
        (IFLA_GSO_MAX_SIZE, Pol::U32Min(MAX_TCP_HEADER + 1)),
        (IFLA_PHYS_PORT_ID, Pol::Binary(32)),
        (IFLA_CARRIER_CHANGES, Pol::U32),
        (IFLA_PHYS_SWITCH_ID, Pol::Binary(32)),
        (IFLA_LINK_NETNSID, Pol::S32),
        (IFLA_PROTO_DOWN, Pol::U8),
        (IFLA_XDP, Pol::Nested),
        (IFLA_EVENT, Pol::U32),
        (IFLA_GROUP, Pol::U32),
        (IFLA_IF_NETNSID, Pol::S32),
        (IFLA_CARRIER_UP_COUNT, Pol::U32),
        (IFLA_CARRIER_DOWN_COUNT, Pol::U32),
        (IFLA_MIN_MTU, Pol::U32),
        (IFLA_MAX_MTU, Pol::U32),
        (IFLA_PROP_LIST, Pol::Nested),
        (IFLA_ALT_IFNAME, Pol::Name(127)),
        (IFLA_PERM_ADDRESS, Pol::Reject),
        (IFLA_PROTO_DOWN_REASON, Pol::Nested),
        (IFLA_NEW_IFINDEX, Pol::S32Min(1)),
        (IFLA_PARENT_DEV_NAME, Pol::NulStr),
        (IFLA_GRO_MAX_SIZE, Pol::U32),
        (IFLA_TSO_MAX_SIZE, Pol::Reject),
        (IFLA_TSO_MAX_SEGS, Pol::Reject),
        (IFLA_ALLMULTI, Pol::Reject),
        (IFLA_GSO_IPV4_MAX_SIZE, Pol::U32Min(MAX_TCP_HEADER + 1)),
        (IFLA_GRO_IPV4_MAX_SIZE, Pol::U32),
        (IFLA_NETNS_IMMUTABLE, Pol::Reject),
        (IFLA_HEADROOM, Pol::Reject),
        (IFLA_TAILROOM, Pol::Reject),
    ],
};

/// ifla_info_policy.
static INFO_POLICY: Policy = Policy {
    max: IFLA_INFO_SLAVE_DATA,
    rules: &[
        (IFLA_INFO_KIND, Pol::Str(0)),
        (IFLA_INFO_DATA, Pol::Nested),
        (IFLA_INFO_SLAVE_KIND, Pol::Str(0)),
        (IFLA_INFO_SLAVE_DATA, Pol::Nested),
    ],
};

/// br_port_policy: a bridge port's settings (IFLA_INFO_SLAVE_DATA, or IFLA_PROTINFO of an
/// AF_BRIDGE request).
static BRPORT_POLICY: Policy = Policy {
    max: IFLA_BRPORT_MAX,
    rules: &[
        (IFLA_BRPORT_STATE, Pol::U8),
        (IFLA_BRPORT_COST, Pol::U32),
        (IFLA_BRPORT_PRIORITY, Pol::U16),
        (IFLA_BRPORT_MODE, Pol::U8),
        (IFLA_BRPORT_GUARD, Pol::U8),
        (IFLA_BRPORT_PROTECT, Pol::U8),
        (IFLA_BRPORT_FAST_LEAVE, Pol::U8),
        (IFLA_BRPORT_LEARNING, Pol::U8),
        (IFLA_BRPORT_UNICAST_FLOOD, Pol::U8),
        (IFLA_BRPORT_PROXYARP, Pol::U8),
        (IFLA_BRPORT_PROXYARP_WIFI, Pol::U8),
        (IFLA_BRPORT_MULTICAST_ROUTER, Pol::U8),
        (IFLA_BRPORT_MCAST_TO_UCAST, Pol::U8),
        (IFLA_BRPORT_MCAST_FLOOD, Pol::U8),
        (IFLA_BRPORT_BCAST_FLOOD, Pol::U8),
        (IFLA_BRPORT_VLAN_TUNNEL, Pol::U8),
        (IFLA_BRPORT_GROUP_FWD_MASK, Pol::U16),
        (IFLA_BRPORT_NEIGH_SUPPRESS, Pol::U8),
        (IFLA_BRPORT_ISOLATED, Pol::U8),
        (IFLA_BRPORT_BACKUP_PORT, Pol::U32),
        (IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT, Pol::U32),
        (IFLA_BRPORT_LOCKED, Pol::U8),
        (IFLA_BRPORT_MAB, Pol::U8),
        (IFLA_BRPORT_NEIGH_VLAN_SUPPRESS, Pol::U8),
        (IFLA_BRPORT_MCAST_N_GROUPS, Pol::Reject),
        (IFLA_BRPORT_MCAST_MAX_GROUPS, Pol::U32),
        (IFLA_BRPORT_BACKUP_NHID, Pol::U32),
    ],
};

/// veth_policy: the peer is at least an ifinfomsg.
static VETH_POLICY: Policy = Policy {
    max: VETH_INFO_PEER,
    rules: &[(VETH_INFO_PEER, Pol::Unspec(IFINFOMSG_LEN as u16))],
};

/// IFLA_INFO_DATA of kinds that check their own attributes.
static ANY_DATA_POLICY: Policy = Policy {
    max: u16::MAX >> 2,
    rules: &[],
};

/// struct ifinfomsg.
#[derive(Clone, Copy, Debug, Default)]
pub struct IfInfo {
    pub family: u8,
    pub pad: u8,
    pub kind: u16,
    pub index: i32,
    pub flags: u32,
    pub change: u32,
}

impl IfInfo {
    pub fn parse(b: &[u8]) -> Option<IfInfo> {
        let b = b.get(..IFINFOMSG_LEN)?;
        Some(IfInfo {
            family: b[0],
            pad: b[1],
            kind: u16::from_ne_bytes([b[2], b[3]]),
            index: i32::from_ne_bytes([b[4], b[5], b[6], b[7]]),
            flags: u32::from_ne_bytes([b[8], b[9], b[10], b[11]]),
            change: u32::from_ne_bytes([b[12], b[13], b[14], b[15]]),
        })
    }
    pub fn emit(&self) -> [u8; IFINFOMSG_LEN] {
        let mut b = [0u8; IFINFOMSG_LEN];
        b[0] = self.family;
        b[1] = self.pad;
        b[2..4].copy_from_slice(&self.kind.to_ne_bytes());
        b[4..8].copy_from_slice(&self.index.to_ne_bytes());
        b[8..12].copy_from_slice(&self.flags.to_ne_bytes());
        b[12..16].copy_from_slice(&self.change.to_ne_bytes());
        b
    }
}

/// The ifinfomsg and its attributes, as do-handlers parse them (nlmsg_parse_deprecated).
fn parse_request<'a>(req: &Request<'a>) -> Result<(IfInfo, Attrs<'a>), NlError> {
    parse_request_as(req, Mode::Liberal)
}

fn parse_request_as<'a>(req: &Request<'a>, mode: Mode) -> Result<(IfInfo, Attrs<'a>), NlError> {
    let body = req.msg.payload();
    let ifm = IfInfo::parse(body).ok_or(NlError::new(libc::EINVAL, "Invalid header length"))?;
    let attrs = policy::parse(
        body.get(IFINFOMSG_LEN..).unwrap_or(&[]),
        attrs_offset(IFINFOMSG_LEN),
        &IFLA_POLICY,
        mode,
    )?;
    Ok((ifm, attrs))
}

/// IFLA_TARGET_NETNSID names a namespace by id, and no emulated namespace has one
/// (rtnl_get_net_ns_capable, rtnl_link_get_net_by_nlattr: EINVAL). Several ways of naming a
/// namespace at once are refused first (rtnl_ensure_unique_netns).
fn no_namespace_id(attrs: &Attrs<'_>) -> Result<(), NlError> {
    let named = [IFLA_NET_NS_PID, IFLA_NET_NS_FD, IFLA_TARGET_NETNSID]
        .iter()
        .filter(|&&a| attrs.has(a))
        .count();
    if named > 1 {
        return Err(NlError::new(
            libc::EINVAL,
            "multiple netns identifying attributes specified",
        ));
    }
    if attrs.has(IFLA_TARGET_NETNSID) {
        return Err(NlError::errno(libc::EINVAL));
    }
    Ok(())
}

/// A link named by IFLA_IFNAME or IFLA_ALT_IFNAME (rtnl_dev_get).
fn by_name<'n>(ns: &'n Namespace, attrs: &Attrs<'_>) -> Option<&'n Link> {
    let name = attrs
        .get(IFLA_IFNAME)
        .or_else(|| attrs.get(IFLA_ALT_IFNAME))?;
    ns.by_name(name.str_bytes())
}

fn named(attrs: &Attrs<'_>) -> bool {
    attrs.has(IFLA_IFNAME) || attrs.has(IFLA_ALT_IFNAME)
}

/// The link a do-request is about: ifi_index when positive, else a name; EINVAL without
/// either, ENODEV when there is no such link (as rtnl_setlink, rtnl_dellink, rtnl_linkprop).
fn target<'n>(ns: &'n Namespace, ifm: &IfInfo, attrs: &Attrs<'_>) -> Result<&'n Link, NlError> {
    let link = if ifm.index > 0 {
        ns.link(ifm.index as u32)
    } else if named(attrs) {
        by_name(ns, attrs)
    } else {
        return Err(NlError::errno(libc::EINVAL));
    };
    link.ok_or(NlError::errno(libc::ENODEV))
}

/// RTM_GETLINK without NLM_F_DUMP (rtnl_getlink).
pub fn get(stack: &mut Stack, req: &Request<'_>, out: &mut Vec<Caused>) -> Result<Reply, NlError> {
    let body = req.msg.payload();
    // rtnl_valid_getlink_req checks the header before looking at strict mode.
    let ifm =
        IfInfo::parse(body).ok_or(NlError::new(libc::EINVAL, "Invalid header for get link"))?;
    let attrs_bytes = body.get(IFINFOMSG_LEN..).unwrap_or(&[]);
    let attrs = if req.strict {
        if ifm.pad != 0 || ifm.kind != 0 || ifm.flags != 0 || ifm.change != 0 {
            return Err(NlError::new(
                libc::EINVAL,
                "Invalid values in header for get link request",
            ));
        }
        let attrs = policy::parse(
            attrs_bytes,
            attrs_offset(IFINFOMSG_LEN),
            &IFLA_POLICY,
            Mode::Strict,
        )?;
        for a in attrs.present() {
            if !matches!(
                a.kind,
                IFLA_IFNAME | IFLA_ALT_IFNAME | IFLA_EXT_MASK | IFLA_TARGET_NETNSID
            ) {
                return Err(NlError::new(
                    libc::EINVAL,
                    "Unsupported attribute in get link request",
                ));
            }
        }
        attrs
    } else {
        policy::parse(
            attrs_bytes,
            attrs_offset(IFINFOMSG_LEN),
            &IFLA_POLICY,
            Mode::Liberal,
        )?
    };
    no_namespace_id(&attrs)?;
    let ns = stack.ns(req.ns);
    let link = if ifm.index > 0 {
        ns.link(ifm.index as u32)
    } else if named(&attrs) {
        by_name(ns, &attrs)
    } else {
        return Err(NlError::errno(libc::EINVAL));
    };
    let ifindex = link.ok_or(NlError::errno(libc::ENODEV))?.ifindex;
    // linkwatch_sync_dev: a carrier change still waiting for link watch is handled (and
    // announced) first, so the answer shows a state that holds.
    let mut events = Vec::new();
    stack.link_watch_sync(req.ns, ifindex, &mut events);
    super::push_unreported(out, events);
    let ns = stack.ns(req.ns);
    let link = ns.link(ifindex).ok_or(NlError::errno(libc::ENODEV))?;
    let ext_mask = attrs.get(IFLA_EXT_MASK).and_then(|a| a.u32()).unwrap_or(0);
    let mut w = Writer::with_capacity(2048);
    let header = MsgHeader {
        kind: RTM_NEWLINK,
        flags: 0,
        seq: req.seq(),
        portid: req.portid,
        change: 0,
        event: None,
    };
    fill(&mut w, header, link, ns, stack, ext_mask);
    Ok(Reply::Messages(w))
}

/// RTM_GETLINK with NLM_F_DUMP: validates the request (rtnl_valid_dump_ifinfo_req) and
/// returns a cursor; strict-mode errors are reported in NLMSG_DONE, as Linux does.
pub fn dump(stack: &Stack, req: &Request<'_>) -> Result<Dump, NlError> {
    let _ = stack;
    let body = req.msg.payload();
    let mut filter = LinkFilter::default();
    let parsed = if req.strict {
        let Some(ifm) = IfInfo::parse(body) else {
            return Ok(Dump::failed(
                req,
                NlError::new(libc::EINVAL, "Invalid header for link dump"),
            ));
        };
        if ifm.pad != 0 || ifm.kind != 0 || ifm.flags != 0 || ifm.change != 0 {
            return Ok(Dump::failed(
                req,
                NlError::new(
                    libc::EINVAL,
                    "Invalid values in header for link dump request",
                ),
            ));
        }
        if ifm.index != 0 {
            return Ok(Dump::failed(
                req,
                NlError::new(
                    libc::EINVAL,
                    "Filter by device index not supported for link dumps",
                ),
            ));
        }
        policy::parse(
            &body[IFINFOMSG_LEN..],
            attrs_offset(IFINFOMSG_LEN),
            &IFLA_POLICY,
            Mode::Strict,
        )
    } else {
        // Old clients send a bare rtgenmsg; Linux accepts it.
        let hdrlen = if body.len() < IFINFOMSG_LEN {
            RTGENMSG_LEN
        } else {
            IFINFOMSG_LEN
        };
        let start = crate::wire::align4(hdrlen).min(body.len());
        policy::parse(
            &body[start..],
            attrs_offset(hdrlen),
            &IFLA_POLICY,
            Mode::Liberal,
        )
    };
    let attrs = match parsed {
        Ok(a) => a,
        Err(e) => return Ok(Dump::failed(req, e.into())),
    };
    for a in attrs.present() {
        match a.kind {
            IFLA_EXT_MASK => filter.ext_mask = a.u32_prefix().unwrap_or(0),
            IFLA_MASTER => filter.master = a.u32_prefix().unwrap_or(0),
            IFLA_LINKINFO => {
                let info = policy::parse(a.payload, a.offset + 4, &INFO_POLICY, Mode::Liberal);
                // An unknown kind gives no filter at all (linkinfo_to_kind_ops is NULL).
                if let Some(kind) = info.ok().and_then(|i| i.get(IFLA_INFO_KIND))
                    && kinds::by_name(kind.str_bytes()).is_some()
                {
                    filter.kind = Some(kind.str_bytes().to_vec());
                }
            }
            IFLA_TARGET_NETNSID => {}
            _ if req.strict => {
                return Ok(Dump::failed(
                    req,
                    NlError::new(libc::EINVAL, "Unsupported attribute in link dump request"),
                ));
            }
            _ => {}
        }
    }
    let filtered = filter.master != 0 || filter.kind.is_some();
    Ok(Dump::new(
        req,
        DumpKind::Links { next: 0, filter },
        filtered,
    ))
}

/// Whether a dump filter skips this link (link_master_filtered / link_kind_filtered).
pub fn filtered_out(link: &Link, ns: &Namespace, filter: &LinkFilter) -> bool {
    if filter.master != 0 {
        // A master filter naming a device that is not a master filters everything out.
        let is_master = ns.link(filter.master).is_some_and(|m| m.kind.is_bridge());
        if !is_master || link.master != Some(filter.master) {
            return true;
        }
    }
    if let Some(kind) = &filter.kind {
        let known = kinds::by_name(kind).is_some();
        let name = link.kind.ops().kind_name().map(str::as_bytes);
        if !known || name != Some(kind.as_slice()) {
            return true;
        }
    }
    false
}

/// The parts of the netlink header a link message needs.
#[derive(Clone, Copy)]
pub struct MsgHeader {
    pub kind: u16,
    pub flags: u16,
    pub seq: u32,
    pub portid: u32,
    pub change: u32,
    /// IFLA_EVENT, for notifications that carry one (IFLA_EVENT_FEATURES).
    pub event: Option<u32>,
}

/// Writes one link message (rtnl_fill_ifinfo). Returns false, with nothing written, when the
/// writer's budget was exceeded — the caller decides (dumps stop the part there).
pub fn fill(
    w: &mut Writer,
    h: MsgHeader,
    link: &Link,
    ns: &Namespace,
    stack: &Stack,
    ext_mask: u32,
) {
    let bridge = link.master.and_then(|m| ns.link(m));
    fill_with_bridge(w, h, link, bridge, ns, stack, ext_mask);
}

/// [`fill`] for a bridge port, with its bridge as it was when the message was made.
pub fn fill_port(
    w: &mut Writer,
    h: MsgHeader,
    port: &Link,
    bridge: &Link,
    ns: &Namespace,
    stack: &Stack,
) {
    fill_with_bridge(w, h, port, Some(bridge), ns, stack, 0);
}

/// [`fill`], with the bridge `link` is a port of (its IFLA_INFO_SLAVE_DATA).
fn fill_with_bridge(
    w: &mut Writer,
    h: MsgHeader,
    link: &Link,
    bridge: Option<&Link>,
    ns: &Namespace,
    stack: &Stack,
    ext_mask: u32,
) {
    let ops = link.kind.ops();
    let m = w.begin(h.kind, h.flags, h.seq, h.portid);
    w.put_raw(
        &IfInfo {
            family: AF_UNSPEC,
            pad: 0,
            kind: ops.arphrd(),
            index: link.ifindex as i32,
            flags: link.ifi_flags(),
            change: h.change,
        }
        .emit(),
    );
    let (min_mtu, max_mtu) = ops.mtu_range();
    w.attr_str(IFLA_IFNAME, &link.name);
    w.attr_u32(IFLA_TXQLEN, link.txqlen);
    w.attr_u8(IFLA_OPERSTATE, link.operstate);
    w.attr_u8(IFLA_LINKMODE, link.linkmode);
    w.attr_u8(IFLA_NETNS_IMMUTABLE, ops.netns_immutable() as u8);
    w.attr_u32(IFLA_MTU, link.mtu);
    w.attr_u32(IFLA_MIN_MTU, min_mtu);
    w.attr_u32(IFLA_MAX_MTU, max_mtu);
    w.attr_u32(IFLA_GROUP, link.group);
    w.attr_u32(IFLA_PROMISCUITY, link.promiscuity);
    w.attr_u32(IFLA_ALLMULTI, link.allmulti);
    w.attr_u32(IFLA_NUM_TX_QUEUES, link.num_tx_queues);
    let gso = link.gso.as_deref().copied().unwrap_or_default();
    w.attr_u32(IFLA_GSO_MAX_SEGS, gso.gso_max_segs);
    w.attr_u32(IFLA_GSO_MAX_SIZE, gso.gso_max_size);
    w.attr_u32(IFLA_GRO_MAX_SIZE, gso.gro_max_size);
    w.attr_u32(IFLA_GSO_IPV4_MAX_SIZE, gso.gso_ipv4_max_size);
    w.attr_u32(IFLA_GRO_IPV4_MAX_SIZE, gso.gro_ipv4_max_size);
    w.attr_u32(IFLA_TSO_MAX_SIZE, ops.tso_max_size(link, ns));
    w.attr_u32(IFLA_TSO_MAX_SEGS, 65535);
    w.attr_u32(IFLA_MAX_PACING_OFFLOAD_HORIZON, 0);
    w.attr_u32(IFLA_NUM_RX_QUEUES, link.num_rx_queues);
    if let Some(master) = link.master {
        w.attr_u32(IFLA_MASTER, master);
    }
    w.attr_u8(IFLA_CARRIER, link.carrier as u8);
    if let Some(alias) = &link.alias {
        w.attr_str(IFLA_IFALIAS, alias);
    }
    w.attr_u32(IFLA_CARRIER_CHANGES, link.carrier_changes());
    w.attr_u32(IFLA_CARRIER_UP_COUNT, link.carrier_up_count);
    w.attr_u32(IFLA_CARRIER_DOWN_COUNT, link.carrier_down_count);
    w.attr_u16(IFLA_HEADROOM, ops.needed_headroom(link));
    w.attr_u16(IFLA_TAILROOM, 0);
    w.attr_u8(IFLA_PROTO_DOWN, link.proto_down as u8);
    if let Some(event) = h.event {
        w.attr_u32(IFLA_EVENT, event);
    }
    if !link.address.is_empty() {
        w.attr(IFLA_ADDRESS, &link.address);
        w.attr(IFLA_BROADCAST, &link.broadcast);
    }
    // RTEXT_FILTER_SKIP_STATS only skips VF and IPv6 statistics, not these.
    w.attr(IFLA_STATS64, &[0u8; 200]);
    w.attr(IFLA_STATS, &[0u8; 96]);
    let xdp = w.nest_noflag(IFLA_XDP);
    w.attr_u8(2, 0); // IFLA_XDP_ATTACHED: XDP_ATTACHED_NONE
    w.nest_end(xdp);
    if let Some(kind_name) = ops.kind_name() {
        let info = w.nest_noflag(IFLA_LINKINFO);
        w.attr_str(IFLA_INFO_KIND, kind_name);
        let data = w.nest_noflag(IFLA_INFO_DATA);
        // The clock is read only by kinds that report timers: an answer that never read it
        // depends on the state alone (see `Host::read_epoch`).
        let clock = || stack.now_ms();
        if ops.fill_info_data(link, ns, &clock, w) {
            w.nest_end(data);
        } else {
            w.abort_nest(data);
        }
        fill_port_info(w, link, bridge, &clock);
        w.nest_end(info);
    } else if link.master.is_some() {
        let info = w.nest_noflag(IFLA_LINKINFO);
        fill_port_info(w, link, bridge, &|| stack.now_ms());
        w.nest_end(info);
    }
    if let Some(iflink) = link.iflink() {
        w.attr_u32(IFLA_LINK, iflink);
    }
    w.attr_str(IFLA_QDISC, link.qdisc());
    if h.kind == RTM_DELLINK {
        // The per-family devices are gone by the time RTM_DELLINK is built: an empty nest.
        w.attr(IFLA_AF_SPEC, &[]);
    } else {
        let spec = w.nest_noflag(IFLA_AF_SPEC);
        let skip_stats = ext_mask & RTEXT_FILTER_SKIP_STATS != 0;
        super::af_spec::write(w, link, super::af_spec::Part::Whole, skip_stats);
        w.nest_end(spec);
    }
    w.attr(IFLA_MAP, &[0u8; 32]);
    if !link.altnames.is_empty() {
        let list = w.nest(IFLA_PROP_LIST);
        for alt in &link.altnames {
            w.attr_str(IFLA_ALT_IFNAME, alt);
        }
        w.nest_end(list);
    }
    let devlink = w.nest(IFLA_DEVLINK_PORT);
    w.nest_end(devlink);
    let dpll = w.nest(IFLA_DPLL_PIN);
    w.nest_end(dpll);
    w.end(m);
}

/// IFLA_INET6_TOKEN and IFLA_INET6_ADDR_GEN_MODE.
const IFLA_INET6_TOKEN: u16 = 7;
const IFLA_INET6_ADDR_GEN_MODE: u16 = 8;
/// inet6_af_policy: what an AF_INET6 entry of IFLA_AF_SPEC may carry.
static INET6_AF_POLICY: Policy = Policy {
    max: IFLA_INET6_RA_MTU,
    rules: &[
        (IFLA_INET6_TOKEN, Pol::Unspec(16)),
        (IFLA_INET6_ADDR_GEN_MODE, Pol::U8),
        (
            IFLA_INET6_RA_MTU,
            Pol::RejectWith("IFLA_INET6_RA_MTU can not be set"),
        ),
    ],
};
const IFLA_INET6_RA_MTU: u16 = 9;
/// IN6_ADDR_GEN_MODE_STABLE_PRIVACY needs a secret nlroute does not keep.
const IN6_ADDR_GEN_MODE_STABLE_PRIVACY: u8 = 2;
const IN6_ADDR_GEN_MODE_RANDOM: u8 = 3;

/// What IFLA_AF_SPEC is checked against (validate_linkmsg's device).
#[derive(Clone, Copy)]
enum AfTarget {
    /// A device being made: rtnl_create_link checks the message against it before it is
    /// registered, so it has no IPv4 or IPv6 device yet.
    New,
    /// An existing device, with or without its IPv4 and IPv6 devices.
    Device { inet: bool, inet6: bool },
    /// Each device of a group: its devices are checked as it is changed.
    Group,
}

/// inet_af_policy: an AF_INET entry of IFLA_AF_SPEC carries the device configuration.
static INET_AF_POLICY: Policy = Policy {
    max: IFLA_INET_CONF,
    rules: &[(IFLA_INET_CONF, Pol::Nested)],
};
const IFLA_INET_CONF: u16 = 1;

/// What IFLA_AF_SPEC of a change sets.
#[derive(Default)]
struct AfChanges {
    mode: Option<u8>,
    token: Option<[u8; 16]>,
    /// (id, value) of each IPv4 device setting; Some, even empty, when an AF_INET entry was
    /// given.
    inet_conf: Option<Vec<(u8, u32)>>,
}

/// Reads IFLA_AF_SPEC of a change as validate_linkmsg does, every entry before anything is
/// set (rtnl_af_lookup, inet_validate_link_af, inet6_validate_link_af): AF_INET and
/// AF_INET6 are known and AF_BRIDGE has nothing to set; a family whose device `target`
/// lacks refuses its entry before reading it. An AF_INET entry's settings need an id from
/// 1 to IPV4_DEVCONF_MAX and four bytes; an AF_INET6 entry must carry a token or an address
/// generation mode.
fn af_spec_changes(spec: crate::wire::Attr<'_>, target: AfTarget) -> Result<AfChanges, NlError> {
    let mut ch = AfChanges::default();
    let (has_inet, has_inet6) = match target {
        AfTarget::New => (Some(false), Some(false)),
        AfTarget::Device { inet, inet6 } => (Some(inet), Some(inet6)),
        AfTarget::Group => (None, None),
    };
    for af in spec.nested() {
        let af = af.map_err(|_| NlError::errno(libc::EINVAL))?;
        match af.kind as u8 {
            AF_INET => {
                if has_inet == Some(false) {
                    return Err(NlError::errno(libc::EAFNOSUPPORT));
                }
                let tb = policy::parse(af.payload, af.offset + 4, &INET_AF_POLICY, Mode::Liberal)?;
                let mut conf = Vec::new();
                // nla_for_each_nested: a malformed tail ends the walk, unreported.
                for a in tb.get(IFLA_INET_CONF).into_iter().flat_map(|c| c.nested()) {
                    let Ok(a) = a else { break };
                    let id = a.kind;
                    let value = a.u32_prefix().filter(|_| a.payload.len() >= 4);
                    match value {
                        Some(v) if (1..=IPV4_DEVCONF_MAX as u16).contains(&id) => {
                            conf.push((id as u8, v));
                        }
                        _ => return Err(NlError::errno(libc::EINVAL)),
                    }
                }
                ch.inet_conf = Some(conf);
            }
            AF_INET6 => {
                if has_inet6 == Some(false) {
                    return Err(NlError::errno(libc::EAFNOSUPPORT));
                }
                let tb = policy::parse(af.payload, af.offset + 4, &INET6_AF_POLICY, Mode::Liberal)?;
                let (t, m) = (tb.get(IFLA_INET6_TOKEN), tb.get(IFLA_INET6_ADDR_GEN_MODE));
                if t.is_none() && m.is_none() {
                    return Err(NlError::errno(libc::EINVAL));
                }
                if let Some(m) = m.and_then(|a| a.u8()) {
                    if m > IN6_ADDR_GEN_MODE_RANDOM || m == IN6_ADDR_GEN_MODE_STABLE_PRIVACY {
                        return Err(NlError::errno(libc::EINVAL));
                    }
                    ch.mode = Some(m);
                }
                // (The policy checked its length: an IPv6 address, or more.)
                ch.token = t.and_then(|a| a.payload.get(..16)?.try_into().ok());
            }
            // AF_BRIDGE has rtnl_af_ops without set_link_af.
            AF_BRIDGE => return Err(NlError::errno(libc::EOPNOTSUPP)),
            _ => return Err(NlError::errno(libc::EAFNOSUPPORT)),
        }
    }
    Ok(ch)
}

/// IFLA_EVENT_FEATURES (enum ifla_event... rtnl_get_event: NETDEV_FEAT_CHANGE).
pub const IFLA_EVENT_FEATURES: u32 = 2;

/// The AF_BRIDGE message about a bridge port (br_fill_ifinfo): RTM_NEWLINK with the port's
/// attributes in IFLA_PROTINFO, or RTM_DELLINK without them when the port leaves.
pub fn fill_bridge_port(w: &mut Writer, kind: u16, port: &Link, bridge: &Link, now_ms: u64) {
    let h = MsgHeader {
        kind,
        flags: 0,
        seq: 0,
        portid: 0,
        change: 0,
        event: None,
    };
    fill_bridge_view(w, h, port, bridge, now_ms);
}

/// br_fill_ifinfo for `port` on `bridge`; the bridge about itself (port == bridge) has no
/// IFLA_PROTINFO.
fn fill_bridge_view(w: &mut Writer, h: MsgHeader, port: &Link, bridge: &Link, now_ms: u64) {
    let kind = h.kind;
    let m = w.begin(kind, h.flags, h.seq, h.portid);
    w.put_raw(
        &IfInfo {
            family: AF_BRIDGE,
            pad: 0,
            kind: port.kind.ops().arphrd(),
            index: port.ifindex as i32,
            flags: port.ifi_flags(),
            change: 0,
        }
        .emit(),
    );
    w.attr_str(IFLA_IFNAME, &port.name);
    w.attr_u32(IFLA_MASTER, bridge.ifindex);
    w.attr_u32(IFLA_MTU, port.mtu);
    w.attr_u8(IFLA_OPERSTATE, port.operstate);
    if !port.address.is_empty() {
        w.attr(IFLA_ADDRESS, &port.address);
    }
    if let Some(iflink) = port.iflink() {
        w.attr_u32(IFLA_LINK, iflink);
    }
    if kind == RTM_NEWLINK && port.ifindex != bridge.ifindex {
        let info = w.nest(IFLA_PROTINFO);
        kinds::fill_port_data(port, bridge, now_ms, w);
        w.nest_end(info);
    }
    w.end(m);
}

/// Extended-mask bits for which a bridge describes itself in an AF_BRIDGE dump (br_getlink:
/// otherwise only ports are listed).
const BRIDGE_SELF_FILTERS: u32 = RTEXT_FILTER_BRVLAN
    | RTEXT_FILTER_BRVLAN_COMPRESSED
    | RTEXT_FILTER_MRP
    | RTEXT_FILTER_CFM_CONFIG
    | RTEXT_FILTER_CFM_STATUS;

/// The AF_BRIDGE messages an AF_BRIDGE link dump writes for `link` (rtnl_bridge_getlink):
/// its view as a port of its bridge, then, for a bridge, its own view when `ext_mask` asks.
pub fn fill_bridge_dump(
    w: &mut Writer,
    h: MsgHeader,
    link: &Link,
    ns: &Namespace,
    ext_mask: u32,
    now_ms: u64,
) {
    if let Some(bridge) = link.master.and_then(|m| ns.link(m)) {
        fill_bridge_view(w, h, link, bridge, now_ms);
    }
    if link.kind.is_bridge() && ext_mask & BRIDGE_SELF_FILTERS != 0 {
        fill_bridge_view(w, h, link, link, now_ms);
    }
}

/// RTM_GETLINK dump for AF_BRIDGE (rtnl_bridge_getlink and valid_bridge_getlink_req): the
/// ports of every bridge, in ifindex order.
pub fn dump_bridge(_: &Stack, req: &Request<'_>) -> Result<Dump, NlError> {
    let fail = |msg| Ok(Dump::failed(req, NlError::new(libc::EINVAL, msg)));
    let body = req.msg.payload();
    let Some(ifm) = IfInfo::parse(body) else {
        // Without strict checking a shorter request has no attributes to look at.
        if req.strict {
            return fail("Invalid header for bridge link dump");
        }
        return Ok(Dump::new(
            req,
            DumpKind::BridgeLinks {
                next: 0,
                ext_mask: 0,
            },
            false,
        ));
    };
    if req.strict
        && (ifm.pad != 0 || ifm.kind != 0 || ifm.flags != 0 || ifm.change != 0 || ifm.index != 0)
    {
        return fail("Invalid values in header for bridge link dump request");
    }
    let mode = if req.strict {
        Mode::Strict
    } else {
        Mode::Liberal
    };
    let attrs = match policy::parse(
        body.get(IFINFOMSG_LEN..).unwrap_or(&[]),
        attrs_offset(IFINFOMSG_LEN),
        &IFLA_POLICY,
        mode,
    ) {
        Ok(a) => a,
        Err(e) => return Ok(Dump::failed(req, e.into())),
    };
    let mut ext_mask = 0;
    for a in attrs.present() {
        match a.kind {
            IFLA_EXT_MASK => ext_mask = a.u32_prefix().unwrap_or(0),
            _ if req.strict => return fail("Unsupported attribute in bridge link dump request"),
            _ => {}
        }
    }
    Ok(Dump::new(
        req,
        DumpKind::BridgeLinks { next: 0, ext_mask },
        false,
    ))
}

/// IFLA_INFO_SLAVE_KIND and IFLA_INFO_SLAVE_DATA of a bridge port.
fn fill_port_info(w: &mut Writer, link: &Link, bridge: Option<&Link>, now_ms: &dyn Fn() -> u64) {
    let Some(bridge) = bridge.filter(|_| link.master.is_some()) else {
        return;
    };
    w.attr_str(IFLA_INFO_SLAVE_KIND, "bridge");
    let data = w.nest_noflag(IFLA_INFO_SLAVE_DATA);
    kinds::fill_port_data(link, bridge, now_ms(), w);
    w.nest_end(data);
}

/// Where attributes of a NEWLINK/SETLINK request sit, for extack offsets.
struct Locator<'a> {
    attrs: &'a Attrs<'a>,
    info_data: Option<&'a Attrs<'a>>,
}

impl Locator<'_> {
    fn locate(&self, r: AttrRef) -> Option<usize> {
        match r {
            AttrRef::Top(t) => self.attrs.get(t).map(|a| a.offset),
            AttrRef::InfoData(t) => self.info_data.and_then(|d| d.get(t)).map(|a| a.offset),
            AttrRef::Peer(_) => None,
        }
    }
}

/// Reads the settings shared by create and change from parsed attributes.
/// The changes a request asks of a link; `inet6` as for [`af_spec_changes`].
fn changes_from(ifm: &IfInfo, attrs: &Attrs<'_>, target: AfTarget) -> Result<LinkChanges, NlError> {
    let mut ch = LinkChanges::default();
    let str_attr = |t| -> Result<Option<String>, NlError> {
        match attrs.get(t) {
            None => Ok(None),
            Some(a) => String::from_utf8(a.str_bytes().to_vec())
                .map(Some)
                .map_err(|_| NlError::errno(libc::EINVAL)),
        }
    };
    let u32_attr = |t| attrs.get(t).and_then(|a| a.u32_prefix());
    ch.address = attrs.get(IFLA_ADDRESS).map(|a| a.payload.to_vec());
    ch.broadcast = attrs.get(IFLA_BROADCAST).map(|a| a.payload.to_vec());
    ch.mtu = u32_attr(IFLA_MTU);
    ch.group = u32_attr(IFLA_GROUP);
    ch.name = str_attr(IFLA_IFNAME)?;
    ch.alias = str_attr(IFLA_IFALIAS)?;
    if ifm.flags != 0 || ifm.change != 0 {
        ch.flags = Some((ifm.flags, ifm.change));
    }
    ch.master = u32_attr(IFLA_MASTER);
    ch.txqlen = u32_attr(IFLA_TXQLEN);
    ch.operstate = attrs
        .get(IFLA_OPERSTATE)
        .and_then(|a| a.payload.first().copied());
    ch.linkmode = attrs
        .get(IFLA_LINKMODE)
        .and_then(|a| a.payload.first().copied());
    ch.proto_down = attrs
        .get(IFLA_PROTO_DOWN)
        .and_then(|a| a.payload.first().map(|&b| b != 0));
    ch.gso = [
        IFLA_GSO_MAX_SIZE,
        IFLA_GSO_MAX_SEGS,
        IFLA_GRO_MAX_SIZE,
        IFLA_GSO_IPV4_MAX_SIZE,
        IFLA_GRO_IPV4_MAX_SIZE,
    ]
    .map(u32_attr);
    ch.num_tx_queues = u32_attr(IFLA_NUM_TX_QUEUES);
    ch.num_rx_queues = u32_attr(IFLA_NUM_RX_QUEUES);
    ch.carrier = attrs
        .get(IFLA_CARRIER)
        .and_then(|a| a.payload.first().map(|&b| b != 0));
    ch.netns = attrs.has(IFLA_NET_NS_PID) || attrs.has(IFLA_NET_NS_FD);
    if let Some(spec) = attrs.get(IFLA_AF_SPEC) {
        let af = af_spec_changes(spec, target)?;
        (ch.addr_gen_mode, ch.inet6_token, ch.inet_conf) = (af.mode, af.token, af.inet_conf);
    }
    Ok(ch)
}

/// RTM_NEWLINK: change an existing link, or create one with NLM_F_CREATE (rtnl_newlink).
pub fn new(stack: &mut Stack, req: &Request<'_>, out: &mut Vec<Caused>) -> Result<Reply, NlError> {
    let (ifm, attrs) = parse_request(req)?;
    no_namespace_id(&attrs)?;
    let info = match attrs.get(IFLA_LINKINFO) {
        Some(a) => Some(policy::parse(
            a.payload,
            a.offset + 4,
            &INFO_POLICY,
            Mode::Liberal,
        )?),
        None => None,
    };
    let is_veth = info
        .as_ref()
        .and_then(|i| i.get(IFLA_INFO_KIND))
        .is_some_and(|k| k.str_bytes() == b"veth");
    let data = match info.as_ref().and_then(|i| i.get(IFLA_INFO_DATA)) {
        Some(d) => Some(policy::parse(
            d.payload,
            d.offset + 4,
            if is_veth {
                &VETH_POLICY
            } else {
                &ANY_DATA_POLICY
            },
            Mode::Liberal,
        )?),
        None => None,
    };
    let loc = Locator {
        attrs: &attrs,
        info_data: data.as_ref(),
    };
    let kind_name = info
        .as_ref()
        .and_then(|i| i.get(IFLA_INFO_KIND))
        .map(|k| k.str_bytes().to_vec());
    // ops->validate runs before the device is looked up: a kind that refuses refuses a
    // change as well as a creation.
    if let Some((_, why)) = REFUSING_KINDS
        .iter()
        .find(|(name, _)| kind_name.as_deref() == Some(*name))
    {
        return Err(NlError::new(libc::EOPNOTSUPP, why));
    }
    if kind_name.as_deref() == Some(b"vxlan") {
        vxlan_validate(&loc)?;
    }
    let ns = stack.ns(req.ns);
    if ifm.index < 0 {
        return Err(NlError::new(libc::EINVAL, "ifindex can't be negative"));
    }
    let existing = if ifm.index > 0 {
        ns.link(ifm.index as u32)
    } else if named(&attrs) {
        by_name(ns, &attrs)
    } else {
        None
    };
    let flags = req.flags();
    if let Some(link) = existing {
        if flags & NLM_F_EXCL != 0 {
            return Err(NlError::errno(libc::EEXIST));
        }
        if flags & NLM_F_REPLACE != 0 {
            return Err(NlError::errno(libc::EOPNOTSUPP));
        }
        let ifindex = link.ifindex;
        // The kind only matters when kind data is to be changed (ops->changelink).
        if data.is_some()
            && (kind_name.as_deref() != link.kind.ops().kind_name().map(str::as_bytes)
                || !link.kind.has_changelink())
        {
            return Err(NlError::errno(libc::EOPNOTSUPP));
        }
        let slave = info.as_ref().and_then(|i| i.get(IFLA_INFO_SLAVE_DATA));
        let target = AfTarget::Device {
            inet: !link.inet4_off,
            inet6: link.has_inet6(),
        };
        let mut ch = changes_from(&ifm, &attrs, target)?;
        // Renamed by index only: otherwise the name selected the device.
        resolve_rename(stack, req.ns, &ifm, &mut ch)?;
        // Changed kind or port data is announced (DO_SETLINK_NOTIFY).
        ch.notify = data.is_some() || slave.is_some();
        if let Some(slave) = slave {
            // slave_changelink of the master's kind: only a bridge has one.
            let port_data = policy::parse(
                slave.payload,
                slave.offset + 4,
                &BRPORT_POLICY,
                Mode::Liberal,
            )?;
            set_port(stack, req.ns, ifindex, &port_data, out)?;
        }
        return change(stack, req, ifindex, &ch, &loc, out);
    }
    if flags & NLM_F_CREATE == 0 {
        let link_specified = ifm.index > 0 || named(&attrs);
        let Some(group) = attrs.get(IFLA_GROUP).and_then(|a| a.u32_prefix()) else {
            return Err(NlError::errno(libc::ENODEV));
        };
        if link_specified {
            return Err(NlError::errno(libc::ENODEV));
        }
        // rtnl_group_changelink: the changes apply to every link of the group.
        let members: Vec<u32> = stack
            .ns(req.ns)
            .links
            .values()
            .filter(|l| l.group == group)
            .map(|l| l.ifindex)
            .collect();
        let mut ch = changes_from(&ifm, &attrs, AfTarget::Group)?;
        ch.name = None;
        for idx in members {
            change(stack, req, idx, &ch, &loc, out)?;
        }
        return Ok(Reply::Ack);
    }
    if attrs.has(IFLA_MAP) || attrs.has(IFLA_PROTINFO) {
        return Err(NlError::errno(libc::EOPNOTSUPP));
    }
    let Some(kind_name) = kind_name else {
        return Err(NlError::new(libc::EOPNOTSUPP, "Unknown device type"));
    };
    let Some(new_kind) = kinds::by_name(&kind_name) else {
        return Err(NlError::new(libc::EOPNOTSUPP, "Unknown device type"));
    };
    create(stack, req, &ifm, &attrs, new_kind, data.as_ref(), &loc, out)
}

/// vxlan_validate's checks of the link attributes and of the presence of kind data (those
/// of the data itself are `VxlanConf::parse`'s).
fn vxlan_validate(loc: &Locator<'_>) -> Result<(), NlError> {
    let at = |t| loc.locate(AttrRef::Top(t));
    if let Some(mtu) = loc.attrs.get(IFLA_MTU).and_then(|a| a.u32_prefix())
        && !(68..=65535).contains(&mtu)
    {
        return Err(NlError {
            offset: at(IFLA_MTU),
            ..NlError::new(libc::EINVAL, "MTU must be between 68 and 65535")
        });
    }
    if loc.info_data.is_none() {
        return Err(NlError::new(
            libc::EINVAL,
            "Required attributes not provided to perform the operation",
        ));
    }
    if let Some((bytes, off)) = data_bytes(loc.attrs) {
        kinds::VxlanConf::check_data(AttrIter::new(bytes, off))
            .map_err(|e| stack_error(e, |r| loc.locate(r)))?;
    }
    Ok(())
}

/// Kinds Linux registers whose `validate` refuses every RTM_NEWLINK naming them, with the
/// message it gives: such links are made another way (tun/tap: the /dev/net/tun ioctl).
const REFUSING_KINDS: &[(&[u8], &str)] =
    &[(b"tun", "tun/tap creation via rtnetlink is not supported.")];

/// Validates a requested name or picks "kind%d".
fn choose_name(
    stack: &Stack,
    ns: NsId,
    requested: Option<&policy::Attrs<'_>>,
    prefix: &str,
) -> Result<String, NlError> {
    match requested.and_then(|a| a.get(IFLA_IFNAME)) {
        Some(a) => {
            let name = std::str::from_utf8(a.str_bytes())
                .map_err(|_| NlError::errno(libc::EINVAL))?
                .to_string();
            if !valid_name(&name) {
                return Err(NlError::errno(libc::EINVAL));
            }
            if name.contains('%') {
                return alloc_from_pattern(stack, ns, &name);
            }
            if stack.ns(ns).name_taken(&name) {
                return Err(NlError::errno(libc::EEXIST));
            }
            Ok(name)
        }
        None => stack
            .alloc_name(ns, prefix, "")
            .map_err(|e| stack_error(e, |_| None)),
    }
}

/// rtnl_create_link: 1 to 4096 queues each way.
fn check_queues(ch: &LinkChanges) -> Result<(), NlError> {
    let bad = |n: Option<u32>| n.is_some_and(|n| !(1..=4096).contains(&n));
    if bad(ch.num_tx_queues) {
        return Err(NlError::new(
            libc::EINVAL,
            "Invalid number of transmit queues",
        ));
    }
    if bad(ch.num_rx_queues) {
        return Err(NlError::new(
            libc::EINVAL,
            "Invalid number of receive queues",
        ));
    }
    Ok(())
}

/// The new name of a change (do_setlink): only a device given by index is renamed, and
/// not to an empty name; a "%d" pattern picks the first free number, the device's own
/// name counting as taken (dev_change_name through __dev_alloc_name).
fn resolve_rename(
    stack: &Stack,
    ns: NsId,
    ifm: &IfInfo,
    ch: &mut LinkChanges,
) -> Result<(), NlError> {
    if ifm.index <= 0 || ch.name.as_deref() == Some("") {
        ch.name = None;
    }
    let Some(name) = ch.name.as_deref().filter(|n| n.contains('%')) else {
        return Ok(());
    };
    if !valid_name(name) {
        return Err(NlError::errno(libc::EINVAL));
    }
    ch.name = Some(alloc_from_pattern(stack, ns, name)?);
    Ok(())
}

/// The first free name for `pattern`: __dev_alloc_name wants one '%', a "%d", and keeps
/// the text around the number.
fn alloc_from_pattern(stack: &Stack, ns: NsId, pattern: &str) -> Result<String, NlError> {
    let (before, after) = pattern.split_once('%').unwrap_or((pattern, ""));
    let Some(after) = after.strip_prefix('d').filter(|a| !a.contains('%')) else {
        return Err(NlError::errno(libc::EINVAL));
    };
    stack
        .alloc_name(ns, before, after)
        .map_err(|e| stack_error(e, |_| None))
}

#[allow(clippy::too_many_arguments)]
fn create(
    stack: &mut Stack,
    req: &Request<'_>,
    ifm: &IfInfo,
    attrs: &Attrs<'_>,
    new_kind: kinds::NewKind,
    data: Option<&Attrs<'_>>,
    loc: &Locator<'_>,
    out: &mut Vec<Caused>,
) -> Result<Reply, NlError> {
    let nsid = req.ns;
    let locate = |r| loc.locate(r);
    let mut lower = attrs.get(IFLA_LINK).and_then(|a| a.u32_prefix());
    if new_kind.needs_lower() {
        let Some(given) = lower else {
            return Err(match new_kind {
                kinds::NewKind::Vlan => NlError::new(libc::EINVAL, "8021q: link not specified"),
                _ => NlError::errno(libc::EINVAL),
            });
        };
        let mut lower_link = stack
            .ns(nsid)
            .link(given)
            .ok_or(NlError::errno(libc::ENODEV))?;
        if matches!(new_kind, kinds::NewKind::Macvlan | kinds::NewKind::Macvtap) {
            // macvlan_common_newlink: a macvlan on a macvlan sits on that one's lower device.
            if let (Kind::Macvlan(_), Some(real)) = (
                &lower_link.kind,
                lower_link.link.and_then(|l| stack.ns(nsid).link(l)),
            ) {
                lower = Some(real.ifindex);
                lower_link = real;
            }
            // macvlan_port_create: an Ethernet device whose rx handler is free (a bridge
            // port's is the bridge's).
            if lower_link.flags & IFF_LOOPBACK != 0 {
                return Err(NlError::errno(libc::EINVAL));
            }
            if lower_link.master.is_some() {
                return Err(NlError::errno(libc::EBUSY));
            }
        }
    }
    let data_iter = data_bytes(attrs).map(|(b, off)| AttrIter::new(b, off));
    let is_bridge = matches!(new_kind, kinds::NewKind::Bridge);
    let mut kind = new_kind.parse(data_iter).map_err(|e| {
        // br_dev_newlink registers the bridge before br_changelink checks its options, so
        // a rejected bridge still used up an index (it is never announced).
        if is_bridge && ifm.index <= 0 {
            stack.ns_mut(nsid).alloc_ifindex();
        }
        stack_error(e, locate)
    })?;
    let mut mtu_cap = None;
    if let Kind::Vxlan(conf) = &mut kind {
        // vxlan_config_validate, from the lower device on; then vxlan_dev_configure caps
        // an MTU asked for at what the lower device leaves (__vxlan_change_mtu, not strict).
        let lower_mtu = match conf.lower {
            Some(l) => Some(stack.ns(nsid).link(l).map(|l| l.mtu).ok_or(NlError::new(
                libc::ENODEV,
                "Invalid local interface, device not found",
            ))?),
            None => None,
        };
        conf.finish().map_err(|e| stack_error(e, locate))?;
        let nsr = stack.ns(nsid);
        conf.take_from_lower(conf.lower.and_then(|l| nsr.link(l)), nsr);
        let clash = stack.ns(nsid).links.values().any(|l| match &l.kind {
            Kind::Vxlan(other) => other.clashes_with(conf),
            _ => false,
        });
        if clash {
            return Err(NlError::new(
                libc::EEXIST,
                "A VXLAN device with the specified VNI already exists",
            ));
        }
        mtu_cap = lower_mtu.map(|m| conf.max_mtu(m));
    }
    if let (Kind::Vlan(conf), Some(lower)) = (&kind, lower) {
        // vlan_check_real_dev: one device per id and protocol on a lower device.
        let taken = stack.ns(nsid).stacked_on(lower).any(
            |l| matches!(&l.kind, Kind::Vlan(c) if c.id == conf.id && c.protocol == conf.protocol),
        );
        if taken {
            return Err(NlError::new(
                libc::EEXIST,
                "8021q: VLAN device already exists",
            ));
        }
    }
    if let (Kind::Macvlan(conf), Some(lower)) = (&kind, lower) {
        // A passthru macvlan must be its lower device's only one (macvlan_common_newlink).
        let mut siblings = stack
            .ns(nsid)
            .stacked_on(lower)
            .filter(|l| matches!(l.kind, Kind::Macvlan(_)));
        let passthru = |c: &kinds::MacvlanConf| c.mode == MACVLAN_MODE_PASSTHRU;
        let clash = siblings.any(|l| match &l.kind {
            Kind::Macvlan(c) => passthru(c) || passthru(conf),
            _ => false,
        });
        if clash {
            return Err(NlError::errno(libc::EINVAL));
        }
    }
    let kind_prefix = kind.ops().kind_name().unwrap_or("eth");
    if ifm.index > 0 && stack.ns(nsid).link(ifm.index as u32).is_some() {
        return Err(NlError::errno(libc::EEXIST));
    }
    let mut ch = changes_from(ifm, attrs, AfTarget::New)?;
    check_queues(&ch)?;
    if let Some(cap) = mtu_cap {
        ch.mtu = ch.mtu.map(|m| m.min(cap));
    }
    ch.name = None;
    let mut events = Vec::new();
    // veth: the peer is parsed from VETH_INFO_PEER and registered first (veth_newlink).
    let mut peer_setup = None;
    if let Kind::Veth = kind {
        let peer = data.and_then(|d| d.get(VETH_INFO_PEER));
        let (pifm, pattrs) = match peer {
            Some(p) => {
                let pifm = IfInfo::parse(p.payload).ok_or(NlError::errno(libc::EINVAL))?;
                let pattrs = policy::parse(
                    &p.payload[IFINFOMSG_LEN..],
                    p.offset + 4 + IFINFOMSG_LEN,
                    &IFLA_POLICY,
                    Mode::Liberal,
                )?;
                (pifm, Some(pattrs))
            }
            None => (IfInfo::default(), None),
        };
        let peer_name = choose_name(stack, nsid, pattrs.as_ref(), "veth")?;
        let mut pch = match &pattrs {
            Some(pa) => changes_from(&pifm, pa, AfTarget::New)?,
            None => LinkChanges::default(),
        };
        check_queues(&pch)?;
        pch.name = None;
        peer_setup = Some((peer_name, pch));
    }
    // The main device's name is resolved after the peer's (register order), but a clash
    // with an existing name is reported before anything is created.
    let explicit_name = attrs.get(IFLA_IFNAME).is_some();
    let mut main_name = if explicit_name {
        let chosen = choose_name(stack, nsid, Some(attrs), kind_prefix);
        // An invalid name fails at the device's registration: a veth peer, registered
        // first, used up an index (never announced).
        if chosen.as_ref().is_err_and(|e| e.errno == libc::EINVAL) && peer_setup.is_some() {
            stack.ns_mut(nsid).alloc_ifindex();
        }
        Some(chosen?)
    } else {
        None
    };
    if let (Some(n), Some((pn, _))) = (&main_name, &peer_setup)
        && n == pn
    {
        return Err(NlError::errno(libc::EEXIST));
    }
    // Validate settings against the new device's kind before registering anything.
    let mut probe = Link::new(0, String::new(), kind.clone(), stack.rng());
    probe.link = lower.filter(|_| !matches!(kind, Kind::Veth));
    // rtnl_create_link checks the MTU against the kind's range (dev_validate_mtu, with its
    // message), except for veth, whose veth_validate refuses it first without one; above
    // the lower device's MTU, macvlan_common_newlink and vlan_newlink say a bare EINVAL.
    let is_veth = matches!(kind, Kind::Veth);
    let on_create =
        |e: crate::stack::Error| NlError::new(libc::EINVAL, if is_veth { "" } else { e.msg });
    for settings in std::iter::once(&ch).chain(peer_setup.as_ref().map(|(_, p)| p)) {
        // validate_linkmsg: addresses shorter than the device's, GSO and GRO limits (before
        // it is registered, so no index is used up).
        let short = |a: &Option<Vec<u8>>| a.as_ref().is_some_and(|a| a.len() < probe.address.len());
        if short(&settings.address) || short(&settings.broadcast) {
            return Err(NlError::errno(libc::EINVAL));
        }
        check_gso(&probe, &settings.gso, stack.ns(nsid))
            .map_err(|e| NlError::new(e.errno, e.msg))?;
        if let Some(mtu) = settings.mtu {
            check_mtu(&probe, mtu, stack.ns(nsid)).map_err(on_create)?;
        }
    }
    let peer_idx = match peer_setup.take() {
        Some((pname, pch)) => {
            // The peer is announced before its pair exists, so with IFLA_LINK 0.
            let mut peer_events = Vec::new();
            let idx = stack.register(nsid, pname, Kind::Veth, None, 0, &mut peer_events);
            if let Err(e) = apply_settings(stack, nsid, idx, pch, &mut peer_events) {
                // A refused peer setting leaves nothing behind (veth_newlink frees the peer).
                stack.ns_mut(nsid).remove(idx);
                return Err(e);
            }
            super::push_unreported(out, peer_events);
            Some(idx)
        }
        None => None,
    };
    let name = match main_name.take() {
        Some(n) => n,
        None => stack
            .alloc_name(nsid, kind_prefix, "")
            .map_err(|e| stack_error(e, |_| None))?,
    };
    let lower_for_kind = match kind {
        Kind::Veth => peer_idx,
        Kind::Macvlan(_) | Kind::Vlan(_) => lower,
        Kind::Vxlan(ref c) => c.lower,
        _ => None,
    };
    let requested = u32::try_from(ifm.index).unwrap_or(0);
    let idx = stack.register(nsid, name, kind, lower_for_kind, requested, &mut events);
    if let Some(p) = peer_idx {
        stack.ns_mut(nsid).set_lower(p, Some(idx));
    }
    let master = ch.master.take();
    let configured = apply_settings(stack, nsid, idx, ch, &mut events).and_then(|()| {
        let Some(master) = master else { return Ok(()) };
        let m = LinkChanges {
            master: Some(master),
            ..Default::default()
        };
        stack
            .change_link(nsid, idx, &m, &mut events)
            .map_err(|e| stack_error(e, locate))
    });
    if let Err(e) = configured {
        // Refused after registration: unregister the device (and a veth's peer) again, as
        // rtnl_newlink_create does, so an error never leaves a half-made link behind.
        stack.ns_mut(nsid).remove(idx);
        // The peer was already announced: announce its removal too.
        if let Some(peer) = peer_idx.and_then(|p| stack.ns_mut(nsid).remove(p)) {
            super::push_events(out, vec![Event::DelLink(Box::new(peer))], req);
        }
        return Err(e);
    }
    super::push_events(out, events, req);
    Ok(Reply::Ack)
}

/// Applies creation-time settings quietly (they are part of the device as registered), then
/// announces the result; flags go through change_link so up/carrier consequences follow.
fn apply_settings(
    stack: &mut Stack,
    ns: NsId,
    idx: u32,
    mut ch: LinkChanges,
    events: &mut Vec<Event>,
) -> Result<(), NlError> {
    let flags = ch.flags.take();
    stack
        .validate_changes(ns, idx, &ch)
        .map_err(|e| stack_error(e, |_| None))?;
    if let Some(link) = stack.ns_mut(ns).link_mut(idx) {
        // A passthru macvlan keeps the address it inherited: macvlan_common_newlink's
        // eth_hw_addr_inherit comes after the requested one was set.
        let passthru = matches!(&link.kind, Kind::Macvlan(c) if c.mode == MACVLAN_MODE_PASSTHRU);
        if let Some(a) = ch.address.as_ref().filter(|_| !passthru) {
            let n = link.address.len();
            link.address = a[..n].to_vec();
            link.address_set = true;
            // br_dev_newlink sets the bridge id from it (br_stp_change_bridge_id).
            if let Kind::Bridge(c) = &mut link.kind {
                c.state_selected = true;
            }
        }
        if let Some(b) = &ch.broadcast {
            let n = link.broadcast.len();
            link.broadcast = b[..n].to_vec();
        }
        if let Some(mtu) = ch.mtu {
            link.mtu = mtu;
        }
        if let Some(t) = ch.txqlen {
            link.txqlen = t;
        }
        if let Some(g) = ch.group {
            link.group = g;
        }
        if let Some(a) = &ch.alias {
            link.alias = (!a.is_empty()).then(|| a.clone());
        }
        if let Some(q) = ch.num_tx_queues {
            link.num_tx_queues = q;
        }
        if let Some(q) = ch.num_rx_queues {
            link.num_rx_queues = q;
        }
        if let Some(m) = ch.linkmode {
            link.linkmode = m;
        }
    }
    // rtnl_create_link: set_operstate from a new device's UNKNOWN. Where link watch runs
    // at registration (a carrier change), it replaces that with DOWN or LOWERLAYERDOWN at
    // once.
    let nsr = stack.ns(ns);
    let watched = nsr
        .link(idx)
        .is_some_and(|l| l.kind.ops().reports_operstate(l, nsr));
    if let Some(new) = ch
        .operstate
        .and_then(|want| operstate_transition(IF_OPER_UNKNOWN, want))
        .filter(|&new| new != IF_OPER_UNKNOWN && !watched)
        && let Some(link) = stack.ns_mut(ns).link_mut(idx)
    {
        link.oper_set = Some(new);
    }
    // (A bridge given a MAC lost its carrier before it was announced.)
    crate::stack::link::refresh(stack.ns_mut(ns), idx);
    // Refresh the registration snapshot so the NEWLINK shows the settings.
    if let Some(snapshot) = stack.ns(ns).link(idx) {
        for e in events.iter_mut() {
            if let Event::NewLink(l, _) = e
                && l.ifindex == idx
            {
                **l = snapshot.clone();
            }
        }
        // A device made with an MTU below 1280 never had an IPv6 device: addrconf saw that
        // MTU as the device registered.
        if !snapshot.has_inet6() {
            events.retain(|e| {
                !matches!(e, Event::NetConf(c, true)
                    if c.family == AF_INET6 && c.ifindex == idx as i32)
            });
        }
    }
    if let Some(f) = flags {
        let fc = LinkChanges {
            flags: Some(f),
            ..Default::default()
        };
        stack
            .change_link(ns, idx, &fc, events)
            .map_err(|e| stack_error(e, |_| None))?;
    }
    Ok(())
}

/// IFLA_LINKINFO → IFLA_INFO_DATA bytes and their offset.
fn data_bytes<'a>(attrs: &Attrs<'a>) -> Option<(&'a [u8], usize)> {
    let info = attrs.get(IFLA_LINKINFO)?;
    info.nested()
        .flatten()
        .find_map(|a| (a.kind == IFLA_INFO_DATA).then_some((a.payload, a.offset + 4)))
}

fn change(
    stack: &mut Stack,
    req: &Request<'_>,
    ifindex: u32,
    ch: &LinkChanges,
    loc: &Locator<'_>,
    out: &mut Vec<Caused>,
) -> Result<Reply, NlError> {
    let nsid = req.ns;
    if let Some((bytes, off)) = data_bytes(loc.attrs) {
        // Kind-specific changes (changelink): only the bridge keeps changeable options.
        // br_changelink applies them one by one: those before an error stay.
        let applied = match stack.ns_mut(nsid).link_mut(ifindex) {
            Some(Link {
                kind: Kind::Bridge(conf),
                ..
            }) => {
                let stp_was_on = conf.stp_state != 0;
                let result = conf.apply(Some(AttrIter::new(bytes, off)));
                Some((result, stp_was_on, conf.stp_state != 0))
            }
            Some(Link {
                kind: Kind::Macvlan(conf),
                ..
            }) => {
                // macvlan_changelink checks everything before it sets anything.
                let mut new = conf.clone();
                new.apply(Some(AttrIter::new(bytes, off)), false)
                    .map_err(|e| stack_error(e, |r| loc.locate(r)))?;
                // A passthru device's NOPROMISC flag moves its lower device's promiscuity
                // at once, running or not (Linux does not look).
                let toggled = conf.mode == MACVLAN_MODE_PASSTHRU
                    && (conf.flags ^ new.flags) & MACVLAN_FLAG_NOPROMISC != 0;
                let delta = if new.flags & MACVLAN_FLAG_NOPROMISC != 0 {
                    -1
                } else {
                    1
                };
                *conf = new;
                stack.changed(nsid);
                let lower = stack.ns(nsid).link(ifindex).and_then(|l| l.link);
                if let (true, Some(lower)) = (toggled, lower) {
                    let mut events = Vec::new();
                    stack.set_promiscuity(nsid, lower, delta, true, &mut events);
                    super::push_events(out, events, req);
                }
                None
            }
            Some(Link {
                kind: Kind::Vxlan(conf),
                ..
            }) => {
                let new = conf
                    .changed(AttrIter::new(bytes, off))
                    .map_err(|e| stack_error(e, |r| loc.locate(r)))?;
                if loc.attrs.has(IFLA_MTU) {
                    return Err(NlError {
                        offset: loc.locate(AttrRef::Top(IFLA_MTU)),
                        ..NlError::new(libc::EOPNOTSUPP, "Cannot change mtu")
                    });
                }
                let mut events = Vec::new();
                let result = stack.change_vxlan(nsid, ifindex, new, &mut events);
                super::push_events(out, events, req);
                result.map_err(|e| stack_error(e, |r| loc.locate(r)))?;
                None
            }
            _ => None,
        };
        if let Some((applied, stp_was_on, stp_on)) = applied {
            stack.changed(nsid);
            match (stp_was_on, stp_on) {
                (false, true) => stack.stp_started(nsid, ifindex),
                (true, false) => stack.stp_stopped(nsid, ifindex),
                _ => {}
            }
            applied.map_err(|e| stack_error(e, |r| loc.locate(r)))?;
        }
    }
    let mut events = Vec::new();
    // A failed change may still have done something (a released bridge port): announce it.
    let result = stack.change_link(nsid, ifindex, ch, &mut events);
    super::push_events(out, events, req);
    result.map_err(|e| stack_error(e, |r| loc.locate(r)))?;
    Ok(Reply::Ack)
}

/// br_setport on `ifindex`, which must be a bridge port (else EOPNOTSUPP, as a device
/// without a master has no slave_changelink).
/// A port state it sets moves on by br_port_state_selection, whose consequences (the
/// bridge's carrier) go to `out`.
fn set_port(
    stack: &mut Stack,
    ns: NsId,
    ifindex: u32,
    attrs: &Attrs<'_>,
    out: &mut Vec<Caused>,
) -> Result<(), NlError> {
    let nsr = stack.ns_mut(ns);
    let Some(link) = nsr.link(ifindex) else {
        return Err(NlError::errno(libc::ENODEV));
    };
    let Some(bridge) = link.master.and_then(|m| nsr.link(m)) else {
        return Err(NlError::errno(libc::EOPNOTSUPP));
    };
    let state = port_state(link, bridge);
    let mut conf = link.brport.clone();
    let old_state = conf.state;
    // The marker stays unless apply reached and accepted a state.
    conf.state = kinds::BR_STATE_UNKNOWN;
    let result = conf.apply(|t| attrs.get(t), &state);
    let new_state = std::mem::replace(&mut conf.state, old_state);
    // What was applied before an error stays, as in br_setport.
    if let Some(l) = nsr.link_mut(ifindex) {
        l.brport = conf;
    }
    stack.changed(ns);
    if new_state != kinds::BR_STATE_UNKNOWN {
        let mut events = Vec::new();
        stack.bridge_port_state_set(ns, ifindex, new_state, &mut events);
        super::push_unreported(out, events);
    }
    result.map_err(|e| NlError::new(e.errno, e.msg))
}

/// What br_set_port_state looks at: whether the port runs, its operational state, and
/// whether the bridge runs kernel STP.
fn port_state(port: &Link, bridge: &Link) -> kinds::PortState {
    kinds::PortState {
        running: port.is_up(),
        oper_up: matches!(port.operstate, IF_OPER_UP | IF_OPER_UNKNOWN),
        kernel_stp: matches!(&bridge.kind, Kind::Bridge(c) if c.stp_state != 0),
    }
}

/// RTM_SETLINK for AF_BRIDGE (rtnl_bridge_setlink, then br_setlink on the port's bridge):
/// what `bridge link set` sends. The port's settings come in IFLA_PROTINFO, nested, or as
/// one byte with the port state (old RSTP daemons). Bridge VLANs (IFLA_AF_SPEC entries
/// other than the flags and mode) are not emulated: EOPNOTSUPP, after the port's settings,
/// as br_afspec fails after br_setport.
pub fn bridge_setlink(
    stack: &mut Stack,
    req: &Request<'_>,
    out: &mut Vec<Caused>,
) -> Result<Reply, NlError> {
    let r = bridge_request(stack, req)?;
    if r.to_master {
        let bridge_of = |stack: &Stack| -> Result<(Link, Link), NlError> {
            let nsr = stack.ns(req.ns);
            let port = nsr.link(r.ifindex).ok_or(NlError::errno(libc::ENODEV))?;
            let bridge = port.master.and_then(|m| nsr.link(m));
            let bridge = bridge.ok_or(NlError::errno(libc::EOPNOTSUPP))?;
            Ok((port.clone(), bridge.clone()))
        };
        let (port, bridge) = bridge_of(stack)?;
        if let Some(protinfo) = r.attrs.get(IFLA_PROTINFO) {
            if protinfo.nested_flag {
                let port_data = policy::parse(
                    protinfo.payload,
                    protinfo.offset + 4,
                    &BRPORT_POLICY,
                    Mode::Liberal,
                )?;
                set_port(stack, req.ns, r.ifindex, &port_data, out)?;
            } else {
                let state = protinfo
                    .payload
                    .first()
                    .copied()
                    .ok_or(NlError::errno(libc::EINVAL))?;
                kinds::check_port_state(state, &port_state(&port, &bridge))
                    .map_err(|e| NlError::new(e.errno, e.msg))?;
                let mut events = Vec::new();
                stack.bridge_port_state_set(req.ns, r.ifindex, state, &mut events);
                super::push_unreported(out, events);
            }
            // br_ifinfo_notify: the port's AF_BRIDGE view; the bridge's carrier follows.
            let (port, bridge) = bridge_of(stack)?;
            let bridge_index = bridge.ifindex;
            let mut events = vec![Event::BridgePort(Box::new(port), Box::new(bridge), false)];
            stack.settle_bridge(req.ns, bridge_index, &mut events);
            super::push_unreported(out, events);
        }
        if r.vlans {
            return Err(NlError::errno(libc::EOPNOTSUPP));
        }
    }
    r.finish()
}

/// RTM_DELLINK for AF_BRIDGE (rtnl_bridge_dellink): removes bridge VLANs. nlroute has none
/// (like a kernel without CONFIG_BRIDGE_VLAN_FILTERING), so there is nothing to remove and
/// it succeeds on a port, as that kernel does. It never deletes a link.
pub fn bridge_dellink(
    stack: &mut Stack,
    req: &Request<'_>,
    _: &mut Vec<Caused>,
) -> Result<Reply, NlError> {
    let r = bridge_request(stack, req)?;
    let nsr = stack.ns(req.ns);
    let is_port = nsr
        .link(r.ifindex)
        .and_then(|l| l.master)
        .and_then(|m| nsr.link(m))
        .is_some();
    if r.to_master && !is_port {
        return Err(NlError::errno(libc::EOPNOTSUPP));
    }
    r.finish()
}

/// An AF_BRIDGE SETLINK or DELLINK as rtnl_bridge_setlink/dellink read it.
struct BridgeRequest<'a> {
    ifindex: u32,
    attrs: Attrs<'a>,
    /// IFLA_BRIDGE_FLAGS: 0 or BRIDGE_FLAGS_MASTER asks the device's bridge (the port's
    /// settings), BRIDGE_FLAGS_SELF the device itself.
    flags: u16,
    to_master: bool,
    /// IFLA_AF_SPEC holds VLAN entries (anything but the flags and the mode).
    vlans: bool,
}

impl BridgeRequest<'_> {
    /// After the master's part: the device's own part (BRIDGE_FLAGS_SELF), which no
    /// emulated kind has (ndo_bridge_setlink), or EOPNOTSUPP when no part was asked for.
    fn finish(&self) -> Result<Reply, NlError> {
        if self.flags & BRIDGE_FLAGS_SELF != 0 || !self.to_master {
            return Err(NlError::errno(libc::EOPNOTSUPP));
        }
        Ok(Reply::Ack)
    }
}

/// The checks rtnl_bridge_setlink and rtnl_bridge_dellink share: the header, the device,
/// and the flags and mode in IFLA_AF_SPEC.
fn bridge_request<'a>(stack: &Stack, req: &Request<'a>) -> Result<BridgeRequest<'a>, NlError> {
    let body = req.msg.payload();
    let ifm = IfInfo::parse(body).ok_or(NlError::errno(libc::EINVAL))?;
    let attrs = policy::parse(
        body.get(IFINFOMSG_LEN..).unwrap_or(&[]),
        attrs_offset(IFINFOMSG_LEN),
        &IFLA_POLICY,
        Mode::Liberal,
    )?;
    let link = stack
        .ns(req.ns)
        .link(ifm.index.max(0) as u32)
        .ok_or(NlError::errno(libc::ENODEV))?;
    let mut flags = None;
    let mut vlans = false;
    if let Some(spec) = attrs.get(IFLA_AF_SPEC) {
        for a in spec.nested().flatten() {
            match a.kind {
                // The first IFLA_BRIDGE_FLAGS counts.
                IFLA_BRIDGE_FLAGS if flags.is_none() => {
                    flags = Some(a.u16_prefix().ok_or(NlError::errno(libc::EINVAL))?);
                }
                IFLA_BRIDGE_FLAGS => {}
                IFLA_BRIDGE_MODE if a.payload.len() < 2 => {
                    return Err(NlError::errno(libc::EINVAL));
                }
                IFLA_BRIDGE_MODE => {}
                _ => vlans = true,
            }
        }
    }
    let flags = flags.unwrap_or(0);
    Ok(BridgeRequest {
        ifindex: link.ifindex,
        attrs,
        flags,
        to_master: flags == 0 || flags & BRIDGE_FLAGS_MASTER != 0,
        vlans,
    })
}

/// RTM_SETLINK (rtnl_setlink).
pub fn set(stack: &mut Stack, req: &Request<'_>, out: &mut Vec<Caused>) -> Result<Reply, NlError> {
    let (ifm, attrs) = parse_request(req)?;
    no_namespace_id(&attrs)?;
    let link = target(stack.ns(req.ns), &ifm, &attrs)?;
    let target = AfTarget::Device {
        inet: !link.inet4_off,
        inet6: link.has_inet6(),
    };
    let ifindex = link.ifindex;
    let mut ch = changes_from(&ifm, &attrs, target)?;
    resolve_rename(stack, req.ns, &ifm, &mut ch)?;
    let loc = Locator {
        attrs: &attrs,
        info_data: None,
    };
    change(stack, req, ifindex, &ch, &loc, out)
}

/// RTM_DELLINK (rtnl_dellink).
pub fn del(stack: &mut Stack, req: &Request<'_>, out: &mut Vec<Caused>) -> Result<Reply, NlError> {
    let (ifm, attrs) = parse_request(req)?;
    no_namespace_id(&attrs)?;
    let ns = stack.ns(req.ns);
    if ifm.index <= 0
        && !named(&attrs)
        && let Some(group) = attrs.get(IFLA_GROUP).and_then(|a| a.u32_prefix())
    {
        return del_group(stack, req, group, out);
    }
    let ifindex = target(ns, &ifm, &attrs)?.ifindex;
    let mut events = Vec::new();
    stack
        .delete_link(req.ns, ifindex, &mut events)
        .map_err(|e| stack_error(e, |_| None))?;
    super::push_events(out, events, req);
    Ok(Reply::Ack)
}

/// RTM_NEWLINKPROP: adds the alternative names in IFLA_PROP_LIST (rtnl_newlinkprop).
pub fn new_prop(
    stack: &mut Stack,
    req: &Request<'_>,
    out: &mut Vec<Caused>,
) -> Result<Reply, NlError> {
    link_prop(stack, req, out, true)
}

/// RTM_DELLINKPROP: removes the alternative names in IFLA_PROP_LIST (rtnl_dellinkprop).
pub fn del_prop(
    stack: &mut Stack,
    req: &Request<'_>,
    out: &mut Vec<Caused>,
) -> Result<Reply, NlError> {
    link_prop(stack, req, out, false)
}

/// Room one more alternative name may take in IFLA_PROP_LIST: nla_total_size(ALTIFNAMSIZ).
const ALT_NAME_ROOM: usize = NLA_HDRLEN + 128;

/// rtnl_linkprop: the names are handled in order, and one that fails stops the request
/// with the earlier ones done (and, as in Linux, no notification for them).
fn link_prop(
    stack: &mut Stack,
    req: &Request<'_>,
    out: &mut Vec<Caused>,
    add: bool,
) -> Result<Reply, NlError> {
    // Unlike the other link requests, the full nlmsg_parse.
    let (ifm, attrs) = parse_request_as(req, Mode::Full)?;
    let ifindex = target(stack.ns(req.ns), &ifm, &attrs)?.ifindex;
    let Some(list) = attrs.get(IFLA_PROP_LIST) else {
        return Ok(Reply::Ack);
    };
    let mut changed = false;
    for attr in list.nested().flatten() {
        if attr.kind != IFLA_ALT_IFNAME {
            continue;
        }
        // nla_validate (strict) on the one attribute, against the link policy.
        let whole = req
            .msg
            .bytes
            .get(attr.offset..attr.offset + NLA_HDRLEN + attr.payload.len())
            .unwrap_or(&[]);
        policy::parse(whole, attr.offset, &IFLA_POLICY, Mode::Full)?;
        let name = String::from_utf8_lossy(attr.str_bytes()).into_owned();
        let ns = stack.ns_mut(req.ns);
        let Some(link) = ns.link(ifindex) else {
            return Err(NlError::errno(libc::ENODEV));
        };
        if add {
            // Linux keeps the whole list fitting in one attribute (16-bit length).
            let listed: usize = link
                .altnames
                .iter()
                .map(|n| align4(NLA_HDRLEN + n.len() + 1))
                .sum();
            if listed + ALT_NAME_ROOM >= u16::MAX as usize {
                return Err(NlError::new(
                    libc::EINVAL,
                    "effective property list too long",
                ));
            }
            // netdev_name_node_alt_create: names and alternative names share one space.
            if ns.name_taken(&name) {
                return Err(NlError::errno(libc::EEXIST));
            }
            ns.add_altname(ifindex, name);
            stack.changed(req.ns);
        } else {
            // netdev_name_node_alt_destroy: the primary name or another link's name is
            // not this link's alternative name to remove.
            match ns.by_name(name.as_bytes()) {
                None => return Err(NlError::errno(libc::ENOENT)),
                Some(owner) if owner.ifindex != ifindex || owner.name == name => {
                    return Err(NlError::errno(libc::EINVAL));
                }
                Some(_) => ns.del_altname(ifindex, &name),
            }
            stack.changed(req.ns);
        }
        changed = true;
    }
    // netdev_state_change announces the link only while it is up.
    if let Some(link) = stack
        .ns(req.ns)
        .link(ifindex)
        .filter(|l| changed && l.is_up())
    {
        super::push_unreported(out, vec![Event::NewLink(Box::new(link.clone()), 0)]);
    }
    Ok(Reply::Ack)
}

/// rtnl_group_dellink: every link of the group goes, unless one of them cannot be deleted;
/// the default group (0) never, an empty group is ENODEV.
fn del_group(
    stack: &mut Stack,
    req: &Request<'_>,
    group: u32,
    out: &mut Vec<Caused>,
) -> Result<Reply, NlError> {
    if group == 0 {
        return Err(NlError::errno(libc::EPERM));
    }
    let members: Vec<u32> = stack
        .ns(req.ns)
        .links
        .values()
        .filter(|l| l.group == group)
        .map(|l| l.ifindex)
        .collect();
    if members.is_empty() {
        return Err(NlError::errno(libc::ENODEV));
    }
    let undeletable = members.iter().any(|&i| {
        stack
            .ns(req.ns)
            .link(i)
            .is_some_and(|l| matches!(l.kind, Kind::Loopback))
    });
    if undeletable {
        return Err(NlError::errno(libc::EOPNOTSUPP));
    }
    let mut events = Vec::new();
    for idx in members {
        // A veth peer may already be gone with its other end.
        if stack.ns(req.ns).link(idx).is_some() {
            stack
                .delete_link(req.ns, idx, &mut events)
                .map_err(|e| stack_error(e, |_| None))?;
        }
    }
    super::push_events(out, events, req);
    Ok(Reply::Ack)
}

/// Length of the family header of link messages, for the socket layer's echo logic.
pub const HEADER_LEN: usize = NLMSG_HDRLEN + IFINFOMSG_LEN;
