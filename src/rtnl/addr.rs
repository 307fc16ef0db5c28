//! RTM_GETADDR / NEWADDR / DELADDR for IPv4 (net/ipv4/devinet.c) and IPv6
//! (net/ipv6/addrconf.c), and the address message each family emits.

use super::dump::{Dump, DumpKind};
use super::link::IfInfo;
use super::policy::{self, Attrs, Mode, Pol, Policy};
use super::{Caused, NlError, Reply, Request, attrs_offset};
use crate::stack::addr::{IPV6_MIN_MTU, ipv6_src_scope};
use crate::stack::{Addr, Del4, Link, Stack};
use crate::wire::Writer;
use crate::wire::consts::*;

static IPV4_POLICY: Policy = Policy {
    max: IFA_MAX,
    rules: &[
        (IFA_LOCAL, Pol::U32),
        (IFA_ADDRESS, Pol::U32),
        (IFA_BROADCAST, Pol::U32),
        (IFA_LABEL, Pol::Str(15)),
        (IFA_CACHEINFO, Pol::Unspec(16)),
        (IFA_FLAGS, Pol::U32),
        (IFA_RT_PRIORITY, Pol::U32),
        (IFA_TARGET_NETNSID, Pol::S32),
        (IFA_PROTO, Pol::U8),
    ],
};

static IPV6_POLICY: Policy = Policy {
    max: IFA_MAX,
    rules: &[
        (IFA_ADDRESS, Pol::Unspec(16)),
        (IFA_LOCAL, Pol::Unspec(16)),
        (IFA_CACHEINFO, Pol::Unspec(16)),
        (IFA_FLAGS, Pol::U32),
        (IFA_RT_PRIORITY, Pol::U32),
        (IFA_TARGET_NETNSID, Pol::S32),
        (IFA_PROTO, Pol::U8),
    ],
};

/// struct ifaddrmsg.
#[derive(Clone, Copy, Debug, Default)]
pub struct IfAddr {
    pub family: u8,
    pub prefixlen: u8,
    pub flags: u8,
    pub scope: u8,
    pub index: u32,
}

impl IfAddr {
    pub fn parse(b: &[u8]) -> Option<IfAddr> {
        let b = b.get(..IFADDRMSG_LEN)?;
        Some(IfAddr {
            family: b[0],
            prefixlen: b[1],
            flags: b[2],
            scope: b[3],
            index: u32::from_ne_bytes([b[4], b[5], b[6], b[7]]),
        })
    }
}

fn parse_request<'a>(req: &Request<'a>) -> Result<(IfAddr, Attrs<'a>), NlError> {
    let body = req.msg.payload();
    let ifm = IfAddr::parse(body).ok_or(NlError::new(libc::EINVAL, "Invalid header length"))?;
    let policy = match ifm.family {
        AF_INET => &IPV4_POLICY,
        AF_INET6 => &IPV6_POLICY,
        _ => return Err(NlError::errno(libc::EOPNOTSUPP)),
    };
    let attrs = policy::parse(
        &body[IFADDRMSG_LEN..],
        attrs_offset(IFADDRMSG_LEN),
        policy,
        Mode::Liberal,
    )?;
    Ok((ifm, attrs))
}

/// (preferred, valid) from IFA_CACHEINFO, if present.
fn lifetimes(attrs: &Attrs<'_>) -> Option<(u32, u32)> {
    let p = attrs.get(IFA_CACHEINFO)?.payload;
    let pref = u32::from_ne_bytes(p.get(0..4)?.try_into().ok()?);
    let valid = u32::from_ne_bytes(p.get(4..8)?.try_into().ok()?);
    Some((pref, valid))
}

