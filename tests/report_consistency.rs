//! Every report format tells the same story: each reporter runs on the same
//! audit result, and the (check, tool, severity) findings read back from its
//! output equal those of the JSON report. JUnit also validates against the
//! Jenkins xunit schema and fails exactly the findings at or above --fail-on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use stackaudit::audit::baseline::KnownFindings;
use stackaudit::audit::{AuditOptions, AuditResult, audit};
use stackaudit::checks::{Catalogue, Severity};
use stackaudit::inventory::{LoadOptions, load};
use stackaudit::report::{self, RenderOptions};

fn root(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// The example stack, and one with retiring tools still integrated, two
/// findings of one check on one tool, and a waived finding.
const STACKS: [&str; 2] = ["stack.example.toml", "tests/data/retiring-stack.toml"];

fn audited(file: &str, fail_on: Option<Severity>) -> AuditResult {
    let inv = load(&root(file), &LoadOptions::default()).unwrap();
    let options = AuditOptions {
        fail_on,
        ..AuditOptions::new("2026-11-22".parse().unwrap())
    };
    let mut result = audit(&inv, &Catalogue::builtin(), &options).unwrap();
    result.stack_path = file.to_string();
    result
}

fn render(result: &AuditResult, format: report::Format) -> String {
    String::from_utf8(report::render(result, format, &RenderOptions::default()).unwrap()).unwrap()
}

/// (check, tool, severity), counted.
type Findings = BTreeMap<(String, Option<String>, String), usize>;

/// Reads the findings back out of one format's output.
type Parser = fn(&str) -> Findings;

fn add(out: &mut Findings, check: &str, tool: Option<&str>, severity: &str) {
    *out.entry((
        check.to_string(),
        tool.map(str::to_string),
        severity.to_lowercase(),
    ))
    .or_default() += 1;
}

fn from_json(text: &str) -> Findings {
    let v: Value = serde_json::from_str(text).unwrap();
    let mut out = Findings::new();
    for f in v["findings"].as_array().unwrap() {
        add(
            &mut out,
            f["check"].as_str().unwrap(),
            f["tool"].as_str(),
            f["severity"].as_str().unwrap(),
        );
    }
    out
}

fn from_csv(text: &str) -> Findings {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (check, tool, severity) = (col("check"), col("tool"), col("severity"));
    let mut out = Findings::new();
    for row in reader.records() {
        let row = row.unwrap();
        let t = Some(&row[tool]).filter(|t| !t.is_empty());
        add(&mut out, &row[check], t, &row[severity]);
    }
    out
}

fn from_sarif(text: &str) -> Findings {
    let v: Value = serde_json::from_str(text).unwrap();
    let mut out = Findings::new();
    for r in v["runs"][0]["results"].as_array().unwrap() {
        add(
            &mut out,
            r["ruleId"].as_str().unwrap(),
            r["properties"]["tool"].as_str(),
            r["properties"]["severity"].as_str().unwrap(),
        );
    }
    out
}

/// `::error file=…,title=high check-id (tool)::message`
fn from_github(text: &str) -> Findings {
    let mut out = Findings::new();
    // The last line is the summary notice, titled `stackaudit`.
    for line in text.lines().filter(|l| !l.contains("title=stackaudit::")) {
        let title = line.split("title=").nth(1).unwrap();
        let title = title.split("::").next().unwrap();
        let mut words = title.splitn(3, ' ');
        let severity = words.next().unwrap();
        let check = words.next().unwrap();
        // `(tool)`, perhaps followed by ` [waived]`.
        let tool = words
            .next()
            .and_then(|t| t.strip_prefix('('))
            .and_then(|t| t.split(')').next());
        add(&mut out, check, tool, severity);
    }
    out
}

/// The per-severity tables: `## High (16)` then `| `tool` | `check` | …`.
fn from_markdown(text: &str) -> Findings {
    let mut out = Findings::new();
    let mut severity: Option<String> = None;
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            let word = h.split(' ').next().unwrap().to_lowercase();
            severity = Severity::DESCENDING
                .iter()
                .any(|s| s.as_str() == word)
                .then_some(word);
            continue;
        }
        let Some(sev) = &severity else { continue };
        let cells: Vec<&str> = line.split(" | ").collect();
        if !line.starts_with("| ") || cells.len() < 3 || cells[1].starts_with("Check") {
            continue;
        }
        let tool = cells[0].trim_start_matches("| ");
        let tool = (tool != "*stack*").then(|| tool.trim_matches('`'));
        let check = cells[1].trim_matches('`');
        if check.is_empty() || check.starts_with("---") {
            continue;
        }
        add(&mut out, check, tool, sev);
    }
    out
}

