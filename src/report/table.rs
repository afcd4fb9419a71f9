//! The terminal report: a summary, then findings grouped by tool, each with
//! what to do about it.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table};

use super::RenderOptions;
use super::sanitize::{cell as cell_text, text as clean};
use crate::audit::AuditResult;
use crate::checks::{Finding, Severity};

const DEFAULT_WIDTH: u16 = 100;

/// Above this many findings, each finding is printed as plain lines rather
/// than as a row of a boxed table: laying out tens of thousands of boxes
/// costs seconds, and nobody reads them in a terminal anyway.
pub const COMPACT_ABOVE: usize = 2_000;

/// `  HIGH      check-id  message` and an indented `→ remediation` line.
fn findings_lines(findings: &[&Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let waived = if f.is_waived() { " (waived)" } else { "" };
        out.push_str(&format!(
            "  {:<8} {}{waived}: {}\n",
            f.severity.as_str().to_uppercase(),
            clean(&f.check),
            clean(&f.message.text())
        ));
        match &f.waiver {
            Some(w) => out.push_str(&format!(
                "           WAIVED until {} by {}: {}\n",
                w.expires,
                clean(&w.approved_by),
                clean(&w.reason)
            )),
            None => out.push_str(&format!("           → {}\n", clean(f.remediation()))),
        }
    }
    out
}

fn findings_block(findings: &[&Finding], compact: bool, options: &RenderOptions) -> String {
    if compact {
        findings_lines(findings)
    } else {
        format!("{}\n", findings_table(findings, options))
    }
}

fn new_table(options: &RenderOptions) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(options.width.unwrap_or(DEFAULT_WIDTH).max(40));
    if options.color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t
}

fn severity_cell(s: Severity, waived: bool, options: &RenderOptions) -> Cell {
    let label = s.as_str().to_uppercase();
    let cell = Cell::new(if waived {
        format!("{label}\n(waived)")
    } else {
        label
    });
    if !options.color || waived {
        return cell;
    }
    let color = match s {
        Severity::Critical => Color::Magenta,
        Severity::High => Color::Red,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Cyan,
        Severity::Info => Color::Grey,
    };
    cell.fg(color).add_attribute(Attribute::Bold)
}

fn findings_table(findings: &[&Finding], options: &RenderOptions) -> Table {
    let mut t = new_table(options);
    t.set_header(["Severity", "Check", "Finding and what to do"]);
    for f in findings {
        let text = match &f.waiver {
            Some(w) => format!(
                "{}\nWAIVED until {} by {}: {}",
                cell_text(&f.message.text()),
                w.expires,
                cell_text(&w.approved_by),
                cell_text(&w.reason)
            ),
            None => format!(
                "{}\n→ {}",
                cell_text(&f.message.text()),
                cell_text(f.remediation())
            ),
        };
        t.add_row(vec![
            severity_cell(f.severity, f.is_waived(), options),
            Cell::new(cell_text(&f.check)),
            Cell::new(text),
        ]);
    }
    t
}