/// RTM_NEWADDR (inet_rtm_newaddr / inet6_rtm_newaddr).
pub fn new(stack: &mut Stack, req: &Request<'_>, out: &mut Vec<Caused>) -> Result<Reply, NlError> {
    let (ifm, attrs) = parse_request(req)?;
    let now = stack.now_cs();
    let addr = match ifm.family {
        AF_INET => match ipv4_addr(stack, req, &ifm, &attrs, now)? {
            Some(a) => a,
            // inet_rtm_newaddr: a zero local address succeeds without doing anything.
            None => return Ok(Reply::Ack),
        },
        _ => ipv6_addr(stack, req, &ifm, &attrs, now)?,
    };
    let mut events = Vec::new();
    stack
        .add_addr(req.ns, addr, req.flags(), &mut events)
        .map_err(|e| {
            if e.errno == libc::EEXIST && ifm.family == AF_INET6 {
                NlError::new(libc::EEXIST, "ipv6: address already assigned")
            } else {
                NlError::new(e.errno, e.msg)
            }
        })?;
    super::push_events(out, events, req);
    Ok(Reply::Ack)
}

fn in4(attrs: &Attrs<'_>, t: u16) -> Option<[u8; 4]> {
    attrs.get(t)?.payload.get(..4)?.try_into().ok()
}

fn in6(attrs: &Attrs<'_>, t: u16) -> Option<[u8; 16]> {
    attrs.get(t)?.payload.get(..16)?.try_into().ok()
}

fn ipv4_addr(
    stack: &Stack,
    req: &Request<'_>,
    ifm: &IfAddr,
    attrs: &Attrs<'_>,
    now: u32,
) -> Result<Option<Addr>, NlError> {
    if ifm.prefixlen > 32 {
        return Err(NlError::new(libc::EINVAL, "ipv4: Invalid prefix length"));
    }
    let local = in4(attrs, IFA_LOCAL).ok_or(NlError::new(
        libc::EINVAL,
        "ipv4: Local address is not supplied",
    ))?;
    let lifetimes = match lifetimes(attrs) {
        Some((p, v)) => {
            if v == 0 || p > v {
                return Err(NlError::new(libc::EINVAL, "ipv4: address lifetime invalid"));
            }
            (p, v)
        }
        None => (INFINITY_LIFE_TIME, INFINITY_LIFE_TIME),
    };
    if local == [0; 4] {
        return Ok(None);
    }
    let link = stack
        .ns(req.ns)
        .link(ifm.index)
        .ok_or(NlError::new(libc::ENODEV, "ipv4: Device not found"))?;
    let address = in4(attrs, IFA_ADDRESS).unwrap_or(local);
    let label = match attrs.get(IFA_LABEL) {
        Some(l) => {
            String::from_utf8(l.str_bytes().to_vec()).map_err(|_| NlError::errno(libc::EINVAL))?
        }
        None => link.name.clone(),
    };
    let mut flags = attrs
        .get(IFA_FLAGS)
        .and_then(|a| a.u32_prefix())
        .unwrap_or(ifm.flags as u32);
    flags &= !(IFA_F_SECONDARY | IFA_F_PERMANENT | IFA_F_DEPRECATED);
    let (preferred, valid) = lifetimes;
    apply_lifetime_flags(&mut flags, preferred, valid);
    // A new address asking to join its group must be a multicast one (ip_mc_join_group);
    // find_matching_ifa decides whether it is new.
    let exists = link
        .addrs4
        .iter()
        .any(|a| a.local == local && a.prefixlen == ifm.prefixlen);
    if flags & IFA_F_MCAUTOJOIN != 0 && !exists && local[0] & 0xf0 != 0xe0 {
        return Err(NlError::new(
            libc::EINVAL,
            "ipv4: Multicast auto join failed",
        ));
    }
    Ok(Some(Addr {
        ifindex: ifm.index,
        family: AF_INET,
        prefixlen: ifm.prefixlen,
        flags,
        scope: ifm.scope,
        local: local.to_vec(),
        peer: (address != local).then(|| address.to_vec()),
        broadcast: in4(attrs, IFA_BROADCAST).filter(|b| *b != [0; 4]),
        label: Some(label),
        valid_lft: valid,
        preferred_lft: preferred,
        cstamp: now,
        tstamp: now,
        proto: proto(attrs),
        rt_priority: rt_priority(attrs),
        dad_until_ms: None,
        added: 0,
    }))
}

/// IFA_PROTO: who added the address (0 when not given).
fn proto(attrs: &Attrs<'_>) -> u8 {
    attrs
        .get(IFA_PROTO)
        .and_then(|a| a.payload.first().copied())
        .unwrap_or(0)
}

