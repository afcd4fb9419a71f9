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
