//! What a user installs beside the binary, opened in the programs that read
//! it: the bash completion script is sourced by `bash` and asked for
//! candidates as Tab would, and every manual page is rendered by `groff` and
//! `man` with warnings on.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// Whether `tool` runs; in CI (CI=true) a missing tool fails the test,
/// elsewhere the test is skipped with a message saying what to install.
fn have(tool: &str, what: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none_or(|v| v.is_empty()),
            "CI must provide {what} (.ci/run installs it)"
        );
        eprintln!("skipped: {what} is not installed (see .ci/run)");
    }
    found
}

/// A folder holding the example inventory as `stack.toml` and a `bin/`
/// with `stackaudit` in it, as an installed binary would be on PATH.
fn workdir() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root("stack.example.toml"), dir.path().join("stack.toml")).unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_stackaudit"), bin.join("stackaudit")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    (dir, path)
}

/// Sources the script `stackaudit completions bash [extra]` prints, then
/// for each command line (the word under the cursor last) calls the
/// completion function as bash's Tab does; returns the candidates per line.
fn bash_candidates(extra: &[&str], lines: &[&str]) -> Vec<Vec<String>> {
    let (dir, path) = workdir();
    let mut script = format!(
        "set -u\nsource <(stackaudit completions bash {})\n",
        extra.join(" ")
    );
    script.push_str(
        r#"comp() {
    COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_TYPE=9
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
    local prev=""; (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
    "$(complete -p stackaudit | sed -E 's/.* -F ([^ ]+) .*/\1/')" stackaudit "${COMP_WORDS[COMP_CWORD]}" "$prev"
    echo "${COMPREPLY[*]-}"
}
"#,
    );
    for line in lines {
        // A trailing space means "a new, empty word", as after Tab on a space.
        let mut words: Vec<String> = line.split_whitespace().map(|w| format!("'{w}'")).collect();
        if line.ends_with(' ') {
            words.push("''".into());
        }
        script.push_str(&format!("comp {}\n", words.join(" ")));
    }
    let out = Command::new("bash")
        .arg("--norc")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .env("PATH", path)
        .env_remove("STACKAUDIT_COMPLETE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.is_empty(), "bash: {stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let results: Vec<Vec<String>> = stdout
        .lines()
        .map(|l| l.split_whitespace().map(String::from).collect())
        .collect();
    assert_eq!(results.len(), lines.len(), "{stdout}");
    results
}

#[test]
fn the_bash_script_completes_subcommands_options_check_ids_and_tool_ids() {
    if !have("bash", "bash") {
        return;
    }
    let got = bash_candidates(
        &[],
        &[
            "stackaudit au",
            "stackaudit checks explain backup-rp",
            "stackaudit audit --tool hub",
            "stackaudit audit --format s",
            "stackaudit audit --fail",
            "stackaudit completions ",
        ],
    );
    assert_eq!(got[0], ["audit"]);
    assert_eq!(got[1], ["backup-rpo-exceeded"]);
    // A tool of the inventory in the current folder (the example's HubSpot).
    assert_eq!(got[2], ["hubspot"]);
    assert_eq!(got[3], ["sarif"]);
    assert_eq!(got[4], ["--fail-on"]);
    for shell in ["bash", "elvish", "fish", "powershell", "zsh"] {
        assert!(got[5].iter().any(|c| c == shell), "{shell} in {:?}", got[5]);
    }
}

#[test]
fn the_static_bash_script_completes_subcommands_and_fixed_values() {
    if !have("bash", "bash") {
        return;
    }
    let got = bash_candidates(
        &["--static"],
        &["stackaudit au", "stackaudit audit --format s"],
    );
    assert_eq!(got[0], ["audit"]);
    assert_eq!(got[1], ["sarif"]);
}

#[test]
fn every_shell_gets_a_script_that_names_the_program() {
    for shell in ["bash", "elvish", "fish", "powershell", "zsh"] {
        for extra in [None, Some("--static")] {
            let out = Command::new(env!("CARGO_BIN_EXE_stackaudit"))
                .arg("completions")
                .arg(shell)
                .args(extra)
                .output()
                .unwrap();
            assert!(out.status.success(), "{shell} {extra:?}");
            let script = String::from_utf8(out.stdout).unwrap();
            assert!(script.contains("stackaudit"), "{shell} {extra:?}: {script}");
            if extra.is_none() {
                assert!(script.contains("STACKAUDIT_COMPLETE"), "{shell}: {script}");
            }
        }
    }
}

#[test]
fn every_manual_page_renders_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_stackaudit"))
        .args(["man", "--dir"])
        .arg(dir.path().join("man1"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.path().join("man1"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    assert!(pages.len() >= 14, "{pages:?}");
    assert!(
        pages
            .iter()
            .any(|p| p.ends_with("stackaudit-checks-explain.1"))
    );

    // The page on standard output is the top one.
    let top = Command::new(env!("CARGO_BIN_EXE_stackaudit"))
        .arg("man")
        .output()
        .unwrap();
    assert_eq!(
        top.stdout,
        std::fs::read(dir.path().join("man1/stackaudit.1")).unwrap()
    );

    if !have("groff", "groff (Debian package groff)") {
        return;
    }
    for page in &pages {
        let out = Command::new("groff")
            .args(["-man", "-ww", "-z"])
            .arg(page)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.is_empty(),
            "groff warns on {}:\n{stderr}",
            page.display()
        );
    }
    if !have("man", "man (Debian package man-db)") {
        return;
    }
    for page in &pages {
        let out = Command::new("man")
            .args(["--warnings", "-l"])
            .arg(page)
            .env("MANWIDTH", "80")
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stderr.is_empty(),
            "man warns on {}:\n{stderr}",
            page.display()
        );
        let name = page.file_stem().unwrap().to_string_lossy();
        assert!(
            text.contains("NAME") && text.contains(&*name),
            "{name}:\n{text}"
        );
    }
}

#[test]
fn the_fish_script_completes_with_descriptions() {
    if !have("fish", "fish (Debian package fish)") {
        return;
    }
    let (dir, path) = workdir();
    let out = Command::new("fish")
        .arg("--no-config")
        .arg("-c")
        .arg(
            "stackaudit completions fish | source; complete -C 'stackaudit au'; \
             complete -C 'stackaudit checks explain backup-rp'; complete -C 'stackaudit audit --tool hub'",
        )
        .current_dir(dir.path())
        .env("PATH", path)
        .env_remove("STACKAUDIT_COMPLETE")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "audit\tAudit an inventory and report gaps",
            "backup-rpo-exceeded\tRecovery point objective above policy",
            "hubspot\tHubSpot Marketing Hub",
        ],
        "{stdout}"
    );
}