/// IFA_RT_PRIORITY: the metric of the prefix route (0 when not given).
fn rt_priority(attrs: &Attrs<'_>) -> u32 {
    attrs
        .get(IFA_RT_PRIORITY)
        .and_then(|a| a.u32_prefix())
        .unwrap_or(0)
}

/// Permanent means no finite lifetime; a zero preferred lifetime means deprecated.
fn apply_lifetime_flags(flags: &mut u32, preferred: u32, valid: u32) {
    if valid == INFINITY_LIFE_TIME {
        *flags |= IFA_F_PERMANENT;
    }
    if preferred == 0 {
        *flags |= IFA_F_DEPRECATED;
    }
}

/// ipv6_addr_scope mapped to rtnetlink scopes (rt_scope): interface-local and loopback are
/// host, link-local link, site-local site; every other scope (a multicast address's too,
/// organisation and global among them) is universe.
fn ipv6_scope(a: &[u8; 16]) -> u8 {
    match ipv6_src_scope(a) {
        0x1 => RT_SCOPE_HOST,
        0x2 => RT_SCOPE_LINK,
        0x5 => RT_SCOPE_SITE,
        _ => RT_SCOPE_UNIVERSE,
    }
}

/// The checks inet6_addr_add and ipv6_add_addr make on an address the link does not have
/// yet, in their order.
fn check_new_ipv6(local: &[u8; 16], flags: u32, link: &Link) -> Result<(), NlError> {
    let multicast = local[0] == 0xff;
    let unavailable = |msg| Err(NlError::new(libc::EADDRNOTAVAIL, msg));
    if flags & IFA_F_MCAUTOJOIN != 0 && !multicast {
        // ipv6_sock_mc_join takes multicast groups only.
        return Err(NlError::new(
            libc::EINVAL,
            "ipv6: Multicast auto join failed",
        ));
    }
    if *local == [0; 16] {
        return unavailable("ipv6: Invalid address");
    }
    if multicast && flags & IFA_F_MCAUTOJOIN == 0 {
        return unavailable(
            "ipv6: Cannot assign multicast address without \"IFA_F_MCAUTOJOIN\" flag",
        );
    }
    if ipv6_src_scope(local) == 0x1 && !multicast && link.flags & IFF_LOOPBACK == 0 {
        return unavailable("ipv6: Cannot assign loopback address on this device");
    }
    Ok(())
}

/// IPv6's name for the IFA_F_SECONDARY bit (privacy addresses, which nlroute never makes).
const IFA_F_TEMPORARY: u32 = IFA_F_SECONDARY;

