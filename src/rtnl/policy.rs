//! Declarative attribute policies and their validation, as Linux's `nla_policy` tables and
//! `__nla_validate_parse`: checked before any handler runs, errors carry the attribute offset.

use crate::wire::attr::{Attr, AttrIter};

/// What an attribute type must look like (a subset of Linux's NLA_* policy types).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pol {
    /// No type check (NLA_UNSPEC), with an optional minimum length.
    Unspec(u16),
    U8,
    U16,
    U32,
    S32,
    U64,
    /// NLA_STRING with a maximum length (not counting a final NUL); 0 = any.
    Str(u16),
    /// An interface name: an NLA_STRING that may not be empty (IFLA_IFNAME,
    /// IFLA_ALT_IFNAME), as Linux 6.18 answers an empty one.
    Name(u16),
    /// NLA_NUL_STRING.
    NulStr,
    /// NLA_BINARY with a maximum length.
    Binary(u16),
    /// NLA_POLICY_MIN(NLA_U32, n).
    U32Min(u32),
    /// NLA_POLICY_MIN(NLA_S32, n).
    S32Min(i32),
    Nested,
    Flag,
    /// NLA_REJECT: present means invalid.
    Reject,
    /// NLA_REJECT with a reject_message: that text instead, and no policy reported.
    RejectWith(&'static str),
}

impl Pol {
    fn exact_len(self) -> Option<usize> {
        match self {
            Pol::U8 => Some(1),
            Pol::U16 => Some(2),
            Pol::U32 | Pol::S32 | Pol::U32Min(_) | Pol::S32Min(_) => Some(4),
            Pol::U64 => Some(8),
            _ => None,
        }
    }
}

pub struct Policy {
    pub max: u16,
    pub rules: &'static [(u16, Pol)],
}

impl Policy {
    fn rule(&self, kind: u16) -> Pol {
        self.rules
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, p)| *p)
            .unwrap_or(Pol::Unspec(0))
    }
}

/// Validation strength: `Liberal` is nlmsg_parse_deprecated; `Strict` is
/// nlmsg_parse_deprecated_strict (trailing bytes and unknown types rejected); `Full` is
/// nlmsg_parse, which adds exact lengths, NLA_F_NESTED exactly on nested attributes, and
/// no attribute the policy does not type (NL_VALIDATE_STRICT).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Liberal,
    Strict,
    Full,
}

/// A validation failure: errno, extack text, offset of the attribute, and the policy it
/// failed (reported as NLMSGERR_ATTR_POLICY, as NL_SET_ERR_MSG_ATTR_POL does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Invalid {
    pub errno: i32,
    pub msg: &'static str,
    pub offset: Option<usize>,
    pub policy: Option<Pol>,
}

/// Parsed attributes indexed by type; a later duplicate wins, as in nla_parse.
pub struct Attrs<'a> {
    slots: Vec<Option<Attr<'a>>>,
}

impl<'a> Attrs<'a> {
    pub fn get(&self, kind: u16) -> Option<Attr<'a>> {
        self.slots.get(kind as usize).copied().flatten()
    }
    pub fn has(&self, kind: u16) -> bool {
        self.get(kind).is_some()
    }
    /// Types present, in ascending order.
    pub fn present(&self) -> impl Iterator<Item = Attr<'a>> + '_ {
        self.slots.iter().flatten().copied()
    }
}

