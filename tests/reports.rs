//! Every report format, on the example stack and on a stack of hostile
//! strings, is well formed for its consumer.

use std::path::{Path, PathBuf};

use stackaudit::audit::{AuditOptions, AuditResult, audit};
use stackaudit::checks::Catalogue;
use stackaudit::inventory::{LoadOptions, load};
use stackaudit::report::{self, RenderOptions};

fn root(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn audited(file: &str) -> AuditResult {
    let inv = load(&root(file), &LoadOptions::default()).unwrap();
    let options = AuditOptions::new("2026-11-22".parse().unwrap());
    let mut result = audit(&inv, &Catalogue::builtin(), &options).unwrap();
    result.stack_path = file.to_string();
    for f in &mut result.findings {
        if let Some(l) = &mut f.location {
            l.file = file.into();
        }
    }
    result
}

const STACKS: [&str; 2] = ["stack.example.toml", "tests/fixtures/hostile.toml"];

fn render(result: &AuditResult, format: report::Format) -> String {
    String::from_utf8(report::render(result, format, &RenderOptions::default()).unwrap()).unwrap()
}

/// Parses XML to the end; returns the number of elements with this name.
fn count_xml_elements(xml: &str, name: &str) -> usize {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut count = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                if e.name().as_ref() == name {
                    count += 1;
                }
                for attr in e.attributes() {
                    attr.unwrap_or_else(|err| panic!("bad attribute: {err}"));
                }
            }
            Ok(quick_xml::events::Event::Eof) => return count,
            Ok(_) => {}
            Err(e) => panic!("not well-formed XML at {}: {e}", reader.buffer_position()),
        }
    }
}

#[test]
fn sarif_validates_against_the_official_schema() {
    // Carried in the repository, so the test runs (and fails) in any clone.
    let schema_path = root("tests/data/sarif-schema-2.1.0.json");
    let schema_text = std::fs::read_to_string(&schema_path)
        .unwrap_or_else(|e| panic!("{}: {e}", schema_path.display()));
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for stack in STACKS {
        let result = audited(stack);
        let sarif: serde_json::Value =
            serde_json::from_str(&render(&result, report::Format::Sarif)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{stack}: {errors:#?}");
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), result.findings.len());
        for (r, f) in results.iter().zip(&result.findings) {
            assert_eq!(r["ruleId"], f.check.as_str());
            assert_eq!(
                r["partialFingerprints"]["stackaudit/v1"],
                f.fingerprint.to_string()
            );
            assert!(
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_i64()
                    .unwrap()
                    >= 1
            );
            let rule = &sarif["runs"][0]["tool"]["driver"]["rules"]
                [r["ruleIndex"].as_u64().unwrap() as usize];
            assert_eq!(rule["id"], f.check.as_str());
        }
    }
}

#[test]
fn junit_is_well_formed_xml_with_a_case_per_check_and_tool_and_finding() {
    for stack in STACKS {
        let result = audited(stack);
        let xml = render(&result, report::Format::Junit);
        let cases = count_xml_elements(&xml, "testcase");
        let stack_level = |id: &str| {
            result.check(id).is_some_and(|c| {
                c.family == "stack" || c.family == "waiver" || c.id == "inventory-unlisted-app"
            })
        };
        // Each check on each audited tool: one case, or one per finding.
        let mut expected = 0;
        for tool in result.tools.iter().filter(|t| t.audited) {
            for check in result.checks.iter().filter(|c| !stack_level(&c.id)) {
                let n = result
                    .findings
                    .iter()
                    .filter(|f| f.check == check.id && f.tool.as_deref() == Some(&tool.id))
                    .count();
                expected += n.max(1);
            }
        }
        // Findings on tools that are not audited, and of stack-level checks
        // on a tool, are cases of their own.
        expected += result
            .findings
            .iter()
            .filter(|f| {
                f.tool.as_deref().is_some_and(|t| {
                    stack_level(&f.check) || !result.tool(t).is_some_and(|t| t.audited)
                })
            })
            .count();
        // Stack-level checks: a case per stack finding, or one passing case.
        for check in result.checks.iter().filter(|c| stack_level(&c.id)) {
            let of_check = || result.findings.iter().filter(|f| f.check == check.id);
            let on_stack = of_check().filter(|f| f.tool.is_none()).count();
            expected += if on_stack > 0 {
                on_stack
            } else {
                usize::from(of_check().count() == 0)
            };
        }
        assert_eq!(cases, expected, "{stack}");
        assert!(count_xml_elements(&xml, "failure") > 0);
    }
}