fn ipv6_addr(
    stack: &Stack,
    req: &Request<'_>,
    ifm: &IfAddr,
    attrs: &Attrs<'_>,
    now: u32,
) -> Result<Addr, NlError> {
    // extract_addr: IFA_LOCAL is the address when both are given, IFA_ADDRESS the peer.
    let (local, peer) = match (in6(attrs, IFA_LOCAL), in6(attrs, IFA_ADDRESS)) {
        (Some(l), Some(p)) if l != p => (l, Some(p)),
        (Some(l), _) => (l, None),
        (None, Some(a)) => (a, None),
        (None, None) => return Err(NlError::errno(libc::EINVAL)),
    };
    let mut flags = attrs
        .get(IFA_FLAGS)
        .and_then(|a| a.u32_prefix())
        .unwrap_or(ifm.flags as u32);
    flags &= IFA_F_NODAD
        | IFA_F_HOMEADDRESS
        | IFA_F_MANAGETEMPADDR
        | IFA_F_NOPREFIXROUTE
        | IFA_F_MCAUTOJOIN;
    // inet6_rtm_newaddr checks the lifetimes first, then finds the device and its IPv6
    // device; only a new address (inet6_addr_add) has its prefix length checked.
    let (preferred, valid) = lifetimes(attrs).unwrap_or((INFINITY_LIFE_TIME, INFINITY_LIFE_TIME));
    if valid == 0 || preferred > valid {
        return Err(NlError::new(libc::EINVAL, "ipv6: address lifetime invalid"));
    }
    let Some(link) = stack.ns(req.ns).link(ifm.index) else {
        return Err(NlError::new(
            libc::ENODEV,
            "ipv6: Unable to find the interface",
        ));
    };
    // Below the IPv6 minimum MTU a device has no IPv6 state (ipv6_add_dev: EINVAL).
    if link.mtu < IPV6_MIN_MTU {
        return Err(NlError::errno(libc::EINVAL));
    }
    let replace = req.flags() & (NLM_F_REPLACE | NLM_F_EXCL) == NLM_F_REPLACE;
    match link.addrs6.iter().find(|a| a.local == local) {
        None => {
            if ifm.prefixlen > 128 {
                return Err(NlError::new(libc::EINVAL, "ipv6: Invalid prefix length"));
            }
            if flags & IFA_F_MANAGETEMPADDR != 0 && ifm.prefixlen != 64 {
                return Err(NlError::new(
                    libc::EINVAL,
                    "ipv6: address with \"mngtmpaddr\" flag must have a prefix length of 64",
                ));
            }
            check_new_ipv6(&local, flags, link)?;
        }
        // inet6_addr_modify keeps the prefix length, so mngtmpaddr is checked against the
        // address's own (a refusal without a message).
        Some(old)
            if replace
                && flags & IFA_F_MANAGETEMPADDR != 0
                && (old.flags & IFA_F_TEMPORARY != 0 || old.prefixlen != 64) =>
        {
            return Err(NlError::errno(libc::EINVAL));
        }
        // (Without NLM_F_REPLACE, EEXIST: the stack says so.)
        Some(_) => {}
    }
    apply_lifetime_flags(&mut flags, preferred, valid);
    Ok(Addr {
        ifindex: ifm.index,
        family: AF_INET6,
        prefixlen: ifm.prefixlen,
        flags,
        scope: ipv6_scope(&local),
        local: local.to_vec(),
        peer: peer.map(|p| p.to_vec()),
        broadcast: None,
        label: None,
        valid_lft: valid,
        preferred_lft: preferred,
        cstamp: now,
        tstamp: now,
        proto: proto(attrs),
        rt_priority: rt_priority(attrs),
        dad_until_ms: None,
        added: 0,
    })
}

/// RTM_DELADDR (inet_rtm_deladdr / inet6_rtm_deladdr).
pub fn del(stack: &mut Stack, req: &Request<'_>, out: &mut Vec<Caused>) -> Result<Reply, NlError> {
    let (ifm, attrs) = parse_request(req)?;
    let mut events = Vec::new();
    if ifm.family == AF_INET {
        if stack.ns(req.ns).link(ifm.index).is_none() {
            return Err(NlError::new(libc::ENODEV, "ipv4: Device not found"));
        }
        let sel = Del4 {
            local: in4(&attrs, IFA_LOCAL),
            // inet_rtm_deladdr compares it with nla_strcmp.
            label: attrs.get(IFA_LABEL).map(|l| l.strcmp_bytes()),
            address: in4(&attrs, IFA_ADDRESS),
            prefixlen: ifm.prefixlen,
        };
        stack
            .del_addr4(req.ns, ifm.index, &sel, &mut events)
            .map_err(|e| NlError::new(e.errno, e.msg))?;
    } else {
        let addr = in6(&attrs, IFA_LOCAL)
            .or_else(|| in6(&attrs, IFA_ADDRESS))
            .ok_or(NlError::errno(libc::EINVAL))?;
        if ifm.prefixlen > 128 {
            return Err(NlError::new(libc::EINVAL, "ipv6: Invalid prefix length"));
        }
        if stack.ns(req.ns).link(ifm.index).is_none() {
            return Err(NlError::new(
                libc::ENODEV,
                "ipv6: Unable to find the interface",
            ));
        }
        stack
            .del_addr6(req.ns, ifm.index, &addr, ifm.prefixlen, &mut events)
            .map_err(|e| NlError::new(e.errno, e.msg))?;
    }
    super::push_events(out, events, req);
    Ok(Reply::Ack)
}

