//! A self-contained HTML page for procurement reviews.
//!
//! No network requests: inline CSS and inline SVG only, no fonts or scripts,
//! and a Content-Security-Policy that forbids loading anything. All inventory
//! text goes through askama's auto-escaping; links are emitted only for
//! `http` and `https` URLs. The page prints cleanly to PDF.

use std::collections::BTreeMap;

use askama::Template;

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
    waived: usize,
    severity_chart: Chart,
    family_chart: Chart,
    tools: Vec<ToolRow<'a>>,
    stack_findings: Vec<FindingView<'a>>,
    graph: Option<Graph>,
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
    controls: String,
    waiver: Option<String>,
}

struct Graph {
    width: u32,
    height: u32,
    columns: Vec<GraphColumn>,
    nodes: Vec<GraphNode>,
    edges: Vec<GraphEdge>,
}

struct GraphColumn {
    x: u32,
    label: String,
}

struct GraphNode {
    x: u32,
    y: u32,
    label: String,
    id: String,
    class: &'static str,
}

struct GraphEdge {
    path: String,
    label: String,
    both: bool,
    lx: u32,
    ly: u32,
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

fn finding_view<'a>(result: &'a AuditResult, f: &'a Finding) -> FindingView<'a> {
    FindingView {
        finding: f,
        severity: severity_class(f.severity),
        title: result.check(&f.check).map_or("", |c| c.title.as_str()),
        controls: f.controls.join(", "),
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

fn graph(result: &AuditResult) -> Graph {
    const COL_W: u32 = 200;
    const NODE_W: u32 = 160;
    const NODE_H: u32 = 34;
    const ROW_H: u32 = 52;
    const TOP: u32 = 40;
    let mut by_category: BTreeMap<&str, Vec<&ToolSummary>> = BTreeMap::new();
    for t in &result.tools {
        by_category.entry(t.category.as_str()).or_default().push(t);
    }
    let serious: std::collections::HashSet<&str> = result
        .findings
        .iter()
        .filter(|f| !f.is_waived() && f.severity >= Severity::High)
        .filter_map(|f| f.tool.as_deref())
        .collect();
    let mut columns = Vec::new();
    let mut nodes = Vec::new();
    let mut position: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    let mut tallest = 0;
    for (c, (category, tools)) in by_category.iter().enumerate() {
        let x = 20 + c as u32 * COL_W;
        columns.push(GraphColumn {
            x,
            label: category.to_string(),
        });
        for (r, t) in tools.iter().enumerate() {
            let y = TOP + r as u32 * ROW_H;
            position.insert(t.id.as_str(), (x, y));
            let class = if serious.contains(t.id.as_str()) {
                "node high"
            } else if t.status == "retiring" {
                "node retiring"
            } else {
                "node"
            };
            let mut label = t.name.clone();
            if label.chars().count() > 22 {
                label = label.chars().take(21).collect::<String>() + "…";
            }
            nodes.push(GraphNode {
                x,
                y,
                label,
                id: t.id.clone(),
                class,
            });
        }
        tallest = tallest.max(tools.len() as u32);
    }
    let mut edges = Vec::new();
    for e in &result.edges {
        let (Some(&(x1, y1)), Some(&(x2, y2))) =
            (position.get(e.from.as_str()), position.get(e.to.as_str()))
        else {
            continue;
        };
        // Data flows from source to target: `in` reverses the declared pair.
        let ((sx, sy), (tx, ty)) = if e.direction == "in" {
            ((x2, y2), (x1, y1))
        } else {
            ((x1, y1), (x2, y2))
        };
        let (sx, tx) = if sx <= tx {
            (sx + NODE_W, tx)
        } else {
            (sx, tx + NODE_W)
        };
        let (sy, ty) = (sy + NODE_H / 2, ty + NODE_H / 2);
        let mid = (sx + tx) / 2;
        let path = if sx == tx {
            format!("M{sx},{sy} C{},{sy} {},{ty} {tx},{ty}", sx + 60, tx + 60)
        } else {
            format!("M{sx},{sy} C{mid},{sy} {mid},{ty} {tx},{ty}")
        };
        let data = if e.data.is_empty() {
            "all data".to_string()
        } else {
            e.data.join(", ")
        };
        edges.push(GraphEdge {
            path,
            label: format!("{}: {data}", e.method),
            both: e.direction == "both",
            lx: mid,
            ly: (sy + ty) / 2 - 4,
        });
    }
    Graph {
        width: 40 + by_category.len() as u32 * COL_W,
        height: TOP + tallest * ROW_H + 20,
        columns,
        nodes,
        edges,
    }
}

pub fn render(result: &AuditResult) -> anyhow::Result<String> {
    let s = &result.summary;
    let grouped = super::by_tool(&result.findings);
    let mut tools: Vec<&ToolSummary> = result.tools.iter().filter(|t| t.audited).collect();
    tools.sort_by(|a, b| a.score.cmp(&b.score).then(a.id.cmp(&b.id)));
    let empty = Vec::new();
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
                counts: if counts.is_empty() {
                    "none".into()
                } else {
                    counts.join(", ")
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
    let mut costs: BTreeMap<String, f64> = BTreeMap::new();
    for t in result.tools.iter().filter(|t| t.audited) {
        if let Some(c) = t.annual_cost.filter(|c| *c > 0.0) {
            *costs
                .entry(t.currency.clone().unwrap_or_default())
                .or_default() += c;
        }
    }
    let total_cost = if costs.is_empty() {
        "—".to_string()
    } else {
        costs
            .iter()
            .map(|(cur, v)| format!("{} {cur}", group_thousands(*v)).trim().to_string())
            .collect::<Vec<_>>()
            .join(" + ")
    };
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
    let (graph, graph_note) = if result.tools.len() <= MAX_GRAPH_TOOLS {
        (Some(graph(result)), None)
    } else {
        (
            None,
            Some(format!(
                "The stack has {} tools; the graph is drawn for at most {MAX_GRAPH_TOOLS}. Use `stackaudit graph --format dot` for large stacks.",
                result.tools.len()
            )),
        )
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
        waived: s.waived,
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
    use super::safe_url;

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
