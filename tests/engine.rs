//! Bytes in, bytes out against the engine: each test sends the request a client would send
//! and checks the reply Linux gives in a fresh namespace. Every message the engine emits is
//! also decoded with `netlink-packet-route`, an independent decoder.

use netlink_packet_core::{NetlinkMessage, NetlinkPayload};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::link::LinkAttribute;
use nlroute::socket::{Credentials, Host, Outgoing, SockId};

const ADMIN: Credentials = Credentials {
    pid: 100,
    uid: 0,
    gid: 0,
    admin: true,
};
const USER: Credentials = Credentials {
    pid: 101,
    uid: 1000,
    gid: 1000,
    admin: false,
};

const NLM_F_REQUEST: u16 = 1;
const NLM_F_ACK: u16 = 4;
const NLM_F_ECHO: u16 = 8;
const NLM_F_DUMP: u16 = 0x300;
const NLM_F_EXCL: u16 = 0x200;
const NLM_F_CREATE: u16 = 0x400;
const RTM_NEWLINK: u16 = 16;
const RTM_DELLINK: u16 = 17;
const RTM_GETLINK: u16 = 18;
const RTM_SETLINK: u16 = 19;
const RTM_NEWADDR: u16 = 20;
const RTM_DELADDR: u16 = 21;
const RTM_GETADDR: u16 = 22;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;

/// A message under construction.
struct Msg(Vec<u8>);

impl Msg {
    fn new(kind: u16, flags: u16, seq: u32, family_header: &[u8]) -> Msg {
        let mut v = vec![0u8; 16];
        v[4..6].copy_from_slice(&kind.to_ne_bytes());
        v[6..8].copy_from_slice(&flags.to_ne_bytes());
        v[8..12].copy_from_slice(&seq.to_ne_bytes());
        v.extend_from_slice(family_header);
        while !v.len().is_multiple_of(4) {
            v.push(0);
        }
        Msg(v)
    }
    fn attr(mut self, kind: u16, payload: &[u8]) -> Msg {
        self.0
            .extend_from_slice(&((4 + payload.len()) as u16).to_ne_bytes());
        self.0.extend_from_slice(&kind.to_ne_bytes());
        self.0.extend_from_slice(payload);
        while !self.0.len().is_multiple_of(4) {
            self.0.push(0);
        }
        self
    }
    fn str(self, kind: u16, s: &str) -> Msg {
        let mut p = s.as_bytes().to_vec();
        p.push(0);
        self.attr(kind, &p)
    }
    fn u32(self, kind: u16, v: u32) -> Msg {
        self.attr(kind, &v.to_ne_bytes())
    }
    fn done(mut self) -> Vec<u8> {
        let len = self.0.len() as u32;
        self.0[0..4].copy_from_slice(&len.to_ne_bytes());
        self.0
    }
}

fn ifinfo(index: i32, flags: u32, change: u32) -> Vec<u8> {
    let mut v = vec![0u8; 16];
    v[4..8].copy_from_slice(&index.to_ne_bytes());
    v[8..12].copy_from_slice(&flags.to_ne_bytes());
    v[12..16].copy_from_slice(&change.to_ne_bytes());
    v
}

fn ifaddr(family: u8, plen: u8, index: u32) -> Vec<u8> {
    let mut v = vec![family, plen, 0, 0];
    v.extend_from_slice(&index.to_ne_bytes());
    v
}

fn nested(attrs: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut v = Vec::new();
    for (k, p) in attrs {
        v.extend_from_slice(&((4 + p.len()) as u16).to_ne_bytes());
        v.extend_from_slice(&k.to_ne_bytes());
        v.extend_from_slice(p);
        while v.len() % 4 != 0 {
            v.push(0);
        }
    }
    v
}

fn cstr(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    v
}

/// One decoded reply message: type, flags, errno (for NLMSG_ERROR / DONE) and raw bytes.
#[derive(Debug)]
struct Reply {
    kind: u16,
    flags: u16,
    seq: u32,
    errno: i32,
    bytes: Vec<u8>,
}

fn split(datagram: &[u8]) -> Vec<Reply> {
    let mut out = Vec::new();
    let mut rest = datagram;
    while rest.len() >= 16 {
        let len = u32::from_ne_bytes(rest[0..4].try_into().unwrap()) as usize;
        assert!(len >= 16 && len <= rest.len(), "bad length {len}");
        let m = &rest[..len];
        let kind = u16::from_ne_bytes([m[4], m[5]]);
        let errno = if kind == NLMSG_ERROR || kind == NLMSG_DONE {
            -i32::from_ne_bytes(m[16..20].try_into().unwrap())
        } else {
            0
        };
        // The independent decoder must accept every message we emit (it has no netconf
        // messages, RTM_NEWNETCONF..RTM_GETNETCONF).
        if !(80..=82).contains(&kind) {
            let decoded = NetlinkMessage::<RouteNetlinkMessage>::deserialize(m);
            assert!(
                decoded.is_ok(),
                "netlink-packet-route rejects {kind}: {decoded:?}"
            );
        }
        out.push(Reply {
            kind,
            flags: u16::from_ne_bytes([m[6], m[7]]),
            seq: u32::from_ne_bytes(m[8..12].try_into().unwrap()),
            errno,
            bytes: m.to_vec(),
        });
        rest = &rest[(len + 3) & !3..];
    }
    out
}

struct Client {
    host: Host,
    s: SockId,
}

impl Client {
    fn new() -> Client {
        Client::with_host(Host::new())
    }
    /// A client of a host loaded from a saved state.
    fn from_state(saved: serde_json::Value) -> Client {
        Client::with_host(Host::load_state(saved).unwrap())
    }
    fn with_host(mut host: Host) -> Client {
        let s = host.open(100, libc::SOCK_RAW, 0).unwrap();
        Client { host, s }
    }
    fn send(&mut self, bytes: Vec<u8>) -> Vec<Reply> {
        self.send_as(bytes, &ADMIN)
    }
    fn send_as(&mut self, bytes: Vec<u8>, cred: &Credentials) -> Vec<Reply> {
        self.host.send(self.s, &bytes, cred).unwrap();
        self.drain(self.s)
    }
    fn drain(&mut self, s: SockId) -> Vec<Reply> {
        let mut out = Vec::new();
        while let Some(o) = self.host.recv(s, 32768) {
            match o {
                Outgoing::Datagram(d) => out.extend(split(&d)),
                Outgoing::Overrun => panic!("overrun"),
            }
        }
        out
    }
    fn links(&mut self) -> Vec<(i32, String)> {
        let replies = self
            .send(Msg::new(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 9, &ifinfo(0, 0, 0)).done());
        assert_eq!(replies.last().unwrap().kind, NLMSG_DONE);
        replies
            .iter()
            .filter(|r| r.kind == RTM_NEWLINK)
            .map(|r| {
                let m = NetlinkMessage::<RouteNetlinkMessage>::deserialize(&r.bytes).unwrap();
                let NetlinkPayload::InnerMessage(RouteNetlinkMessage::NewLink(l)) = m.payload
                else {
                    panic!("not a link")
                };
                let name = l.attributes.iter().find_map(|a| match a {
                    LinkAttribute::IfName(n) => Some(n.clone()),
                    _ => None,
                });
                (l.header.index as i32, name.unwrap())
            })
            .collect()
    }
    fn add_veth(&mut self, name: &str, peer: &str) -> Vec<Reply> {
        let mut peer_body = ifinfo(0, 0, 0);
        peer_body.extend(nested(&[(3, cstr(peer))]));
        let info = nested(&[(1, cstr("veth")), (2, nested(&[(1, peer_body)]))]);
        self.send(
            Msg::new(
                RTM_NEWLINK,
                NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
                2,
                &ifinfo(0, 0, 0),
            )
            .str(3, name)
            .attr(18, &info)
            .done(),
        )
    }
}

fn ack_errno(replies: &[Reply]) -> i32 {
    let last = replies.last().expect("a reply");
    assert_eq!(last.kind, NLMSG_ERROR, "{replies:?}");
    last.errno
}

fn extack_msg(r: &Reply) -> Option<String> {
    // Attributes follow the echoed header (capped) or whole request.
    let capped = r.flags & 0x100 != 0;
    let start = if capped {
        36
    } else {
        20 + u32::from_ne_bytes(r.bytes[20..24].try_into().unwrap()) as usize
    };
    let mut rest = r.bytes.get(start..)?;
    while rest.len() >= 4 {
        let len = u16::from_ne_bytes([rest[0], rest[1]]) as usize;
        let kind = u16::from_ne_bytes([rest[2], rest[3]]);
        if kind == 1 {
            return Some(String::from_utf8_lossy(&rest[4..len - 1]).into_owned());
        }
        rest = &rest[((len + 3) & !3).min(rest.len())..];
    }
    None
}

#[test]
fn fresh_namespace_has_only_lo_down() {
    let mut c = Client::new();
    assert_eq!(c.links(), vec![(1, "lo".to_string())]);
}

#[test]
fn veth_pair_peer_registered_first_and_default_names() {
    let mut c = Client::new();
    assert_eq!(ack_errno(&c.add_veth("v0", "v1")), 0);
    assert_eq!(
        c.links(),
        vec![(1, "lo".into()), (2, "v1".into()), (3, "v0".into())]
    );
}

#[test]
fn duplicate_name_is_eexist_and_unknown_kind_is_eopnotsupp() {
    let mut c = Client::new();
    c.add_veth("v0", "v1");
    assert_eq!(ack_errno(&c.add_veth("v0", "v9")), libc::EEXIST);
    let info = nested(&[(1, cstr("nosuch"))]);
    let r = c.send(
        Msg::new(
            RTM_NEWLINK,
            NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE,
            3,
            &ifinfo(0, 0, 0),
        )
        .str(3, "x0")
        .attr(18, &info)
        .done(),
    );
    assert_eq!(ack_errno(&r), libc::EOPNOTSUPP);
}