/// Findings rows start with the severity; the tool is in the heading line
/// above each table, `Name (id) · category · …`, or `Whole stack`.
fn from_table(text: &str) -> Findings {
    let mut out = Findings::new();
    let mut tool: Option<String> = None;
    for line in text.lines() {
        if line == "Whole stack" {
            tool = None;
            continue;
        }
        if !line.starts_with('│') && line.contains(") · ") {
            let head = line.split(") · ").next().unwrap();
            tool = head.rsplit(" (").next().map(str::to_string);
            continue;
        }
        let Some(row) = line.strip_prefix("│ ") else {
            continue;
        };
        let cells: Vec<&str> = row.split('┆').map(str::trim).collect();
        if cells.len() < 3 || cells[0].is_empty() || cells[0] == "Severity" {
            continue;
        }
        if Severity::DESCENDING
            .iter()
            .any(|s| s.as_str() == cells[0].to_lowercase())
        {
            add(&mut out, cells[1], tool.as_deref(), cells[0]);
        }
    }
    out
}

/// Finding blocks: the badge names the severity, `.check` the check; the
/// tool is the `<code>` of the `<h3>` above, none under "Whole stack".
fn from_html(text: &str) -> Findings {
    let mut out = Findings::new();
    let mut tool: Option<String> = None;
    let mut rest = text;
    loop {
        let next = ["<h2>", "<h3>", "<div class=\"finding "]
            .iter()
            .filter_map(|m| rest.find(m).map(|i| (i, *m)))
            .min();
        let Some((i, marker)) = next else { break };
        rest = &rest[i + marker.len()..];
        match marker {
            "<h2>" => tool = None,
            "<h3>" => {
                let h3 = &rest[..rest.find("</h3>").unwrap()];
                let code = h3.split("<code>").nth(1).unwrap();
                tool = Some(code[..code.find("</code>").unwrap()].to_string());
            }
            _ => {
                let badge = rest.split("<span class=\"badge ").nth(1).unwrap();
                let severity = &badge[..badge.find('"').unwrap()];
                let check = rest.split("<span class=\"check\">").nth(1).unwrap();
                let check = &check[..check.find("</span>").unwrap()];
                add(&mut out, check, tool.as_deref(), severity);
            }
        }
    }
    out
}

