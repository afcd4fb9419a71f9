//! The integration graph as Graphviz DOT or Mermaid: tools grouped by
//! category, edges labelled with method and data classes, tools with high or
//! critical findings marked. The HTML report draws the same graph with
//! [`layout`], and all three word their edges with [`edge_label`].

pub mod layout;

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use crate::audit::{AuditResult, ToolSummary};
use crate::checks::Severity;

/// Tools with unwaived high or critical findings, drawn in red.
pub fn serious(result: &AuditResult) -> HashSet<&str> {
    result
        .findings
        .iter()
        .filter(|f| !f.is_waived() && f.severity >= Severity::High)
        .filter_map(|f| f.tool.as_deref())
        .collect()
}

fn by_category(result: &AuditResult) -> BTreeMap<&str, Vec<&ToolSummary>> {
    let mut map: BTreeMap<&str, Vec<&ToolSummary>> = BTreeMap::new();
    for t in &result.tools {
        map.entry(t.category).or_default().push(t);
    }
    map
}

/// How an integration is worded on every graph: its method and the data it
/// carries (an integration that lists no data carries all its source holds).
pub fn edge_label(method: &str, data: &[&str]) -> String {
    if data.is_empty() {
        format!("{method}: all data")
    } else {
        format!("{method}: {}", data.join(", "))
    }
}

/// A DOT string literal that Graphviz shows exactly as written: `&` is
/// escaped too, because Graphviz decodes entities such as `&amp;` in labels.
fn dot_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn dot(result: &AuditResult) -> String {
    let serious = serious(result);
    let mut out = String::from(
        "digraph stack {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f4f6f8\", fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    for (category, tools) in by_category(result) {
        let _ = writeln!(
            out,
            "  subgraph {} {{\n    label={};\n    style=rounded;",
            dot_str(&format!("cluster_{category}")),
            dot_str(category)
        );
        for t in tools {
            let mut attrs = vec![format!(
                "label={}",
                dot_str(&format!("{}\n({})", t.name, t.id))
            )];
            if serious.contains(t.id.as_str()) {
                attrs.push("color=\"#c62828\", penwidth=2, fillcolor=\"#fdecea\"".into());
            }
            if t.status == "retiring" {
                attrs.push("style=\"rounded,filled,dashed\"".into());
            }
            let _ = writeln!(out, "    {} [{}];", dot_str(&t.id), attrs.join(", "));
        }
        out.push_str("  }\n");
    }
    for e in &result.edges {
        let (from, to) = e.source_and_target();
        let dir = if e.direction == "both" {
            ", dir=both"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {} -> {} [label={}{dir}];",
            dot_str(from),
            dot_str(to),
            dot_str(&edge_label(e.method, &e.data))
        );
    }
    out.push_str("}\n");
    out
}

/// Mermaid node ids must be plain words; tool ids are slugs, so map `-`.
fn mermaid_id(id: &str) -> String {
    format!("t_{}", id.replace('-', "_"))
}

/// Text inside a quoted Mermaid label, shown exactly as written: quotes and
/// markup become entities, `%` too (so `%%{init: …}%%` in a name cannot
/// restyle the diagram) and `&` (so `&amp;` is not decoded).
fn mermaid_text(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '%' => out.push_str("#37;"),
            '&' => out.push_str("#38;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

pub fn mermaid(result: &AuditResult) -> String {
    let serious = serious(result);
    let mut out = String::from("flowchart LR\n");
    for (category, tools) in by_category(result) {
        let _ = writeln!(
            out,
            "  subgraph c_{}[\"{}\"]",
            category.replace('-', "_"),
            mermaid_text(category)
        );
        for t in tools {
            let _ = writeln!(
                out,
                "    {}[\"{}\"]",
                mermaid_id(&t.id),
                mermaid_text(&t.name)
            );
        }
        out.push_str("  end\n");
    }
    for e in &result.edges {
        let (from, to) = e.source_and_target();
        let arrow = if e.direction == "both" { "<-->" } else { "-->" };
        let _ = writeln!(
            out,
            "  {} {arrow}|\"{}\"| {}",
            mermaid_id(from),
            mermaid_text(&edge_label(e.method, &e.data)),
            mermaid_id(to)
        );
    }
    out.push_str("  classDef high fill:#fdecea,stroke:#c62828,stroke-width:2px\n  classDef retiring stroke-dasharray:4 3\n");
    let mut high: Vec<String> = result
        .tools
        .iter()
        .filter(|t| serious.contains(t.id.as_str()))
        .map(|t| mermaid_id(&t.id))
        .collect();
    high.sort();
    if !high.is_empty() {
        let _ = writeln!(out, "  class {} high", high.join(","));
    }
    let retiring: Vec<String> = result
        .tools
        .iter()
        .filter(|t| t.status == "retiring")
        .map(|t| mermaid_id(&t.id))
        .collect();
    if !retiring.is_empty() {
        let _ = writeln!(out, "  class {} retiring", retiring.join(","));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        assert_eq!(dot_str("a \"b\" \\ c\nd"), "\"a \\\"b\\\" \\\\ c d\"");
        assert_eq!(mermaid_text("<b>\"x\"|y"), "#lt;b#gt;#quot;x#quot;#124;y");
    }

    #[test]
    fn mermaid_labels_cannot_carry_directives_or_entities() {
        let name = "CRM %%{init: {'theme':'dark'}}%% &amp; &#65;";
        let text = mermaid_text(name);
        assert!(!text.contains('%'), "{text}");
        assert!(!text.contains('&'), "{text}");
        assert_eq!(
            text,
            "CRM #37;#37;{init: {'theme':'dark'}}#37;#37; #38;amp; #38;#35;65;"
        );
    }

    #[test]
    fn dot_labels_keep_entities_literal() {
        assert_eq!(dot_str("A &amp; B &#65;"), "\"A &amp;amp; B &amp;#65;\"");
    }

    #[test]
    fn edges_are_worded_alike_with_and_without_data() {
        assert_eq!(edge_label("api", &[]), "api: all data");
        assert_eq!(
            edge_label("native", &["pii", "customer"]),
            "native: pii, customer"
        );
    }
}
