//! The wire parser alone: message framing, attribute iteration (recursively into anything
//! that could be nested) and policy validation in liberal and strict modes. Every accessor
//! must return None/Err rather than panic, and offsets must stay inside the message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nlroute::rtnl::policy::{self, Mode, Pol, Policy};
use nlroute::wire::msg::MessageIter;
use nlroute::wire::{AttrIter, NLMSG_HDRLEN};

/// A policy with every rule type, so each validation branch is reached.
static ALL_KINDS: Policy = Policy {
    max: 16,
    rules: &[
        (1, Pol::U8),
        (2, Pol::U16),
        (3, Pol::U32),
        (4, Pol::S32),
        (5, Pol::U64),
        (6, Pol::Str(15)),
        (7, Pol::NulStr),
        (8, Pol::Binary(32)),
        (9, Pol::Nested),
        (10, Pol::Flag),
        (11, Pol::Reject),
        (12, Pol::Unspec(4)),
        (13, Pol::Str(0)),
    ],
};

fn walk(bytes: &[u8], base: usize, msg_len: usize, depth: usize) {
    let mut it = AttrIter::new(bytes, base);
    for a in it.by_ref() {
        match a {
            Ok(a) => {
                assert!(
                    a.offset + 4 + a.payload.len() <= msg_len,
                    "attr beyond message"
                );
                let _ = (
                    a.u8(),
                    a.u16(),
                    a.u32(),
                    a.i32(),
                    a.u32_prefix(),
                    a.str_bytes(),
                );
                if depth < 32 {
                    walk(a.payload, a.offset + 4, msg_len, depth + 1);
                }
            }
            Err(bad) => assert!(bad.offset < msg_len, "bad attr offset beyond message"),
        }
    }
    assert!(it.trailing() < 4);
}

fuzz_target!(|data: &[u8]| {
    let mut total = 0;
    for m in MessageIter::new(data) {
        total += 1;
        assert!(m.bytes.len() >= NLMSG_HDRLEN && m.bytes.len() == m.header.len as usize);
        let payload = m.payload();
        for fam in [0usize, 4, 8, 16] {
            let Some(attrs) = payload.get(fam..) else {
                continue;
            };
            let base = NLMSG_HDRLEN + fam;
            walk(attrs, base, m.bytes.len(), 0);
            for pol in [&ALL_KINDS, &nlroute::rtnl::link::IFLA_POLICY] {
                for mode in [Mode::Liberal, Mode::Strict] {
                    match policy::parse(attrs, base, pol, mode) {
                        Ok(parsed) => {
                            for a in parsed.present() {
                                assert!(a.kind <= pol.max);
                            }
                        }
                        Err(e) => {
                            assert!(e.errno > 0);
                            if let Some(off) = e.offset {
                                assert!(off < m.bytes.len(), "error offset beyond message");
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(total <= data.len() / NLMSG_HDRLEN);
});