#[test]
fn html_is_well_formed_self_contained_and_escaped() {
    for stack in STACKS {
        let html = render(&audited(stack), report::Format::Html);
        // The page is polyglot markup: it parses as XML too (after the doctype).
        let body = html.trim_start_matches("<!DOCTYPE html>");
        assert!(count_xml_elements(body, "section") >= 4);
        let lower = html.to_lowercase();
        assert!(
            !lower.contains("<script"),
            "{stack}: a script tag got through"
        );
        assert!(!lower.contains("<img"), "{stack}: an img tag got through");
        assert!(
            !lower.contains("href=\"javascript"),
            "{stack}: a javascript: link"
        );
        assert!(
            !lower.contains("src=\"http") && !lower.contains("href=\"//"),
            "{stack}: an external resource"
        );
        assert!(html.contains("Content-Security-Policy"));
        for href in html.split("href=\"").skip(1) {
            assert!(
                href.starts_with("https://") || href.starts_with("http://"),
                "{stack}: link {}",
                &href[..href.len().min(40)]
            );
        }
    }
    let hostile = render(
        &audited("tests/fixtures/hostile.toml"),
        report::Format::Html,
    );
    assert!(hostile.contains("&#60;img src=x onerror=alert(1)&#62; Chat 💬"));
}

#[test]
fn csv_round_trips_with_the_same_cells() {
    for stack in STACKS {
        let result = audited(stack);
        let text = render(&result, report::Format::Csv);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        assert_eq!(header, report::csv::HEADER);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), result.findings.len());
        for (row, f) in rows.iter().zip(&result.findings) {
            assert_eq!(&row[0], f.check.as_str());
            assert_eq!(&row[4], report::csv::cell(&f.message.text()));
            assert_eq!(&row[2], f.tool.as_deref().unwrap_or(""));
            for cell in row.iter() {
                assert!(
                    !matches!(
                        cell.chars().next(),
                        Some('=' | '+' | '-' | '@' | '\t' | '\r')
                    ),
                    "{stack}: live formula {cell:?}"
                );
            }
        }
    }
}

#[test]
fn github_commands_are_single_lines() {
    for stack in STACKS {
        let result = audited(stack);
        let text = render(&result, report::Format::Github);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), result.findings.len() + 1, "{stack}");
        for line in lines {
            assert!(
                line.starts_with("::error ")
                    || line.starts_with("::warning ")
                    || line.starts_with("::notice "),
                "{line}"
            );
            let (props, _) = line
                .split_once("::")
                .map(|(_, rest)| rest.split_once("::").unwrap())
                .unwrap();
            assert!(!props.contains('\r'));
        }
    }
}

#[test]
fn markdown_tables_keep_their_columns_and_escape_markup() {
    for stack in STACKS {
        let md = render(&audited(stack), report::Format::Markdown);
        for line in md
            .lines()
            .filter(|l| l.starts_with("| `") || l.starts_with("| *stack*"))
        {
            // Four cells: five unescaped pipes.
            let pipes = line
                .match_indices('|')
                .filter(|(i, _)| *i == 0 || &line[i - 1..*i] != "\\")
                .count();
            assert_eq!(pipes, 5, "{line}");
        }
        assert!(!md.contains("<script") && !md.contains("<img"));
        assert!(!md.contains("[link](javascript"), "a live Markdown link");
        if stack.contains("hostile") {
            assert!(md.contains("\\[link\\](javascript"));
        }
    }
}

#[test]
fn json_and_table_render_the_hostile_stack() {
    let result = audited("tests/fixtures/hostile.toml");
    let json: serde_json::Value =
        serde_json::from_str(&render(&result, report::Format::Json)).unwrap();
    assert_eq!(
        json["findings"].as_array().unwrap().len(),
        result.findings.len()
    );
    let table = render(&result, report::Format::Table);
    assert!(table.contains("WAIVED until 2027-01-31"));
}

