//! The `--state FILE`: the engine's state wrapped in a small envelope that says what the file
//! is, written by atomic replace (temp file, fsync, rename, fsync directory) so that after a
//! crash the file holds either the old or the new state, never a mix.

use super::engine::Host;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Marks a file as ours, so a foreign JSON file is refused rather than misread.
const FORMAT: &str = "nlroute-state";
const VERSION: u64 = 1;

/// Reads the state file. `Ok(None)` when it does not exist yet (first start); any other
/// problem is an error naming the file and what is wrong with it.
pub fn load(path: &Path) -> Result<Option<Host>, String> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read state file {}: {e}", path.display())),
    };
    let bad = |why: String| {
        format!(
            "state file {} is unusable: {why}. Nothing was loaded; move the file away to start \
             with a fresh stack, or restore it from a backup",
            path.display()
        )
    };
    if bytes.is_empty() {
        return Err(bad("it is empty (truncated?)".into()));
    }
    let doc: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        if e.is_eof() {
            bad(format!("it is truncated ({e})"))
        } else {
            bad(format!("it is not valid JSON ({e})"))
        }
    })?;
    if doc.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(bad(format!(
            "it is not an nlroute state file (no \"format\": \"{FORMAT}\")"
        )));
    }
    match doc.get("version").and_then(|v| v.as_u64()) {
        Some(VERSION) => {}
        Some(v) => {
            return Err(bad(format!(
                "it has version {v}; this nlroute reads {VERSION}"
            )));
        }
        None => return Err(bad("it has no version".into())),
    }
    let host = doc
        .get("host")
        .cloned()
        .ok_or_else(|| bad("it has no \"host\" section".into()))?;
    Host::load_state(host)
        .map(Some)
        .map_err(|e| bad(format!("the engine rejected its contents: {e}")))
}

/// Writes the state durably: when this returns Ok, a crash cannot lose it.
pub fn save(path: &Path, host: &Host) -> io::Result<()> {
    let doc = serde_json::json!({
        "format": FORMAT,
        "version": VERSION,
        "generation": host.generation(),
        "host": host.save_state(),
    });
    let bytes = serde_json::to_vec(&doc).map_err(io::Error::other)?;
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        // The rename itself must reach the disk, or a crash could bring the old file back.
        File::open(dir_of(path))?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    dir_of(path).join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmpdir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("nlroute-state-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).expect("create temp dir");
        d
    }

    #[test]
    fn missing_file_is_a_fresh_start_and_a_saved_file_loads() {
        let d = tmpdir("roundtrip");
        let p = d.join("state.json");
        assert!(load(&p).expect("missing is fine").is_none());
        save(&p, &Host::new()).expect("save");
        assert!(load(&p).expect("load").is_some());
        assert!(!temp_path(&p).exists(), "temp file left behind");
    }

    #[test]
    fn truncated_corrupt_and_foreign_files_are_refused_with_the_file_named() {
        let d = tmpdir("bad");
        let p = d.join("state.json");
        save(&p, &Host::new()).expect("save");
        let good = fs::read(&p).expect("read");
        for (content, why) in [
            (good[..good.len() / 2].to_vec(), "truncated"),
            (Vec::new(), "empty"),
            (b"\x00\x01garbage".to_vec(), "not valid JSON"),
            (br#"{"hello": 1}"#.to_vec(), "not an nlroute state file"),
        ] {
            fs::write(&p, &content).expect("write");
            let err = match load(&p) {
                Err(e) => e,
                Ok(_) => panic!("{why}: accepted"),
            };
            assert!(err.contains(&p.display().to_string()), "{err}");
            assert!(err.contains(why), "{why}: {err}");
        }
    }
}
