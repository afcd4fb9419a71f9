//! A self-contained HTML page for procurement reviews.
//!
//! No network requests: inline CSS and inline SVG only, no fonts or scripts,
//! and a Content-Security-Policy that forbids loading anything. All inventory
//! text goes through askama's auto-escaping; links are emitted only for
//! `http` and `https` URLs; backticks in messages become `<code>` after
//! escaping. The page prints to A4 (nothing wider than the page, links
//! followed by their URL) and reads on a 390 px phone.

use std::collections::BTreeMap;

use askama::Template;

use super::graph::layout::{self, Layout};
use crate::audit::{AuditResult, ToolSummary};
use crate::checks::{Finding, Severity, stack::group_thousands};

/// Above this many tools the integration graph is left out: it would be unreadable.
pub const MAX_GRAPH_TOOLS: usize = 150;

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    title: String,
    stack_path: &'a str,
    as_of: String,
    verdict: String,
    failed: bool,
    score: u32,
    tools_audited: usize,
    coverage: String,
    total_cost: String,
    uncounted_cost: Option<String>,
    waived: usize,
    baseline: Option<String>,
    severity_chart: Chart,
    family_chart: Chart,
    tools: Vec<ToolRow<'a>>,
    stack_findings: Vec<FindingView<'a>>,
    graph: Option<GraphView>,
    graph_note: Option<String>,
    version: &'static str,
}

struct Chart {
    width: u32,
    height: u32,
    bars: Vec<Bar>,
}

struct Bar {
    label: String,
    value: usize,
    y: u32,
    width: u32,
    class: &'static str,
}

struct ToolRow<'a> {
    tool: &'a ToolSummary,
    url: Option<&'a str>,
    cost: String,
    renewal: String,
    counts: String,
    score_class: &'static str,
    findings: Vec<FindingView<'a>>,
}

struct FindingView<'a> {
    finding: &'a Finding,
    severity: &'static str,
    title: &'a str,
    /// Escaped message and remediation, with `code` spans as <code>.
    message: String,
    remediation: String,
    controls: String,
    waiver: Option<String>,
}

/// The laid-out graph with coordinates written as SVG wants them.
struct GraphView {
    width: String,
    height: String,
    node_w: String,
    node_h: String,
    headers: Vec<(String, String, String)>,
    nodes: Vec<NodeView>,
    edges: Vec<EdgeView>,
}

struct NodeView {
    id: String,
    name: String,
    label: String,
    detail: String,
    class: &'static str,
    x: String,
    y: String,
    text_x: String,
    name_y: String,
    detail_y: String,
}

struct EdgeView {
    from: String,
    to: String,
    /// Names of the ends and the arrow between them, for the table of
    /// integrations that accompanies the picture.
    from_name: String,
    to_name: String,
    arrow: &'static str,
    path: String,
    class: &'static str,
    marker_start: bool,
    marker_end: bool,
    label_full: String,
    label: String,
    box_x: String,
    box_y: String,
    box_w: String,
    box_h: String,
    text_x: String,
    text_y: String,
}

/// SVG numbers: one decimal at most.
fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