/// dev_validate_mtu names the bound but, unlike policy errors, not the attribute.
#[test]
fn extack_names_the_mtu_problem() {
    let mut c = Client::new();
    c.host
        .set_option(c.s, libc::SOL_NETLINK, 11, &1i32.to_ne_bytes())
        .unwrap();
    c.add_veth("v0", "v1");
    let r = c.send(
        Msg::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 4, &ifinfo(3, 0, 0))
            .u32(4, 10)
            .done(),
    );
    assert_eq!(ack_errno(&r), libc::EINVAL);
    assert_eq!(
        extack_msg(r.last().unwrap()).as_deref(),
        Some("mtu less than device minimum")
    );
    let r = c.send(
        Msg::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 5, &ifinfo(3, 0, 0))
            .u32(4, 70000)
            .done(),
    );
    assert_eq!(
        extack_msg(r.last().unwrap()).as_deref(),
        Some("mtu greater than device maximum")
    );
}

#[test]
fn lo_cannot_be_deleted_and_missing_link_is_enodev() {
    let mut c = Client::new();
    let r = c.send(Msg::new(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 1, &ifinfo(1, 0, 0)).done());
    assert_eq!(ack_errno(&r), libc::EOPNOTSUPP);
    let r = c.send(
        Msg::new(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 1, &ifinfo(0, 0, 0))
            .str(3, "nope")
            .done(),
    );
    assert_eq!(ack_errno(&r), libc::ENODEV);
}

#[test]
fn deleting_one_veth_end_deletes_both() {
    let mut c = Client::new();
    c.add_veth("v0", "v1");
    let r = c.send(
        Msg::new(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 1, &ifinfo(0, 0, 0))
            .str(3, "v1")
            .done(),
    );
    assert_eq!(ack_errno(&r), 0);
    assert_eq!(c.links(), vec![(1, "lo".into())]);
}

#[test]
fn lo_up_adds_loopback_addresses_and_notifies_listeners() {
    let mut c = Client::new();
    let l = c.host.open(200, libc::SOCK_RAW, 0).unwrap();
    // RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR
    c.host.bind(l, 0, 1 | 0x10 | 0x100).unwrap();
    let r = c.send(Msg::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 7, &ifinfo(1, 1, 1)).done());
    assert_eq!(ack_errno(&r), 0);
    let events: Vec<u16> = c.drain(l).iter().map(|r| r.kind).collect();
    assert!(events.contains(&RTM_NEWLINK));
    assert_eq!(
        events.iter().filter(|&&k| k == RTM_NEWADDR).count(),
        2,
        "{events:?}"
    );
    let dump =
        c.send(Msg::new(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 8, &ifaddr(0, 0, 0)).done());
    let addrs: Vec<&Reply> = dump.iter().filter(|r| r.kind == RTM_NEWADDR).collect();
    assert_eq!(addrs.len(), 2);
    assert_eq!(addrs[0].bytes[16], libc::AF_INET as u8);
    assert_eq!(addrs[1].bytes[16], libc::AF_INET6 as u8);
}

#[test]
fn ipv4_primary_secondary_and_delete_primary_removes_secondaries() {
    let mut c = Client::new();
    let add = |c: &mut Client, ip: [u8; 4], seq| {
        c.send(
            Msg::new(
                RTM_NEWADDR,
                NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
                seq,
                &ifaddr(2, 24, 1),
            )
            .attr(2, &ip)
            .attr(1, &ip)
            .done(),
        )
    };
    assert_eq!(ack_errno(&add(&mut c, [10, 0, 0, 1], 1)), 0);
    assert_eq!(ack_errno(&add(&mut c, [10, 0, 0, 2], 2)), 0);
    let r = add(&mut c, [10, 0, 0, 1], 3);
    assert_eq!(ack_errno(&r), libc::EEXIST);
    let dump =
        c.send(Msg::new(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 4, &ifaddr(2, 0, 0)).done());
    let flags: Vec<u8> = dump
        .iter()
        .filter(|r| r.kind == RTM_NEWADDR)
        .map(|r| r.bytes[18])
        .collect();
    assert_eq!(flags, vec![0x80, 0x81]); // permanent; permanent|secondary
    let r = c.send(
        Msg::new(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, 5, &ifaddr(2, 24, 1))
            .attr(2, &[10, 0, 0, 1])
            .done(),
    );
    assert_eq!(ack_errno(&r), 0);
    let dump =
        c.send(Msg::new(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 6, &ifaddr(2, 0, 0)).done());
    assert_eq!(dump.iter().filter(|r| r.kind == RTM_NEWADDR).count(), 0);
}

#[test]
fn non_admin_gets_eperm_and_changes_nothing() {
    let mut c = Client::new();
    let r = c.send_as(
        Msg::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, &ifinfo(1, 1, 1)).done(),
        &USER,
    );
    assert_eq!(ack_errno(&r), libc::EPERM);
    let r = c.send_as(
        Msg::new(RTM_GETLINK, NLM_F_REQUEST, 2, &ifinfo(1, 0, 0)).done(),
        &USER,
    );
    assert_eq!(r[0].kind, RTM_NEWLINK);
    assert_eq!(
        u32::from_ne_bytes(r[0].bytes[24..28].try_into().unwrap()) & 1,
        0
    );
}

#[test]
fn strict_link_dump_header_error_is_reported_in_done() {
    let mut c = Client::new();
    c.host
        .set_option(c.s, libc::SOL_NETLINK, 12, &1i32.to_ne_bytes())
        .unwrap();
    c.host
        .set_option(c.s, libc::SOL_NETLINK, 11, &1i32.to_ne_bytes())
        .unwrap();
    let r = c.send(Msg::new(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, &ifinfo(0, 1, 0)).done());
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].kind, NLMSG_DONE);
    assert_eq!(r[0].errno, libc::EINVAL);
}

/// Linux: rtnl_newlink_create passes the request header to rtnl_configure_link, so NLM_F_ECHO
/// returns the registration (stamped with the request's seq); the veth peer's is not echoed.
#[test]
fn echo_returns_the_registration_to_the_sender() {
    let mut c = Client::new();
    let mut peer_body = ifinfo(0, 0, 0);
    peer_body.extend(nested(&[(3, cstr("v1"))]));
    let info = nested(&[(1, cstr("veth")), (2, nested(&[(1, peer_body)]))]);
    let r = c.send(
        Msg::new(
            RTM_NEWLINK,
            NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_ECHO,
            31,
            &ifinfo(0, 0, 0),
        )
        .str(3, "v0")
        .attr(18, &info)
        .done(),
    );
    let echoed: Vec<&Reply> = r.iter().filter(|m| m.kind == RTM_NEWLINK).collect();
    assert_eq!(echoed.len(), 1, "{r:?}");
    assert_eq!(echoed[0].seq, 31);
    assert_eq!(ack_errno(&r), 0);
    // A plain flag change is not built with the request header: nothing is echoed.
    let r = c.send(
        Msg::new(
            RTM_NEWLINK,
            NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO,
            32,
            &ifinfo(1, 1, 1),
        )
        .done(),
    );
    assert_eq!(r.len(), 1);
}

#[test]
fn messages_without_request_flag_only_get_acks_when_asked() {
    let mut c = Client::new();
    let mut d = Msg::new(RTM_GETLINK, 0, 1, &ifinfo(1, 0, 0)).done();
    d.extend(Msg::new(RTM_GETLINK, NLM_F_ACK, 2, &ifinfo(1, 0, 0)).done());
    let r = c.send(d);
    assert_eq!(r.len(), 1);
    assert_eq!((r[0].kind, r[0].seq, r[0].errno), (NLMSG_ERROR, 2, 0));
}

#[test]
fn unknown_type_is_eopnotsupp_and_truncated_datagram_is_silent() {
    let mut c = Client::new();
    let r = c.send(Msg::new(100, NLM_F_REQUEST, 1, &[0u8; 4]).done());
    assert_eq!(ack_errno(&r), libc::EOPNOTSUPP);
    let r = c.send(vec![40, 0, 0, 0, 18, 0, 1, 0]);
    assert!(r.is_empty());
}

#[test]
fn garbage_never_panics() {
    let mut c = Client::new();
    let mut seed = 0x1234_5678_9abc_def0u64;
    for _ in 0..20000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = (seed % 96) as usize + 16;
        let mut d: Vec<u8> = (0..len)
            .map(|i| (seed >> (i % 8 * 8)) as u8 ^ i as u8)
            .collect();
        d[0..4].copy_from_slice(&(len as u32).to_ne_bytes());
        d[4..6].copy_from_slice(&(16 + (seed % 8) as u16).to_ne_bytes());
        d[6] |= 1;
        let _ = c.host.send(c.s, &d, &ADMIN);
        while c.host.recv(c.s, 32768).is_some() {}
    }
}

// ---- Addresses (net/ipv4/devinet.c, net/ipv6/addrconf.c) ----

const AF_INET: u8 = libc::AF_INET as u8;
const AF_INET6: u8 = libc::AF_INET6 as u8;
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
const IFA_LABEL: u16 = 3;
const IFA_BROADCAST: u16 = 4;
const IFA_CACHEINFO: u16 = 6;
const NLM_F_REPLACE: u16 = 0x100;

/// The payload of attribute `kind` of a message whose attributes start at `start`.
fn attr_at(r: &Reply, start: usize, kind: u16) -> Option<Vec<u8>> {
    let mut rest = r.bytes.get(start..)?;
    while rest.len() >= 4 {
        let len = u16::from_ne_bytes([rest[0], rest[1]]) as usize;
        if len < 4 || len > rest.len() {
            return None;
        }
        if u16::from_ne_bytes([rest[2], rest[3]]) & 0x3fff == kind {
            return Some(rest[4..len].to_vec());
        }
        rest = &rest[((len + 3) & !3).min(rest.len())..];
    }
    None
}

