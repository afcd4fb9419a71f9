//! JUnit XML for GitLab, Jenkins and other CI dashboards.
//!
//! One test suite for the stack and one per tool that was audited or has
//! findings (a retiring tool is not audited, but can still have findings).
//! Every finding is its own test case, so the failures equal the findings at
//! or above `--fail-on`: a case fails for such a finding, is skipped when the
//! finding is waived, and passes with the finding in `system-out` when it is
//! below the threshold. A check without findings on a tool is one passing
//! case, or a skipped one when it could not run for lack of data.
//!
//! Written with quick-xml rather than `quick-junit`: the latter writes a
//! `disabled` attribute on `<testsuite>`, which the Jenkins xunit
//! `junit-10.xsd` does not allow, and the file must validate against it.

use std::collections::BTreeMap;

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
    def.family == "stack" || def.family == "waiver" || def.id == crate::checks::idp::UNLISTED_APP
}

/// Why a check could not run on this audit, if it could not.
fn not_run_reason<'a>(result: &'a AuditResult, def: &CheckDef) -> Option<&'a str> {
    result.not_run.get(&def.id).map(String::as_str)
}

enum Outcome<'a> {
    /// The check ran and found nothing.
    Passed,
    /// The check could not run (reason).
    NotRun(&'a str),
    Finding(&'a Finding),
}

struct Case<'a> {
    name: String,
    family: &'a str,
    outcome: Outcome<'a>,
}

struct Suite<'a> {
    name: String,
    /// Known findings that --baseline/--base left out of this suite.
    known: Option<usize>,
    cases: Vec<Case<'a>>,
}

/// One case per finding; a check with several findings on one tool names
/// each by its subject so that the cases stay apart.
fn finding_cases<'a>(result: &'a AuditResult, findings: &[&'a Finding]) -> Vec<Case<'a>> {
    let mut per_check: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings {
        *per_check.entry(f.check.as_str()).or_default() += 1;
    }
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    findings
        .iter()
        .map(|f| {
            let n = seen.entry(f.check.as_str()).or_default();
            *n += 1;
            let name = if per_check[f.check.as_str()] > 1 {
                match &f.subject {
                    Some(subject) => format!("{} [{subject}]", f.check),
                    None => format!("{} [{}]", f.check, n),
                }
            } else {
                f.check.to_string()
            };
            Case {
                name,
                family: result
                    .check(&f.check)
                    .map_or("other", |d| d.family.as_str()),
                outcome: Outcome::Finding(f),
            }
        })
        .collect()
}

fn check_cases<'a>(
    result: &'a AuditResult,
    defs: &[&'a CheckDef],
    findings: &[&'a Finding],
) -> Vec<Case<'a>> {
    let mut cases = Vec::new();
    for def in defs {
        let mine: Vec<&Finding> = findings
            .iter()
            .copied()
            .filter(|f| f.check == def.id)
            .collect();
        if mine.is_empty() {
            cases.push(Case {
                name: def.id.clone(),
                family: &def.family,
                outcome: not_run_reason(result, def).map_or(Outcome::Passed, Outcome::NotRun),
            });
        } else {
            cases.extend(finding_cases(result, &mine));
        }
    }
    // Findings of checks that are not in the list (none today) still count.
    let listed = |f: &&Finding| defs.iter().any(|d| d.id == f.check);
    let rest: Vec<&Finding> = findings.iter().copied().filter(|f| !listed(f)).collect();
    cases.extend(finding_cases(result, &rest));
    cases
}

fn suites(result: &AuditResult) -> Vec<Suite<'_>> {
    let mut defs: Vec<&CheckDef> = result.checks.iter().collect();
    defs.sort_by(|a, b| a.id.cmp(&b.id));
    let (stack_defs, tool_defs): (Vec<&CheckDef>, Vec<&CheckDef>) =
        defs.into_iter().partition(|d| is_stack_level(d));
    let grouped = super::by_tool(&result.findings);

    let stack_findings: Vec<&Finding> = result
        .findings
        .iter()
        .filter(|f| f.tool.is_none())
        .collect();
    // A stack-level check passes for the stack only when it found nothing
    // anywhere (waiver checks can report on a tool).
    let stack_defs: Vec<&CheckDef> = stack_defs
        .into_iter()
        .filter(|d| {
            stack_findings.iter().any(|f| f.check == d.id)
                || !result.findings.iter().any(|f| f.check == d.id)
        })
        .collect();
    let mut suites = vec![Suite {
        name: "stack".into(),
        known: result.baseline.map(|b| b.known),
        cases: check_cases(result, &stack_defs, &stack_findings),
    }];
    let empty = Vec::new();
    for tool in &result.tools {
        let mine = grouped.get(tool.id.as_str()).unwrap_or(&empty);
        if !tool.audited && mine.is_empty() {
            continue;
        }
        let cases = if tool.audited {
            let (stack_level, others): (Vec<&Finding>, Vec<&Finding>) = mine
                .iter()
                .copied()
                .partition(|f| result.check(&f.check).is_some_and(is_stack_level));
            let mut cases = check_cases(result, &tool_defs, &others);
            cases.extend(finding_cases(result, &stack_level));
            cases
        } else {
            finding_cases(result, mine)
        };
        suites.push(Suite {
            name: format!("tool {}", tool.id),
            known: result.baseline.map(|_| tool.known),
            cases,
        });
    }
    // Findings on a tool the inventory summary does not list (none today).
    let listed = result.tools_by_id();
    for (tool, findings) in &grouped {
        if !listed.contains_key(tool) {
            suites.push(Suite {
                name: format!("tool {tool}"),
                known: None,
                cases: finding_cases(result, findings),
            });
        }
    }
    suites
}

