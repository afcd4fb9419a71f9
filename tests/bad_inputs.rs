//! Every file in `tests/bad_inputs/` is a broken inventory. `stackaudit
//! validate` must reject each with exit code 2 and exactly the message in
//! the file's `.stderr` twin, never panic, and never hang.
//!
//! Regenerate the expected messages with
//! `SNAPSHOTS=overwrite cargo test --test bad_inputs`, then review the diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A run that takes this long is hung, not slow.
const HANG_GUARD: Duration = Duration::from_secs(20);

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs")
}

fn run_validate(dir: &Path, file: &str, extra: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stackaudit"))
        .arg("validate")
        .arg(file)
        .args(extra)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > HANG_GUARD {
            child.kill().ok();
            panic!("{file}: still running after {HANG_GUARD:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn every_bad_input_is_rejected_with_its_expected_message() {
    let dir = corpus();
    let overwrite = std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite");
    let mut inputs: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| !n.ends_with(".stderr"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 60, "the corpus has {} cases", inputs.len());
    let mut failures = Vec::new();
    for name in &inputs {
        let out = run_validate(&dir, name, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let expected_path = dir.join(format!("{name}.stderr"));
        if out.status.code() != Some(2) {
            failures.push(format!(
                "{name}: exit {:?}, expected 2\n{stderr}",
                out.status.code()
            ));
            continue;
        }
        if stderr.contains("panicked") || stderr.trim().is_empty() {
            failures.push(format!("{name}: no usable message:\n{stderr}"));
            continue;
        }
        if overwrite {
            std::fs::write(&expected_path, &stderr).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == stderr => {}
            Ok(expected) => failures.push(format!(
                "{name}: message differs\n--- expected\n{expected}--- actual\n{stderr}"
            )),
            Err(_) => failures.push(format!(
                "{name}: no {name}.stderr; run with SNAPSHOTS=overwrite\n{stderr}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn files_over_the_size_limit_are_refused_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("huge.toml");
    // A sparse 100 MB file: the size check happens before reading.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(100 * 1024 * 1024)
        .unwrap();
    let out = run_validate(dir.path(), "huge.toml", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "huge.toml: error: the file is 100 MiB, over the input size limit of 64 MiB\n  help: raise the limit with --max-input-size BYTES if the file is really this large\n"
    );
    let small = dir.path().join("small.toml");
    std::fs::write(&small, "schema = 1\n".repeat(20)).unwrap();
    let out = run_validate(dir.path(), "small.toml", &["--max-input-size", "100"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("the file is 220 bytes, over the input size limit of 100 bytes")
    );
}
