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
    /// NLA_NUL_STRING.
    NulStr,
    /// NLA_BINARY with a maximum length.
    Binary(u16),
    Nested,
    Flag,
    /// NLA_REJECT: present means invalid.
    Reject,
}

impl Pol {
    fn exact_len(self) -> Option<usize> {
        match self {
            Pol::U8 => Some(1),
            Pol::U16 => Some(2),
            Pol::U32 | Pol::S32 => Some(4),
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
/// nlmsg_parse_deprecated_strict (trailing bytes and unknown types rejected).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Liberal,
    Strict,
}

/// A validation failure: errno, extack text, offset of the attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Invalid {
    pub errno: i32,
    pub msg: &'static str,
    pub offset: Option<usize>,
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
            Err(bad) if mode == Mode::Strict => {
                let _ = bad;
                return Err(Invalid {
                    errno: libc::EINVAL,
                    msg: "bytes leftover after parsing attributes",
                    offset: None,
                });
            }
            // Liberal parsing stops at a malformed attribute and keeps what came before.
            Err(_) => break,
        };
        if attr.kind > policy.max || attr.kind == 0 {
            if mode == Mode::Strict && attr.kind > policy.max {
                return Err(Invalid {
                    errno: libc::EINVAL,
                    msg: "Unknown attribute type",
                    offset: Some(attr.offset),
                });
            }
            continue;
        }
        validate(&attr, policy.rule(attr.kind))?;
        slots[attr.kind as usize] = Some(attr);
    }
    if mode == Mode::Strict && iter.trailing() > 0 {
        return Err(Invalid {
            errno: libc::EINVAL,
            msg: "bytes leftover after parsing attributes",
            offset: None,
        });
    }
    Ok(Attrs { slots })
}

fn validate(attr: &Attr<'_>, pol: Pol) -> Result<(), Invalid> {
    let failed = |errno| Invalid {
        errno,
        msg: "Attribute failed policy validation",
        offset: Some(attr.offset),
    };
    let len = attr.payload.len();
    if let Some(exact) = pol.exact_len() {
        // Liberal validation accepts longer payloads (Linux only warns); shorter never.
        return if len < exact {
            Err(failed(libc::ERANGE))
        } else {
            Ok(())
        };
    }
    match pol {
        Pol::Unspec(min) if len < min as usize => Err(failed(libc::ERANGE)),
        Pol::Str(max) => {
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
        _ => Ok(()),
    }
}
