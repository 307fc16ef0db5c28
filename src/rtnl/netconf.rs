//! RTM_GETNETCONF and the RTM_NEWNETCONF / RTM_DELNETCONF notifications: the per-device IP
//! settings that routing daemons watch (net/ipv4/devinet.c inet_netconf_*,
//! net/ipv6/addrconf.c inet6_netconf_*). IPv4 has one for every device with an IPv4
//! device, IPv6 for every device with an IPv6 device; each family also has "all" and
//! "default" (the namespace's), which nothing here can change from their defaults. The
//! values come from the stack (`stack::netconf`).

use super::dump::{Dump, DumpKind};
use super::policy::{self, Mode, Pol, Policy};
use super::{Caused, NlError, Reply, Request, attrs_offset};
use crate::stack::{NetConf, Stack};
use crate::wire::Writer;
use crate::wire::consts::*;

/// struct netconfmsg: one byte, the family.
const NETCONFMSG_LEN: usize = 1;

/// devconf_ipv4_policy: at least an int each.
static POLICY_V4: Policy = Policy {
    max: NETCONFA_BC_FORWARDING,
    rules: &[
        (NETCONFA_IFINDEX, Pol::Unspec(4)),
        (NETCONFA_FORWARDING, Pol::Unspec(4)),
        (NETCONFA_RP_FILTER, Pol::Unspec(4)),
        (NETCONFA_PROXY_NEIGH, Pol::Unspec(4)),
        (NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN, Pol::Unspec(4)),
    ],
};

/// devconf_ipv6_policy: the same without rp_filter.
static POLICY_V6: Policy = Policy {
    max: NETCONFA_BC_FORWARDING,
    rules: &[
        (NETCONFA_IFINDEX, Pol::Unspec(4)),
        (NETCONFA_FORWARDING, Pol::Unspec(4)),
        (NETCONFA_PROXY_NEIGH, Pol::Unspec(4)),
        (NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN, Pol::Unspec(4)),
    ],
};

/// inet_netconf_fill_devconf / inet6_netconf_fill_devconf: every setting (NETCONFA_ALL)
/// when `full`, else the index alone (the RTM_DELNETCONF form).
pub fn fill(
    w: &mut Writer,
    kind: u16,
    flags: u16,
    seq: u32,
    portid: u32,
    conf: &NetConf,
    full: bool,
) {
    let m = w.begin(kind, flags, seq, portid);
    w.put_raw(&[conf.family]);
    w.attr(NETCONFA_IFINDEX, &conf.ifindex.to_ne_bytes());
    if full {
        let v4 = conf.family == AF_INET;
        let mut put = |kind: u16, v: i32| w.attr(kind, &v.to_ne_bytes());
        put(NETCONFA_FORWARDING, conf.forwarding);
        if v4 {
            put(NETCONFA_RP_FILTER, conf.rp_filter);
        }
        put(NETCONFA_MC_FORWARDING, conf.mc_forwarding);
        if v4 {
            put(NETCONFA_BC_FORWARDING, conf.bc_forwarding);
        }
        put(NETCONFA_PROXY_NEIGH, conf.proxy_neigh);
        put(
            NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN,
            conf.ignore_routes_with_linkdown,
        );
    }
    w.end(m);
}

fn prefix_msg(family: u8, v4: &'static str, v6: &'static str) -> &'static str {
    if family == AF_INET6 { v6 } else { v4 }
}

/// RTM_GETNETCONF without NLM_F_DUMP (inet_netconf_get_devconf / inet6_netconf_get_devconf).
pub fn get(stack: &mut Stack, req: &Request<'_>, _: &mut Vec<Caused>) -> Result<Reply, NlError> {
    let body = req.msg.payload();
    let family = body.first().copied().unwrap_or(AF_UNSPEC);
    if family != AF_INET && family != AF_INET6 {
        return Err(NlError::errno(libc::EOPNOTSUPP));
    }
    // (A one-byte body is a whole netconfmsg: the dispatcher drops empty ones.)
    let rest = body
        .get(crate::wire::align4(NETCONFMSG_LEN)..)
        .unwrap_or(&[]);
    let base = attrs_offset(NETCONFMSG_LEN);
    let mode = if req.strict {
        Mode::Strict
    } else {
        Mode::Liberal
    };
    let policy = if family == AF_INET {
        &POLICY_V4
    } else {
        &POLICY_V6
    };
    let attrs = policy::parse(rest, base, policy, mode)?;
    if req.strict && attrs.present().any(|a| a.kind != NETCONFA_IFINDEX) {
        return Err(NlError::new(
            libc::EINVAL,
            prefix_msg(
                family,
                "ipv4: Unsupported attribute in netconf get request",
                "ipv6: Unsupported attribute in netconf get request",
            ),
        ));
    }
    let ifindex = attrs
        .get(NETCONFA_IFINDEX)
        .and_then(|a| a.u32_prefix())
        .ok_or(NlError::errno(libc::EINVAL))? as i32;
    let conf = match ifindex {
        NETCONFA_IFINDEX_ALL | NETCONFA_IFINDEX_DEFAULT => NetConf::defaults(family, ifindex),
        _ => {
            // IPv4 says ENODEV for a device it cannot find, IPv6 EINVAL.
            let missing = if family == AF_INET {
                libc::ENODEV
            } else {
                libc::EINVAL
            };
            u32::try_from(ifindex)
                .ok()
                .and_then(|i| stack.ns(req.ns).link(i))
                .and_then(|l| NetConf::of_link(l, family))
                .ok_or(NlError::errno(missing))?
        }
    };
    let mut w = Writer::with_capacity(96);
    fill(
        &mut w,
        RTM_NEWNETCONF,
        0,
        req.seq(),
        req.portid,
        &conf,
        true,
    );
    Ok(Reply::Messages(w))
}

/// RTM_GETNETCONF with NLM_F_DUMP: a family's devices in index order, then "all" and
/// "default"; AF_INET6 alone, AF_INET alone, or both (rtnl_dump_all, for any other family).
pub fn dump(_: &Stack, req: &Request<'_>) -> Result<Dump, NlError> {
    let body = req.msg.payload();
    let family = body.first().copied().unwrap_or(AF_UNSPEC);
    let families = match family {
        AF_INET => vec![AF_INET],
        AF_INET6 => vec![AF_INET6],
        _ => vec![AF_INET, AF_INET6],
    };
    // inet_netconf_dump_devconf: nothing after the header (nlmsg_attrlen counts from the
    // aligned header, so a body shorter than that fails too).
    if req.strict && body.len() != crate::wire::align4(NETCONFMSG_LEN) {
        let first = families.first().copied().unwrap_or(AF_INET);
        return Ok(Dump::failed(
            req,
            NlError::new(
                libc::EINVAL,
                prefix_msg(
                    first,
                    "ipv4: Invalid data after header in netconf dump request",
                    "ipv6: Invalid data after header in netconf dump request",
                ),
            ),
        ));
    }
    Ok(Dump::new(
        req,
        DumpKind::NetConf {
            families,
            family: 0,
            next: 0,
            tail: 0,
        },
        false,
    ))
}

/// The "all" (0) and "default" (1) entries that end a family's dump.
pub fn tail_conf(family: u8, tail: u8) -> NetConf {
    let ifindex = if tail == 0 {
        NETCONFA_IFINDEX_ALL
    } else {
        NETCONFA_IFINDEX_DEFAULT
    };
    NetConf::defaults(family, ifindex)
}