fn addr_dump(c: &mut Client, family: u8) -> Vec<Reply> {
    c.send(Msg::new(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 50, &[family]).done())
        .into_iter()
        .filter(|r| r.kind == RTM_NEWADDR)
        .collect()
}

fn add4(c: &mut Client, flags: u16, plen: u8, local: [u8; 4], peer: [u8; 4]) -> Vec<Reply> {
    c.send(
        Msg::new(
            RTM_NEWADDR,
            NLM_F_REQUEST | NLM_F_ACK | flags,
            40,
            &ifaddr(AF_INET, plen, 3),
        )
        .attr(IFA_LOCAL, &local)
        .attr(IFA_ADDRESS, &peer)
        .done(),
    )
}

#[test]
fn ipv4_peers_differ_so_both_are_primaries_and_delete_matches_the_peer() {
    // find_matching_ifa / __inet_insert_ifa compare IFA_ADDRESS (the peer) under the mask.
    let mut c = Client::new();
    assert_eq!(ack_errno(&c.add_veth("v0", "v1")), 0);
    let create = NLM_F_CREATE | NLM_F_EXCL;
    assert_eq!(
        ack_errno(&add4(&mut c, create, 32, [10, 0, 0, 1], [10, 0, 0, 2])),
        0
    );
    assert_eq!(
        ack_errno(&add4(&mut c, create, 32, [10, 0, 0, 1], [10, 0, 0, 3])),
        0
    );
    let flags: Vec<u8> = addr_dump(&mut c, AF_INET)
        .iter()
        .map(|r| r.bytes[18])
        .collect();
    assert_eq!(flags, vec![0x80, 0x80], "neither is secondary");
    // inet_rtm_deladdr: IFA_ADDRESS must lie in the subnet of an address of that prefix.
    let r = c.send(
        Msg::new(
            RTM_DELADDR,
            NLM_F_REQUEST | NLM_F_ACK,
            41,
            &ifaddr(AF_INET, 32, 3),
        )
        .attr(IFA_LOCAL, &[10, 0, 0, 1])
        .attr(IFA_ADDRESS, &[10, 0, 0, 2])
        .done(),
    );
    assert_eq!(ack_errno(&r), 0);
    let left = addr_dump(&mut c, AF_INET);
    assert_eq!(left.len(), 1, "the other peer's address stays");
    assert_eq!(attr_at(&left[0], 24, IFA_ADDRESS), Some(vec![10, 0, 0, 3]));
}

#[test]
fn ipv4_replace_changes_lifetimes_only_and_zero_local_is_a_silent_success() {
    let mut c = Client::new();
    assert_eq!(ack_errno(&c.add_veth("v0", "v1")), 0);
    let ip = [192, 0, 2, 1];
    assert_eq!(ack_errno(&add4(&mut c, NLM_F_CREATE, 24, ip, ip)), 0);
    // inet_rtm_newaddr on an existing address: label and broadcast are not touched.
    let mut ci = Vec::new();
    for v in [50u32, 100, 0, 0] {
        ci.extend_from_slice(&v.to_ne_bytes());
    }
    let r = c.send(
        Msg::new(
            RTM_NEWADDR,
            NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE,
            42,
            &ifaddr(AF_INET, 24, 3),
        )
        .attr(IFA_LOCAL, &ip)
        .str(IFA_LABEL, "v0:new")
        .attr(IFA_BROADCAST, &[192, 0, 2, 255])
        .attr(IFA_CACHEINFO, &ci)
        .done(),
    );
    assert_eq!(ack_errno(&r), 0);
    let a = addr_dump(&mut c, AF_INET);
    assert_eq!(a.len(), 1);
    assert_eq!(attr_at(&a[0], 24, IFA_LABEL), Some(cstr("v0")));
    assert_eq!(attr_at(&a[0], 24, IFA_BROADCAST), None);
    assert_eq!(a[0].bytes[18], 0, "no longer permanent");
    // Without NLM_F_REPLACE: EEXIST with Linux's text.
    let r = add4(&mut c, NLM_F_CREATE, 24, ip, ip);
    assert_eq!(ack_errno(&r), libc::EEXIST);
    // A zero local address is acknowledged and adds nothing.
    assert_eq!(ack_errno(&add4(&mut c, NLM_F_CREATE, 0, [0; 4], [0; 4])), 0);
    assert_eq!(addr_dump(&mut c, AF_INET).len(), 1);
}

#[test]
fn getaddr_without_dump_looks_up_ipv6_only() {
    let mut c = Client::new();
    assert_eq!(
        ack_errno(
            &c.send(Msg::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 1, &ifinfo(1, 1, 1)).done())
        ),
        0
    );
    // No IPv4 doit: EOPNOTSUPP.
    let r = c.send(
        Msg::new(
            RTM_GETADDR,
            NLM_F_REQUEST | NLM_F_ACK,
            2,
            &ifaddr(AF_INET, 0, 1),
        )
        .attr(IFA_LOCAL, &[127, 0, 0, 1])
        .done(),
    );
    assert_eq!(ack_errno(&r), libc::EOPNOTSUPP);
    // inet6_rtm_getaddr: the address, or EADDRNOTAVAIL.
    let mut one = [0u8; 16];
    one[15] = 1;
    let r = c.send(
        Msg::new(RTM_GETADDR, NLM_F_REQUEST, 3, &ifaddr(AF_INET6, 128, 1))
            .attr(IFA_ADDRESS, &one)
            .done(),
    );
    assert_eq!(r.len(), 1);
    assert_eq!((r[0].kind, r[0].flags, r[0].seq), (RTM_NEWADDR, 0, 3));
    one[15] = 2;
    let r = c.send(
        Msg::new(RTM_GETADDR, NLM_F_REQUEST, 4, &ifaddr(AF_INET6, 128, 1))
            .attr(IFA_ADDRESS, &one)
            .done(),
    );
    assert_eq!(ack_errno(&r), libc::EADDRNOTAVAIL);
}

#[test]
fn ipv6_dumps_pack_done_with_the_last_part_ipv4_dumps_do_not() {
    let mut c = Client::new();
    assert_eq!(
        ack_errno(
            &c.send(Msg::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 1, &ifinfo(1, 1, 1)).done())
        ),
        0
    );
    let datagrams = |c: &mut Client, m: Vec<u8>| {
        c.host.send(c.s, &m, &ADMIN).unwrap();
        let mut out = Vec::new();
        while let Some(Outgoing::Datagram(d)) = c.host.recv(c.s, 32768) {
            out.push(split(&d).iter().map(|r| r.kind).collect::<Vec<_>>());
        }
        out
    };
    // inet_dump_ifaddr returns skb->len: NLMSG_DONE comes in a datagram of its own.
    let v4 = datagrams(
        &mut c,
        Msg::new(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 2, &[AF_INET]).done(),
    );
    assert_eq!(v4, vec![vec![RTM_NEWADDR], vec![NLMSG_DONE]]);
    // inet6_dump_addr and inet6_dump_ifinfo return 0: it shares the last part.
    let v6 = datagrams(
        &mut c,
        Msg::new(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 3, &[AF_INET6]).done(),
    );
    assert_eq!(v6, vec![vec![RTM_NEWADDR, NLMSG_DONE]]);
    let l6 = datagrams(
        &mut c,
        Msg::new(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 4, &[AF_INET6]).done(),
    );
    assert_eq!(l6, vec![vec![RTM_NEWLINK, NLMSG_DONE]]);
}

#[test]
fn inet6_link_dump_carries_protinfo_and_family_inet6() {
    let mut c = Client::new();
    let r = c.send(Msg::new(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 5, &[AF_INET6]).done());
    let lo = &r[0];
    assert_eq!(lo.kind, RTM_NEWLINK);
    assert_eq!(lo.bytes[16], AF_INET6);
    // inet6_fill_ifinfo: IFNAME, ADDRESS, MTU, OPERSTATE (down: IF_OPER_DOWN), PROTINFO.
    assert_eq!(attr_at(lo, 32, 3), Some(cstr("lo")));
    assert_eq!(attr_at(lo, 32, 16), Some(vec![2]));
    assert_eq!(attr_at(lo, 32, 12).map(|p| p.len()), Some(668));
    assert_eq!(attr_at(lo, 32, 13), None, "no IFLA_TXQLEN");
}

#[test]
fn policy_failure_reports_the_policy_nest() {
    // NL_SET_ERR_MSG_ATTR_POL: IFA_LABEL is NLA_STRING of at most 15 bytes, reported as
    // MAX_LENGTH 15 then TYPE string (netlink_policy_dump_write_attr).
    let mut c = Client::new();
    c.host
        .set_option(c.s, 270, 11, &1u32.to_ne_bytes())
        .unwrap();
    let r = c.send(
        Msg::new(
            RTM_NEWADDR,
            NLM_F_REQUEST | NLM_F_ACK,
            6,
            &ifaddr(AF_INET, 24, 1),
        )
        .attr(IFA_LOCAL, &[10, 0, 0, 1])
        .str(IFA_LABEL, "abcdefghijklmnopqrs")
        .done(),
    );
    assert_eq!(ack_errno(&r), libc::ERANGE);
    let err = &r[0];
    let start = 20 + u32::from_ne_bytes(err.bytes[20..24].try_into().unwrap()) as usize;
    let mut want = Vec::new();
    for (k, v) in [(7u16, 15u32), (1, 11)] {
        want.extend_from_slice(&8u16.to_ne_bytes());
        want.extend_from_slice(&k.to_ne_bytes());
        want.extend_from_slice(&v.to_ne_bytes());
    }
    assert_eq!(attr_at(err, start, 4), Some(want));
}

