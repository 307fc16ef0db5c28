//! The `nlroute` command line: argument parsing and wiring only.

use clap::{Parser, Subcommand};
use nlroute::server::daemon::{Config, Policy, Server};
use nlroute::server::{exec, sys};
use std::ffi::OsString;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// A userspace rtnetlink (NETLINK_ROUTE) service: unmodified programs (ip, pyroute2, glibc's
/// getifaddrs, static binaries) manage an emulated network stack — links and addresses —
/// without root, CAP_NET_ADMIN or user namespaces.
#[derive(Parser)]
#[command(
    name = "nlroute",
    version,
    after_help = "Examples:
  nlroute exec -- sh -c 'ip link add br0 type bridge && ip -br link'
  nlroute serve --socket /tmp/nlroute.sock --state /tmp/nlroute.json &
  nlroute exec --socket /tmp/nlroute.sock -- ip link add dummy0 type dummy
  nlroute exec --socket /tmp/nlroute.sock -- ip -br link

Logging: set RUST_LOG (e.g. RUST_LOG=debug)."
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run a command (and everything it starts) against an emulated network stack.
    ///
    /// Every NETLINK_ROUTE socket the command opens is served by nlroute; every other socket
    /// and system call behaves as usual. Without --socket the stack is private to this run
    /// and starts like a fresh network namespace (only `lo`, down). Exits with the command's
    /// status (128 + N when killed by signal N).
    #[command(
        override_usage = "nlroute exec [--socket PATH | --state FILE] -- CMD [ARGS]...",
        after_help = "Examples:
  nlroute exec -- ip link add br0 type bridge
  nlroute exec -- sh -c 'ip link add d0 type dummy && ip -br link'
  nlroute exec --socket /tmp/nlroute.sock -- python3 -c 'import socket; print(socket.if_nameindex())'"
    )]
    Exec {
        /// Attach to a running `nlroute serve` at this path, sharing its stack.
        #[arg(long, value_name = "PATH")]
        socket: Option<PathBuf>,
        /// Keep this run's private stack in FILE (loaded at start, saved on every change).
        #[arg(long, value_name = "FILE", conflicts_with = "socket")]
        state: Option<PathBuf>,
        /// Do not load nlroute's receive library into the command (LD_PRELOAD): every
        /// receive on an emulated socket is then trapped, which is slower but the same.
        #[arg(long)]
        no_preload: bool,
        /// The command to run, after `--`.
        #[arg(required = true, trailing_var_arg = true, value_name = "CMD")]
        command: Vec<OsString>,
    },
    /// Serve one emulated network stack to many commands and users, in the foreground.
    ///
    /// Peers are identified by their socket credentials: root and the server's own user may
    /// change state; other users may read and listen, and get EPERM for changes unless
    /// allowed with --allow-uid/--allow-gid. Stop with Ctrl-C or SIGTERM.
    #[command(after_help = "Example:
  nlroute serve --socket /tmp/nlroute.sock --state /var/tmp/nlroute.json
  nlroute exec --socket /tmp/nlroute.sock -- ip -br addr")]
    Serve {
        /// Listen on this unix socket path (created; a stale one is replaced).
        #[arg(long, value_name = "PATH")]
        socket: PathBuf,
        /// Load the stack from FILE at start and save every change to it before it is
        /// acknowledged (survives restarts and crashes).
        #[arg(long, value_name = "FILE")]
        state: Option<PathBuf>,
        /// Also let this user id change state (repeatable).
        #[arg(long = "allow-uid", value_name = "UID")]
        allow_uid: Vec<u32>,
        /// Also let this group id change state (repeatable).
        #[arg(long = "allow-gid", value_name = "GID")]
        allow_gid: Vec<u32>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let default_level = match cli.command {
        Cmd::Exec { .. } => "warn",
        Cmd::Serve { .. } => "info",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level)),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let result = match cli.command {
        Cmd::Exec {
            socket,
            state,
            no_preload,
            command,
        } => exec::run(exec::Options {
            socket,
            state,
            preload: !no_preload,
            command,
        })
        .map(|status| ExitCode::from(status.clamp(0, 255) as u8)),
        Cmd::Serve {
            socket,
            state,
            allow_uid,
            allow_gid,
        } => serve(
            &socket,
            Config {
                state_file: state,
                policy: Policy {
                    allow_uids: allow_uid,
                    allow_gids: allow_gid,
                },
            },
        )
        .map(|()| ExitCode::SUCCESS),
    };
    result.unwrap_or_else(|e| {
        eprintln!("nlroute: {e}");
        ExitCode::from(125)
    })
}

fn serve(socket: &Path, config: Config) -> Result<(), String> {
    raise_fd_limit();
    let server = Server::new(config)?;
    let sigfd = exec::signal_fd(&[libc::SIGINT, libc::SIGTERM])
        .map_err(|e| format!("cannot set up signal handling: {e}"))?;
    prepare_socket_path(socket)?;
    let listener = sys::seqpacket_listen(socket)
        .map_err(|e| format!("cannot listen on {}: {e}", socket.display()))?;
    // Anyone may connect; what they may do is decided per peer from its credentials.
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o666));
    tracing::info!("serving on {}", socket.display());
    let result = server
        .run(listener, Some(sigfd.as_raw_fd()))
        .map_err(|e| format!("server failed: {e}"));
    let _ = std::fs::remove_file(socket);
    result
}

/// Refuses to take over a live server's socket; removes a stale one.
fn prepare_socket_path(socket: &Path) -> Result<(), String> {
    use std::os::unix::fs::FileTypeExt;
    let Ok(meta) = std::fs::symlink_metadata(socket) else {
        return Ok(());
    };
    if !meta.file_type().is_socket() {
        return Err(format!(
            "{} exists and is not a socket; choose another --socket path",
            socket.display()
        ));
    }
    if sys::seqpacket_connect(socket).is_ok() {
        return Err(format!(
            "another nlroute server is already listening on {}",
            socket.display()
        ));
    }
    std::fs::remove_file(socket)
        .map_err(|e| format!("cannot remove stale socket {}: {e}", socket.display()))
}

/// Every client connection is a descriptor: allow as many as the hard limit permits.
fn raise_fd_limit() {
    // SAFETY: rlimit is plain data; getrlimit/setrlimit with valid pointers.
    unsafe {
        let mut rl: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) == 0 && rl.rlim_cur < rl.rlim_max {
            rl.rlim_cur = rl.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &rl);
        }
    }
}