pub fn render(result: &AuditResult) -> Result<Vec<u8>> {
    let suites = suites(result);
    let fails = |f: &Finding| !f.is_waived() && result.fail_on.is_some_and(|t| f.severity >= t);
    let case_fails = |c: &Case| matches!(c.outcome, Outcome::Finding(f) if fails(f));
    let case_skipped = |c: &Case| match c.outcome {
        Outcome::NotRun(_) => true,
        Outcome::Finding(f) => f.is_waived(),
        Outcome::Passed => false,
    };

    let total: usize = suites.iter().map(|s| s.cases.len()).sum();
    let failures: usize = suites
        .iter()
        .flat_map(|s| &s.cases)
        .filter(|c| case_fails(c))
        .count();

    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    // junit-10.xsd allows no `skipped` on <testsuites>; each suite has its own.
    w.create_element("testsuites")
        .with_attributes([
            ("name", "stackaudit"),
            ("tests", total.to_string().as_str()),
            ("failures", failures.to_string().as_str()),
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
                        ("errors", "0"),
                        ("skipped", suite_skipped.to_string().as_str()),
                    ])
                    .write_inner_content(|w| {
                        write_properties(w, result, suite)?;
                        for case in &suite.cases {
                            write_case(w, case, &suite.name, &fails)?;
                        }
                        if let Some(note) = known_note(result, suite) {
                            w.create_element("system-out")
                                .write_text_content(BytesText::new(&note))?;
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

/// With a baseline or base, what it left out: on the stack suite for the
/// whole run, on each tool's suite for that tool.
fn known_note(result: &AuditResult, suite: &Suite) -> Option<String> {
    let baseline = result.baseline?;
    let known = suite.known?;
    Some(if suite.name == "stack" {
        format!(
            "{} known findings left out by --baseline/--base, {} known findings fixed",
            baseline.known, baseline.fixed
        )
    } else {
        format!("{known} known findings of this tool left out by --baseline/--base")
    })
}

fn write_properties(
    w: &mut Writer<Vec<u8>>,
    result: &AuditResult,
    suite: &Suite,
) -> std::io::Result<()> {
    let (Some(baseline), Some(known)) = (result.baseline, suite.known) else {
        return Ok(());
    };
    let mut properties = vec![("known", known.to_string())];
    if suite.name == "stack" {
        properties.push(("fixed", baseline.fixed.to_string()));
    }
    w.create_element("properties").write_inner_content(|w| {
        for (name, value) in &properties {
            w.create_element("property")
                .with_attributes([("name", *name), ("value", value.as_str())])
                .write_empty()?;
        }
        Ok(())
    })?;
    Ok(())
}

fn write_case(
    w: &mut Writer<Vec<u8>>,
    case: &Case,
    suite: &str,
    fails: &dyn Fn(&Finding) -> bool,
) -> std::io::Result<()> {
    let classname = format!("stackaudit.{}.{}", case.family, suite.replace(' ', "."));
    let element = w.create_element("testcase").with_attributes([
        ("name", xml_safe(&case.name).as_str()),
        ("classname", xml_safe(&classname).as_str()),
    ]);
    match case.outcome {
        Outcome::Passed => {
            element.write_empty()?;
        }
        Outcome::NotRun(reason) => {
            element.write_inner_content(|w| {
                w.create_element("skipped")
                    .with_attribute(("message", reason))
                    .write_empty()?;
                Ok(())
            })?;
        }
        Outcome::Finding(f) => {
            element.write_inner_content(|w| {
                if fails(f) {
                    w.create_element("failure")
                        .with_attributes([
                            ("message", xml_safe(&f.message.text()).as_str()),
                            ("type", f.severity.as_str()),
                        ])
                        .write_text_content(BytesText::new(&xml_safe(&describe(f))))?;
                    return Ok(());
                }
                if let Some(wv) = &f.waiver {
                    let reason = format!(
                        "waived until {} by {}: {}",
                        wv.expires, wv.approved_by, wv.reason
                    );
                    w.create_element("skipped")
                        .with_attribute(("message", xml_safe(&reason).as_str()))
                        .write_empty()?;
                }
                // Below the threshold or waived: the finding is still reported.
                w.create_element("system-out")
                    .write_text_content(BytesText::new(&xml_safe(&describe(f))))?;
                Ok(())
            })?;
        }
    }
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
        f.severity,
        f.message,
        f.remediation()
    )
}
