//! Baselines: a finding keeps its identity when its message is reworded or
//! its line moves; fixed findings are counted.

use stackaudit::audit::baseline::{Baseline, KnownFindings};
use stackaudit::audit::{AuditOptions, audit};
use stackaudit::checks::Catalogue;
use stackaudit::inventory::{load_str, source::Format};

const V1: &str = r#"schema = 1
[policy]
allowed_regions = ["eu"]

[[tool]]
id = "chat"
name = "Drift"
category = "chat"
data = ["pii"]
regions = ["us"]

[[tool]]
id = "survey"
name = "Typeform"
category = "survey"
data = ["pii"]
regions = ["eu"]
"#;

fn options(known: Option<KnownFindings>) -> AuditOptions {
    AuditOptions {
        known,
        ..AuditOptions::new("2026-11-22".parse().unwrap())
    }
}

#[test]
fn baseline_round_trip_ignores_messages_and_lines() {
    let catalogue = Catalogue::builtin();
    let v1 = load_str(V1, Format::Toml, "stack.toml").unwrap();
    let first = audit(&v1, &catalogue, &options(None)).unwrap();
    assert!(first.fails());

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("baseline.json");
    std::fs::write(&path, Baseline::from_result(&first).to_json()).unwrap();
    let known = Baseline::read(&path, 1 << 20).unwrap().known(&v1);
    assert_eq!(known.len(), first.findings.len());

    // Same gaps, but the tool is renamed (every message changes) and moved
    // down by comments (every line changes).
    let v2_text = V1
        .replace("name = \"Drift\"", "name = \"Salesloft Drift\"")
        .replace("schema = 1\n", "schema = 1\n# a\n# b\n# c\n");
    let v2 = load_str(&v2_text, Format::Toml, "stack.toml").unwrap();
    let plain = audit(&v2, &catalogue, &options(None)).unwrap();
    assert!(
        plain
            .findings
            .iter()
            .zip(&first.findings)
            .any(|(a, b)| a.message != b.message)
    );
    let again = audit(&v2, &catalogue, &options(Some(known.clone()))).unwrap();
    assert!(again.findings.is_empty(), "{:#?}", again.findings);
    assert!(!again.fails());
    let b = again.baseline.unwrap();
    assert_eq!((b.known, b.fixed), (first.findings.len(), 0));

    // A new gap is reported; a fixed one is counted.
    let v3_text = V1
        .replace("regions = [\"us\"]", "regions = [\"eu\"]")
        .replace("regions = [\"eu\"]\n\"#", "");
    let v3_text = v3_text
        + "\n[[tool]]\nid = \"ads\"\nname = \"Ads\"\ncategory = \"advertising\"\ndata = [\"behavioral\"]\nregions = [\"us\"]\n";
    let v3 = load_str(&v3_text, Format::Toml, "stack.toml").unwrap();
    let third = audit(&v3, &catalogue, &options(Some(known))).unwrap();
    assert!(
        third
            .findings
            .iter()
            .all(|f| f.tool.as_deref() == Some("ads")),
        "{:#?}",
        third.findings
    );
    assert!(
        third
            .findings
            .iter()
            .any(|f| f.check == "residency-region-not-allowed")
    );
    assert_eq!(
        third.baseline.unwrap().fixed,
        1,
        "chat's residency finding is fixed"
    );
}

#[test]
fn a_broken_baseline_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("baseline.json");
    std::fs::write(&path, "{\n  \"schema_version\": 1,\n  \"findings\": [\n").unwrap();
    let err = Baseline::read(&path, 1 << 20).unwrap_err().to_string();
    assert!(
        err.contains("baseline.json:4:1: error: invalid baseline: EOF while parsing a list\n"),
        "{err}"
    );
}

#[test]
fn ci_runs_end_with_a_one_line_summary_on_stderr() {
    let run = |ci: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_stackaudit"))
            .args([
                "audit",
                "stack.example.toml",
                "--as-of",
                "2026-11-22",
                "--format",
                "json",
                "--tool",
                "hubspot",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("CI", ci)
            .output()
            .unwrap()
    };
    let out = run("true");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "stackaudit: PASS · 1 tools · 0 critical, 0 high, 2 medium, 2 low, 0 info, 0 waived · score 78/100\n"
    );
    assert!(run("").stderr.is_empty());
}