/// Validates and indexes the attributes in `bytes`, which start `base` bytes into the message.
pub fn parse<'a>(
    bytes: &'a [u8],
    base: usize,
    policy: &Policy,
    mode: Mode,
) -> Result<Attrs<'a>, Invalid> {
    let mut slots = vec![None; policy.max as usize + 1];
    let mut iter = AttrIter::new(bytes, base);
    for attr in iter.by_ref() {
        let attr = match attr {
            Ok(a) => a,
            Err(bad) if mode != Mode::Liberal => {
                let _ = bad;
                return Err(Invalid {
                    errno: libc::EINVAL,
                    msg: "bytes leftover after parsing attributes",
                    offset: None,
                    policy: None,
                });
            }
            // Liberal parsing stops at a malformed attribute and keeps what came before.
            Err(_) => break,
        };
        if attr.kind > policy.max || attr.kind == 0 {
            if mode != Mode::Liberal {
                return Err(Invalid {
                    errno: libc::EINVAL,
                    msg: "Unknown attribute type",
                    offset: Some(attr.offset),
                    policy: None,
                });
            }
            continue;
        }
        let rule = policy.rule(attr.kind);
        if mode == Mode::Full {
            validate_full(&attr, rule)?;
        }
        validate(&attr, rule)?;
        slots[attr.kind as usize] = Some(attr);
    }
    if mode != Mode::Liberal && iter.trailing() > 0 {
        return Err(Invalid {
            errno: libc::EINVAL,
            msg: "bytes leftover after parsing attributes",
            offset: None,
            policy: None,
        });
    }
    Ok(Attrs { slots })
}

/// The checks NL_VALIDATE_STRICT adds to `validate`, in validate_nla's order.
fn validate_full(attr: &Attr<'_>, pol: Pol) -> Result<(), Invalid> {
    let invalid = |msg, policy| {
        Err(Invalid {
            errno: libc::EINVAL,
            msg,
            offset: Some(attr.offset),
            policy,
        })
    };
    if pol.exact_len().is_some_and(|n| n != attr.payload.len()) {
        return invalid("invalid attribute length", Some(pol));
    }
    let unspec = matches!(pol, Pol::Unspec(_));
    if pol == Pol::Nested && !attr.nested_flag {
        return invalid("NLA_F_NESTED is missing", Some(pol));
    }
    if pol != Pol::Nested && !unspec && attr.nested_flag {
        return invalid("NLA_F_NESTED not expected", Some(pol));
    }
    if unspec {
        return invalid("Unsupported attribute", None);
    }
    Ok(())
}

fn validate(attr: &Attr<'_>, pol: Pol) -> Result<(), Invalid> {
    let failed = |errno| Invalid {
        errno,
        msg: "Attribute failed policy validation",
        offset: Some(attr.offset),
        policy: Some(pol),
    };
    let len = attr.payload.len();
    if let Some(exact) = pol.exact_len() {
        // Liberal validation accepts longer payloads (Linux only warns); shorter never.
        if len < exact {
            return Err(failed(libc::ERANGE));
        }
        // nla_validate_int_range.
        let out_of_range = match pol {
            Pol::U32Min(min) => attr.u32_prefix().is_some_and(|v| v < min),
            Pol::S32Min(min) => attr.u32_prefix().is_some_and(|v| (v as i32) < min),
            _ => false,
        };
        if out_of_range {
            return Err(Invalid {
                msg: "integer out of range",
                ..failed(libc::ERANGE)
            });
        }
        return Ok(());
    }
    match pol {
        Pol::Unspec(min) if len < min as usize => Err(failed(libc::ERANGE)),
        Pol::Name(_) if len == 0 => Err(failed(libc::ERANGE)),
        Pol::Str(max) | Pol::Name(max) => {
            // An empty payload is a valid empty string (ip link set DEV alias "").
            let mut l = len;
            if attr.payload.last() == Some(&0) {
                l -= 1;
            }
            if max > 0 && l > max as usize {
                Err(failed(libc::ERANGE))
            } else {
                Ok(())
            }
        }
        Pol::NulStr => {
            if len == 0 || !attr.payload.contains(&0) {
                Err(failed(libc::EINVAL))
            } else {
                Ok(())
            }
        }
        Pol::Binary(max) if len > max as usize => Err(failed(libc::ERANGE)),
        Pol::Nested if len > 0 && len < 4 => Err(failed(libc::ERANGE)),
        Pol::Flag if len > 0 => Err(failed(libc::ERANGE)),
        Pol::Reject => Err(failed(libc::EINVAL)),
        Pol::RejectWith(msg) => Err(Invalid {
            msg,
            policy: None,
            ..failed(libc::EINVAL)
        }),
        _ => Ok(()),
    }
}