#[test]
fn addresses_a_link_change_adds_carry_seq_zero_and_a_link_local_waits_for_dad() {
    let mut c = Client::new();
    let l = c.host.open(200, libc::SOCK_RAW, 0).unwrap();
    c.host.bind(l, 0, 0x10 | 0x100).unwrap();
    let r = c.send(Msg::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 77, &ifinfo(1, 1, 1)).done());
    assert_eq!(ack_errno(&r), 0);
    // inetdev_event's inet_insert_ifa has no request: seq 0, pid 0.
    let ev = c.drain(l);
    assert_eq!(ev.len(), 2);
    assert!(ev.iter().all(|e| e.seq == 0 && e.bytes[12..16] == [0; 4]));
    // addrconf_add_linklocal starts DAD silently: nothing until it completes.
    assert_eq!(ack_errno(&c.add_veth("v0", "v1")), 0);
    for idx in [2, 3] {
        let r = c.send(
            Msg::new(
                RTM_NEWLINK,
                NLM_F_REQUEST | NLM_F_ACK,
                78,
                &ifinfo(idx, 1, 1),
            )
            .done(),
        );
        assert_eq!(ack_errno(&r), 0);
    }
    assert!(c.drain(l).iter().all(|e| e.kind != RTM_NEWADDR));
    assert_eq!(
        addr_dump(&mut c, AF_INET6).len(),
        3,
        "::1 and two tentative link-locals"
    );
}

/// The IFLA_GROUP value of the first link in a reply.
fn group_of(r: &Reply) -> Option<u32> {
    let m = NetlinkMessage::<RouteNetlinkMessage>::deserialize(&r.bytes).ok()?;
    let NetlinkPayload::InnerMessage(RouteNetlinkMessage::NewLink(l)) = m.payload else {
        return None;
    };
    l.attributes.iter().find_map(|a| match a {
        LinkAttribute::Group(g) => Some(*g),
        _ => None,
    })
}

/// Seed bug (FreeBSD iface.c, dump filter): `attrs->ifi_type != 0 && attrs->ifi_index !=
/// ifp->if_type` compared an index with a type. Linux's non-strict link dump ignores the
/// header's type, so every link comes back whatever ifi_type says.
#[test]
fn seed_bug_dump_filter_does_not_compare_index_with_type() {
    let mut c = Client::new();
    c.add_veth("v0", "v1");
    let mut hdr = ifinfo(0, 0, 0);
    hdr[2..4].copy_from_slice(&1u16.to_ne_bytes()); // ifi_type = ARPHRD_ETHER
    let r = c.send(Msg::new(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 3, &hdr).done());
    let links = r.iter().filter(|m| m.kind == RTM_NEWLINK).count();
    assert_eq!(links, 3, "lo (ARPHRD_LOOPBACK) must not be filtered out");
}

/// Seed bug: RTM_NEWADDR and RTM_DELADDR were wired to the dump handler. Here they add and
/// remove, and the dump shows it.
#[test]
fn seed_bug_newaddr_and_deladdr_change_state_instead_of_dumping() {
    let mut c = Client::new();
    let ip = [192, 0, 2, 1];
    let r = c.send(
        Msg::new(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, 1, &ifaddr(2, 24, 1))
            .attr(2, &ip)
            .done(),
    );
    assert_eq!(r.len(), 1, "an ACK, not a dump: {r:?}");
    assert_eq!(ack_errno(&r), 0);
    let count = |c: &mut Client| {
        c.send(Msg::new(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 2, &ifaddr(2, 0, 0)).done())
            .iter()
            .filter(|m| m.kind == RTM_NEWADDR)
            .count()
    };
    assert_eq!(count(&mut c), 1);
    let r = c.send(
        Msg::new(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, 3, &ifaddr(2, 24, 1))
            .attr(2, &ip)
            .done(),
    );
    assert_eq!(ack_errno(&r), 0);
    assert_eq!(count(&mut c), 0);
}

/// Seed bug: IFLA_GROUP was parsed as a string. It is a u32 (ifla_policy NLA_U32).
#[test]
fn seed_bug_group_is_a_u32() {
    let mut c = Client::new();
    let r = c.send(
        Msg::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, &ifinfo(1, 0, 0))
            .u32(27, 7)
            .done(),
    );
    assert_eq!(ack_errno(&r), 0);
    let r = c.send(Msg::new(RTM_GETLINK, NLM_F_REQUEST, 2, &ifinfo(1, 0, 0)).done());
    assert_eq!(group_of(&r[0]), Some(7));
}

/// A change between two parts of one dump marks the later parts NLM_F_DUMP_INTR
/// (nl_dump_check_consistent).
#[test]
fn a_change_during_a_dump_sets_dump_intr() {
    let mut c = Client::new();
    for i in 0..40 {
        c.add_veth(&format!("a{i}"), &format!("b{i}"));
    }
    c.host
        .send(
            c.s,
            &Msg::new(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 9, &ifinfo(0, 0, 0)).done(),
            &ADMIN,
        )
        .unwrap();
    // The first part is queued; change the stack before reading the rest.
    let other = c.host.open(101, libc::SOCK_RAW, 0).unwrap();
    c.host
        .send(
            other,
            &Msg::new(RTM_SETLINK, NLM_F_REQUEST, 1, &ifinfo(1, 1, 1)).done(),
            &ADMIN,
        )
        .unwrap();
    let replies = c.drain(c.s);
    let first = replies.first().expect("dump parts");
    assert_eq!(first.flags & 0x10, 0, "the first part predates the change");
    assert!(
        replies.iter().any(|m| m.flags & 0x10 != 0),
        "later parts carry NLM_F_DUMP_INTR"
    );
    assert_eq!(replies.last().unwrap().kind, NLMSG_DONE);
}

#[test]
fn veth_end_coming_up_is_announced_before_link_watch_then_after() {
    let mut c = Client::new();
    assert_eq!(ack_errno(&c.add_veth("v0", "v1")), 0);
    let l = c.host.open(200, libc::SOCK_RAW, 0).unwrap();
    c.host.bind(l, 0, 1).unwrap(); // RTMGRP_LINK
    let up = |index| {
        Msg::new(
            RTM_NEWLINK,
            NLM_F_REQUEST | NLM_F_ACK,
            7,
            &ifinfo(index, 1, 1),
        )
        .done()
    };
    // (index, ifi_flags, ifi_change, IFLA_OPERSTATE: 3 LOWERLAYERDOWN, 6 UP) of each.
    let seen = |c: &mut Client| -> Vec<(i32, u32, u32, u8)> {
        c.drain(l)
            .iter()
            .filter(|r| r.kind == RTM_NEWLINK)
            .map(|r| {
                let b = &r.bytes;
                let at = |o: usize| u32::from_ne_bytes(b[o..o + 4].try_into().unwrap());
                let oper = attr_at(r, 32, 16).expect("IFLA_OPERSTATE")[0];
                (at(20) as i32, at(24), at(28), oper)
            })
            .collect()
    };
    // v0 up, peer down: no carrier, one announcement (LOWERLAYERDOWN).
    assert_eq!(ack_errno(&c.send(up(3))), 0);
    assert_eq!(seen(&mut c), vec![(3, 0x1003, 1, 3)]);
    // v1 up: the carrier comes on while opening. Linux announces the open before link
    // watch runs (LOWER_UP but not RUNNING, still LOWERLAYERDOWN), then link watch's
    // view of v1 and of its peer.
    assert_eq!(ack_errno(&c.send(up(2))), 0);
    assert_eq!(
        seen(&mut c),
        vec![(2, 0x11003, 1, 3), (2, 0x11043, 0, 6), (3, 0x11043, 0, 6)]
    );
}

#[test]
fn a_transport_query_takes_no_port_and_stops_at_its_limit() {
    let mut c = Client::new();
    for i in 0..40 {
        assert_eq!(
            ack_errno(&c.add_veth(&format!("a{i}"), &format!("b{i}"))),
            0
        );
    }
    let dump = Msg::new(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 5, &ifinfo(0, 0, 0)).done();
    let all = c.host.query(&ADMIN, &dump, usize::MAX);
    let links = split(&all).iter().filter(|r| r.kind == RTM_NEWLINK).count();
    assert_eq!(links, 81);
    assert_eq!(split(&all).last().map(|r| r.kind), Some(NLMSG_DONE));
    // A small limit abandons the dump after the datagram that crosses it.
    let some = c.host.query(&ADMIN, &dump, 1000);
    assert!(
        some.len() > 1000 && some.len() < all.len(),
        "{}",
        some.len()
    );
    // The query's socket took no port: the first socket of the asking process still
    // autobinds to its pid.
    let asker = Credentials { pid: 777, ..ADMIN };
    c.host.query(&asker, &dump, usize::MAX);
    let s = c.host.open(777, libc::SOCK_RAW, 0).unwrap();
    c.host.bind(s, 0, 0).unwrap();
    assert_eq!(c.host.local_addr(s).port_id, 777);
}