/// Every test case that carries a finding: a failure (its `type` is the
/// severity), or a `system-out` that starts with `[severity]`.
fn from_junit(text: &str) -> Findings {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = Findings::new();
    let mut suite = String::new();
    let mut case: Option<String> = None;
    let mut severity: Option<String> = None;
    let mut in_out = false;
    let attr = |e: &quick_xml::events::BytesStart, name: &str| -> Option<String> {
        e.attributes()
            .map(Result::unwrap)
            .find(|a| a.key.as_ref() == name)
            .map(|a| {
                a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                    .unwrap()
                    .to_string()
            })
    };
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "testsuite" => {
                suite = attr(&e, "name").unwrap();
            }
            Event::Start(e) if e.name().as_ref() == "testcase" => {
                case = attr(&e, "name");
                severity = None;
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "failure" => {
                severity = attr(&e, "type");
            }
            Event::Start(e) if e.name().as_ref() == "system-out" => in_out = case.is_some(),
            Event::Text(t) if in_out && severity.is_none() => {
                if let Some(s) = t.strip_prefix('[') {
                    severity = s.split(']').next().map(str::to_string);
                }
            }
            Event::End(e) if e.name().as_ref() == "system-out" => in_out = false,
            Event::End(e) if e.name().as_ref() == "testcase" => {
                if let (Some(name), Some(sev)) = (case.take(), severity.take()) {
                    let check = name.split(' ').next().unwrap();
                    let tool = suite.strip_prefix("tool ");
                    add(&mut out, check, tool, &sev);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn every_format_carries_the_same_findings_as_json() {
    for stack in STACKS {
        let result = audited(stack, Some(Severity::High));
        let json = from_json(&render(&result, report::Format::Json));
        assert_eq!(
            json.values().sum::<usize>(),
            result.findings.len(),
            "{stack}: JSON lists every finding"
        );
        let formats: [(&str, report::Format, Parser); 7] = [
            ("csv", report::Format::Csv, from_csv),
            ("sarif", report::Format::Sarif, from_sarif),
            ("github", report::Format::Github, from_github),
            ("markdown", report::Format::Markdown, from_markdown),
            ("table", report::Format::Table, from_table),
            ("html", report::Format::Html, from_html),
            ("junit", report::Format::Junit, from_junit),
        ];
        for (name, format, parse) in formats {
            let found = parse(&render(&result, format));
            assert_eq!(found, json, "{stack}: {name} differs from JSON");
        }
    }
}

/// The workbook's Findings sheet, read with calamine (the workbook is
/// binary, so it is not one of the text parsers above).
fn from_xlsx(bytes: Vec<u8>) -> Findings {
    use calamine::{Data, Reader};
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("Findings").unwrap();
    let mut out = Findings::new();
    for row in range.rows().skip(1) {
        let cell = |i: usize| match &row[i] {
            Data::String(s) => s.clone(),
            other => other.to_string(),
        };
        let tool = cell(2);
        add(
            &mut out,
            &cell(1),
            (tool != "(stack)").then_some(tool.as_str()),
            &cell(0),
        );
    }
    out
}

#[test]
fn the_workbook_carries_the_same_findings_as_json() {
    for stack in STACKS {
        let result = audited(stack, Some(Severity::High));
        let json = from_json(&render(&result, report::Format::Json));
        let bytes =
            report::render(&result, report::Format::Xlsx, &RenderOptions::default()).unwrap();
        assert_eq!(from_xlsx(bytes), json, "{stack}: xlsx differs from JSON");
    }
}

#[test]
fn the_stacks_hold_the_cases_the_comparison_is_about() {
    let result = audited("tests/data/retiring-stack.toml", Some(Severity::High));
    let of = |check: &str| result.findings.iter().filter(|f| f.check == check).count();
    assert_eq!(of("lifecycle-retiring-still-integrated"), 2);
    assert_eq!(of("compliance-cert-expired"), 2);
    assert!(result.findings.iter().any(|f| f.is_waived()));
    let example = audited("stack.example.toml", Some(Severity::High));
    assert!(
        example
            .findings
            .iter()
            .any(|f| f.check == "lifecycle-retiring-still-integrated")
    );
}

fn junit_counts(xml: &str) -> (usize, usize, bool) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut failures_attr, mut failure_elements, mut skipped_on_root) = (0, 0, false);
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "testsuites" => {
                    for a in e.attributes().map(Result::unwrap) {
                        match a.key.as_ref() {
                            "failures" => {
                                failures_attr = a
                                    .normalized_value(quick_xml::XmlVersion::Explicit1_0)
                                    .unwrap()
                                    .parse()
                                    .unwrap()
                            }
                            "skipped" => skipped_on_root = true,
                            _ => {}
                        }
                    }
                }
                "failure" => failure_elements += 1,
                _ => {}
            },
            Event::Eof => return (failures_attr, failure_elements, skipped_on_root),
            _ => {}
        }
    }
}

#[test]
fn junit_failures_are_the_findings_at_or_above_fail_on() {
    for stack in STACKS {
        for fail_on in [
            Some(Severity::Critical),
            Some(Severity::High),
            Some(Severity::Medium),
            Some(Severity::Info),
            None,
        ] {
            let result = audited(stack, fail_on);
            let (attr, elements, skipped_on_root) =
                junit_counts(&render(&result, report::Format::Junit));
            assert_eq!(attr, result.failing_count(), "{stack} {fail_on:?}");
            assert_eq!(elements, result.failing_count(), "{stack} {fail_on:?}");
            assert!(
                !skipped_on_root,
                "junit-10.xsd has no skipped on <testsuites>"
            );
        }
    }
    // Two findings of one check on one tool are two failing cases.
    let result = audited("tests/data/retiring-stack.toml", Some(Severity::High));
    let xml = render(&result, report::Format::Junit);
    assert_eq!(xml.matches("name=\"compliance-cert-expired [").count(), 2);
}

