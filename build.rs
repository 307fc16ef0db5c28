//! Compiles the LD_PRELOAD companion of `nlroute exec` (preload/src/lib.rs) with the same
//! rustc, so that the binary embeds it and works wherever it is copied. The library has no
//! dependencies, so plain rustc suffices (no nested cargo).

use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    let src = "preload/src/lib.rs";
    println!("cargo::rerun-if-changed=preload/src");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let target = env::var("TARGET").expect("cargo sets TARGET");
    let lib = out.join("libnlroute_preload.so");
    let status = Command::new(rustc)
        .args(["--edition", "2024", "--crate-type", "cdylib"])
        .args(["--crate-name", "nlroute_preload", "--target", &target])
        .args([
            "-C",
            "opt-level=3",
            "-C",
            "panic=abort",
            "-C",
            "debuginfo=0",
        ])
        .args(["-C", "strip=symbols"])
        .arg("-o")
        .arg(&lib)
        .arg(src)
        .status()
        .expect("cannot run rustc for the preload library");
    assert!(status.success(), "compiling {src} failed");
}