#[test]
fn a_failed_run_never_touches_an_existing_report() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.html");
    std::fs::write(&report, "the previous report").unwrap();
    let bad = dir.path().join("stack.toml");
    std::fs::write(&bad, "schema = 1\n[[tool]]\nid = \"x\"\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stackaudit"))
        .args(["audit", "stack.toml", "--output", "report.html"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(&report).unwrap(),
        "the previous report"
    );

    // A successful run replaces it whole, keeping its permissions, and leaves no temporary file.
    std::fs::write(
        &bad,
        "schema = 1\n[[tool]]\nid = \"x\"\nname = \"X\"\ncategory = \"other\"\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stackaudit"))
        .args([
            "audit",
            "stack.toml",
            "--output",
            "report.html",
            "--as-of",
            "2026-11-22",
            "--fail-on",
            "never",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::read_to_string(&report)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

fn stackaudit() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_stackaudit"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).env("CI", "");
    cmd
}

/// An inventory of `n` chat tools with personal data: high findings, and a
/// JSON report far larger than a pipe's 64 KiB buffer.
fn big_stack(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let mut text = String::from("schema = 1\n");
    for i in 0..n {
        text.push_str(&format!(
            "[[tool]]\nid = \"t{i}\"\nname = \"Tool {i}\"\ncategory = \"chat\"\ndata = [\"pii\"]\n"
        ));
    }
    let path = dir.join("big.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs the command with a reader that closes standard output at once.
fn exit_code_with_closed_pipe(mut cmd: std::process::Command) -> Option<i32> {
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.stderr.is_empty(),
        "a closed pipe is not an error: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.status.code()
}

#[test]
fn the_exit_code_is_the_verdict_when_the_reader_closes_the_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let big = big_stack(dir.path(), 300);
    let mut audit = stackaudit();
    audit
        .args(["audit", "--as-of", "2026-11-22", "-f", "json"])
        .arg(&big);
    assert_eq!(exit_code_with_closed_pipe(audit), Some(1), "audit");

    // A reader that takes the first bytes and goes away, as `head -c 10` does.
    let mut child = stackaudit()
        .args(["audit", "--as-of", "2026-11-22", "-f", "json"])
        .arg(&big)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(1), "audit | head -c 10");

    let mut diff = stackaudit();
    diff.args([
        "diff",
        "tests/fixtures/diff/old.toml",
        "tests/fixtures/diff/new.toml",
        "--as-of",
        "2026-11-22",
        "--fail-on",
        "medium",
    ]);
    assert_eq!(exit_code_with_closed_pipe(diff), Some(1), "diff");

    let mut gate = stackaudit();
    gate.args([
        "gate",
        "tests/fixtures/gate/reject.toml",
        "--stack",
        "tests/fixtures/gate/stack.toml",
        "--as-of",
        "2026-11-22",
    ]);
    assert_eq!(exit_code_with_closed_pipe(gate), Some(1), "gate");

    let mut validate = stackaudit();
    validate.args(["validate", "stack.example.toml", "--as-of", "2026-11-22"]);
    assert_eq!(exit_code_with_closed_pipe(validate), Some(0), "validate");

    let mut checks = stackaudit();
    checks.args(["checks", "list"]);
    assert_eq!(exit_code_with_closed_pipe(checks), Some(0), "checks list");
}

#[test]
#[cfg(target_os = "linux")]
fn other_write_errors_exit_2_with_a_message() {
    let out = stackaudit()
        .args([
            "audit",
            "stack.example.toml",
            "--as-of",
            "2026-11-22",
            "-f",
            "json",
        ])
        .stdout(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot write to standard output"), "{err}");

    let out = stackaudit()
        .args(["audit", "stack.example.toml", "--as-of", "2026-11-22"])
        .args(["-o", "no-such-folder/report.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the folder no-such-folder does not exist"),
        "{err}"
    );
}

#[test]
fn a_report_that_cannot_be_made_leaves_the_old_file_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.csv");
    std::fs::write(&report, "yesterday's report\n").unwrap();
    let out = stackaudit()
        .args(["audit", "stack.example.toml", "--as-of", "2026-11-22"])
        .args(["--group-by", "control", "-f", "csv", "-o"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--group-by control works with"), "{err}");
    assert!(!err.contains("cannot write"), "not a write error: {err}");
    assert_eq!(
        std::fs::read_to_string(&report).unwrap(),
        "yesterday's report\n"
    );
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary file is left behind");
}

/// Every kind of input file `audit`, `probe` and `graph` read, in one folder.
fn inputs_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join("stack.example.toml"),
        dir.path().join("stack.toml"),
    )
    .unwrap();
    std::fs::copy(
        root.join("tests/fixtures/waivers.toml"),
        dir.path().join("waivers.toml"),
    )
    .unwrap();
    std::fs::copy(
        root.join("tests/fixtures/evidence.json"),
        dir.path().join("evidence.json"),
    )
    .unwrap();
    std::fs::copy(
        root.join("tests/fixtures/diff/old.toml"),
        dir.path().join("old.toml"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("checks")).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stackaudit"))
        .args(["audit", "stack.toml", "--as-of", "2026-11-22"])
        .args(["--write-baseline", "baseline.json", "-q"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    std::fs::write(
        dir.path().join("checks/mine.toml"),
        "# a check definition\n",
    )
    .unwrap();
    dir
}

fn snapshot(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for sub in ["", "checks"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let path = e.unwrap().path();
            if path.is_file() {
                files.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn outputs_never_replace_an_input() {
    let dir = inputs_folder();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("stack.toml"), dir.path().join("link.toml"))
        .unwrap();
    let before = snapshot(dir.path());
    fn audit(extra: &[&'static str]) -> Vec<&'static str> {
        let mut args = vec!["audit", "stack.toml", "--as-of", "2026-11-22"];
        args.extend_from_slice(extra);
        args
    }
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (audit(&["-o", "stack.toml"]), "it is the inventory"),
        (audit(&["-o", "./sub/../stack.toml"]), "it is the inventory"),
        #[cfg(unix)]
        (audit(&["-o", "link.toml"]), "it is the inventory"),
        (
            audit(&["--waivers", "waivers.toml", "-o", "waivers.toml"]),
            "it is the --waivers file",
        ),
        (
            audit(&["--baseline", "baseline.json", "-o", "baseline.json"]),
            "it is the --baseline file",
        ),
        (
            audit(&["--base", "old.toml", "-o", "old.toml"]),
            "it is the --base inventory",
        ),
        (
            audit(&["--evidence", "evidence.json", "-o", "evidence.json"]),
            "it is the --evidence file",
        ),
        (
            audit(&["--checks", "checks", "-o", "checks/mine.toml"]),
            "it is a check definition in the --checks folder",
        ),
        (
            audit(&["--write-baseline", "stack.toml"]),
            "refusing to write --write-baseline stack.toml",
        ),
        (
            audit(&[
                "--evidence",
                "evidence.json",
                "--write-baseline",
                "./evidence.json",
            ]),
            "it is the --evidence file",
        ),
        (
            vec!["probe", "stack.toml", "-o", "stack.toml"],
            "it is the inventory",
        ),
        (
            vec!["graph", "stack.toml", "-o", "sub/../stack.toml"],
            "it is the inventory",
        ),
    ];
    for (args, expected) in cases {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_stackaudit"))
            .args(&args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(expected) && err.contains("nothing was written"),
            "{args:?}: {err}"
        );
        assert_eq!(snapshot(dir.path()), before, "{args:?} wrote something");
    }
}

#[test]
fn quiet_still_writes_the_report_file() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let out = stackaudit()
        .args([
            "audit",
            "stack.example.toml",
            "--as-of",
            "2026-11-22",
            "-q",
            "-o",
        ])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("stackaudit: FAIL"), "{stdout}");
    assert_eq!(stdout.lines().count(), 1);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["schema_version"], 1);
}

#[test]
fn init_writes_each_format_and_every_starter_validates() {
    let dir = tempfile::tempdir().unwrap();
    for (name, first_key) in [
        ("stack.toml", "schema = 1"),
        ("stack.yaml", "schema: 1"),
        ("stack.yml", "schema: 1"),
        ("stack.json", "\"schema\": 1"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_stackaudit"))
            .args(["init", name])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "init {name}");
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(
            text.contains(first_key),
            "{name} is not in its format:\n{text}"
        );
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_stackaudit"))
            .args(["validate", name])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stdout).to_string()
            ),
            (
                Some(0),
                format!("{name}: valid (2 tools, 1 integrations)\n")
            ),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The three starters describe the same stack.
    let model = |name: &str| {
        let inv = stackaudit::inventory::load(
            &dir.path().join(name),
            &stackaudit::inventory::LoadOptions::default(),
        )
        .unwrap();
        serde_json::to_value(&inv.tools).unwrap()
    };
    assert_eq!(model("stack.toml"), model("stack.yaml"));
    assert_eq!(model("stack.toml"), model("stack.json"));

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stackaudit"))
        .args(["init", "stack.txt"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("name the file .toml, .yaml, .yml or .json")
    );
    assert!(!dir.path().join("stack.txt").exists());
}

#[test]
fn waivers_need_a_reason_and_an_approver() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stack.toml");
    std::fs::write(
        &path,
        "schema = 1\n[[tool]]\nid = \"x\"\nname = \"X\"\ncategory = \"other\"\n\n[[waiver]]\ncheck = \"*\"\ntool = \"x\"\nreason = \"  \"\napproved_by = \"\"\nexpires = 2027-01-01\n",
    )
    .unwrap();
    let out = stackaudit().arg("validate").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("stack.toml:10:10: error: waiver `reason` is empty"),
        "{err}"
    );
    assert!(
        err.contains("stack.toml:11:15: error: waiver `approved_by` is empty"),
        "{err}"
    );
}

#[test]
fn validate_judges_waiver_lengths_as_of_a_given_day() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stack.toml");
    std::fs::write(
        &path,
        "schema = 1\n[policy]\nmax_waiver_days = 30\n[[tool]]\nid = \"x\"\nname = \"X\"\ncategory = \"other\"\n\n[[waiver]]\ncheck = \"*\"\ntool = \"x\"\nreason = \"Migration under way\"\napproved_by = \"cto@x.example\"\nexpires = 2027-01-01\n",
    )
    .unwrap();
    let run = |as_of: &str| {
        stackaudit()
            .arg("validate")
            .arg(&path)
            .args(["--as-of", as_of])
            .output()
            .unwrap()
    };
    assert_eq!(run("2026-12-15").status.code(), Some(0));
    let out = run("2026-11-01");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("61 days after 2026-11-01"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sarif_locations_are_relative_to_the_repository_root() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    std::fs::create_dir_all(repo.path().join("inventory/eu")).unwrap();
    std::fs::create_dir(repo.path().join("ci")).unwrap();
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("stack.example.toml"),
        repo.path().join("inventory/eu/fjord line.toml"),
    )
    .unwrap();
    for stack in [
        "../inventory/eu/fjord line.toml",
        "../inventory/eu/../eu/fjord line.toml",
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_stackaudit"))
            .args(["audit", stack, "--as-of", "2026-11-22", "-f", "sarif"])
            .current_dir(repo.path().join("ci"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let run = &sarif["runs"][0];
        let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            root.starts_with("file:///") && root.ends_with('/'),
            "{root}"
        );
        for r in run["results"].as_array().unwrap() {
            let location = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(location["uri"], "inventory/eu/fjord%20line.toml");
            assert_eq!(location["uriBaseId"], "%SRCROOT%");
        }
    }
}

#[test]
fn capped_markdown_names_the_command_that_prints_everything() {
    let dir = tempfile::tempdir().unwrap();
    big_stack(dir.path(), 1_000);
    let args = [
        "audit",
        "big.toml",
        "-f",
        "markdown",
        "--as-of",
        "2026-11-22",
    ];
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stackaudit"))
        .args(args)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.len() <= 65_536, "{}", md.len());
    let command = "stackaudit audit big.toml -f markdown --as-of 2026-11-22 --output report.md";
    assert!(md.contains(&format!("run `{command}`")), "{md}");

    // The command in the note gives the whole report.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stackaudit"))
        .args(command.split(' ').skip(1))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let full = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(!full.contains("> **Note:**"));
    assert!(full.len() > 10 * 65_536, "{}", full.len());

    // An explicit cap applies to a file too.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_stackaudit"))
        .args(args)
        .args(["--max-bytes", "20000", "-o", "capped.md"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let capped = std::fs::read_to_string(dir.path().join("capped.md")).unwrap();
    assert!(capped.len() <= 20_000, "{}", capped.len());
    assert!(capped.contains("capped at 20,000 bytes"), "{capped}");
    assert!(capped.contains(&format!("run `{command}`")), "{capped}");
}
