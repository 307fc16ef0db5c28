//! nlroute: a userspace implementation of Linux's rtnetlink link and address service.
//!
//! Layers, each depending only on the ones above it in this list:
//! - [`wire`]: bytes ⇄ typed views of netlink messages and attributes;
//! - [`stack`]: the emulated network stack (namespaces, links, link kinds, addresses);
//! - [`rtnl`]: the rtnetlink protocol — handler table, policies, dumps, notifications;
//! - [`socket`]: netlink socket semantics (port ids, groups, options, queues) over `rtnl`;
//! - [`server`]: transports — the daemon and the `nlroute exec` supervisor.

pub mod rtnl;
pub mod server;
pub mod socket;
pub mod stack;
pub mod wire;