/// The audit of `n` chat tools holding personal data and nothing else:
/// about eight findings each, enough to exceed every report's size limits.
fn many_chat_tools(n: usize) -> AuditResult {
    let mut text = String::from("schema = 1\n");
    for i in 0..n {
        text.push_str(&format!(
            "[[tool]]\nid = \"t{i}\"\nname = \"Tool {i}\"\ncategory = \"chat\"\ndata = [\"pii\"]\n"
        ));
    }
    let inv = stackaudit::inventory::load_str(
        &text,
        stackaudit::inventory::source::Format::Toml,
        "big.toml",
    )
    .unwrap();
    let options = AuditOptions {
        fail_on: None,
        ..AuditOptions::new("2026-11-22".parse().unwrap())
    };
    audit(&inv, &Catalogue::builtin(), &options).unwrap()
}

/// `(severity, shown, total)` for each `## High (9 of 2,053)` heading.
fn markdown_sections(md: &str) -> Vec<(String, usize, usize)> {
    let number = |s: &str| s.replace(',', "").parse::<usize>().unwrap();
    md.lines()
        .filter_map(|l| l.strip_prefix("## "))
        .filter(|l| l.ends_with(')') && !l.starts_with("Tools"))
        .map(|l| {
            let (name, counts) = l.trim_end_matches(')').split_once(" (").unwrap();
            let (shown, total) = match counts.split_once(" of ") {
                Some((a, b)) => (number(a), number(b)),
                None => (number(counts), number(counts)),
            };
            (name.to_lowercase(), shown, total)
        })
        .collect()
}

#[test]
fn capped_markdown_keeps_the_most_severe_and_says_how_to_get_the_rest() {
    let result = many_chat_tools(1_000);
    let options = RenderOptions {
        max_bytes: Some(report::markdown::COMMENT_LIMIT),
        full_report_command: Some(
            "stackaudit audit big.toml --format markdown --output report.md".into(),
        ),
        ..RenderOptions::default()
    };
    let md = report::markdown::render(&result, &options);
    assert!(md.len() <= report::markdown::COMMENT_LIMIT, "{}", md.len());
    let sections = markdown_sections(&md);
    assert!(!sections.is_empty());
    // Every section but the last is complete: nothing is left out of a
    // severity while a lower one is shown.
    for (name, shown, total) in &sections[..sections.len() - 1] {
        assert_eq!(shown, total, "{name} is cut while a lower severity is kept");
    }
    let high = result
        .findings
        .iter()
        .filter(|f| f.severity == stackaudit::checks::Severity::High)
        .count();
    assert!(high > 2_000, "{high}");
    assert_eq!(sections[0].0, "high");
    assert_eq!(sections[0].2, high, "the heading counts every high finding");
    let kept: usize = sections.iter().map(|s| s.1).sum();
    let left_out = result.findings.len() - kept;
    let note = md
        .lines()
        .find(|l| l.starts_with("> **Note:**"))
        .expect("a note on what is left out");
    assert!(
        note.contains(&format!("leaves out {} finding(s)", group(left_out))),
        "{note}"
    );
    assert!(
        note.contains(&format!("{} high", group(high - sections[0].1))),
        "counts per severity: {note}"
    );
    assert!(
        note.contains("run `stackaudit audit big.toml --format markdown --output report.md`"),
        "{note}"
    );

    // Without a cap (a file named by --output), everything is there.
    let full = report::markdown::render(&result, &RenderOptions::default());
    assert!(!full.contains("> **Note:**"));
    let all: usize = markdown_sections(&full).iter().map(|s| s.1).sum();
    assert_eq!(all, result.findings.len());
}

fn group(n: usize) -> String {
    stackaudit::checks::stack::group_thousands(n as f64)
}

#[test]
fn sarif_respects_the_code_scanning_result_limit() {
    let mut result = audited("stack.example.toml");
    let template = result.findings[0].clone();
    result.findings = (0..report::sarif::MAX_RESULTS + 10)
        .map(|i| {
            let mut f = template.clone();
            f.fingerprint = stackaudit::checks::Fingerprint::from_u64(i as u64);
            f
        })
        .collect();
    let sarif: serde_json::Value =
        serde_json::from_str(&render(&result, report::Format::Sarif)).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        report::sarif::MAX_RESULTS
    );
    let note =
        &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"];
    assert!(
        note.as_str()
            .unwrap()
            .starts_with("10 findings of the lowest severities were left out")
    );
}