/// ip link property add/del (RTM_NEWLINKPROP, RTM_DELLINKPROP): alternative names share
/// the name space with primary names, find the link, and go away with it.
#[test]
fn alternative_names_are_added_looked_up_and_removed() {
    const RTM_NEWLINKPROP: u16 = 108;
    const RTM_DELLINKPROP: u16 = 109;
    const IFLA_PROP_LIST: u16 = 52 | 0x8000; // with NLA_F_NESTED, which Linux requires here
    const IFLA_ALT_IFNAME: u16 = 53;
    let mut c = Client::new();
    c.add_veth("v0", "v1");
    let prop = |kind: u16, name: &str| {
        Msg::new(kind, NLM_F_REQUEST | NLM_F_ACK, 2, &ifinfo(3, 0, 0))
            .attr(IFLA_PROP_LIST, &nested(&[(IFLA_ALT_IFNAME, cstr(name))]))
            .done()
    };
    assert_eq!(ack_errno(&c.send(prop(RTM_NEWLINKPROP, "uplink"))), 0);
    assert_eq!(
        ack_errno(&c.send(prop(RTM_NEWLINKPROP, "uplink"))),
        libc::EEXIST
    );
    assert_eq!(
        ack_errno(&c.send(prop(RTM_NEWLINKPROP, "v1"))),
        libc::EEXIST
    );
    let get = Msg::new(RTM_GETLINK, NLM_F_REQUEST, 3, &ifinfo(0, 0, 0))
        .str(IFLA_ALT_IFNAME, "uplink")
        .done();
    let r = c.send(get.clone());
    assert_eq!(r.len(), 1);
    assert_eq!(attr_at(&r[0], 32, 3), Some(cstr("v0")));
    // The primary name is not an alternative name to remove; a missing one is ENOENT.
    assert_eq!(
        ack_errno(&c.send(prop(RTM_DELLINKPROP, "v0"))),
        libc::EINVAL
    );
    assert_eq!(
        ack_errno(&c.send(prop(RTM_DELLINKPROP, "nope"))),
        libc::ENOENT
    );
    assert_eq!(ack_errno(&c.send(prop(RTM_DELLINKPROP, "uplink"))), 0);
    assert_eq!(ack_errno(&c.send(get)), libc::ENODEV);
}

/// `bridge vlan del` sends RTM_DELLINK with family AF_BRIDGE (rtnl_bridge_dellink): it
/// changes a port's VLANs and never deletes the device.
#[test]
fn bridge_family_dellink_keeps_the_port() {
    const AF_BRIDGE: u8 = 7;
    let mut c = Client::new();
    bridge_with_port(&mut c, &[]);
    let mut hdr = ifinfo(3, 0, 0);
    hdr[0] = AF_BRIDGE;
    let del = Msg::new(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 3, &hdr).done();
    assert_eq!(ack_errno(&c.send(del)), 0);
    // Not a port: EOPNOTSUPP, and still nothing deleted.
    hdr[4..8].copy_from_slice(&2i32.to_ne_bytes());
    let del = Msg::new(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 4, &hdr).done();
    assert_eq!(ack_errno(&c.send(del)), libc::EOPNOTSUPP);
    assert_eq!(
        c.links(),
        vec![
            (1, "lo".into()),
            (2, "v1".into()),
            (3, "v0".into()),
            (4, "br0".into())
        ]
    );
}

/// The payload of the attribute reached by `path` (top-level type, then nested types) in a
/// link message.
fn link_attr(r: &Reply, path: &[u16]) -> Option<Vec<u8>> {
    let mut data = r.bytes.get(32..)?.to_vec();
    for &want in path {
        let mut rest = &data[..];
        let mut found = None;
        while rest.len() >= 4 {
            let len = u16::from_ne_bytes([rest[0], rest[1]]) as usize;
            let kind = u16::from_ne_bytes([rest[2], rest[3]]) & 0x3fff;
            if len < 4 || len > rest.len() {
                return None;
            }
            if kind == want {
                found = Some(rest[4..len].to_vec());
                break;
            }
            rest = &rest[((len + 3) & !3).min(rest.len())..];
        }
        data = found?;
    }
    Some(data)
}

const IFLA_CARRIER: u16 = 33;
const IFLA_OPERSTATE: u16 = 16;
const IFLA_LINKINFO: u16 = 18;
const IFLA_INFO_DATA: u16 = 2;
const IFLA_INFO_SLAVE_DATA: u16 = 5;
const IFLA_BRPORT_STATE: u16 = 1;
const IFLA_BR_AGEING_TIME: u16 = 4;
const IFLA_BR_TOPOLOGY_CHANGE: u16 = 14;

/// veth v1 (2) / v0 (3), bridge br0 (4) with `data` as IFLA_INFO_DATA, v0 its port, all up.
fn bridge_with_running_port(c: &mut Client, data: &[(u16, Vec<u8>)]) {
    bridge_with_port(c, data);
    for index in [2, 3, 4] {
        let up = Msg::new(
            RTM_SETLINK,
            NLM_F_REQUEST | NLM_F_ACK,
            3,
            &ifinfo(index, 1, 1),
        );
        assert_eq!(ack_errno(&c.send(up.done())), 0);
    }
}

/// veth v1 (2) / v0 (3), bridge br0 (4) with `data` as IFLA_INFO_DATA, v0 its port.
fn bridge_with_port(c: &mut Client, data: &[(u16, Vec<u8>)]) {
    c.add_veth("v0", "v1");
    let br = Msg::new(
        RTM_NEWLINK,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
        1,
        &ifinfo(0, 0, 0),
    )
    .str(3, "br0")
    .attr(18, &nested(&[(1, cstr("bridge")), (2, nested(data))]))
    .done();
    assert_eq!(ack_errno(&c.send(br)), 0);
    let enslave = Msg::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 2, &ifinfo(3, 0, 0))
        .u32(10, 4)
        .done();
    assert_eq!(ack_errno(&c.send(enslave)), 0);
}

/// (IFLA_CARRIER, IFLA_OPERSTATE) of br0 (index 4) in a link dump, which never hands a
/// pending change to link watch.
fn bridge_in_dump(c: &mut Client) -> (u8, u8) {
    let dump =
        c.send(Msg::new(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 8, &ifinfo(0, 0, 0)).done());
    let br = dump
        .iter()
        .find(|r| r.kind == RTM_NEWLINK && r.bytes[20] == 4)
        .expect("br0 in the dump");
    let one = |t| link_attr(br, &[t]).expect("the attribute")[0];
    (one(IFLA_CARRIER), one(IFLA_OPERSTATE))
}

/// Moves the stack's clock on by `ms` and runs what fell due.
fn advance(c: &mut Client, ms: u64) {
    let stack = c.host.stack_mut();
    stack.epoch = stack
        .epoch
        .checked_sub(std::time::Duration::from_millis(ms))
        .expect("a clock far enough from boot");
    c.host.tick(std::time::Instant::now());
}

/// The link `index` as RTM_GETLINK answers it.
fn getlink(c: &mut Client, index: i32) -> Reply {
    let replies = c.send(Msg::new(RTM_GETLINK, NLM_F_REQUEST, 5, &ifinfo(index, 0, 0)).done());
    replies
        .into_iter()
        .find(|r| r.kind == RTM_NEWLINK)
        .expect("the link")
}

fn port_state(r: &Reply) -> u8 {
    link_attr(r, &[IFLA_LINKINFO, IFLA_INFO_SLAVE_DATA, IFLA_BRPORT_STATE]).expect("a port")[0]
}

#[test]
fn kernel_stp_port_listens_learns_then_forwards_and_only_then_the_bridge_has_carrier() {
    const AF_BRIDGE: u8 = 7;
    let mut c = Client::new();
    // stp_state 1, forward delay 2 s (200 hundredths).
    bridge_with_running_port(
        &mut c,
        &[
            (5, 1u32.to_ne_bytes().to_vec()),
            (1, 200u32.to_ne_bytes().to_vec()),
        ],
    );
    let listener = c.host.open(200, libc::SOCK_RAW, 0).unwrap();
    c.host.bind(listener, 0, 1).unwrap(); // RTMGRP_LINK
    let carrier = |c: &mut Client| link_attr(&getlink(c, 4), &[IFLA_CARRIER]).unwrap()[0];
    assert_eq!(port_state(&getlink(&mut c, 3)), 1, "listening");
    assert_eq!(carrier(&mut c), 0);
    // One forward delay later: learning, announced with the port's AF_BRIDGE view.
    advance(&mut c, 2000);
    let seen = c.drain(listener);
    let bridge_views: Vec<&Reply> = seen.iter().filter(|r| r.bytes[16] == AF_BRIDGE).collect();
    assert_eq!(bridge_views.len(), 1, "{seen:?}");
    assert_eq!(
        link_attr(bridge_views[0], &[12, IFLA_BRPORT_STATE]).unwrap()[0],
        2,
        "learning"
    );
    assert_eq!(carrier(&mut c), 0);
    // Another: forwarding, the bridge gets carrier and a topology change starts, during
    // which addresses age in twice the forward delay.
    advance(&mut c, 2000);
    assert_eq!(port_state(&getlink(&mut c, 3)), 3, "forwarding");
    assert_eq!(carrier(&mut c), 1);
    let br = getlink(&mut c, 4);
    let data = |t| link_attr(&br, &[IFLA_LINKINFO, IFLA_INFO_DATA, t]).unwrap();
    assert_eq!(data(IFLA_BR_TOPOLOGY_CHANGE), vec![1]);
    assert_eq!(data(IFLA_BR_AGEING_TIME), 400u32.to_ne_bytes().to_vec());
}

