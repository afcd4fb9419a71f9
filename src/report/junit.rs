//! JUnit XML for GitLab, Jenkins and other CI dashboards.
//!
//! One test suite for the stack and one per audited tool; one test case per
//! check that ran on it. A case fails when it has a finding at or above
//! `--fail-on`; findings below the threshold are listed in `system-out`;
//! waived findings make the case skipped.

use anyhow::Result;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::audit::AuditResult;
use crate::checks::{CheckDef, Finding};

/// XML 1.0 cannot carry most control characters, even escaped.
pub fn xml_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// Stack-level checks get one case for the whole stack, not one per tool.
fn is_stack_level(def: &CheckDef) -> bool {
    def.family == "stack" || def.family == "waiver"
}

struct Case<'a> {
    check: &'a CheckDef,
    findings: Vec<&'a Finding>,
}

struct Suite<'a> {
    name: String,
    cases: Vec<Case<'a>>,
}

pub fn render(result: &AuditResult) -> Result<Vec<u8>> {
    let mut defs: Vec<&CheckDef> = result.checks.iter().collect();
    defs.sort_by(|a, b| a.id.cmp(&b.id));
    let grouped = super::by_tool(&result.findings);
    let empty = Vec::new();

    let mut suites = Vec::new();
    let stack_cases = defs
        .iter()
        .filter(|d| is_stack_level(d))
        .map(|d| Case {
            check: d,
            findings: result.findings.iter().filter(|f| f.check == d.id).collect(),
        })
        .collect();
    suites.push(Suite {
        name: "stack".into(),
        cases: stack_cases,
    });
    for tool in result.tools.iter().filter(|t| t.audited) {
        let mine = grouped.get(tool.id.as_str()).unwrap_or(&empty);
        let cases = defs
            .iter()
            .filter(|d| !is_stack_level(d))
            .map(|d| Case {
                check: d,
                findings: mine.iter().copied().filter(|f| f.check == d.id).collect(),
            })
            .collect();
        suites.push(Suite {
            name: format!("tool {}", tool.id),
            cases,
        });
    }

    let fails = |f: &Finding| !f.is_waived() && result.fail_on.is_some_and(|t| f.severity >= t);
    let case_fails = |c: &Case| c.findings.iter().any(|f| fails(f));
    let case_skipped =
        |c: &Case| !c.findings.is_empty() && c.findings.iter().all(|f| f.is_waived());

    let total: usize = suites.iter().map(|s| s.cases.len()).sum();
    let failures: usize = suites
        .iter()
        .flat_map(|s| &s.cases)
        .filter(|c| case_fails(c))
        .count();
    let skipped: usize = suites
        .iter()
        .flat_map(|s| &s.cases)
        .filter(|c| case_skipped(c))
        .count();

    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("testsuites")
        .with_attributes([
            ("name", "stackaudit"),
            ("tests", total.to_string().as_str()),
            ("failures", failures.to_string().as_str()),
            ("skipped", skipped.to_string().as_str()),
            ("errors", "0"),
        ])
        .write_inner_content(|w| {
            for suite in &suites {
                let suite_failures = suite.cases.iter().filter(|c| case_fails(c)).count();
                let suite_skipped = suite.cases.iter().filter(|c| case_skipped(c)).count();
                w.create_element("testsuite")
                    .with_attributes([
                        ("name", xml_safe(&suite.name).as_str()),
                        ("tests", suite.cases.len().to_string().as_str()),
                        ("failures", suite_failures.to_string().as_str()),
                        ("skipped", suite_skipped.to_string().as_str()),
                        ("errors", "0"),
                    ])
                    .write_inner_content(|w| {
                        for case in &suite.cases {
                            write_case(w, case, &suite.name, &fails)?;
                        }
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
    let mut out = w.into_inner();
    out.push(b'\n');
    Ok(out)
}

fn write_case(
    w: &mut Writer<Vec<u8>>,
    case: &Case,
    suite: &str,
    fails: &dyn Fn(&Finding) -> bool,
) -> std::io::Result<()> {
    let classname = format!(
        "stackaudit.{}.{}",
        case.check.family,
        suite.replace(' ', ".")
    );
    let element = w.create_element("testcase").with_attributes([
        ("name", case.check.id.as_str()),
        ("classname", xml_safe(&classname).as_str()),
    ]);
    if case.findings.is_empty() {
        element.write_empty()?;
        return Ok(());
    }
    element.write_inner_content(|w| {
        let failing: Vec<&&Finding> = case.findings.iter().filter(|f| fails(f)).collect();
        if let Some(worst) = failing.first() {
            let text: Vec<String> = failing.iter().map(|f| describe(f)).collect();
            w.create_element("failure")
                .with_attributes([
                    ("message", xml_safe(&worst.message).as_str()),
                    ("type", worst.severity.as_str()),
                ])
                .write_text_content(BytesText::new(&xml_safe(&text.join("\n\n"))))?;
        } else if case.findings.iter().all(|f| f.is_waived()) {
            let reasons: Vec<String> = case
                .findings
                .iter()
                .filter_map(|f| {
                    f.waiver.as_ref().map(|wv| {
                        format!(
                            "waived until {} by {}: {}",
                            wv.expires, wv.approved_by, wv.reason
                        )
                    })
                })
                .collect();
            w.create_element("skipped")
                .with_attribute(("message", xml_safe(&reasons.join("; ")).as_str()))
                .write_empty()?;
        }
        let below: Vec<String> = case
            .findings
            .iter()
            .filter(|f| !fails(f))
            .map(|f| describe(f))
            .collect();
        if !below.is_empty() {
            w.create_element("system-out")
                .write_text_content(BytesText::new(&xml_safe(&below.join("\n\n"))))?;
        }
        Ok(())
    })?;
    Ok(())
}

fn describe(f: &Finding) -> String {
    let location = f
        .location
        .as_ref()
        .map(|l| format!(" ({}:{}:{})", l.file, l.line, l.column))
        .unwrap_or_default();
    let waived = if f.is_waived() { " [waived]" } else { "" };
    format!(
        "[{}]{waived} {}{location}\nWhat to do: {}",
        f.severity, f.message, f.remediation
    )
}
