//! `vxlan` (drivers/net/vxlan/vxlan_core.c): an Ethernet tunnel over UDP. Its options are
//! kept and reported as vxlan_fill_info reports them; a lower device (IFLA_VXLAN_LINK, not
//! IFLA_LINK) gives its MTU minus the encapsulation headroom and takes the device with it
//! when deleted. Carrier is always on: UNKNOWN while up. No packets move, so nothing of the
//! forwarding database exists. VXLAN-GPE (a device without Ethernet header) is refused.

use serde::{Deserialize, Serialize};

use super::*;
use crate::stack::{AttrRef, Error};

pub struct Vxlan;

/// IANA_VXLAN_UDP_PORT is 4789, but Linux's default stays the pre-IANA 8472.
const DEFAULT_PORT: u16 = 8472;
/// FDB_AGE_DEFAULT (seconds).
const DEFAULT_AGEING: u32 = 300;
/// VXLAN_N_VID.
const VNI_LIMIT: u32 = 1 << 24;
/// VXLAN_DF_MAX.
const DF_MAX: u8 = 2;
/// IPV6_FLOWLABEL_MASK (host order).
const FLOWLABEL_MASK: u32 = 0x000f_ffff;
/// VXLAN_LABEL_MAX (enum ifla_vxlan_label_policy).
const LABEL_POLICY_MAX: u32 = 1;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VxlanConf {
    pub vni: u32,
    /// IFLA_VXLAN_GROUP / GROUP6 (4 or 16 bytes), LOCAL / LOCAL6.
    pub remote: Option<Vec<u8>>,
    pub local: Option<Vec<u8>>,
    /// IFLA_VXLAN_LINK: the lower device.
    pub lower: Option<u32>,
    pub ttl: u8,
    pub ttl_inherit: bool,
    pub tos: u8,
    pub df: u8,
    /// The flow label, in network order as carried.
    pub label: u32,
    pub label_policy: u32,
    pub learning: bool,
    pub proxy: bool,
    pub rsc: bool,
    pub l2miss: bool,
    pub l3miss: bool,
    pub collect_metadata: bool,
    pub ageing: u32,
    pub limit: u32,
    /// Destination UDP port (host order).
    pub port: u16,
    /// Source port range (host order).
    pub port_range: (u16, u16),
    pub udp_csum: bool,
    pub udp_zero_csum6_tx: bool,
    pub udp_zero_csum6_rx: bool,
    pub remcsum_tx: bool,
    pub remcsum_rx: bool,
    pub remcsum_nopartial: bool,
    pub gbp: bool,
    pub vnifilter: bool,
    pub localbypass: bool,
    /// IFLA_VXLAN_RESERVED_BITS, as carried (the VXLAN header's two words).
    pub reserved_bits: [u8; 8],
    /// Set at creation from the lower device (vxlan_config_apply): the TSO limit it
    /// passed on, and the headroom the device needs in front of its packets.
    pub tso_max_size: u32,
    pub needed_headroom: u32,
}

fn flag(attr: &crate::wire::Attr<'_>) -> crate::stack::Result<bool> {
    attr.u8()
        .map(|v| v != 0)
        .ok_or_else(|| Error::at(libc::EINVAL, "", AttrRef::InfoData(attr.kind)))
}