fn percent(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

pub fn render(result: &AuditResult, options: &RenderOptions) -> String {
    let mut out = String::new();
    let s = &result.summary;
    let title = match &result.organization {
        Some(org) => format!(
            "Stack audit · {} · {} · as of {}",
            clean(org),
            clean(&result.stack_path),
            result.as_of
        ),
        None => format!(
            "Stack audit · {} · as of {}",
            clean(&result.stack_path),
            result.as_of
        ),
    };
    out.push_str(&title);
    out.push_str("\n\n");

    let mut summary = new_table(options);
    summary.add_row(vec![Cell::new("Tools audited"), Cell::new(s.tools_audited)]);
    let counts: Vec<String> = Severity::DESCENDING
        .iter()
        .map(|sev| format!("{} {sev}", s.count(*sev)))
        .collect();
    let waived = if s.waived > 0 {
        format!("; {} more waived", s.waived)
    } else {
        String::new()
    };
    let with_baseline = result.baseline.is_some();
    summary.add_row(vec![
        Cell::new(if with_baseline {
            "New findings"
        } else {
            "Findings"
        }),
        Cell::new(format!("{} ({}){waived}", s.total(), counts.join(", "))),
    ]);
    let coverage = match (s.integration_coverage, &result.system_of_record) {
        (Some(c), Some(sor)) => format!(
            "{} ({} of {} tools holding personal or customer data exchange data with {sor})",
            percent(c),
            s.coverage_connected,
            s.coverage_eligible
        ),
        _ => "not measured: set policy.system_of_record".to_string(),
    };
    summary.add_row(vec![Cell::new("Integration coverage"), Cell::new(coverage)]);
    if let Some(statement) = super::baseline_statement(result) {
        summary.add_row(vec![Cell::new("Baseline"), Cell::new(statement)]);
    }
    summary.add_row(vec![
        Cell::new("Stack score"),
        Cell::new(format!("{} / 100", s.score)),
    ]);
    out.push_str(&summary.to_string());
    out.push('\n');

    let compact = result.findings.len() > COMPACT_ABOVE;
    let stack_level: Vec<&Finding> = result
        .findings
        .iter()
        .filter(|f| f.tool.is_none())
        .collect();
    if !stack_level.is_empty() {
        out.push_str("\nWhole stack\n");
        out.push_str(&findings_block(&stack_level, compact, options));
    }

    // Group once: scanning all findings per tool would be quadratic.
    let mut by_tool: std::collections::HashMap<&str, Vec<&Finding>> =
        std::collections::HashMap::new();
    for f in &result.findings {
        if let Some(t) = &f.tool {
            by_tool.entry(t.as_str()).or_default().push(f);
        }
    }
    let mut clean_tools = Vec::new();
    let mut known_only = Vec::new();
    // Tools with the most serious findings first, so the eye lands on them;
    // ties by id, so the order of the file does not show.
    let mut tools: Vec<_> = result.tools.iter().collect();
    tools.sort_by(|a, b| a.score.cmp(&b.score).then_with(|| a.id.cmp(&b.id)));
    for tool in tools {
        let findings = by_tool
            .get(tool.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        if findings.is_empty() {
            if tool.known > 0 {
                known_only.push(format!("{} ({})", clean(&tool.id), tool.known));
            } else if tool.audited {
                clean_tools.push(clean(&tool.id));
            }
            continue;
        }
        let owner = tool
            .owner
            .as_deref()
            .map(|o| format!(" · owner {}", clean(o)))
            .unwrap_or_else(|| " · no owner".into());
        let known = match tool.known {
            0 => String::new(),
            n => format!(" · {n} known left out"),
        };
        out.push_str(&format!(
            "\n{} ({}) · {} · {}{owner} · score {}/100{known}\n",
            clean(&tool.name),
            clean(&tool.id),
            tool.category,
            tool.status,
            tool.score
        ));
        out.push_str(&findings_block(findings, compact, options));
    }
    // With a baseline, a tool without new findings may still have known ones.
    let new = if with_baseline { "new " } else { "" };
    if !known_only.is_empty() {
        out.push_str(&format!(
            "\nOnly known findings, left out: {}\n",
            known_only.join(", ")
        ));
    }
    if !clean_tools.is_empty() {
        let label = if with_baseline {
            "No new findings"
        } else {
            "No findings"
        };
        out.push_str(&format!("\n{label}: {}\n", clean_tools.join(", ")));
    }

    out.push('\n');
    match result.fail_on {
        Some(threshold) => {
            let failing = result.failing_count();
            if failing > 0 {
                out.push_str(&format!("Result: FAIL — {failing} {new}finding(s) at or above {threshold} (--fail-on {threshold})\n"));
            } else {
                out.push_str(&format!(
                    "Result: PASS — no {new}findings at or above {threshold}\n"
                ));
            }
        }
        None => out.push_str("Result: report only (--fail-on never)\n"),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::audit_text;

    #[test]
    fn tools_of_equal_score_are_listed_by_id_whatever_the_file_order() {
        let tool = |id: &str| {
            format!("[[tool]]\nid = \"{id}\"\nname = \"Tool {id}\"\ncategory = \"chat\"\n\n")
        };
        let [zeta, alpha] = [tool("zeta"), tool("alpha")];
        let render_in = |tools: &str| {
            render(
                &audit_text(&format!("schema = 1\n\n{tools}")),
                &RenderOptions::default(),
            )
        };
        let forward = render_in(&format!("{zeta}{alpha}"));
        assert_eq!(forward, render_in(&format!("{alpha}{zeta}")));
        let at = |id: &str| forward.find(&format!("\nTool {id} ({id})")).unwrap();
        assert!(at("alpha") < at("zeta"), "{forward}");
    }

    #[test]
    fn a_long_waiver_reason_is_cut_in_the_findings_table() {
        // One unbroken word, as a fuzzed inventory wrote it.
        let reason = "{id}".repeat(75_000);
        let text = format!(
            r#"schema = 1

[[tool]]
id = "chat"
name = "Chat"
category = "chat"
status = "active"

[[waiver]]
check = "*"
tool = "chat"
reason = "{reason}"
approved_by = "ciso"
expires = 2029-01-01
"#
        );
        let result = audit_text(&text);
        let waived = result.findings.iter().filter(|f| f.is_waived()).count();
        assert!(waived > 0);
        let out = render(&result, &RenderOptions::default());
        assert!(out.contains("WAIVED until 2029-01-01 by ciso: {id}{id}"));
        // Each finding shows at most a message's length of the reason.
        let shown = out.matches("{id}").count() * 4;
        assert!(
            shown <= waived * crate::diagnostic::MAX_MESSAGE_CHARS,
            "{shown} characters of the reason shown for {waived} findings"
        );
    }
}
