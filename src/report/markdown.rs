//! Markdown for pull-request comments and procurement files.
//!
//! Inventory text is sanitised and escaped so it cannot break tables, inject
//! links or HTML, or drive a terminal. A report can be capped in size (GitHub
//! caps a comment at 65,536 characters): then the least severe findings are
//! left out first, never a critical or high one while a lower one is kept,
//! and the report says how many of each severity are missing and which
//! command prints everything.

use std::fmt::Write as _;

use super::RenderOptions;
use super::sanitize;
use crate::audit::AuditResult;
use crate::checks::stack::group_thousands;
use crate::checks::{Finding, Severity};

/// GitHub's limit on a pull-request comment body.
pub const COMMENT_LIMIT: usize = 65_536;

/// Escapes text for a Markdown table cell or paragraph, after sanitising it.
pub fn escape(text: &str) -> String {
    let text = sanitize::text_keeping_line_breaks(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '|' | '[' | ']' | '*' | '_' | '`' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn percent(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn count(n: usize) -> String {
    group_thousands(n as f64)
}

/// The report, capped at `options.max_bytes` when set.
pub fn render(result: &AuditResult, options: &RenderOptions) -> String {
    let all = result.findings.len();
    let full = render_with(result, all, options);
    let Some(limit) = options.max_bytes else {
        return full;
    };
    if full.len() <= limit {
        return full;
    }
    // Findings are sorted most severe first, so keeping a prefix leaves out
    // the least severe. The longest prefix that fits, by bisection (the
    // size grows with every finding kept).
    let (mut fits, mut too_long) = (0, all);
    while too_long - fits > 1 {
        let mid = fits + (too_long - fits) / 2;
        if render_with(result, mid, options).len() <= limit {
            fits = mid;
        } else {
            too_long = mid;
        }
    }
    render_with(result, fits, options)
}

fn finding_row(f: &Finding) -> String {
    let tool = f
        .tool
        .as_deref()
        .map(|t| format!("`{}`", escape(t)))
        .unwrap_or_else(|| "*stack*".into());
    let what = match &f.waiver {
        Some(w) => format!(
            "**Waived** until {} by {}: {}",
            w.expires,
            escape(&w.approved_by),
            escape(&w.reason)
        ),
        None => escape(f.remediation()),
    };
    format!(
        "| {tool} | `{}` | {} | {what} |\n",
        sanitize::text(&f.check),
        escape(&f.message.text())
    )
}

fn finding_bullet(f: &Finding) -> String {
    let waived = if f.is_waived() { " (waived)" } else { "" };
    format!(
        "- **{}**{waived} `{}`: {}\n",
        f.severity,
        sanitize::text(&f.check),
        escape(&f.message.text())
    )
}

fn tool_heading(t: &crate::audit::ToolSummary) -> String {
    let owner = t
        .owner
        .as_deref()
        .map(escape)
        .unwrap_or_else(|| "**no owner**".into());
    let cost = t
        .annual_cost
        .map(|c| {
            format!(
                " · {} {} a year",
                crate::checks::stack::group_thousands(c),
                escape(t.currency.as_deref().unwrap_or(""))
            )
        })
        .unwrap_or_default();
    let renewal = t
        .renewal
        .map(|d| format!(" · renews {d}"))
        .unwrap_or_default();
    let known = match t.known {
        0 => String::new(),
        n => format!(" · {n} known finding(s) left out"),
    };
    format!(
        "### {} (`{}`)\n\n{} · {} · owner {owner} · score **{}/100**{cost}{renewal}{known}\n\n",
        escape(&t.name),
        escape(&t.id),
        t.category,
        t.status,
        t.score
    )
}

/// `stackaudit audit STACK --format markdown --output report.md`: the
/// command that prints everything, unless the caller knows the exact one.
fn full_report_command(result: &AuditResult, options: &RenderOptions) -> String {
    options.full_report_command.clone().unwrap_or_else(|| {
        format!(
            "stackaudit audit {} --format markdown --output report.md",
            result.stack_path
        )
    })
}

fn render_with(result: &AuditResult, keep: usize, options: &RenderOptions) -> String {
    let findings = &result.findings[..keep];
    let s = &result.summary;
    let mut out = String::new();
    let org = result
        .organization
        .as_deref()
        .map(|o| format!(" — {}", escape(o)))
        .unwrap_or_default();
    let _ = writeln!(out, "# Stack audit{org}\n");
    let new = if result.baseline.is_some() {
        "new "
    } else {
        ""
    };
    let verdict = match result.fail_on {
        Some(t) if result.fails() => format!(
            "**FAIL**: {} {new}finding(s) at or above {t}",
            result.failing_count()
        ),
        Some(t) => format!("**PASS**: no {new}findings at or above {t}"),
        None => "report only".to_string(),
    };
    let _ = writeln!(
        out,
        "Inventory `{}` · as of {} · {verdict}\n",
        escape(&result.stack_path),
        result.as_of
    );
    if let Some(b) = result.baseline {
        let _ = writeln!(
            out,
            "> **Baseline:** {} known finding(s) (in the baseline, or in the base version) are left out of this report, which lists only new ones; {} known finding(s) are fixed.\n",
            count(b.known),
            count(b.fixed)
        );
    }

    let _ = writeln!(
        out,
        "| Tools audited | Critical | High | Medium | Low | Info | Waived | Integration coverage | Stack score |"
    );
    let _ = writeln!(
        out,
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    let coverage = s.integration_coverage.map_or("—".to_string(), percent);
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {coverage} | {} / 100 |\n",
        s.tools_audited, s.critical, s.high, s.medium, s.low, s.info, s.waived, s.score
    );
    let total_of = |severity: Severity| {
        result
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };
    if keep < result.findings.len() {
        let left_out: Vec<String> = Severity::DESCENDING
            .iter()
            .filter_map(|sev| {
                let kept = findings.iter().filter(|f| f.severity == *sev).count();
                let missing = total_of(*sev) - kept;
                (missing > 0).then(|| format!("{} {sev}", count(missing)))
            })
            .collect();
        let limit = options.max_bytes.unwrap_or(COMMENT_LIMIT);
        let _ = writeln!(
            out,
            "> **Note:** this report is capped at {} bytes, so it leaves out {} finding(s), the least severe first: {}. The counts above include them. For every finding, run `{}`.\n",
            count(limit),
            count(result.findings.len() - keep),
            left_out.join(", "),
            full_report_command(result, options)
        );
    }

    for severity in Severity::DESCENDING {
        let of_severity: Vec<&Finding> =
            findings.iter().filter(|f| f.severity == severity).collect();
        if of_severity.is_empty() {
            continue;
        }
        let name = severity.as_str();
        let total = total_of(severity);
        let shown = if of_severity.len() < total {
            format!("{} of {}", count(of_severity.len()), count(total))
        } else {
            count(total)
        };
        let _ = writeln!(
            out,
            "## {}{} ({shown})\n",
            name[..1].to_uppercase(),
            &name[1..],
        );
        let _ = writeln!(out, "| Tool | Check | Finding | What to do |");
        let _ = writeln!(out, "| --- | --- | --- | --- |");
        for f in of_severity {
            out.push_str(&finding_row(f));
        }
        out.push('\n');
    }

    let grouped = super::by_tool(findings);
    let mut tools: Vec<_> = result
        .tools
        .iter()
        .filter(|t| grouped.contains_key(t.id.as_str()))
        .collect();
    if !tools.is_empty() {
        let _ = writeln!(out, "## Tools\n");
    }
    tools.sort_by(|a, b| a.score.cmp(&b.score).then(a.id.cmp(&b.id)));
    for t in tools {
        out.push_str(&tool_heading(t));
        for f in &grouped[t.id.as_str()] {
            out.push_str(&finding_bullet(f));
        }
        out.push('\n');
    }
    let known_only: Vec<String> = result
        .tools
        .iter()
        .filter(|t| t.known > 0 && !grouped.contains_key(t.id.as_str()))
        .map(|t| format!("`{}` ({})", escape(&t.id), count(t.known)))
        .collect();
    if !known_only.is_empty() {
        let _ = writeln!(
            out,
            "Only known findings, left out above: {}\n",
            known_only.join(", ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_table_breakers_links_and_html() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(
            escape("<script>x</script>"),
            "&lt;script&gt;x&lt;/script&gt;"
        );
        assert_eq!(escape("[click](http://evil)"), "\\[click\\](http://evil)");
        assert_eq!(escape("two\nlines"), "two lines");
        assert_eq!(escape("CRM\u{1b}[2J\u{7}"), "CRM\\\\u{1b}\\[2J\\\\u{7}");
    }
}