/// RTM_GETADDR without NLM_F_DUMP: only IPv6 answers (inet6_rtm_getaddr); IPv4 and the
/// other families have no doit, so rtnetlink_rcv_msg answers EOPNOTSUPP.
pub fn get(stack: &mut Stack, req: &Request<'_>, _: &mut Vec<Caused>) -> Result<Reply, NlError> {
    let body = req.msg.payload();
    if body.first().copied() != Some(AF_INET6) {
        return Err(NlError::errno(libc::EOPNOTSUPP));
    }
    // inet6_rtm_valid_getaddr_req.
    let ifm = IfAddr::parse(body).ok_or(NlError::new(
        libc::EINVAL,
        "ipv6: Invalid header for get address request",
    ))?;
    let rest = &body[IFADDRMSG_LEN..];
    let base = attrs_offset(IFADDRMSG_LEN);
    let attrs = if req.strict {
        if ifm.prefixlen != 0 || ifm.flags != 0 || ifm.scope != 0 {
            return Err(NlError::new(
                libc::EINVAL,
                "ipv6: Invalid values in header for get address request",
            ));
        }
        let attrs = policy::parse(rest, base, &IPV6_POLICY, Mode::Strict)?;
        let allowed = [IFA_TARGET_NETNSID, IFA_ADDRESS, IFA_LOCAL];
        if attrs.present().any(|a| !allowed.contains(&a.kind)) {
            return Err(NlError::new(
                libc::EINVAL,
                "ipv6: Unsupported attribute in get address request",
            ));
        }
        attrs
    } else {
        policy::parse(rest, base, &IPV6_POLICY, Mode::Liberal)?
    };
    // No emulated namespace has an id (rtnl_get_net_ns_capable: EINVAL).
    if attrs.has(IFA_TARGET_NETNSID) {
        return Err(NlError::errno(libc::EINVAL));
    }
    // extract_addr: IFA_LOCAL wins over IFA_ADDRESS.
    let addr = in6(&attrs, IFA_LOCAL)
        .or_else(|| in6(&attrs, IFA_ADDRESS))
        .ok_or(NlError::errno(libc::EINVAL))?;
    // ipv6_get_ifaddr(net, addr, dev, 1): on the given device if it exists, else anywhere.
    let nsr = stack.ns(req.ns);
    let dev = (ifm.index != 0)
        .then(|| nsr.link(ifm.index))
        .flatten()
        .map(|l| l.ifindex);
    // The hash chain holds the newest first.
    let found = nsr
        .links
        .values()
        .filter(|l| dev.is_none_or(|d| d == l.ifindex))
        .flat_map(|l| l.addrs6.iter())
        .filter(|a| a.local == addr)
        .min_by_key(|a| std::cmp::Reverse(a.added))
        .ok_or(NlError::errno(libc::EADDRNOTAVAIL))?;
    let mut w = Writer::with_capacity(128);
    let h = AddrHeader {
        kind: RTM_NEWADDR,
        flags: 0,
        seq: req.seq(),
        portid: req.portid,
    };
    fill(&mut w, h, found, stack.now_cs());
    Ok(Reply::Messages(w))
}