/// enum netlink_attribute_type and enum netlink_policy_type_attr (uapi/linux/netlink.h).
const NL_ATTR_TYPE_FLAG: u32 = 1;
const NL_ATTR_TYPE_U8: u32 = 2;
const NL_ATTR_TYPE_U16: u32 = 3;
const NL_ATTR_TYPE_U32: u32 = 4;
const NL_ATTR_TYPE_U64: u32 = 5;
const NL_ATTR_TYPE_S32: u32 = 8;
const NL_ATTR_TYPE_BINARY: u32 = 10;
const NL_ATTR_TYPE_STRING: u32 = 11;
const NL_ATTR_TYPE_NUL_STRING: u32 = 12;
const NL_ATTR_TYPE_NESTED: u32 = 13;
const NL_POLICY_TYPE_ATTR_TYPE: u16 = 1;
const NL_POLICY_TYPE_ATTR_MIN_VALUE_S: u16 = 2;
const NL_POLICY_TYPE_ATTR_MAX_VALUE_S: u16 = 3;
const NL_POLICY_TYPE_ATTR_MIN_VALUE_U: u16 = 4;
const NL_POLICY_TYPE_ATTR_MAX_VALUE_U: u16 = 5;
const NL_POLICY_TYPE_ATTR_MAX_LENGTH: u16 = 7;

/// Writes `pol` as a nest of type `nest` (netlink_policy_dump_write_attr): the range or
/// length limit, then the type. NLA_UNSPEC and NLA_REJECT are not described (nothing
/// is written), as Linux cancels their nest.
pub fn write_policy(w: &mut crate::wire::Writer, nest: u16, pol: Pol) {
    let (kind, range): (u32, Option<(u64, u64)>) = match pol {
        Pol::Unspec(_) | Pol::Reject | Pol::RejectWith(_) => return,
        Pol::U8 => (NL_ATTR_TYPE_U8, Some((0, u8::MAX as u64))),
        Pol::U16 => (NL_ATTR_TYPE_U16, Some((0, u16::MAX as u64))),
        Pol::U32 => (NL_ATTR_TYPE_U32, Some((0, u32::MAX as u64))),
        Pol::U32Min(min) => (NL_ATTR_TYPE_U32, Some((min as u64, u32::MAX as u64))),
        Pol::S32Min(_) => (NL_ATTR_TYPE_S32, None),
        Pol::U64 => (NL_ATTR_TYPE_U64, Some((0, u64::MAX))),
        Pol::S32 => (NL_ATTR_TYPE_S32, None),
        Pol::Str(_) | Pol::Name(_) => (NL_ATTR_TYPE_STRING, None),
        Pol::NulStr => (NL_ATTR_TYPE_NUL_STRING, None),
        Pol::Binary(_) => (NL_ATTR_TYPE_BINARY, None),
        Pol::Nested => (NL_ATTR_TYPE_NESTED, None),
        Pol::Flag => (NL_ATTR_TYPE_FLAG, None),
    };
    let m = w.nest(nest);
    if let Some((min, max)) = range {
        w.attr_u64(NL_POLICY_TYPE_ATTR_MIN_VALUE_U, min);
        w.attr_u64(NL_POLICY_TYPE_ATTR_MAX_VALUE_U, max);
    }
    let signed_min = match pol {
        Pol::S32 => Some(i32::MIN),
        Pol::S32Min(min) => Some(min),
        _ => None,
    };
    if let Some(min) = signed_min {
        w.attr_u64(NL_POLICY_TYPE_ATTR_MIN_VALUE_S, min as i64 as u64);
        w.attr_u64(NL_POLICY_TYPE_ATTR_MAX_VALUE_S, i32::MAX as i64 as u64);
    }
    if let Pol::Str(max) | Pol::Name(max) | Pol::Binary(max) = pol
        && max > 0
    {
        w.attr_u32(NL_POLICY_TYPE_ATTR_MAX_LENGTH, max as u32);
    }
    w.attr_u32(NL_POLICY_TYPE_ATTR_TYPE, kind);
    w.nest_end(m);
}