#[test]
fn a_bridge_losing_carrier_just_after_other_link_events_waits_for_link_watch() {
    let mut c = Client::new();
    bridge_with_running_port(&mut c, &[(1, 0u32.to_ne_bytes().to_vec())]);
    // Let link watch's once-a-second full run pass.
    advance(&mut c, 3000);
    let listener = c.host.open(200, libc::SOCK_RAW, 0).unwrap();
    c.host.bind(listener, 0, 1).unwrap();
    let announced = |c: &mut Client| -> Vec<(i32, u8)> {
        c.drain(listener)
            .iter()
            .filter(|r| r.kind == RTM_NEWLINK && r.bytes[16] == 0)
            .map(|r| {
                let index = i32::from_ne_bytes(r.bytes[20..24].try_into().unwrap());
                (index, link_attr(r, &[IFLA_OPERSTATE]).unwrap()[0])
            })
            .collect()
    };
    let v1 = |up: u32| Msg::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 6, &ifinfo(2, up, 1));
    // v1 down: its peer (the port) loses carrier and is handled at once (a veth event is
    // urgent, and it makes this a full run); the bridge's carrier loss waits.
    assert_eq!(ack_errno(&c.send(v1(0).done())), 0);
    assert_eq!(announced(&mut c), vec![(2, 2), (3, 3)]);
    // Meanwhile a dump shows the bridge without carrier but still operationally up.
    assert_eq!(bridge_in_dump(&mut c), (0, 6));
    // A second later link watch runs again: the bridge is announced down.
    advance(&mut c, 1000);
    assert_eq!(announced(&mut c), vec![(4, 2)]);
    // v1 up and down again within the second: RTM_GETLINK of the bridge hands its pending
    // event to link watch first (linkwatch_sync_dev), so listeners hear of it then.
    advance(&mut c, 1000);
    assert_eq!(ack_errno(&c.send(v1(1).done())), 0);
    announced(&mut c);
    assert_eq!(ack_errno(&c.send(v1(0).done())), 0);
    assert!(!announced(&mut c).iter().any(|&(i, _)| i == 4));
    assert_eq!(
        link_attr(&getlink(&mut c, 4), &[IFLA_OPERSTATE]).unwrap(),
        vec![2]
    );
    assert_eq!(announced(&mut c), vec![(4, 2)]);
}

#[test]
fn port_states_missing_from_an_older_state_file_are_derived_on_load() {
    let mut c = Client::new();
    bridge_with_running_port(&mut c, &[(1, 0u32.to_ne_bytes().to_vec())]);
    assert_eq!(port_state(&getlink(&mut c, 3)), 3);
    let mut saved = c.host.save_state();
    // State files written before port states were kept have no `state` in `brport`.
    let mut stripped = 0;
    for link in saved["stack"]["namespaces"][0]["links"]
        .as_object_mut()
        .unwrap()
        .values_mut()
    {
        if let Some(port) = link.get_mut("brport").and_then(|p| p.as_object_mut()) {
            stripped += port.remove("state").is_some() as usize;
        }
    }
    assert!(stripped > 0);
    let mut c = Client::from_state(saved);
    // The running port of a running bridge forwarded then; the bridge keeps its carrier.
    assert_eq!(port_state(&getlink(&mut c, 3)), 3);
    assert_eq!(
        link_attr(&getlink(&mut c, 4), &[IFLA_CARRIER]).unwrap(),
        vec![1]
    );
}

#[test]
fn a_state_saved_while_link_watch_held_a_change_loads_settled() {
    let mut c = Client::new();
    bridge_with_running_port(&mut c, &[(1, 0u32.to_ne_bytes().to_vec())]);
    advance(&mut c, 3000);
    // v1 down: the bridge's carrier loss waits for link watch (operstate still UP).
    let down = Msg::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 6, &ifinfo(2, 0, 1));
    assert_eq!(ack_errno(&c.send(down.done())), 0);
    let mut c = Client::from_state(c.host.save_state());
    assert_eq!(bridge_in_dump(&mut c), (0, 2));
}

#[test]
fn a_group_of_links_coming_up_settles_each_link_a_bounded_number_of_times() {
    let mut c = Client::new();
    for i in 0..50 {
        let mut peer_body = ifinfo(0, 0, 0);
        peer_body.extend(nested(&[
            (3, cstr(&format!("b{i}"))),
            (27, 7u32.to_ne_bytes().to_vec()),
        ]));
        let info = nested(&[(1, cstr("veth")), (2, nested(&[(1, peer_body)]))]);
        let add = Msg::new(
            RTM_NEWLINK,
            NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
            2,
            &ifinfo(0, 0, 0),
        )
        .str(3, &format!("a{i}"))
        .u32(27, 7) // IFLA_GROUP
        .attr(18, &info)
        .done();
        assert_eq!(ack_errno(&c.send(add)), 0);
    }
    let before = c.host.generation();
    // `ip link set group 7 up`: every end comes up, and each pair gets carrier.
    let up = Msg::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 3, &ifinfo(0, 1, 1))
        .u32(27, 7)
        .done();
    assert_eq!(ack_errno(&c.send(up)), 0);
    // A link whose change waits for link watch is not found changed again and again (its
    // held operational state is not a change): a few state changes per link, not thousands.
    let changes = c.host.generation() - before;
    assert!(changes < 100 * 20, "{changes} state changes for 100 links");
    let links = c.links();
    assert_eq!(links.len(), 101);
}

#[test]
fn a_negative_receive_buffer_size_asks_for_the_most_as_on_linux() {
    // sock_setsockopt: val = min_t(u32, val, rmem_max); the buffer is twice that.
    let mut c = Client::new();
    let get = |c: &Client| {
        let v = c
            .host
            .get_option(c.s, libc::SOL_SOCKET, libc::SO_RCVBUF)
            .expect("SO_RCVBUF");
        i32::from_ne_bytes([v[0], v[1], v[2], v[3]])
    };
    for (set, want) in [
        (-1i32, 425_984),
        (0, 2304),
        (1 << 30, 425_984),
        (65536, 131_072),
    ] {
        c.host
            .set_option(c.s, libc::SOL_SOCKET, libc::SO_RCVBUF, &set.to_ne_bytes())
            .expect("set SO_RCVBUF");
        assert_eq!(get(&c), want, "SO_RCVBUF {set}");
    }
}

#[test]
fn buffer_sizes_follow_the_limits_the_host_gives() {
    // A host with net.core.rmem_max and wmem_max at 4 MiB, defaults raised too.
    let mut host = Host::new();
    host.set_buffer_limits(nlroute::socket::BufferLimits {
        rmem_default: 300_000,
        rmem_max: 4 << 20,
        wmem_default: 250_000,
        wmem_max: 4 << 20,
    });
    let mut c = Client::with_host(host);
    let s = c.host.open(1, libc::SOCK_RAW, 0).expect("socket");
    let get = |c: &Client, name| {
        let v = c
            .host
            .get_option(s, libc::SOL_SOCKET, name)
            .expect("getsockopt");
        i32::from_ne_bytes([v[0], v[1], v[2], v[3]])
    };
    assert_eq!(get(&c, libc::SO_RCVBUF), 300_000);
    assert_eq!(get(&c, libc::SO_SNDBUF), 250_000);
    for (set, want) in [(1i32 << 20, 2 << 20), (1 << 30, 8 << 20), (-1, 8 << 20)] {
        for name in [libc::SO_RCVBUF, libc::SO_SNDBUF] {
            c.host
                .set_option(s, libc::SOL_SOCKET, name, &set.to_ne_bytes())
                .expect("setsockopt");
            assert_eq!(get(&c, name), want, "option {name} set to {set}");
        }
    }
}

/// What a receive queue keeps when it overflows, as this kernel keeps it (checked with
/// SO_MEMINFO in a namespace): each message counts its buffer's true size, the error comes
/// first, and after it nothing is queued until the reader has emptied the queue.
#[test]
fn an_overflowing_queue_keeps_what_linux_keeps_then_congests() {
    assert_eq!(
        [76, 1468, 1492, 1880].map(nlroute::socket::truesize),
        [832, 2304, 2304, 4352]
    );
    let mut c = Client::new();
    let l = c.host.open(200, libc::SOCK_RAW, 0).unwrap();
    c.host.bind(l, 0, 1).unwrap(); // RTMGRP_LINK
    c.host
        .set_option(l, libc::SOL_SOCKET, libc::SO_RCVBUF, &4096i32.to_ne_bytes())
        .unwrap();
    let mut mtu = 1400u32;
    let mut change = |c: &mut Client| {
        mtu = if mtu == 1400 { 1500 } else { 1400 };
        let r = c.send(
            Msg::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, &ifinfo(1, 0, 0))
                .attr(4, &mtu.to_ne_bytes())
                .done(),
        );
        assert_eq!(ack_errno(&r), 0);
    };
    let next = |c: &mut Client| match c.host.recv(l, 65536) {
        Some(Outgoing::Overrun) => "ENOBUFS",
        Some(Outgoing::Datagram(_)) => "data",
        None => "nothing",
    };
    for _ in 0..6 {
        change(&mut c);
    }
    // 8192 bytes of buffer: three 2,304-byte notifications; the fourth would not fit.
    assert_eq!([next(&mut c), next(&mut c)], ["ENOBUFS", "data"]);
    change(&mut c); // congested: dropped, and no second error
    assert_eq!(
        [next(&mut c), next(&mut c), next(&mut c)],
        ["data", "data", "nothing"]
    );
    change(&mut c); // the reader emptied the queue: queued again
    assert_eq!([next(&mut c), next(&mut c)], ["data", "nothing"]);
}

