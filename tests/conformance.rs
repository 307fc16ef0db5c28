//! Differential conformance suite (issue 4): every scenario under `conformance/` runs once in a
//! fresh kernel network namespace (`unshare -n`) and once under `nlroute exec --`, and the
//! normalized outputs must be identical. The runner is `conformance/run.py`; this test only
//! checks the prerequisites and runs it with the release binary cargo built for the tests.
//!
//! Skipped, with the reason printed, when not root or when unshare, ip, bash or python3 are
//! missing. Run it alone with: `cargo test --release --test conformance -- --nocapture`.

use std::path::Path;
use std::process::Command;

fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool} >/dev/null 2>&1"))
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

fn missing_prerequisite() -> Option<String> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Some("not root (unshare -n needs CAP_SYS_ADMIN)".into());
    }
    for tool in ["unshare", "ip", "bash", "python3"] {
        if !have(tool) {
            return Some(format!("{tool} not found"));
        }
    }
    None
}

#[test]
fn nlroute_matches_the_linux_kernel() {
    if let Some(why) = missing_prerequisite() {
        println!("SKIPPED: {why}");
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let nlroute = env!("CARGO_BIN_EXE_nlroute");
    let output = Command::new("python3")
        .arg(repo.join("conformance/run.py"))
        .arg("--nlroute")
        .arg(nlroute)
        .arg("--jobs")
        .arg("2")
        .current_dir(repo)
        .output()
        .expect("run conformance/run.py");
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    if stdout.lines().any(|l| l.starts_with("SKIPPED:")) {
        return;
    }
    assert!(
        output.status.success(),
        "conformance scenarios failed (see the per-scenario verdicts and diffs above)"
    );
}
