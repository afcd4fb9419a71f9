//! The GitHub Action's audit step (`scripts/action/run.sh`, which
//! `action.yml` runs) on a real git repository, with the environment GitHub
//! sets: a pull request audits against the base branch's inventory fetched
//! from `origin`, a push audits everything, and the job summary, the step
//! outputs and the exit code say what happened.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(root(&format!("tests/fixtures/gating/{name}"))).unwrap()
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An `origin` whose `main` holds `base` (when given) and whose `pr` branch
/// holds `head` as `path`, and a checkout of `pr` alone, as actions/checkout
/// leaves it (the base branch is not fetched).
fn repository(path: &str, base: Option<&str>, head: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin");
    std::fs::create_dir(&origin).unwrap();
    git(&origin, &["init", "--quiet", "-b", "main"]);
    std::fs::write(origin.join("README"), "an inventory\n").unwrap();
    std::fs::create_dir_all(origin.join(path).parent().unwrap()).unwrap();
    if let Some(base) = base {
        std::fs::write(origin.join(path), base).unwrap();
    }
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "--quiet", "-m", "base"]);
    git(&origin, &["checkout", "--quiet", "-b", "pr"]);
    std::fs::write(origin.join(path), head).unwrap();
    git(&origin, &["add", "."]);
    git(
        &origin,
        &["commit", "--quiet", "--allow-empty", "-m", "head"],
    );
    git(
        dir.path(),
        &[
            "clone",
            "--quiet",
            "--single-branch",
            "--branch",
            "pr",
            "origin",
            "work",
        ],
    );
    let work = dir.path().join("work");
    (dir, work)
}

struct Run {
    code: Option<i32>,
    stdout: String,
    outputs: HashMap<String, String>,
    summary: String,
}

fn run_action(work: &Path, event: &str, inputs: &[(&str, &str)]) -> Run {
    let temp = work.parent().unwrap().join("runner-temp");
    std::fs::create_dir_all(&temp).unwrap();
    let output = temp.join("github-output");
    let summary = temp.join("step-summary.md");
    // A fresh output file and summary per step, as on GitHub.
    let _ = std::fs::remove_file(&output);
    let _ = std::fs::remove_file(&summary);
    let mut cmd = Command::new("bash");
    cmd.arg(root("scripts/action/run.sh"))
        .current_dir(work)
        .env("STACKAUDIT", env!("CARGO_BIN_EXE_stackaudit"))
        .env("GITHUB_EVENT_NAME", event)
        .env("GITHUB_BASE_REF", if event == "push" { "" } else { "main" })
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("RUNNER_TEMP", &temp)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("CI")
        .env_remove("INPUT_STACK")
        .env_remove("INPUT_ARGS")
        .env_remove("INPUT_FAIL_ON");
    for (k, v) in inputs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let outputs = std::fs::read_to_string(&output)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        outputs,
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
    }
}

const AS_OF: (&str, &str) = ("INPUT_ARGS", "--as-of 2026-11-22");

#[test]
fn a_pull_request_is_judged_on_the_findings_it_adds() {
    let (_dir, work) = repository(
        "stack.toml",
        Some(&fixture("old.toml")),
        &fixture("added.toml"),
    );
    let run = run_action(&work, "pull_request", &[AS_OF]);
    assert_eq!(run.code, Some(1), "{}", run.summary);
    assert_eq!(run.outputs["exit-code"], "1");
    assert_eq!(run.outputs["base"], "origin/main");
    let line = &run.outputs["summary"];
    assert!(
        line.starts_with("stackaudit: FAIL (1 at or above high)"),
        "{line}"
    );
    // Only a run against a base counts the findings it left out.
    assert!(line.contains("known findings left out"), "{line}");
    assert!(run.stdout.contains(line.as_str()));

    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&run.outputs["sarif-file"]).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    // The new tool's high and medium findings, not the base's.
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 2);

    assert!(
        run.summary
            .starts_with("Only findings this pull request adds are reported (base: `main`)."),
        "{}",
        run.summary
    );
    let markdown = std::fs::read_to_string(&run.outputs["markdown-file"]).unwrap();
    assert!(run.summary.ends_with(&markdown));
    assert!(markdown.contains("forms"), "{markdown}");
}

#[test]
fn an_unchanged_inventory_passes_a_pull_request_but_not_a_push() {
    let old = fixture("old.toml");
    let (_dir, work) = repository("stack.toml", Some(&old), &old);
    let medium = ("INPUT_FAIL_ON", "medium");
    let pr = run_action(&work, "pull_request", &[AS_OF, medium]);
    assert_eq!(pr.code, Some(0), "{}", pr.summary);
    assert!(pr.outputs["summary"].starts_with("stackaudit: PASS"));

    let push = run_action(&work, "push", &[AS_OF, medium]);
    assert_eq!(push.code, Some(1), "{}", push.summary);
    assert_eq!(push.outputs["exit-code"], "1");
    assert!(!push.outputs.contains_key("base"));
    assert!(push.outputs["summary"].starts_with("stackaudit: FAIL (1 at or above medium)"));
    assert!(!push.outputs["summary"].contains("known findings"));
    assert!(!push.summary.contains("pull request"), "{}", push.summary);
}