/// exec's memo (see `Host::read_epoch`) keeps an answer to a read while the read epoch
/// stays and the answer was made without the clock: reads must leave both alone, and every
/// change must move the epoch.
#[test]
fn reads_leave_the_read_epoch_alone_and_changes_move_it() {
    let mut c = Client::new();
    let get_lo = || Msg::new(RTM_GETLINK, NLM_F_REQUEST, 1, &ifinfo(1, 0, 0)).done();
    let (epoch, clock) = (c.host.read_epoch(), c.host.stack().clock_reads());
    for _ in 0..3 {
        assert_eq!(c.send(get_lo())[0].kind, RTM_NEWLINK);
    }
    assert_eq!(
        c.host.stack().clock_reads(),
        clock,
        "reading lo read the clock"
    );
    c.links();
    assert_eq!(c.host.read_epoch(), epoch, "reads moved the epoch");

    let mtu = Msg::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 2, &ifinfo(1, 0, 0))
        .u32(4, 1500)
        .done();
    assert_eq!(ack_errno(&c.send(mtu)), 0);
    let after_change = c.host.read_epoch();
    assert_ne!(after_change, epoch, "a change left the epoch");
    // A request refused before it did anything leaves it: its answer stands until a change.
    let bad = Msg::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 3, &ifinfo(99, 0, 0)).done();
    assert_ne!(ack_errno(&c.send(bad)), 0);
    assert_eq!(
        c.host.read_epoch(),
        after_change,
        "a refused request moved the epoch"
    );
    // One that succeeds moves it even when it changes nothing.
    let same = Msg::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 4, &ifinfo(1, 0, 0))
        .u32(4, 1500)
        .done();
    assert_eq!(ack_errno(&c.send(same)), 0);
    assert_ne!(
        c.host.read_epoch(),
        after_change,
        "a request that did its work left the epoch"
    );
    let before_tick = c.host.read_epoch();
    c.host.tick(std::time::Instant::now());
    assert_ne!(
        c.host.read_epoch(),
        before_tick,
        "a timer run left the epoch"
    );

    // A bridge reports its timers: reading it reads the clock.
    bridge_with_port(&mut c, &[]);
    let clock = c.host.stack().clock_reads();
    let get_br = Msg::new(RTM_GETLINK, NLM_F_REQUEST, 4, &ifinfo(4, 0, 0)).done();
    assert_eq!(c.send(get_br)[0].kind, RTM_NEWLINK);
    assert_ne!(
        c.host.stack().clock_reads(),
        clock,
        "a bridge's timers were read without the clock"
    );
}

/// Each datagram keeps the multicast group it was sent to (NETLINK_CB(skb).dst_group), which
/// recvmsg reports: a notification its group, the requester's NLM_F_ECHO copy the same
/// (nlmsg_notify sets it before the unicast), an ACK or a dump part none.
#[test]
fn datagrams_keep_the_group_they_were_sent_to() {
    let mut c = Client::new();
    let own = c.s;
    let l = c.host.open(200, libc::SOCK_RAW, 0).unwrap();
    c.host.bind(l, 0, 1 | 0x10).unwrap(); // RTMGRP_LINK | RTMGRP_IPV4_IFADDR
    let setlink = Msg::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, &ifinfo(1, 0, 0))
        .attr(4, &1400u32.to_ne_bytes())
        .done();
    c.host.send(c.s, &setlink, &ADMIN).unwrap();
    let groups = |c: &mut Client, s| {
        let mut out = Vec::new();
        while let Some((group, o)) = c.host.recv_with_group(s, 32768) {
            let Outgoing::Datagram(d) = o else {
                panic!("overrun")
            };
            out.push((split(&d)[0].kind, group));
        }
        out
    };
    assert_eq!(groups(&mut c, own), [(NLMSG_ERROR, 0)]);
    assert_eq!(groups(&mut c, l), [(RTM_NEWLINK, 1)]);
    let addr = Msg::new(
        RTM_NEWADDR,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_ECHO,
        2,
        &ifaddr(2, 8, 1),
    )
    .attr(2, &[10, 0, 0, 1])
    .done();
    c.host.send(c.s, &addr, &ADMIN).unwrap();
    assert_eq!(groups(&mut c, own), [(RTM_NEWADDR, 5), (NLMSG_ERROR, 0)]);
    assert_eq!(groups(&mut c, l), [(RTM_NEWADDR, 5)]); // RTNLGRP_IPV4_IFADDR
    c.host
        .send(
            c.s,
            &Msg::new(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 3, &ifinfo(0, 0, 0)).done(),
            &ADMIN,
        )
        .unwrap();
    let dump = groups(&mut c, own);
    assert!(
        dump.len() > 1 && dump.iter().all(|&(_, g)| g == 0),
        "{dump:?}"
    );
}

/// An expiring primary goes as a deleted one does (check_lifetime calls inet_del_ifa): with
/// promote_secondaries on, the next secondary of its subnet becomes primary, announced
/// after the deletion.
#[test]
fn an_expiring_primary_promotes_its_secondary_when_asked_to() {
    const IFLA_AF_SPEC: u16 = 26;
    const IFA_LOCAL: u16 = 2;
    const IFA_CACHEINFO: u16 = 6;
    const IFA_F_SECONDARY: u8 = 1;
    let mut c = Client::new();
    let l = c.host.open(200, libc::SOCK_RAW, 0).unwrap();
    c.host.bind(l, 0, 0x10).unwrap(); // RTMGRP_IPV4_IFADDR
    // IFLA_AF_SPEC { AF_INET { IFLA_INET_CONF { PROMOTE_SECONDARIES (20): 1 } } }
    let conf = nested(&[(20, 1u32.to_ne_bytes().to_vec())]);
    let spec = nested(&[(2, nested(&[(1, conf)]))]);
    let r = c.send(
        Msg::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, &ifinfo(1, 0, 0))
            .attr(IFLA_AF_SPEC, &spec)
            .done(),
    );
    assert_eq!(ack_errno(&r), 0);
    let add = |c: &mut Client, last: u8, valid: u32| {
        let mut ci = Vec::new();
        for v in [valid, valid, 0, 0] {
            ci.extend_from_slice(&v.to_ne_bytes());
        }
        let m = Msg::new(
            RTM_NEWADDR,
            NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE,
            2,
            &ifaddr(2, 24, 1),
        )
        .attr(IFA_LOCAL, &[10, 9, 0, last])
        .attr(IFA_CACHEINFO, &ci)
        .done();
        assert_eq!(ack_errno(&c.send(m)), 0);
    };
    add(&mut c, 1, 2);
    add(&mut c, 2, u32::MAX);
    add(&mut c, 3, u32::MAX);
    c.drain(l);
    advance(&mut c, 3000);
    // (The address's last byte: the first attribute, IFA_ADDRESS, holds it at 28..32.)
    let seen: Vec<(u16, u8, u8)> = c
        .drain(l)
        .iter()
        .map(|r| (r.kind, r.bytes[31], r.bytes[18] & IFA_F_SECONDARY))
        .collect();
    assert_eq!(seen, [(RTM_DELADDR, 1, 0), (RTM_NEWADDR, 2, 0)]);
    let left: Vec<(u8, u8)> = addr_dump(&mut c, 2)
        .iter()
        .filter(|r| r.bytes[28] == 10)
        .map(|r| (r.bytes[31], r.bytes[18] & IFA_F_SECONDARY))
        .collect();
    assert_eq!(left, [(2, 0), (3, IFA_F_SECONDARY)]);
}