impl VxlanConf {
    /// vxlan_validate, vxlan_nl2conf and the checks of vxlan_config_validate that need
    /// only the request (the lower device and other tunnels are the caller's).
    pub fn parse(data: Option<AttrIter<'_>>) -> crate::stack::Result<VxlanConf> {
        let attrs: Vec<_> = data.into_iter().flatten().flatten().collect();
        if attrs.is_empty() {
            return Err(Error::new(
                libc::EINVAL,
                "Required attributes not provided to perform the operation",
            ));
        }
        let mut c = VxlanConf {
            learning: true,
            ageing: DEFAULT_AGEING,
            udp_csum: true,
            localbypass: true,
            ..VxlanConf::default()
        };
        let mut gpe = false;
        let mut reserved = None;
        for attr in &attrs {
            let at = AttrRef::InfoData(attr.kind);
            let bad = || Error::at(libc::EINVAL, "", at);
            let bytes = |n: usize| attr.payload.get(..n).map(<[u8]>::to_vec).ok_or_else(bad);
            match attr.kind {
                IFLA_VXLAN_ID => {
                    let id = attr.u32().ok_or_else(bad)?;
                    if id >= VNI_LIMIT {
                        return Err(Error::at(
                            libc::ERANGE,
                            "VXLAN ID must be lower than 16777216",
                            at,
                        ));
                    }
                    c.vni = id;
                }
                IFLA_VXLAN_GROUP => c.remote = Some(bytes(4)?),
                IFLA_VXLAN_GROUP6 => c.remote = Some(bytes(16)?),
                IFLA_VXLAN_LOCAL => c.local = Some(bytes(4)?),
                IFLA_VXLAN_LOCAL6 => c.local = Some(bytes(16)?),
                IFLA_VXLAN_LINK => c.lower = Some(attr.u32().ok_or_else(bad)?).filter(|&l| l != 0),
                IFLA_VXLAN_TTL => c.ttl = attr.u8().ok_or_else(bad)?,
                IFLA_VXLAN_TTL_INHERIT => c.ttl_inherit = true,
                IFLA_VXLAN_TOS => c.tos = attr.u8().ok_or_else(bad)?,
                IFLA_VXLAN_DF => {
                    let df = attr.u8().ok_or_else(bad)?;
                    if df > DF_MAX {
                        return Err(Error::at(libc::EINVAL, "Invalid DF attribute", at));
                    }
                    c.df = df;
                }
                IFLA_VXLAN_LABEL => {
                    let l = attr.u32().ok_or_else(bad)?;
                    c.label = (u32::from_be(l) & FLOWLABEL_MASK).to_be();
                }
                IFLA_VXLAN_LABEL_POLICY => {
                    let p = attr.u32().ok_or_else(bad)?;
                    if p > LABEL_POLICY_MAX {
                        return Err(bad());
                    }
                    c.label_policy = p;
                }
                IFLA_VXLAN_LEARNING => c.learning = flag(attr)?,
                IFLA_VXLAN_PROXY => c.proxy = flag(attr)?,
                IFLA_VXLAN_RSC => c.rsc = flag(attr)?,
                IFLA_VXLAN_L2MISS => c.l2miss = flag(attr)?,
                IFLA_VXLAN_L3MISS => c.l3miss = flag(attr)?,
                IFLA_VXLAN_COLLECT_METADATA => c.collect_metadata = flag(attr)?,
                IFLA_VXLAN_AGEING => c.ageing = attr.u32().ok_or_else(bad)?,
                IFLA_VXLAN_LIMIT => c.limit = attr.u32().ok_or_else(bad)?,
                IFLA_VXLAN_PORT => c.port = u16::from_be(attr.u16().ok_or_else(bad)?),
                IFLA_VXLAN_PORT_RANGE => {
                    let p = bytes(4)?;
                    let (low, high) = (
                        u16::from_be_bytes([p[0], p[1]]),
                        u16::from_be_bytes([p[2], p[3]]),
                    );
                    if high < low {
                        return Err(Error::at(libc::EINVAL, "Invalid source port range", at));
                    }
                    c.port_range = (low, high);
                }
                IFLA_VXLAN_UDP_CSUM => c.udp_csum = flag(attr)?,
                IFLA_VXLAN_UDP_ZERO_CSUM6_TX => c.udp_zero_csum6_tx = flag(attr)?,
                IFLA_VXLAN_UDP_ZERO_CSUM6_RX => c.udp_zero_csum6_rx = flag(attr)?,
                IFLA_VXLAN_REMCSUM_TX => c.remcsum_tx = flag(attr)?,
                IFLA_VXLAN_REMCSUM_RX => c.remcsum_rx = flag(attr)?,
                IFLA_VXLAN_REMCSUM_NOPARTIAL => c.remcsum_nopartial = true,
                IFLA_VXLAN_GBP => c.gbp = true,
                IFLA_VXLAN_GPE => gpe = true,
                IFLA_VXLAN_VNIFILTER => c.vnifilter = flag(attr)?,
                IFLA_VXLAN_LOCALBYPASS => {
                    let v = attr.u8().ok_or_else(bad)?;
                    if v > 1 {
                        return Err(bad());
                    }
                    c.localbypass = v != 0;
                }
                IFLA_VXLAN_RESERVED_BITS => {
                    let b: [u8; 8] = attr.payload.try_into().map_err(|_| bad())?;
                    reserved = Some((b, at));
                }
                _ => {}
            }
        }
        if gpe {
            return Err(Error::new(
                libc::EOPNOTSUPP,
                "VXLAN-GPE devices are not emulated",
            ));
        }
        let used = c.used_bits();
        c.reserved_bits = match reserved {
            Some((b, at)) => {
                let asked = u64::from_be_bytes(b);
                if asked & used != 0 {
                    let text = format!(
                        "Used bits {used:#018x} cannot overlap reserved bits {asked:#018x}"
                    );
                    let msg =
                        crate::stack::interned(text, "Used bits cannot overlap reserved bits");
                    return Err(Error::at(libc::EINVAL, msg, at));
                }
                b
            }
            None => (!used).to_be_bytes(),
        };
        c.validate()?;
        Ok(c)
    }

