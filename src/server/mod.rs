//! Transports that let unmodified programs reach the engine:
//! - [`daemon`]: the server loop owning the [`engine::Host`] (`nlroute serve`, and embedded
//!   in `nlroute exec`);
//! - [`exec`]: the seccomp user-notification supervisor behind `nlroute exec`;
//! - [`proto`]: the protocol between them (documented there);
//! - [`state`]: the durable `--state` file;
//! - [`status`]: the page `exec`'s preload library reads to answer receives on empty sockets.

pub mod daemon;
pub mod exec;
pub mod proto;
pub mod state;
pub mod status;
pub mod sys;

/// The engine as the transports use it.
pub mod engine {
    pub use crate::socket::{Credentials, Host, Outgoing, SockAddr, SockId};
}
