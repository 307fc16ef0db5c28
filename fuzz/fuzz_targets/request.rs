//! The whole request path: arbitrary datagrams into a Host with a populated stack (veth pair,
//! bridge with a port, macvlan, vlan, addresses), socket options chosen by the first input
//! byte (strict checking, extended ACK, capped ACK, unprivileged sender, small reader, a
//! listener on every group). See `fuzz/harness.rs` for the input format and the checks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

#[path = "../harness.rs"]
mod harness;

/// The populated stack is built once; each input starts from a copy of it.
fn template() -> &'static [nlroute::stack::Namespace] {
    static T: OnceLock<Vec<nlroute::stack::Namespace>> = OnceLock::new();
    T.get_or_init(harness::template)
}

fuzz_target!(|data: &[u8]| {
    let host = harness::host_from(template(), 0x5eed);
    harness::run_request_path(data, Some(host));
});