#[test]
fn the_table_report_turns_compact_for_very_large_audits() {
    let result = many_chat_tools(400);
    assert!(result.findings.len() > report::table::COMPACT_ABOVE);
    let table = render(&result, report::Format::Table);
    // The summary is still a table; the findings are plain lines, one pair per finding.
    assert!(table.contains("Stack score"));
    assert_eq!(
        table.matches("\n           → ").count(),
        result.findings.len()
    );
    assert_eq!(table.matches('╞').count(), 0, "no boxed findings tables");
}

/// The example stack audited against a baseline of all but its high
/// findings: the highs are new, everything else is known.
fn with_baseline() -> (AuditResult, usize) {
    let inv = load(&root("stack.example.toml"), &LoadOptions::default()).unwrap();
    let full = audit(
        &inv,
        &Catalogue::builtin(),
        &AuditOptions::new("2026-11-22".parse().unwrap()),
    )
    .unwrap();
    let older: Vec<stackaudit::checks::Finding> = full
        .findings
        .iter()
        .filter(|f| f.severity < stackaudit::checks::Severity::High)
        .cloned()
        .collect();
    let known = stackaudit::audit::baseline::KnownFindings::from_findings(&older, &[]);
    let options = AuditOptions {
        known: Some(known.clone()),
        ..AuditOptions::new("2026-11-22".parse().unwrap())
    };
    let result = audit(&inv, &Catalogue::builtin(), &options).unwrap();
    // The audit counts each tool's known findings.
    for t in &result.tools {
        let expected = older
            .iter()
            .filter(|f| f.tool.as_deref() == Some(t.id.as_str()))
            .count();
        assert_eq!(t.known, expected, "known findings of {}", t.id);
    }
    (result, known.len())
}

#[test]
fn every_format_states_what_a_baseline_left_out() {
    let (result, known) = with_baseline();
    assert_eq!(result.baseline.unwrap().known, known);
    let statement = format!("{known} known findings left out, 0 known findings fixed");
    for format in [
        report::Format::Table,
        report::Format::Csv,
        report::Format::Github,
    ] {
        let text = render(&result, format);
        assert!(text.contains(&statement), "{format:?}:\n{text}");
    }
    let md = render(&result, report::Format::Markdown);
    assert!(
        md.contains(&format!("**Baseline:** {known} known finding(s)")),
        "{md}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&render(&result, report::Format::Json)).unwrap();
    assert_eq!(json["summary"]["baseline"]["known"], known);
    assert_eq!(json["summary"]["baseline"]["fixed"], 0);

    // A tool whose findings are all known is never said to have none.
    let known_only: Vec<&str> = result
        .tools
        .iter()
        .filter(|t| {
            t.known > 0
                && result
                    .findings
                    .iter()
                    .all(|f| f.tool.as_deref() != Some(t.id.as_str()))
        })
        .map(|t| t.id.as_str())
        .collect();
    assert!(!known_only.is_empty());
    let table = render(&result, report::Format::Table);
    let no_findings = table
        .lines()
        .find(|l| l.starts_with("No findings") || l.starts_with("No new findings"))
        .unwrap_or("");
    for id in &known_only {
        assert!(!no_findings.contains(id), "{id}: {no_findings}");
        assert!(
            md.contains(&format!("`{id}`")),
            "{id} missing from Markdown"
        );
    }
    assert!(table.contains("Only known findings, left out:"), "{table}");
    // A tool with new and known findings says how many known ones are left out.
    let mixed = result
        .tools
        .iter()
        .find(|t| {
            t.known > 0
                && result
                    .findings
                    .iter()
                    .any(|f| f.tool.as_deref() == Some(t.id.as_str()))
        })
        .expect("a tool with new and known findings");
    assert!(
        table.contains(&format!("({}) · ", mixed.id))
            && table.contains(&format!(" · {} known left out\n", mixed.known)),
        "{table}"
    );
    assert!(
        md.contains(&format!(" · {} known finding(s) left out\n", mixed.known)),
        "{md}"
    );

    let sarif: serde_json::Value =
        serde_json::from_str(&render(&result, report::Format::Sarif)).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["properties"]["baseline"]["known_left_out"], known);
    for r in run["results"].as_array().unwrap() {
        assert_eq!(r["baselineState"], "new");
    }
    let note = run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert!(note.contains(&statement), "{note}");
}

