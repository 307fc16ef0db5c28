//! `nlroute exec` with pyroute2 (asyncio-based, dups its netlink descriptor).

#[path = "clients/common.rs"]
mod common;
use common::*;

#[test]
fn pyroute2_lists_adds_and_addresses_links() {
    if !have("python3") {
        skip("python3 is not installed");
        return;
    }
    let probe = exec(&["python3", "-c", "import pyroute2"]);
    if !probe.ok() {
        skip("pyroute2 is not installed (pip install pyroute2)");
        return;
    }
    let script = "\
from pyroute2 import IPRoute
with IPRoute() as ip:
    print(sorted(l.get_attr('IFLA_IFNAME') for l in ip.get_links()))
    ip.link('add', ifname='py0', kind='dummy')
    idx = ip.link_lookup(ifname='py0')[0]
    ip.link('set', index=idx, state='up')
    ip.addr('add', index=idx, address='10.9.8.7', prefixlen=24)
    print(sorted(l.get_attr('IFLA_IFNAME') for l in ip.get_links()))
    print([a.get_attr('IFA_ADDRESS') for a in ip.get_addr(index=idx, family=2)])
";
    let r = exec(&["python3", "-c", script]).expect_ok("pyroute2 script");
    assert_eq!(
        r.stdout, "['lo']\n['lo', 'py0']\n['10.9.8.7']\n",
        "stderr:\n{}",
        r.stderr
    );
}
