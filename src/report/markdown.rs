//! Markdown for pull-request comments and procurement files.
//!
//! Inventory text is escaped so it cannot break tables or inject links or
//! HTML. GitHub caps a comment at 65,536 characters: when the report would be
//! longer, the least severe findings are left out, and the report says how
//! many.

use std::fmt::Write as _;

use crate::audit::AuditResult;
use crate::checks::{Finding, Severity};

/// GitHub's limit on a pull-request comment body.
pub const COMMENT_LIMIT: usize = 65_536;

/// Escapes text for a Markdown table cell or paragraph.
pub fn escape(text: &str) -> String {
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

pub fn render(result: &AuditResult) -> String {
    let all = result.findings.len();
    let full = render_with(result, all);
    if full.len() <= COMMENT_LIMIT {
        return full;
    }
    // Findings are sorted most severe first, so keeping a prefix drops the
    // least severe. Estimate the longest prefix that fits from the size of
    // each finding's row and bullet (one pass), then confirm by rendering.
    let fixed = render_with(result, 0).len() + 400;
    let mut size = fixed;
    let mut seen_tools = std::collections::HashSet::new();
    let mut keep = 0;
    for f in &result.findings {
        let mut cost = finding_row(f).len() + finding_bullet(f).len() + 2;
        if let Some(t) = f.tool.as_deref().and_then(|id| result.tool(id))
            && seen_tools.insert(t.id.as_str())
        {
            cost += tool_heading(t).len();
        }
        if size + cost > COMMENT_LIMIT {
            break;
        }
        size += cost;
        keep += 1;
    }
    loop {
        let text = render_with(result, keep);
        if text.len() <= COMMENT_LIMIT || keep == 0 {
            return text;
        }
        keep -= keep.div_ceil(10);
    }
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
        None => escape(&f.remediation),
    };
    format!(
        "| {tool} | `{}` | {} | {what} |\n",
        f.check,
        escape(&f.message)
    )
}

fn finding_bullet(f: &Finding) -> String {
    let waived = if f.is_waived() { " (waived)" } else { "" };
    format!(
        "- **{}**{waived} `{}`: {}\n",
        f.severity,
        f.check,
        escape(&f.message)
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
    format!(
        "### {} (`{}`)\n\n{} · {} · owner {owner} · score **{}/100**{cost}{renewal}\n\n",
        escape(&t.name),
        escape(&t.id),
        t.category,
        t.status,
        t.score
    )
}

fn render_with(result: &AuditResult, keep: usize) -> String {
    let findings = &result.findings[..keep];
    let left_out = result.findings.len() - keep;
    let s = &result.summary;
    let mut out = String::new();
    let org = result
        .organization
        .as_deref()
        .map(|o| format!(" — {}", escape(o)))
        .unwrap_or_default();
    let _ = writeln!(out, "# Stack audit{org}\n");
    let verdict = match result.fail_on {
        Some(t) if result.fails() => format!(
            "**FAIL**: {} finding(s) at or above {t}",
            result.failing_count()
        ),
        Some(t) => format!("**PASS**: no findings at or above {t}"),
        None => "report only".to_string(),
    };
    let _ = writeln!(
        out,
        "Inventory `{}` · as of {} · {verdict}\n",
        escape(&result.stack_path),
        result.as_of
    );

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
    if left_out > 0 {
        let _ = writeln!(
            out,
            "> **Note:** {left_out} finding(s) of the lowest severities are left out to fit a pull-request comment. Run `stackaudit audit --format markdown --output report.md` for the full report.\n"
        );
    }

    for severity in Severity::DESCENDING {
        let of_severity: Vec<&Finding> =
            findings.iter().filter(|f| f.severity == severity).collect();
        if of_severity.is_empty() {
            continue;
        }
        let name = severity.as_str();
        let _ = writeln!(
            out,
            "## {}{} ({})\n",
            name[..1].to_uppercase(),
            &name[1..],
            of_severity.len()
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
    }
}