#[test]
fn sarif_rules_carry_help_links_security_tags_and_the_severity_used() {
    let inv = stackaudit::inventory::load_str(
        "schema = 1\n[checks.severity]\nintegration-orphan = \"critical\"\n[[tool]]\nid = \"x\"\nname = \"X\"\ncategory = \"chat\"\n",
        stackaudit::inventory::source::Format::Toml,
        "stack.toml",
    )
    .unwrap();
    let result = audit(
        &inv,
        &Catalogue::builtin(),
        &AuditOptions::new("2026-11-22".parse().unwrap()),
    )
    .unwrap();
    let sarif: serde_json::Value =
        serde_json::from_str(&render(&result, report::Format::Sarif)).unwrap();
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    for rule in driver["rules"].as_array().unwrap() {
        assert!(
            rule["helpUri"].as_str().unwrap().starts_with("https://"),
            "{rule}"
        );
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(tags.contains(&serde_json::json!("security")), "{tags:?}");
    }
    let orphan = driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "integration-orphan")
        .unwrap();
    assert_eq!(orphan["properties"]["security-severity"], "9.5");
    assert_eq!(orphan["defaultConfiguration"]["level"], "error");
    for r in sarif["runs"][0]["results"].as_array().unwrap() {
        let f = result
            .findings
            .iter()
            .find(|f| f.fingerprint.to_string() == r["partialFingerprints"]["stackaudit/v1"])
            .unwrap();
        let level = match f.severity {
            stackaudit::checks::Severity::Critical | stackaudit::checks::Severity::High => "error",
            stackaudit::checks::Severity::Medium => "warning",
            _ => "note",
        };
        assert_eq!(r["level"], level, "{}", f.check);
    }
}

/// A stack whose strings try to drive the terminal that shows the report.
const ESCAPES: &str = r#"schema = 1
[organization]
name = "Org\u001b]0;pwned\u0007"
[policy]
system_of_record = "crm"
[[tool]]
id = "crm"
name = "CRM\u001b[2J\u001b]0;pwned\u0007"
category = "crm"
owner = "ops\u001b[31m@x.example\u009b"
data = ["pii"]
regions = ["us\u202e"]
[[waiver]]
check = "compliance-cert-missing"
tool = "crm"
reason = "line one\nline two\u001b[1A"
approved_by = "sec\u0008\u0008\u0008@x.example"
expires = 2027-01-01
"#;

fn has_raw_controls(text: &str) -> Option<char> {
    text.chars().find(|c| {
        (c.is_control() && *c != '\n' && *c != '\r') || ('\u{202a}'..='\u{202e}').contains(c)
    })
}

#[test]
fn no_text_format_passes_control_characters_through() {
    let inv = stackaudit::inventory::load_str(
        ESCAPES,
        stackaudit::inventory::source::Format::Toml,
        "escapes.toml",
    );
    let inv = match inv {
        Ok(inv) => inv,
        // An unknown region is refused at validation; keep the rest.
        Err(_) => stackaudit::inventory::load_str(
            &ESCAPES.replace("\\u202e", ""),
            stackaudit::inventory::source::Format::Toml,
            "escapes.toml",
        )
        .unwrap(),
    };
    let result = audit(
        &inv,
        &Catalogue::builtin(),
        &AuditOptions::new("2026-11-22".parse().unwrap()),
    )
    .unwrap();
    assert!(
        result.tools[0].name.contains('\u{1b}'),
        "the test needs raw escapes"
    );
    for format in [
        report::Format::Table,
        report::Format::Markdown,
        report::Format::Github,
        report::Format::Csv,
    ] {
        let text = render(&result, format);
        assert_eq!(has_raw_controls(&text), None, "{format:?}:\n{text}");
        assert!(text.contains("\\u{1b}"), "{format:?} shows the escape");
    }
    let github = render(&result, report::Format::Github);
    assert!(
        github.contains("%0A") || !github.contains("line one"),
        "{github}"
    );
    for line in github.lines() {
        assert!(line.starts_with("::"), "a forged line: {line}");
    }
    // diff and gate text as well.
    let empty = stackaudit::inventory::load_str(
        "schema = 1\n",
        stackaudit::inventory::source::Format::Toml,
        "old.toml",
    )
    .unwrap();
    let before = audit(
        &empty,
        &Catalogue::builtin(),
        &AuditOptions::new("2026-11-22".parse().unwrap()),
    )
    .unwrap();
    let d = stackaudit::audit::diff::diff(&empty, &inv, &before, &result);
    for markdown in [false, true] {
        let text = d.text(markdown);
        assert_eq!(has_raw_controls(&text), None, "diff:\n{text}");
    }
}
