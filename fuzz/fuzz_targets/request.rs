//! The whole request path: arbitrary datagrams into a Host with a populated stack (veth pair,
//! bridge with a port, macvlan, vlan, addresses), socket options chosen by the first input
//! byte (strict checking, extended ACK, capped ACK, unprivileged sender, small reader, a
//! listener on every group). See `fuzz/harness.rs` for the input format and the checks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

#[path = "../harness.rs"]
mod harness;

/// The populated stack is built once and cloned per input through its saved state, which is
/// much faster than replaying the set-up requests.
fn template() -> &'static serde_json::Value {
    static T: OnceLock<serde_json::Value> = OnceLock::new();
    T.get_or_init(|| harness::populated_host().save_state())
}

fuzz_target!(|data: &[u8]| {
    let mut host = nlroute::socket::Host::load_state(template().clone()).expect("load template");
    host.stack_mut().seed(0x5eed);
    harness::run_request_path(data, Some(host));
});
