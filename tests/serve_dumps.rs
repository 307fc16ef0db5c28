//! Dumps through `nlroute serve` under concurrent change: a dump whose parts straddle a change
//! made by another client carries NLM_F_DUMP_INTR on the parts after it
//! (nl_dump_check_consistent), and still ends in NLMSG_DONE.

#[path = "clients/common.rs"]
mod common;
use common::*;

const RTM_GETLINK: u16 = 18;
const NLMSG_DONE: u16 = 3;
const NLM_F_DUMP_INTR: u16 = 0x10;

/// (type, flags) of each message in a datagram.
fn types_and_flags(d: &[u8]) -> Vec<(u16, u16)> {
    let mut out = Vec::new();
    let mut off = 0;
    while off + 16 <= d.len() {
        let len = u32::from_ne_bytes([d[off], d[off + 1], d[off + 2], d[off + 3]]) as usize;
        if len < 16 || off + len > d.len() {
            break;
        }
        out.push((
            u16::from_ne_bytes([d[off + 4], d[off + 5]]),
            u16::from_ne_bytes([d[off + 6], d[off + 7]]),
        ));
        off += (len + 3) & !3;
    }
    out
}

#[test]
fn a_change_by_another_client_marks_the_rest_of_a_dump_interrupted() {
    let dir = tmpdir("serve-dump-intr");
    let sock = dir.join("nl.sock");
    let _srv = Serve::start(&sock, &[]);
    let changer = raw_socket(&sock);
    for i in 0..400u32 {
        send(&changer, &new_dummy(i + 1, &format!("d{i}"))).expect("send");
        recv(&changer).expect("ack");
    }
    let reader = raw_socket(&sock);
    let dump = message(
        RTM_GETLINK,
        (libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16,
        7,
        &[0u8; 16],
    );
    send(&reader, &dump).expect("dump request");
    // The server keeps only a few KiB ahead of a reader, so most of the 400-link dump is
    // produced after this point.
    let first = recv(&reader).expect("first part");
    assert!(
        types_and_flags(&first)
            .iter()
            .all(|&(_, f)| f & NLM_F_DUMP_INTR == 0),
        "the first part predates the change"
    );
    send(&changer, &new_dummy(999, "late")).expect("send");
    recv(&changer).expect("ack");
    let mut rest = Vec::new();
    loop {
        let d = recv(&reader).expect("dump part");
        let msgs = types_and_flags(&d);
        let done = msgs.iter().any(|&(t, _)| t == NLMSG_DONE);
        rest.extend(msgs);
        if done {
            break;
        }
    }
    assert!(
        rest.iter().any(|&(_, f)| f & NLM_F_DUMP_INTR != 0),
        "parts produced after the change carry NLM_F_DUMP_INTR"
    );
    assert_eq!(rest.last().map(|&(t, _)| t), Some(NLMSG_DONE));
}