#[test]
fn a_new_inventory_in_a_yaml_file_is_audited_whole_with_the_args_given() {
    let yaml = "schema: 1\ntool:\n  - id: crm\n    name: CRM\n    category: crm\n";
    let (_dir, work) = repository("inventory/stack.yaml", None, yaml);
    let run = run_action(
        &work,
        "pull_request",
        &[
            ("INPUT_STACK", "inventory/stack.yaml"),
            ("INPUT_ARGS", "--as-of '2026-11-22' --tool \"crm\""),
            ("INPUT_FAIL_ON", "never"),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.summary);
    assert!(!run.outputs.contains_key("base"));
    assert!(
        run.summary
            .starts_with("`inventory/stack.yaml` is new in this pull request"),
        "{}",
        run.summary
    );
}

#[test]
fn an_invalid_inventory_exits_2_with_its_messages_in_the_summary() {
    let (_dir, work) = repository(
        "stack.toml",
        Some(&fixture("old.toml")),
        "schema = 1\n[[tool]]\n",
    );
    let run = run_action(&work, "pull_request", &[AS_OF]);
    assert_eq!(run.code, Some(2), "{}", run.summary);
    assert_eq!(run.outputs["exit-code"], "2");
    assert!(!run.outputs.contains_key("sarif-file"));
    assert!(
        run.summary
            .contains("stackaudit could not audit `stack.toml`")
    );
    assert!(
        run.summary.contains("stack.toml:2:1: error:"),
        "{}",
        run.summary
    );
    assert!(
        run.stdout.contains("::error title=stackaudit::"),
        "{}",
        run.stdout
    );
}

/// Runs `scripts/action/install.sh` with stand-ins for `cargo` and an
/// installed `stackaudit` (which prints `installed`): returns the script's
/// exit code, the arguments `cargo` was called with (if it was), and the
/// GITHUB_PATH lines.
fn run_install(version: &str, installed: Option<&str>) -> (Option<i32>, Option<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    let tools = dir.path().join("tools");
    let cargo_home = dir.path().join("cargo-home");
    std::fs::create_dir_all(&tools).unwrap();
    std::fs::create_dir_all(cargo_home.join("bin")).unwrap();
    let calls = dir.path().join("cargo-calls");
    let script = |path: &Path, body: String| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    // `cargo install` "installs" a binary that reports the new version.
    script(
        &tools.join("cargo"),
        format!(
            "echo \"$*\" >> '{}'\nprintf '#!/bin/sh\\necho \"stackaudit 9.9.9 (1 built-in checks)\"\\n' > '{}'\nchmod +x '{}'",
            calls.display(),
            cargo_home.join("bin/stackaudit").display(),
            cargo_home.join("bin/stackaudit").display()
        ),
    );
    if let Some(line) = installed {
        script(&cargo_home.join("bin/stackaudit"), format!("echo '{line}'"));
    }
    let github_path = dir.path().join("github-path");
    let out = Command::new("bash")
        .arg(root("scripts/action/install.sh"))
        .env("PATH", format!("{}:/usr/bin:/bin", tools.display()))
        .env("CARGO_HOME", &cargo_home)
        .env("INPUT_VERSION", version)
        .env("ACTION_PATH", "/the/action")
        .env("GITHUB_PATH", &github_path)
        .output()
        .unwrap();
    (
        out.status.code(),
        std::fs::read_to_string(&calls).ok(),
        std::fs::read_to_string(&github_path).unwrap_or_default(),
    )
}

#[test]
fn the_install_step_builds_the_actions_own_ref_or_the_release_asked_for() {
    // No version: the action's checkout, always (a moving ref such as main).
    let (code, calls, path) = run_install("", Some("stackaudit 0.1.0 (42 built-in checks)"));
    assert_eq!(code, Some(0));
    assert_eq!(
        calls.unwrap().trim(),
        "install --locked --quiet --path /the/action"
    );
    assert!(path.trim().ends_with("cargo-home/bin"), "{path}");

    // A version: from crates.io, unless the cache already holds it.
    let (code, calls, _) = run_install("v0.2.0", None);
    assert_eq!(code, Some(0));
    assert_eq!(
        calls.unwrap().trim(),
        "install --locked --quiet stackaudit --version =0.2.0"
    );
    let (code, calls, _) = run_install("0.2.0", Some("stackaudit 0.2.0 (42 built-in checks)"));
    assert_eq!(code, Some(0));
    assert_eq!(calls, None, "a cached release is not built again");
    let (_, calls, _) = run_install("0.2.0", Some("stackaudit 0.2.0-rc.1 (42 built-in checks)"));
    assert!(calls.is_some(), "another version is replaced");
}
