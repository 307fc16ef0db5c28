//! `nlroute exec` with a Rust program using the `rtnetlink` crate on tokio.
//!
//! The helper program is this test binary itself: the test re-runs its own executable under
//! `nlroute exec` with NLROUTE_RTNETLINK_CHILD set, and the child half talks to the emulated
//! stack through rtnetlink, printing what it saw on lines starting with "RESULT ".

#[path = "clients/common.rs"]
mod common;
use common::*;
use futures::TryStreamExt;
use netlink_packet_route::link::LinkAttribute;
use std::time::Duration;

const CHILD: &str = "NLROUTE_RTNETLINK_CHILD";

async fn link_names(handle: &rtnetlink::Handle) -> Result<Vec<String>, rtnetlink::Error> {
    let mut names = Vec::new();
    let mut links = handle.link().get().execute();
    while let Some(msg) = links.try_next().await? {
        for a in msg.attributes {
            if let LinkAttribute::IfName(n) = a {
                names.push(n);
            }
        }
    }
    Ok(names)
}

fn child() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let (connection, handle, _) = rtnetlink::new_connection().expect("netlink socket");
        tokio::spawn(connection);
        println!("RESULT before {:?}", link_names(&handle).await);
        let added = handle
            .link()
            .add(rtnetlink::LinkDummy::new("rt0").build())
            .execute()
            .await;
        println!("RESULT add {:?}", added.map_err(|e| e.to_string()));
        let again = handle
            .link()
            .add(rtnetlink::LinkDummy::new("rt0").build())
            .execute()
            .await;
        println!(
            "RESULT duplicate {}",
            again.err().map(|e| e.to_string()).unwrap_or_default()
        );
        println!("RESULT after {:?}", link_names(&handle).await);
    });
}

#[test]
fn rtnetlink_crate_client_lists_and_adds_links() {
    if std::env::var_os(CHILD).is_some() {
        child();
        return;
    }
    let me = std::env::current_exe().expect("test executable");
    let mut cmd = exec_cmd(
        None,
        &[
            me.to_str().expect("utf-8 path"),
            "--exact",
            "rtnetlink_crate_client_lists_and_adds_links",
            "--nocapture",
            "--test-threads=1",
        ],
    );
    cmd.env(CHILD, "1");
    let r = run_limited(&mut cmd, Duration::from_secs(30)).expect_ok("rtnetlink client");
    let results: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.split_once("RESULT ").map(|(_, r)| r))
        .collect();
    assert_eq!(
        results.len(),
        4,
        "stdout:\n{}\nstderr:\n{}",
        r.stdout,
        r.stderr
    );
    assert_eq!(results[0], r#"before Ok(["lo"])"#);
    assert_eq!(results[1], "add Ok(())");
    assert!(results[2].contains("File exists"), "{}", results[2]);
    assert_eq!(results[3], r#"after Ok(["lo", "rt0"])"#);
}