    /// The header bits the device's options use (the VNI flag and field, plus those of
    /// remote checksum offload and group policy): the default reserved bits are the rest.
    fn used_bits(&self) -> u64 {
        let mut flags: u32 = 0x0800_0000; // VXLAN_HF_VNI
        let mut vni: u32 = 0xffff_ff00; // VXLAN_VNI_MASK
        if self.remcsum_rx {
            flags |= 0x0020_0000; // VXLAN_HF_RCO
            vni |= 0xff;
        }
        if self.gbp {
            flags |= 0x80ff_ffff; // VXLAN_HF_GBP and the group policy fields
        }
        u64::from(flags) << 32 | u64::from(vni)
    }

    /// vxlan_config_validate's checks on the addresses and the TTL.
    fn validate(&mut self) -> crate::stack::Result<()> {
        let family = |a: &Option<Vec<u8>>| a.as_ref().map(Vec::len);
        match (family(&self.local), family(&self.remote)) {
            (Some(l), Some(r)) if l != r => {
                return Err(Error::new(
                    libc::EINVAL,
                    "Local and remote address must be from the same family",
                ));
            }
            _ => {}
        }
        if self.local.as_deref().is_some_and(is_multicast) {
            return Err(Error::new(
                libc::EINVAL,
                "Local address cannot be multicast",
            ));
        }
        let ipv6 = self.is_ipv6();
        if ipv6 && !self.collect_metadata {
            let link_local = |a: &Option<Vec<u8>>| a.as_deref().is_some_and(is_link_local6);
            let any = |a: &Option<Vec<u8>>| a.as_deref().is_none_or(|a| a.iter().all(|&b| b == 0));
            let mixed = if link_local(&self.local) {
                !link_local(&self.remote) && !any(&self.remote)
            } else {
                link_local(&self.remote)
            };
            if mixed {
                return Err(Error::new(
                    libc::EINVAL,
                    "Invalid combination of local and remote address scopes",
                ));
            }
        }
        if self.label != 0 && !ipv6 {
            return Err(Error::new(
                libc::EINVAL,
                "Label attribute only applies to IPv6 VXLAN devices",
            ));
        }
        if self.label_policy != 0 && !ipv6 {
            return Err(Error::new(
                libc::EINVAL,
                "Label policy only applies to IPv6 VXLAN devices",
            ));
        }
        Ok(())
    }