/// DAD across a veth pair: the peer holding the address answers, so ours fails
/// (IFA_F_DADFAILED, still tentative); a failed address answers nobody, so the peer's new
/// one succeeds; a peer still probing for it loses to the first probe.
#[test]
fn dad_fails_against_the_veth_peer_holding_the_address() {
    const IFA_F_NODAD: u8 = 0x02;
    const IFA_F_DADFAILED: u8 = 0x08;
    const IFA_F_TENTATIVE: u8 = 0x40;
    let mut c = Client::new();
    assert_eq!(ack_errno(&c.add_veth("v0", "v1")), 0); // v1 is 2, v0 is 3
    for index in [2, 3] {
        let up = Msg::new(
            RTM_NEWLINK,
            NLM_F_REQUEST | NLM_F_ACK,
            3,
            &ifinfo(index, 1, 1),
        );
        assert_eq!(ack_errno(&c.send(up.done())), 0);
    }
    advance(&mut c, 3000);
    let add = |c: &mut Client, index: u32, last: u8, flags: u8| {
        let mut a = [0u8; 16];
        a[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        a[15] = last;
        let mut ifa = ifaddr(10, 64, index);
        ifa[2] = flags;
        let m = Msg::new(
            RTM_NEWADDR,
            NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE,
            4,
            &ifa,
        )
        .attr(2, &a)
        .done();
        assert_eq!(ack_errno(&c.send(m)), 0);
    };
    // The flags of 2001:db8::`last` on each end (None: not there).
    let flags = |c: &mut Client, last: u8| -> [Option<u8>; 2] {
        let dump = addr_dump(c, 10);
        [2u32, 3].map(|index| {
            dump.iter()
                .find(|r| {
                    r.bytes[20..24] == index.to_ne_bytes()
                        && r.bytes[28..30] == [0x20, 0x01]
                        && r.bytes[43] == last
                })
                .map(|r| r.bytes[18])
        })
    };
    add(&mut c, 2, 1, IFA_F_NODAD);
    add(&mut c, 3, 1, 0);
    advance(&mut c, 3000);
    let [v1, v0] = flags(&mut c, 1);
    assert_eq!(v1.map(|f| f & (IFA_F_TENTATIVE | IFA_F_DADFAILED)), Some(0));
    assert_eq!(
        v0.map(|f| f & (IFA_F_TENTATIVE | IFA_F_DADFAILED)),
        Some(IFA_F_TENTATIVE | IFA_F_DADFAILED)
    );
    // v1's answering address goes; a new one probes: v0's failed copy does not answer.
    let del = Msg::new(
        RTM_DELADDR,
        NLM_F_REQUEST | NLM_F_ACK,
        5,
        &ifaddr(10, 64, 2),
    )
    .attr(
        2,
        &[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    )
    .done();
    assert_eq!(ack_errno(&c.send(del)), 0);
    add(&mut c, 2, 1, 0);
    advance(&mut c, 3000);
    assert_eq!(
        flags(&mut c, 1)[0].map(|f| f & (IFA_F_TENTATIVE | IFA_F_DADFAILED)),
        Some(0)
    );
    // Both probing: exactly one end keeps the address.
    add(&mut c, 2, 2, 0);
    add(&mut c, 3, 2, 0);
    advance(&mut c, 3000);
    let both = flags(&mut c, 2).map(|f| f.map(|f| f & (IFA_F_TENTATIVE | IFA_F_DADFAILED)));
    assert!(
        both.contains(&Some(0)) && both.contains(&Some(IFA_F_TENTATIVE | IFA_F_DADFAILED)),
        "{both:?}"
    );
}

/// do_setlink announces each step its own notifier announces, in its order, each message
/// showing the link as that step left it: here MTU, name, then the transmit queue length
/// on a down link (the group, applied between them, adds no message of its own there).
#[test]
fn a_setlink_of_several_settings_is_announced_step_by_step() {
    const IFLA_IFNAME: u16 = 3;
    const IFLA_MTU: u16 = 4;
    const IFLA_TXQLEN: u16 = 13;
    const IFLA_GROUP: u16 = 27;
    let mut c = Client::new();
    assert_eq!(ack_errno(&c.add_veth("v0", "v1")), 0);
    let l = c.host.open(200, libc::SOCK_RAW, 0).unwrap();
    c.host.bind(l, 0, 1).unwrap(); // RTMGRP_LINK
    let m = Msg::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 9, &ifinfo(3, 0, 0))
        .u32(IFLA_MTU, 1400)
        .u32(IFLA_GROUP, 4)
        .str(IFLA_IFNAME, "w0")
        .u32(IFLA_TXQLEN, 500)
        .done();
    assert_eq!(ack_errno(&c.send(m)), 0);
    let u32_of = |r: &Reply, t| {
        u32::from_ne_bytes(
            link_attr(r, &[t]).expect("attribute")[..4]
                .try_into()
                .unwrap(),
        )
    };
    let seen: Vec<(u32, String, u32, u32)> = c
        .drain(l)
        .iter()
        .filter(|r| r.kind == RTM_NEWLINK)
        .map(|r| {
            let name = link_attr(r, &[IFLA_IFNAME]).expect("name");
            let name = String::from_utf8_lossy(&name[..name.len() - 1]).into_owned();
            (
                u32_of(r, IFLA_MTU),
                name,
                u32_of(r, IFLA_GROUP),
                u32_of(r, IFLA_TXQLEN),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (1400, "v0".into(), 0, 1000),
            (1400, "w0".into(), 4, 1000),
            (1400, "w0".into(), 4, 500),
        ]
    );
}

/// do_setlink keeps the steps applied before one that fails (the MTU here, before an
/// unknown master) and answers with the failing one's error; a short address, which
/// validate_linkmsg refuses first, leaves everything as it was.
#[test]
fn a_setlink_failing_part_way_keeps_the_steps_before() {
    const IFLA_ADDRESS: u16 = 1;
    const IFLA_IFNAME: u16 = 3;
    const IFLA_MTU: u16 = 4;
    const IFLA_MASTER: u16 = 10;
    let mut c = Client::new();
    assert_eq!(ack_errno(&c.add_veth("v0", "v1")), 0);
    let mtu = |c: &mut Client| link_attr(&getlink(c, 3), &[IFLA_MTU]).expect("mtu")[..4].to_vec();
    let m = Msg::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, &ifinfo(3, 0, 0))
        .u32(IFLA_MTU, 1300)
        .u32(IFLA_MASTER, 77)
        .done();
    assert_ne!(ack_errno(&c.send(m)), 0);
    assert_eq!(mtu(&mut c), 1300u32.to_ne_bytes());
    let m = Msg::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 2, &ifinfo(3, 0, 0))
        .u32(IFLA_MTU, 1200)
        .attr(IFLA_ADDRESS, &[2, 0])
        .str(IFLA_IFNAME, "w0")
        .done();
    assert_eq!(ack_errno(&c.send(m)), libc::EINVAL);
    assert_eq!(mtu(&mut c), 1300u32.to_ne_bytes());
}

/// A supplicant's use of the operational state: link mode dormant holds a veth end at
/// DORMANT (not RUNNING) when link watch next runs for it, IFLA_OPERSTATE UP releases it
/// (announced), and the next carrier change brings DORMANT back; a transition
/// set_operstate does not allow changes nothing.
#[test]
fn link_mode_dormant_and_operstate_up_as_a_supplicant_sets_them() {
    const IFLA_LINKMODE: u16 = 17;
    let mut c = Client::new();
    c.add_veth("v0", "v1");
    for index in [2, 3] {
        let up = Msg::new(
            RTM_SETLINK,
            NLM_F_REQUEST | NLM_F_ACK,
            3,
            &ifinfo(index, 1, 1),
        );
        assert_eq!(ack_errno(&c.send(up.done())), 0);
    }
    advance(&mut c, 3000);
    let state = |c: &mut Client| {
        let r = getlink(c, 3);
        let flags = u32::from_ne_bytes(r.bytes[24..28].try_into().unwrap());
        (
            link_attr(&r, &[IFLA_OPERSTATE]).unwrap()[0],
            flags & libc::IFF_RUNNING as u32 != 0,
        )
    };
    let set = |c: &mut Client, kind: u16, value: u8| {
        let m = Msg::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 4, &ifinfo(3, 0, 0))
            .attr(kind, &[value])
            .done();
        assert_eq!(ack_errno(&c.send(m)), 0);
    };
    let bounce_peer = |c: &mut Client| {
        for up in [0, 1] {
            let m = Msg::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 5, &ifinfo(2, up, 1));
            assert_eq!(ack_errno(&c.send(m.done())), 0);
            advance(c, 1500);
        }
    };
    let listener = c.host.open(200, libc::SOCK_RAW, 0).unwrap();
    c.host.bind(listener, 0, 1).unwrap();
    // The mode alone changes nothing until link watch runs.
    set(&mut c, IFLA_LINKMODE, 1);
    assert_eq!(state(&mut c), (6, true));
    bounce_peer(&mut c);
    assert_eq!(state(&mut c), (5, false));
    c.drain(listener);
    // Authenticated: UP, announced once; asking again changes nothing.
    set(&mut c, IFLA_OPERSTATE, 6);
    assert_eq!(state(&mut c), (6, true));
    let announced = c.drain(listener);
    assert_eq!(
        announced.iter().filter(|r| r.kind == RTM_NEWLINK).count(),
        1
    );
    set(&mut c, IFLA_OPERSTATE, 6);
    assert!(c.drain(listener).is_empty());
    // DOWN is no transition a program may ask for.
    set(&mut c, IFLA_OPERSTATE, 2);
    assert_eq!(state(&mut c), (6, true));
    // The next carrier change: DORMANT again.
    bounce_peer(&mut c);
    assert_eq!(state(&mut c), (5, false));
}

/// Netconf: a new device announces its IPv4 and IPv6 settings before its link message
/// (NETDEV_REGISTER), a dump lists each family's devices then "all" (-1) and "default"
/// (-2), and an MTU below 1280 takes the IPv6 entry away (RTM_DELNETCONF).
#[test]
fn netconf_follows_devices_and_their_ip_devices() {
    const RTM_NEWNETCONF: u16 = 80;
    const RTM_DELNETCONF: u16 = 81;
    const RTM_GETNETCONF: u16 = 82;
    const NETCONF_GROUPS: u32 = (1 << 23) | (1 << 24);
    let mut c = Client::new();
    let listener = c.host.open(200, libc::SOCK_RAW, 0).unwrap();
    c.host.bind(listener, 0, NETCONF_GROUPS | 1).unwrap();
    c.add_veth("v0", "v1");
    // (family, index) of each netconf message; 0 for link messages.
    let seen = |replies: &[Reply]| -> Vec<(u16, u8, i32)> {
        replies
            .iter()
            .map(|r| match r.kind {
                RTM_NEWNETCONF | RTM_DELNETCONF => (
                    r.kind,
                    r.bytes[16],
                    i32::from_ne_bytes(r.bytes[24..28].try_into().unwrap()),
                ),
                k => {
                    let index = r
                        .bytes
                        .get(20..24)
                        .map_or(0, |b| i32::from_ne_bytes(b.try_into().expect("four bytes")));
                    (k, 0, index)
                }
            })
            .collect()
    };
    let announced = c.drain(listener);
    assert_eq!(
        seen(&announced),
        vec![
            (RTM_NEWNETCONF, 2, 2),
            (RTM_NEWNETCONF, 10, 2),
            (RTM_NEWLINK, 0, 2),
            (RTM_NEWNETCONF, 2, 3),
            (RTM_NEWNETCONF, 10, 3),
            (RTM_NEWLINK, 0, 3),
        ]
    );
    let dump = |c: &mut Client, family: u8| {
        let replies = c.send(
            Msg::new(
                RTM_GETNETCONF,
                NLM_F_REQUEST | NLM_F_DUMP,
                9,
                &[family, 0, 0, 0],
            )
            .done(),
        );
        seen(&replies)
            .into_iter()
            .filter(|&(k, _, _)| k == RTM_NEWNETCONF)
            .map(|(_, f, i)| (f, i))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        dump(&mut c, 2),
        vec![(2, 1), (2, 2), (2, 3), (2, -1), (2, -2)]
    );
    let mtu = Msg::new(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 4, &ifinfo(3, 0, 0))
        .u32(4, 1200)
        .done();
    assert_eq!(ack_errno(&c.send(mtu)), 0);
    assert_eq!(
        seen(&c.drain(listener)),
        vec![(RTM_NEWLINK, 0, 3), (RTM_DELNETCONF, 10, 3)]
    );
    assert_eq!(dump(&mut c, 10), vec![(10, 1), (10, 2), (10, -1), (10, -2)]);
}