/// RTM_GETADDR with NLM_F_DUMP: AF_UNSPEC dumps IPv4 then IPv6 (rtnl_dump_all order).
pub fn dump(stack: &Stack, req: &Request<'_>) -> Result<Dump, NlError> {
    let body = req.msg.payload();
    let family = body.first().copied().unwrap_or(AF_UNSPEC);
    let families = match family {
        AF_INET => vec![AF_INET],
        AF_INET6 => vec![AF_INET6],
        AF_UNSPEC => vec![AF_INET, AF_INET6],
        // Families without an address dump contribute nothing (rtnl_dump_all skips them).
        _ => vec![],
    };
    let mut ifindex = 0;
    if req.strict {
        let Some(ifm) = IfAddr::parse(body) else {
            return Ok(Dump::failed(
                req,
                NlError::new(
                    libc::EINVAL,
                    if family == AF_INET6 {
                        "ipv6: Invalid header for address dump request"
                    } else {
                        "ipv4: Invalid header for address dump request"
                    },
                ),
            ));
        };
        if ifm.prefixlen != 0 || ifm.flags != 0 || ifm.scope != 0 {
            return Ok(Dump::failed(
                req,
                NlError::new(
                    libc::EINVAL,
                    if family == AF_INET6 {
                        "ipv6: Invalid values in header for address dump request"
                    } else {
                        "ipv4: Invalid values in header for address dump request"
                    },
                ),
            ));
        }
        // inet_valid_dump_ifaddr_req: an index asks for a filter, which the answer says
        // from then on, failures included.
        let filtered = ifm.index != 0;
        let fail = |e: NlError| Ok(Dump::failed_filtered(req, e, filtered));
        let policy = if family == AF_INET6 {
            &IPV6_POLICY
        } else {
            &IPV4_POLICY
        };
        let attrs = match policy::parse(
            &body[IFADDRMSG_LEN..],
            attrs_offset(IFADDRMSG_LEN),
            policy,
            Mode::Strict,
        ) {
            Ok(a) => a,
            Err(e) => return fail(e.into()),
        };
        // Attributes in type order: IFA_TARGET_NETNSID names a namespace by id, and no
        // emulated namespace has one (rtnl_get_net_ns_capable); anything else is refused.
        if let Some(a) = attrs.present().next() {
            let (unsupported, bad_nsid) = if family == AF_INET6 {
                (
                    "ipv6: Unsupported attribute in dump request",
                    "ipv6: Invalid target network namespace id",
                )
            } else {
                (
                    "ipv4: Unsupported attribute in dump request",
                    "ipv4: Invalid target network namespace id",
                )
            };
            let msg = if a.kind == IFA_TARGET_NETNSID {
                bad_nsid
            } else {
                unsupported
            };
            return fail(NlError::new(libc::EINVAL, msg));
        }
        ifindex = ifm.index;
        if ifindex != 0 && stack.ns(req.ns).link(ifindex).is_none() {
            return fail(NlError::errno(libc::ENODEV));
        }
    }
    Ok(Dump::new(
        req,
        DumpKind::Addrs {
            families,
            family: 0,
            next: 0,
            pos: 0,
            ifindex,
        },
        ifindex != 0,
    ))
}

/// The parts of the netlink header an address message needs.
#[derive(Clone, Copy)]
pub struct AddrHeader {
    pub kind: u16,
    pub flags: u16,
    pub seq: u32,
    pub portid: u32,
}

/// Writes one address message (inet_fill_ifaddr / inet6_fill_ifaddr).
pub fn fill(w: &mut Writer, h: AddrHeader, a: &Addr, now_cs: u32) {
    let m = w.begin(h.kind, h.flags, h.seq, h.portid);
    let mut hdr = [0u8; IFADDRMSG_LEN];
    hdr[0] = a.family;
    hdr[1] = a.prefixlen;
    hdr[2] = a.flags as u8;
    hdr[3] = a.scope;
    hdr[4..8].copy_from_slice(&a.ifindex.to_ne_bytes());
    w.put_raw(&hdr);
    // Forever: an IPv6 address valid and preferred forever, an IPv4 one valid forever
    // (inet_fill_ifaddr looks at IFA_F_PERMANENT alone).
    let forever = a.flags & IFA_F_PERMANENT != 0
        && (a.preferred_lft == INFINITY_LIFE_TIME || a.family == AF_INET);
    let (preferred, valid) = if forever {
        (INFINITY_LIFE_TIME, INFINITY_LIFE_TIME)
    } else {
        a.remaining(now_cs)
    };
    let mut cacheinfo = [0u8; 16];
    cacheinfo[0..4].copy_from_slice(&preferred.to_ne_bytes());
    cacheinfo[4..8].copy_from_slice(&valid.to_ne_bytes());
    cacheinfo[8..12].copy_from_slice(&a.cstamp.to_ne_bytes());
    cacheinfo[12..16].copy_from_slice(&a.tstamp.to_ne_bytes());
    if a.family == AF_INET {
        // inet_fill_ifaddr leaves out zero addresses.
        if a.address().iter().any(|b| *b != 0) {
            w.attr(IFA_ADDRESS, a.address());
        }
        if a.local.iter().any(|b| *b != 0) {
            w.attr(IFA_LOCAL, &a.local);
        }
        if let Some(b) = a.broadcast {
            w.attr(IFA_BROADCAST, &b);
        }
        // inet_fill_ifaddr leaves out an empty label (ip addr add ... label '').
        if let Some(label) = a.label.as_deref().filter(|l| !l.is_empty()) {
            w.attr_str(IFA_LABEL, label);
        }
        if a.proto != 0 {
            w.attr_u8(IFA_PROTO, a.proto);
        }
        w.attr_u32(IFA_FLAGS, a.flags);
        if a.rt_priority != 0 {
            w.attr_u32(IFA_RT_PRIORITY, a.rt_priority);
        }
        w.attr(IFA_CACHEINFO, &cacheinfo);
    } else {
        match &a.peer {
            Some(peer) => {
                w.attr(IFA_LOCAL, &a.local);
                w.attr(IFA_ADDRESS, peer);
            }
            None => w.attr(IFA_ADDRESS, &a.local),
        }
        if a.rt_priority != 0 {
            w.attr_u32(IFA_RT_PRIORITY, a.rt_priority);
        }
        w.attr(IFA_CACHEINFO, &cacheinfo);
        w.attr_u32(IFA_FLAGS, a.flags);
        if a.proto != 0 {
            w.attr_u8(IFA_PROTO, a.proto);
        }
    }
    w.end(m);
}