/// xmllint (Debian's libxml2-utils, installed by .ci/run) validates the
/// JUnit file against junit-10.xsd from the Jenkins xunit plugin.
#[test]
fn junit_validates_against_the_jenkins_xunit_schema() {
    let schema = root("tests/data/junit-10.xsd");
    assert!(schema.exists(), "tests/data/junit-10.xsd is missing");
    if Command::new("xmllint").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have xmllint (apt-get install libxml2-utils)"
        );
        eprintln!("skipped: xmllint is not installed (apt-get install libxml2-utils)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut results = vec![audited("stack.example.toml", Some(Severity::High))];
    results.push(audited(
        "tests/data/retiring-stack.toml",
        Some(Severity::Medium),
    ));
    results.push(audited("tests/fixtures/hostile.toml", Some(Severity::High)));
    // With a baseline the suites carry properties and notes.
    let inv = load(&root("stack.example.toml"), &LoadOptions::default()).unwrap();
    let older: Vec<_> = results[0].findings.iter().step_by(3).cloned().collect();
    let options = AuditOptions {
        known: Some(KnownFindings::from_findings(&older, &[])),
        ..AuditOptions::new("2026-11-22".parse().unwrap())
    };
    results.push(audit(&inv, &Catalogue::builtin(), &options).unwrap());
    for (i, result) in results.iter().enumerate() {
        let file = dir.path().join(format!("junit-{i}.xml"));
        std::fs::write(&file, render(result, report::Format::Junit)).unwrap();
        let out = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(&schema)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            result.stack_path,
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn html_and_junit_say_what_a_baseline_left_out() {
    let full = audited("stack.example.toml", Some(Severity::High));
    // Half the findings are known; one more known finding no longer occurs.
    let mut older: Vec<_> = full.findings.iter().step_by(2).cloned().collect();
    let mut gone = older[0].clone();
    gone.subject = Some("no longer found".into());
    older.push(gone);
    let known = KnownFindings::from_findings(&older, &[]);
    let inv = load(&root("stack.example.toml"), &LoadOptions::default()).unwrap();
    let options = AuditOptions {
        known: Some(known.clone()),
        ..AuditOptions::new("2026-11-22".parse().unwrap())
    };
    let result = audit(&inv, &Catalogue::builtin(), &options).unwrap();
    let left_out = known.len() - 1;
    let sentence = format!("{left_out} known findings left out by --baseline/--base");
    let html = render(&result, report::Format::Html);
    assert!(
        html.contains(&format!("{sentence}; 1 known findings fixed")),
        "HTML"
    );
    let junit = render(&result, report::Format::Junit);
    assert!(
        junit.contains(&format!("{sentence}, 1 known findings fixed")),
        "JUnit"
    );
    assert!(junit.contains(&format!("<property name=\"known\" value=\"{left_out}\"/>")));
    assert!(junit.contains("<property name=\"fixed\" value=\"1\"/>"));
    // Without a baseline, neither says anything about known findings.
    for format in [report::Format::Html, report::Format::Junit] {
        assert!(!render(&full, format).contains("known findings"));
    }
}

#[test]
fn junit_skips_a_check_that_could_not_run_for_lack_of_data() {
    let dir = tempfile::tempdir().unwrap();
    let stack = dir.path().join("no-sor.toml");
    std::fs::write(
        &stack,
        "schema = 1\n[[tool]]\nid = \"crm\"\nname = \"CRM\"\ncategory = \"crm\"\ndata = [\"pii\"]\n",
    )
    .unwrap();
    let inv = load(&stack, &LoadOptions::default()).unwrap();
    let result = audit(
        &inv,
        &Catalogue::builtin(),
        &AuditOptions::new("2026-11-22".parse().unwrap()),
    )
    .unwrap();
    let junit = render(&result, report::Format::Junit);
    let case = junit
        .split("<testcase name=\"integration-no-path-to-sor\"")
        .nth(1)
        .unwrap();
    let case = &case[..case.find("</testcase>").unwrap()];
    assert!(
        case.contains("<skipped message=\"not run: the policy names no system_of_record"),
        "{case}"
    );
    // With a system of record the same check runs and passes or fails.
    let example = render(
        &audited("stack.example.toml", Some(Severity::High)),
        report::Format::Junit,
    );
    assert!(!example.contains("not run: the policy names no system_of_record"));
    // Probe checks without evidence could not run: skipped, not passed.
    let probe = example
        .split("<testcase name=\"probe-hsts-missing\"")
        .nth(1)
        .unwrap();
    let probe = &probe[..probe.find("</testcase>").unwrap()];
    assert!(
        probe.contains("<skipped message=\"not run: no probe evidence was given"),
        "{probe}"
    );
    // With evidence they run.
    let inv = load(&root("stack.example.toml"), &LoadOptions::default()).unwrap();
    let evidence =
        stackaudit::probe::evidence::Evidence::read(&root("tests/fixtures/evidence.json"), 1 << 20)
            .unwrap();
    let with_evidence = audit(
        &inv,
        &Catalogue::builtin(),
        &AuditOptions {
            evidence: Some(evidence),
            ..AuditOptions::new("2026-11-22".parse().unwrap())
        },
    )
    .unwrap();
    assert!(!render(&with_evidence, report::Format::Junit).contains("not run: no probe evidence"));
}