fn graph_view(g: &Layout) -> GraphView {
    let name_of = |id: &str| {
        g.nodes
            .iter()
            .find(|n| n.id == id)
            .map_or_else(|| id.to_string(), |n| n.name.clone())
    };
    GraphView {
        width: n(g.width),
        height: n(g.height),
        node_w: n(layout::NODE_W),
        node_h: n(layout::NODE_H),
        headers: g
            .headers
            .iter()
            .map(|h| (n(h.x), n(h.y), h.text.clone()))
            .collect(),
        nodes: g
            .nodes
            .iter()
            .map(|node| NodeView {
                id: node.id.clone(),
                name: node.name.clone(),
                label: node.label.clone(),
                detail: node.detail.clone(),
                class: match (node.serious, node.retiring) {
                    (true, true) => "node high retiring",
                    (true, false) => "node high",
                    (false, true) => "node retiring",
                    (false, false) => "node",
                },
                x: n(node.x),
                y: n(node.y),
                text_x: n(node.x + 8.0),
                name_y: n(node.y + 17.0),
                detail_y: n(node.y + 32.0),
            })
            .collect(),
        edges: g
            .edges
            .iter()
            .map(|e| EdgeView {
                from: e.from.clone(),
                to: e.to.clone(),
                from_name: name_of(&e.from),
                to_name: name_of(&e.to),
                arrow: match (e.forward, e.backward) {
                    (true, true) => "↔",
                    (false, true) => "←",
                    _ => "→",
                },
                path: e
                    .points
                    .iter()
                    .enumerate()
                    .map(|(i, (x, y))| {
                        format!("{}{},{}", if i == 0 { "M" } else { "L" }, n(*x), n(*y))
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                class: if e.manual { "edge manual" } else { "edge" },
                marker_start: e.backward,
                marker_end: e.forward,
                label_full: e.label.full.clone(),
                label: e.label.text.clone(),
                box_x: n(e.label.x),
                box_y: n(e.label.y),
                box_w: n(e.label.width),
                box_h: n(e.label.height),
                text_x: n(e.label.x + e.label.width / 2.0),
                text_y: n(e.label.y + e.label.height - 4.0),
            })
            .collect(),
    }
}

/// Only web links: anything else (`javascript:`, `data:`) is shown as text.
fn safe_url(url: Option<&str>) -> Option<&str> {
    url.filter(|u| {
        let lower = u.to_ascii_lowercase();
        (lower.starts_with("https://") || lower.starts_with("http://"))
            && !u.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

fn severity_class(s: Severity) -> &'static str {
    s.as_str()
}

/// HTML-escapes `s` and renders Markdown code spans (`` `id` ``) as
/// `<code>`; an unmatched backtick stays as it is.
fn inline_code(s: &str) -> String {
    fn escape(s: &str, out: &mut String) {
        for c in s.chars() {
            match c {
                '&' => out.push_str("&#38;"),
                '<' => out.push_str("&#60;"),
                '>' => out.push_str("&#62;"),
                '"' => out.push_str("&#34;"),
                '\'' => out.push_str("&#39;"),
                c => out.push(c),
            }
        }
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find('`') {
        let Some(len) = rest[start + 1..].find('`') else {
            break;
        };
        escape(&rest[..start], &mut out);
        let code = &rest[start + 1..start + 1 + len];
        if code.is_empty() {
            out.push_str("``");
        } else {
            out.push_str("<code>");
            escape(code, &mut out);
            out.push_str("</code>");
        }
        rest = &rest[start + 2 + len..];
    }
    escape(rest, &mut out);
    out
}

fn finding_view<'a>(result: &'a AuditResult, f: &'a Finding) -> FindingView<'a> {
    FindingView {
        finding: f,
        severity: severity_class(f.severity),
        title: result.check(&f.check).map_or("", |c| c.title.as_str()),
        message: inline_code(&f.message.text()),
        remediation: inline_code(f.remediation()),
        controls: f.controls().join(", "),
        waiver: f.waiver.as_ref().map(|w| {
            format!(
                "Waived until {} by {}: {}{}",
                w.expires,
                w.approved_by,
                w.reason,
                w.ticket
                    .as_deref()
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default()
            )
        }),
    }
}

fn bar_chart(rows: Vec<(String, usize, &'static str)>) -> Chart {
    const ROW: u32 = 26;
    const LABEL: u32 = 130;
    const WIDTH: u32 = 520;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, value, class))| Bar {
            label,
            value,
            y: i as u32 * ROW,
            width: ((value as f64 / max as f64) * f64::from(WIDTH - LABEL - 50)).round() as u32,
            class,
        })
        .collect::<Vec<_>>();
    Chart {
        width: WIDTH,
        height: (bars.len() as u32).max(1) * ROW,
        bars,
    }
}

/// The annual cost of the tools, one sum per currency. Amounts without a
/// currency are never added into one: they are returned apart.
fn cost_totals<'a>(tools: impl Iterator<Item = &'a ToolSummary>) -> (String, Option<String>) {
    let mut costs: BTreeMap<&str, f64> = BTreeMap::new();
    let mut uncounted = (0usize, 0.0f64);
    for t in tools {
        let Some(c) = t.annual_cost.filter(|c| *c > 0.0) else {
            continue;
        };
        match t
            .currency
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            Some(currency) => *costs.entry(currency).or_default() += c,
            None => {
                uncounted.0 += 1;
                uncounted.1 += c;
            }
        }
    }
    let total = if costs.is_empty() {
        "—".to_string()
    } else {
        costs
            .iter()
            .map(|(cur, v)| format!("{} {cur}", group_thousands(*v)))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let apart = (uncounted.0 > 0).then(|| {
        format!(
            "Not included: {} for {} tool{} with no currency given",
            group_thousands(uncounted.1),
            uncounted.0,
            if uncounted.0 == 1 { "" } else { "s" }
        )
    });
    (total, apart)
}

pub fn render(result: &AuditResult) -> anyhow::Result<String> {
    let s = &result.summary;
    let grouped = super::by_tool(&result.findings);
    let empty = Vec::new();
    // A tool that is not audited (retiring) can still have findings: it is
    // listed then, so that every finding appears in the report.
    let mut tools: Vec<&ToolSummary> = result
        .tools
        .iter()
        .filter(|t| t.audited || grouped.contains_key(t.id.as_str()))
        .collect();
    tools.sort_by(|a, b| a.score.cmp(&b.score).then(a.id.cmp(&b.id)));
    let tool_rows = tools
        .into_iter()
        .map(|t| {
            let mine = grouped.get(t.id.as_str()).unwrap_or(&empty);
            let counts: Vec<String> = Severity::DESCENDING
                .iter()
                .filter_map(|sev| {
                    let n = mine
                        .iter()
                        .filter(|f| !f.is_waived() && f.severity == *sev)
                        .count();
                    (n > 0).then(|| format!("{n} {sev}"))
                })
                .collect();
            ToolRow {
                tool: t,
                url: safe_url(t.url.as_deref()),
                cost: t
                    .annual_cost
                    .map(|c| {
                        format!(
                            "{} {}",
                            group_thousands(c),
                            t.currency.as_deref().unwrap_or("")
                        )
                        .trim()
                        .to_string()
                    })
                    .unwrap_or_else(|| "—".into()),
                renewal: t.renewal.map_or("—".into(), |d| d.to_string()),
                counts: match (counts.is_empty(), result.baseline.is_some()) {
                    (true, false) => "none".into(),
                    (true, true) if t.known == 0 => "none".into(),
                    (true, true) => format!("none new ({} known left out)", t.known),
                    (false, true) if t.known > 0 => {
                        format!("{} ({} known left out)", counts.join(", "), t.known)
                    }
                    (false, _) => counts.join(", "),
                },
                score_class: match t.score {
                    80.. => "good",
                    50..=79 => "fair",
                    _ => "poor",
                },
                findings: mine.iter().map(|f| finding_view(result, f)).collect(),
            }
        })
        .collect();
    let (total_cost, uncounted_cost) = cost_totals(result.tools.iter().filter(|t| t.audited));
    let severity_chart = bar_chart(
        Severity::DESCENDING
            .iter()
            .map(|sev| {
                (
                    sev.as_str().to_string(),
                    s.count(*sev),
                    severity_class(*sev),
                )
            })
            .collect(),
    );
    let mut families: BTreeMap<&str, usize> = BTreeMap::new();
    for f in result.findings.iter().filter(|f| !f.is_waived()) {
        let family = result
            .check(&f.check)
            .map_or("other", |c| c.family.as_str());
        *families.entry(family).or_default() += 1;
    }
    let family_chart = bar_chart(
        families
            .into_iter()
            .map(|(k, v)| (k.to_string(), v, "family"))
            .collect(),
    );
    let too_many = |what: String| {
        inline_code(&format!(
            "{what}; use `stackaudit graph --format dot` to draw it with Graphviz."
        ))
    };
    let (graph, graph_note) = if result.tools.len() > MAX_GRAPH_TOOLS {
        (
            None,
            Some(too_many(format!(
                "The stack has {} tools; the graph is drawn here for at most {MAX_GRAPH_TOOLS}",
                result.tools.len()
            ))),
        )
    } else {
        match layout::layout(result, &super::graph::serious(result)) {
            Ok(g) => (Some(graph_view(&g)), None),
            Err(deep) => (
                None,
                Some(too_many(format!(
                    "Data flows through chains of up to {} tools; the graph is drawn here for at most {}",
                    deep.columns,
                    layout::MAX_TOOL_COLUMNS
                ))),
            ),
        }
    };
    let verdict = match result.fail_on {
        Some(t) if result.fails() => format!(
            "FAIL: {} finding(s) at or above {t}",
            result.failing_count()
        ),
        Some(t) => format!("PASS: no findings at or above {t}"),
        None => "Report only".to_string(),
    };
    let page = Page {
        title: match &result.organization {
            Some(o) => format!("Stack audit — {o}"),
            None => "Stack audit".to_string(),
        },
        stack_path: &result.stack_path,
        as_of: result.as_of.to_string(),
        failed: result.fails(),
        verdict,
        score: s.score,
        tools_audited: s.tools_audited,
        coverage: s.integration_coverage.map_or("not measured".into(), |c| {
            format!(
                "{:.0}% ({} of {})",
                c * 100.0,
                s.coverage_connected,
                s.coverage_eligible
            )
        }),
        total_cost,
        uncounted_cost,
        waived: s.waived,
        baseline: result.baseline.map(|b| {
            format!(
                "{} known findings left out by --baseline/--base; {} known findings fixed",
                b.known, b.fixed
            )
        }),
        severity_chart,
        family_chart,
        tools: tool_rows,
        stack_findings: result
            .findings
            .iter()
            .filter(|f| f.tool.is_none())
            .map(|f| finding_view(result, f))
            .collect(),
        graph,
        graph_note,
        version: env!("CARGO_PKG_VERSION"),
    };
    Ok(page.render()?)
}

#[cfg(test)]
mod tests {
    use super::{cost_totals, inline_code, safe_url};
    use crate::audit::ToolSummary;

    fn tool(cost: Option<f64>, currency: Option<&str>) -> ToolSummary {
        ToolSummary {
            id: "t".into(),
            name: "T".into(),
            vendor: None,
            category: "crm",
            status: "active",
            owner: None,
            annual_cost: cost,
            currency: currency.map(str::to_string),
            renewal: None,
            url: None,
            score: 100,
            audited: true,
            known: 0,
            facts: None,
        }
    }

    #[test]
    fn costs_without_a_currency_are_never_summed_into_one() {
        let tools = [
            tool(Some(265_800.0), Some("EUR")),
            tool(Some(200_000.0), None),
            tool(Some(75_000.0), Some(" ")),
            tool(Some(1_000.0), Some("USD")),
        ];
        let (total, apart) = cost_totals(tools.iter());
        assert_eq!(total, "265,800 EUR + 1,000 USD");
        assert_eq!(
            apart.as_deref(),
            Some("Not included: 275,000 for 2 tools with no currency given")
        );
        let (total, apart) = cost_totals([tool(Some(5.0), None)].iter());
        assert_eq!(total, "—");
        assert!(apart.unwrap().contains("1 tool with"));
    }

    #[test]
    fn code_spans_become_code_after_escaping() {
        assert_eq!(
            inline_code("the category `advertising` <b> & `x<y>`"),
            "the category <code>advertising</code> &#60;b&#62; &#38; <code>x&#60;y&#62;</code>"
        );
        assert_eq!(inline_code("one ` left"), "one ` left");
        assert_eq!(inline_code("``"), "``");
    }

    #[test]
    fn only_web_links_are_links() {
        assert_eq!(
            safe_url(Some("https://x.example")),
            Some("https://x.example")
        );
        assert_eq!(safe_url(Some("HTTP://x.example")), Some("HTTP://x.example"));
        assert_eq!(safe_url(Some("javascript:alert(1)")), None);
        assert_eq!(safe_url(Some("data:text/html,<b>")), None);
        assert_eq!(safe_url(Some("https://x.example/a b")), None);
        assert_eq!(safe_url(None), None);
    }
}