/// RTM_GETLINK dumps asked for AF_INET6 go to inet6_dump_ifinfo (rtnetlink_rcv_msg looks the
/// handler up by family first): one short message per device with its IPv6 settings.
pub fn dump_inet6_ifinfo(_: &Stack, req: &Request<'_>) -> Result<Dump, NlError> {
    if req.strict {
        // inet6_valid_dump_ifinfo.
        let body = req.msg.payload();
        let Some(ifm) = body.get(..IFINFOMSG_LEN) else {
            return Ok(Dump::failed(
                req,
                NlError::new(libc::EINVAL, "ipv6: Invalid header for link dump request"),
            ));
        };
        if body.len() > IFINFOMSG_LEN {
            return Ok(Dump::failed(
                req,
                NlError::new(libc::EINVAL, "ipv6: Invalid data after header"),
            ));
        }
        if ifm[1..].iter().any(|b| *b != 0) {
            return Ok(Dump::failed(
                req,
                NlError::new(
                    libc::EINVAL,
                    "ipv6: Invalid values in header for dump request",
                ),
            ));
        }
    }
    Ok(Dump::new(req, DumpKind::Inet6Links { next: 0 }, false))
}

/// Writes one inet6_fill_ifinfo message: ifinfomsg (family AF_INET6), IFNAME, ADDRESS, MTU,
/// LINK, OPERSTATE, and IFLA_PROTINFO holding inet6_fill_ifla6_attrs.
pub fn fill_inet6_ifinfo(w: &mut Writer, h: AddrHeader, link: &Link) {
    let m = w.begin(h.kind, h.flags, h.seq, h.portid);
    let ifi = IfInfo {
        family: AF_INET6,
        pad: 0,
        kind: link.kind.ops().arphrd(),
        index: link.ifindex as i32,
        flags: link.ifi_flags(),
        change: 0,
    };
    w.put_raw(&ifi.emit());
    w.attr_str(IFLA_IFNAME, &link.name);
    if !link.address.is_empty() {
        w.attr(IFLA_ADDRESS, &link.address);
    }
    w.attr_u32(IFLA_MTU, link.mtu);
    if let Some(iflink) = link.iflink() {
        w.attr_u32(IFLA_LINK, iflink);
    }
    let operstate = if link.is_up() {
        link.operstate
    } else {
        IF_OPER_DOWN
    };
    w.attr_u8(IFLA_OPERSTATE, operstate);
    let protinfo = w.nest_noflag(IFLA_PROTINFO);
    let part = super::af_spec::Part::Inet6;
    super::af_spec::write(w, link, part, false);
    w.nest_end(protinfo);
    w.end(m);
}