    /// The rest of vxlan_config_validate, once the caller has found the lower device:
    /// without one, a multicast or link-local remote has no way out; the default port.
    pub fn finish(&mut self) -> crate::stack::Result<()> {
        let ipv6 = self.is_ipv6();
        if self.lower.is_none() {
            if self.remote.as_deref().is_some_and(is_multicast) {
                return Err(Error::new(
                    libc::EINVAL,
                    "Local interface required for multicast remote destination",
                ));
            }
            if ipv6 && !self.collect_metadata && self.local.as_deref().is_some_and(is_link_local6) {
                return Err(Error::new(
                    libc::EINVAL,
                    "Local interface required for link-local local/remote addresses",
                ));
            }
        }
        if self.port == 0 {
            self.port = DEFAULT_PORT;
        }
        Ok(())
    }

    /// vxlan_validate's checks of the kind data, which run for a change too, before the
    /// device is looked up: the VNI's range, the source port range, DF.
    pub fn check_data(data: AttrIter<'_>) -> crate::stack::Result<()> {
        for a in data.flatten() {
            let at = AttrRef::InfoData(a.kind);
            match a.kind {
                IFLA_VXLAN_ID if a.u32().is_some_and(|id| id >= VNI_LIMIT) => {
                    return Err(Error::at(
                        libc::ERANGE,
                        "VXLAN ID must be lower than 16777216",
                        at,
                    ));
                }
                IFLA_VXLAN_PORT_RANGE => {
                    if let Some(p) = a.payload.get(..4)
                        && u16::from_be_bytes([p[2], p[3]]) < u16::from_be_bytes([p[0], p[1]])
                    {
                        return Err(Error::at(libc::EINVAL, "Invalid source port range", at));
                    }
                }
                IFLA_VXLAN_DF if a.u8().is_some_and(|df| df > DF_MAX) => {
                    return Err(Error::at(libc::EINVAL, "Invalid DF attribute", at));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// vxlan_nl2conf for an existing device (changelink): the options it may change
    /// (remote and local within their address family, the lower device, TTL, TOS, DF,
    /// flow label and policy, learning, ageing, local bypass) taken in its order, the others
    /// refused with its messages. The refusals of flags point at the top-level attribute
    /// of the same number, as Linux's do (they look it up in the wrong table). The lower
    /// device and the MTU are the caller's to apply.
    pub fn changed(&self, data: AttrIter<'_>) -> crate::stack::Result<VxlanConf> {
        let attrs: Vec<_> = data.flatten().collect();
        let get = |k: u16| attrs.iter().find(|a| a.kind == k);
        let refuse = |k: u16, msg: &'static str| Error::at(libc::EOPNOTSUPP, msg, AttrRef::Top(k));
        let bad = |k: u16| Error::at(libc::EINVAL, "", AttrRef::InfoData(k));
        let mut c = self.clone();
        // The remote and local addresses share one family (vxlan_config_validate).
        let v6 = c.is_ipv6();
        if let Some(a) = get(IFLA_VXLAN_ID)
            && a.u32().ok_or_else(|| bad(a.kind))? != c.vni
        {
            return Err(refuse(a.kind, "Cannot change VNI"));
        }
        for (v4_kind, v6_kind, slot, msg) in [
            (
                IFLA_VXLAN_GROUP,
                IFLA_VXLAN_GROUP6,
                0,
                "New group address family does not match old group",
            ),
            (
                IFLA_VXLAN_LOCAL,
                IFLA_VXLAN_LOCAL6,
                1,
                "New local address family does not match old",
            ),
        ] {
            let (a, want_v6) = match (get(v4_kind), get(v6_kind)) {
                (Some(a), _) => (a, false),
                (None, Some(a)) => (a, true),
                (None, None) => continue,
            };
            if want_v6 != v6 {
                return Err(refuse(a.kind, msg));
            }
            let len = if want_v6 { 16 } else { 4 };
            let addr = a.payload.get(..len).ok_or_else(|| bad(a.kind))?.to_vec();
            *(if slot == 0 {
                &mut c.remote
            } else {
                &mut c.local
            }) = Some(addr);
        }
        if let Some(a) = get(IFLA_VXLAN_LINK) {
            c.lower = Some(a.u32().ok_or_else(|| bad(a.kind))?)
                .filter(|&l| l != 0)
                .or(c.lower);
        }
        for a in &attrs {
            match a.kind {
                IFLA_VXLAN_TOS => c.tos = a.u8().ok_or_else(|| bad(a.kind))?,
                IFLA_VXLAN_TTL => c.ttl = a.u8().ok_or_else(|| bad(a.kind))?,
                _ => {}
            }
        }
        let flag_error = |k: u16| -> Option<&'static str> {
            Some(match k {
                IFLA_VXLAN_TTL_INHERIT => "vxlan: cannot change TTL_INHERIT flag",
                IFLA_VXLAN_PROXY => "vxlan: cannot change PROXY flag",
                IFLA_VXLAN_RSC => "vxlan: cannot change RSC flag",
                IFLA_VXLAN_L2MISS => "vxlan: cannot change L2MISS flag",
                IFLA_VXLAN_L3MISS => "vxlan: cannot change L3MISS flag",
                IFLA_VXLAN_COLLECT_METADATA => "vxlan: cannot change COLLECT_METADATA flag",
                IFLA_VXLAN_UDP_ZERO_CSUM6_TX => "vxlan: cannot change UDP_ZERO_CSUM6_TX flag",
                IFLA_VXLAN_UDP_ZERO_CSUM6_RX => "vxlan: cannot change UDP_ZERO_CSUM6_RX flag",
                IFLA_VXLAN_REMCSUM_TX => "vxlan: cannot change REMCSUM_TX flag",
                IFLA_VXLAN_REMCSUM_RX => "vxlan: cannot change REMCSUM_RX flag",
                IFLA_VXLAN_GBP => "vxlan: cannot change GBP flag",
                IFLA_VXLAN_GPE => "vxlan: cannot change GPE flag",
                IFLA_VXLAN_REMCSUM_NOPARTIAL => "vxlan: cannot change REMCSUM_NOPARTIAL flag",
                IFLA_VXLAN_VNIFILTER => "vxlan: cannot change flag",
                _ => return None,
            })
        };
        // vxlan_nl2conf's order.
        for k in [
            IFLA_VXLAN_TTL_INHERIT,
            IFLA_VXLAN_LABEL,
            IFLA_VXLAN_LEARNING,
            IFLA_VXLAN_AGEING,
            IFLA_VXLAN_PROXY,
            IFLA_VXLAN_RSC,
            IFLA_VXLAN_L2MISS,
            IFLA_VXLAN_L3MISS,
            IFLA_VXLAN_LIMIT,
            IFLA_VXLAN_COLLECT_METADATA,
            IFLA_VXLAN_PORT_RANGE,
            IFLA_VXLAN_PORT,
            IFLA_VXLAN_UDP_CSUM,
            IFLA_VXLAN_LOCALBYPASS,
            IFLA_VXLAN_UDP_ZERO_CSUM6_TX,
            IFLA_VXLAN_UDP_ZERO_CSUM6_RX,
            IFLA_VXLAN_REMCSUM_TX,
            IFLA_VXLAN_REMCSUM_RX,
            IFLA_VXLAN_GBP,
            IFLA_VXLAN_GPE,
            IFLA_VXLAN_REMCSUM_NOPARTIAL,
            IFLA_VXLAN_DF,
            IFLA_VXLAN_LABEL_POLICY,
            IFLA_VXLAN_VNIFILTER,
            IFLA_VXLAN_RESERVED_BITS,
        ] {
            let Some(a) = get(k) else { continue };
            if let Some(msg) = flag_error(k) {
                return Err(refuse(k, msg));
            }
            match k {
                IFLA_VXLAN_LABEL => {
                    let l = a.u32().ok_or_else(|| bad(k))?;
                    c.label = (u32::from_be(l) & FLOWLABEL_MASK).to_be();
                }
                IFLA_VXLAN_LEARNING => c.learning = flag(a)?,
                IFLA_VXLAN_AGEING => c.ageing = a.u32().ok_or_else(|| bad(k))?,
                IFLA_VXLAN_LIMIT => return Err(refuse(k, "Cannot change limit")),
                IFLA_VXLAN_PORT_RANGE => return Err(refuse(k, "Cannot change port range")),
                IFLA_VXLAN_PORT => return Err(refuse(k, "Cannot change port")),
                IFLA_VXLAN_UDP_CSUM => return Err(refuse(k, "Cannot change UDP_CSUM flag")),
                IFLA_VXLAN_LOCALBYPASS => c.localbypass = flag(a)?,
                IFLA_VXLAN_DF => c.df = a.u8().ok_or_else(|| bad(k))?,
                IFLA_VXLAN_LABEL_POLICY => c.label_policy = a.u32().ok_or_else(|| bad(k))?,
                IFLA_VXLAN_RESERVED_BITS => {
                    return Err(Error::at(
                        libc::EOPNOTSUPP,
                        "Cannot change reserved_bits",
                        AttrRef::InfoData(k),
                    ));
                }
                _ => {}
            }
        }
        c.validate()?;
        c.finish()?;
        Ok(c)
    }

    pub fn is_ipv6(&self) -> bool {
        self.local
            .as_ref()
            .or(self.remote.as_ref())
            .is_some_and(|a| a.len() == 16)
    }

    /// What encapsulation takes from the lower device's MTU (vxlan_headroom).
    pub fn headroom(&self) -> u32 {
        (if self.is_ipv6() { 40 } else { 20 }) + 8 + 8 + 14
    }

    /// The largest MTU on a lower device with `lower_mtu` (__vxlan_change_mtu).
    pub fn max_mtu(&self, lower_mtu: u32) -> u32 {
        lower_mtu.saturating_sub(self.headroom()).max(68)
    }

    /// What the device takes from its lower device (none: its own defaults) in
    /// vxlan_config_apply: the TSO limit, and room for the lower device's header and
    /// headroom before the encapsulation's.
    pub fn take_from_lower(&mut self, lower: Option<&Link>, ns: &Namespace) {
        self.tso_max_size = lower.map_or(65536, |l| l.kind.ops().tso_max_size(l, ns));
        self.needed_headroom = lower.map_or(14, |l| {
            l.hard_header_len() + u32::from(l.kind.ops().needed_headroom(l))
        }) + self.encap_headroom();
    }

    /// The headroom a device needs for its encapsulation: an IPv6 one's also when it
    /// collects metadata (VXLAN6_HEADROOM, else VXLAN_HEADROOM).
    pub fn encap_headroom(&self) -> u32 {
        if self.is_ipv6() || self.collect_metadata {
            70
        } else {
            50
        }
    }

    /// Whether another device with `self`'s options would receive the same packets
    /// (vxlan_config_validate's EEXIST): same VNI, port, address family and receive flags.
    pub fn clashes_with(&self, other: &VxlanConf) -> bool {
        let rcv = |c: &VxlanConf| {
            (
                c.gbp,
                c.remcsum_rx,
                c.remcsum_nopartial,
                c.collect_metadata,
                c.vnifilter,
                c.is_ipv6(),
            )
        };
        self.vni == other.vni && self.port == other.port && rcv(self) == rcv(other)
    }
}

/// fe80::/10 (the address is 16 bytes: it came from IFLA_VXLAN_GROUP6/LOCAL6).
fn is_link_local6(a: &[u8]) -> bool {
    a[0] == 0xfe && a[1] & 0xc0 == 0x80
}

fn is_multicast(a: &[u8]) -> bool {
    match a.len() {
        4 => a[0] & 0xf0 == 0xe0,
        _ => a[0] == 0xff,
    }
}

impl LinkOps for Vxlan {
    fn kind_name(&self) -> Option<&'static str> {
        Some("vxlan")
    }
    fn tso_max_size(&self, link: &Link, _ns: &Namespace) -> u32 {
        match &link.kind {
            Kind::Vxlan(c) => c.tso_max_size,
            _ => 65536,
        }
    }
    fn needed_headroom(&self, link: &Link) -> u16 {
        match &link.kind {
            Kind::Vxlan(c) => c.needed_headroom as u16,
            _ => 0,
        }
    }
    fn always_on(&self) -> bool {
        true
    }
    fn can_proto_down(&self) -> bool {
        true
    }
    fn fill_info_data(
        &self,
        link: &Link,
        _ns: &Namespace,
        _now_ms: &dyn Fn() -> u64,
        w: &mut Writer,
    ) -> bool {
        let Kind::Vxlan(c) = &link.kind else {
            return false;
        };
        let u8_of = |b: bool| u8::from(b);
        w.attr_u32(IFLA_VXLAN_ID, c.vni);
        // An address is reported when set, by its family.
        let put_addr = |w: &mut Writer, a: &Option<Vec<u8>>, v4: u16, v6: u16| {
            if let Some(a) = a.as_ref().filter(|a| a.iter().any(|&b| b != 0)) {
                w.attr(if a.len() == 4 { v4 } else { v6 }, a);
            }
        };
        put_addr(w, &c.remote, IFLA_VXLAN_GROUP, IFLA_VXLAN_GROUP6);
        if let Some(l) = c.lower {
            w.attr_u32(IFLA_VXLAN_LINK, l);
        }
        put_addr(w, &c.local, IFLA_VXLAN_LOCAL, IFLA_VXLAN_LOCAL6);
        w.attr(IFLA_VXLAN_TTL, &[c.ttl]);
        w.attr(IFLA_VXLAN_TTL_INHERIT, &[u8_of(c.ttl_inherit)]);
        w.attr(IFLA_VXLAN_TOS, &[c.tos]);
        w.attr(IFLA_VXLAN_DF, &[c.df]);
        w.attr(IFLA_VXLAN_LABEL, &c.label.to_ne_bytes());
        w.attr_u32(IFLA_VXLAN_LABEL_POLICY, c.label_policy);
        w.attr(IFLA_VXLAN_LEARNING, &[u8_of(c.learning)]);
        w.attr(IFLA_VXLAN_PROXY, &[u8_of(c.proxy)]);
        w.attr(IFLA_VXLAN_RSC, &[u8_of(c.rsc)]);
        w.attr(IFLA_VXLAN_L2MISS, &[u8_of(c.l2miss)]);
        w.attr(IFLA_VXLAN_L3MISS, &[u8_of(c.l3miss)]);
        w.attr(IFLA_VXLAN_COLLECT_METADATA, &[u8_of(c.collect_metadata)]);
        w.attr_u32(IFLA_VXLAN_AGEING, c.ageing);
        w.attr_u32(IFLA_VXLAN_LIMIT, c.limit);
        w.attr(IFLA_VXLAN_PORT, &c.port.to_be_bytes());
        w.attr(IFLA_VXLAN_UDP_CSUM, &[u8_of(c.udp_csum)]);
        w.attr(IFLA_VXLAN_UDP_ZERO_CSUM6_TX, &[u8_of(c.udp_zero_csum6_tx)]);
        w.attr(IFLA_VXLAN_UDP_ZERO_CSUM6_RX, &[u8_of(c.udp_zero_csum6_rx)]);
        w.attr(IFLA_VXLAN_REMCSUM_TX, &[u8_of(c.remcsum_tx)]);
        w.attr(IFLA_VXLAN_REMCSUM_RX, &[u8_of(c.remcsum_rx)]);
        w.attr(IFLA_VXLAN_LOCALBYPASS, &[u8_of(c.localbypass)]);
        let mut range = [0u8; 4];
        range[..2].copy_from_slice(&c.port_range.0.to_be_bytes());
        range[2..].copy_from_slice(&c.port_range.1.to_be_bytes());
        w.attr(IFLA_VXLAN_PORT_RANGE, &range);
        if c.gbp {
            w.attr(IFLA_VXLAN_GBP, &[]);
        }
        if c.remcsum_nopartial {
            w.attr(IFLA_VXLAN_REMCSUM_NOPARTIAL, &[]);
        }
        if c.vnifilter {
            w.attr(IFLA_VXLAN_VNIFILTER, &[1]);
        }
        w.attr(IFLA_VXLAN_RESERVED_BITS, &c.reserved_bits);
        true
    }
}
