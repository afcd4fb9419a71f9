//! Every command the README (and the CI recipe of docs/ci-gating.md) shows
//! is run against the real binary, so the manual cannot drift from the program:
//!
//! - `sh` blocks: each `stackaudit …` line (and `cargo run [--release] -- …`,
//!   which runs the same binary) in a folder holding the example stack as
//!   `stack.toml`; cargo and CI lines must be commands that `.ci/run` runs.
//! - `console` blocks: `$ command`, then an excerpt of its output, every
//!   line of which must appear in order (`...` stands for lines left out).
//! - `yaml` CI recipes: their `stackaudit` steps run the same way.
//! - A block after `<!-- file: NAME -->` is written to NAME first, so the
//!   commands that read it find it.
//!
//! A command passes when it exits 0 or 1 (1: findings, as documented).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

struct Block {
    info: String,
    file: Option<String>,
    line: usize,
    body: Vec<String>,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    let mut file = None;
    for (i, line) in text.lines().enumerate() {
        match &mut current {
            Some(_) if line == "```" => out.extend(current.take()),
            Some(b) => b.body.push(line.to_string()),
            None => {
                if let Some(name) = line
                    .strip_prefix("<!-- file: ")
                    .and_then(|l| l.strip_suffix(" -->"))
                {
                    file = Some(name.to_string());
                } else if let Some(info) = line.strip_prefix("```") {
                    current = Some(Block {
                        info: info.to_string(),
                        file: file.take(),
                        line: i + 1,
                        body: Vec::new(),
                    });
                }
            }
        }
    }
    out
}

/// A folder with the example as `stack.toml` (and as the base version of a
/// pull request), without its URLs so that `probe` needs no network.
fn workdir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let example = std::fs::read_to_string(root("stack.example.toml")).unwrap();
    std::fs::write(dir.path().join("stack.example.toml"), &example).unwrap();
    let offline: String = example
        .lines()
        .filter(|l| !l.starts_with("url = ") && !l.starts_with("trust_url = "))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.path().join("stack.toml"), &offline).unwrap();
    std::fs::write(dir.path().join("base-stack.toml"), &offline).unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_stackaudit"), bin.join("stackaudit")).unwrap();
    (dir, bin)
}

/// The part of a line that is a command, without a trailing `# comment`.
fn command_of(line: &str) -> Option<String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let command = match line.find("  #") {
        Some(i) => &line[..i],
        None => line,
    };
    Some(command.trim().to_string())
}

fn run(dir: &Path, bin: &Path, command: &str, origin: &str) -> String {
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .env("PATH", path)
        .env("GITHUB_STEP_SUMMARY", dir.join("step-summary.md"))
        .env_remove("CI")
        .output()
        .unwrap();
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "{origin}: `{command}` exited {code:?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `cargo run [--release] --quiet -- ARGS` runs the binary with ARGS.
fn as_binary(command: &str) -> Option<String> {
    let rest = command.strip_prefix("cargo run")?;
    let args = rest.split_once("-- ")?.1;
    Some(format!("stackaudit {args}"))
}

fn ci_runs(command: &str, ci: &str) -> bool {
    let normal = |s: &str| s.replace(" --locked", "").replace("  ", " ");
    command == "bash .ci/run"
        || ci
            .lines()
            .any(|l| normal(l.trim()).starts_with(&normal(command)))
}

#[test]
fn every_readme_command_runs_and_every_excerpt_matches() {
    let ci = std::fs::read_to_string(root(".ci/run")).unwrap();
    let (dir, bin) = workdir();
    let mut ran = 0;
    // The README, and the CI recipe it links to instead of repeating.
    let documents = ["README.md", "docs/ci-gating.md"].map(|name| {
        let text = std::fs::read_to_string(root(name)).unwrap();
        blocks(&text).into_iter().map(move |b| (name, b))
    });
    for (name, block) in documents.into_iter().flatten() {
        let origin = format!("{name}:{}", block.line);
        if let Some(name) = &block.file {
            std::fs::write(dir.path().join(name), block.body.join("\n") + "\n").unwrap();
        }
        match block.info.as_str() {
            "sh" => {
                for line in &block.body {
                    let Some(command) = command_of(line) else {
                        continue;
                    };
                    if let Some(binary) = as_binary(&command) {
                        run(dir.path(), &bin, &binary, &origin);
                    } else if command.starts_with("stackaudit ") {
                        run(dir.path(), &bin, &command, &origin);
                    } else {
                        // Development commands: what CI runs, spelled alike.
                        for part in command.split(" && ") {
                            assert!(ci_runs(part, &ci), "{origin}: .ci/run never runs `{part}`");
                        }
                        continue;
                    }
                    ran += 1;
                }
            }
            "console" => {
                let mut lines = block.body.iter();
                let command = lines.next().and_then(|l| l.strip_prefix("$ ")).unwrap();
                let output = run(dir.path(), &bin, command, &origin);
                let mut rest = output.lines();
                for expected in lines.filter(|l| l.as_str() != "...") {
                    assert!(
                        rest.any(|actual| actual.trim_end() == expected.trim_end()),
                        "{origin}: the output of `{command}` has no line (in this order)\n{expected}"
                    );
                }
                ran += 1;
            }
            "yaml" => {
                for line in &block.body {
                    let step = line.trim().trim_start_matches("- ");
                    let step = step.strip_prefix("run: ").unwrap_or(step);
                    if step.starts_with("stackaudit ") {
                        run(dir.path(), &bin, step, &origin);
                        ran += 1;
                    }
                }
            }
            _ => {}
        }
    }
    // Quick start, report excerpt, probe, baselines, gate and two CI recipes.
    assert!(ran >= 15, "only {ran} README commands were run");
}

#[test]
fn the_readme_stays_a_manual_of_under_400_lines() {
    let readme = std::fs::read_to_string(root("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(lines < 400, "README.md has {lines} lines");
    for doc in [
        "docs/inventory.md",
        "docs/checks.md",
        "docs/development.md",
        "docs/evidence.md",
        "docs/json.md",
    ] {
        assert!(
            readme.contains(&format!("]({doc}")),
            "README.md does not link {doc}"
        );
        assert!(root(doc).exists(), "{doc} is missing");
    }
}
