//! The auditor's view: per framework control (SOC 2, ISO 27001, GDPR, CSA
//! CCM), the checks that test it and the tools and findings that bear on it.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use anyhow::Result;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use serde::Serialize;

use super::RenderOptions;
use crate::audit::AuditResult;
use crate::checks::Finding;

#[derive(Serialize)]
pub struct ControlView<'a> {
    pub control: &'a str,
    /// Checks that test this control.
    pub checks: Vec<&'a str>,
    /// Tools with unwaived findings against it.
    pub tools: Vec<&'a str>,
    #[serde(skip)]
    pub findings: Vec<&'a Finding>,
    pub open_findings: usize,
    pub waived_findings: usize,
}

/// Compares control ids as people read them: runs of digits by their value,
/// so `SOC2:CC6.1` comes before `SOC2:CC10.1` and `A.5.9` before `A.5.34`.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for ((da, sa), (db, sb)) in ca.iter().zip(&cb) {
        let ord = if *da && *db {
            let (ta, tb) = (sa.trim_start_matches('0'), sb.trim_start_matches('0'));
            ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb))
        } else {
            sa.cmp(sb)
        };
        if ord.is_ne() {
            return ord;
        }
    }
    ca.len().cmp(&cb.len()).then_with(|| a.cmp(b))
}

/// Controls in framework order, each with its checks and findings.
pub fn group(result: &AuditResult) -> Vec<ControlView<'_>> {
    let mut map: BTreeMap<&str, ControlView> = BTreeMap::new();
    for def in &result.checks {
        for c in &def.controls {
            map.entry(c.as_str())
                .or_insert_with(|| ControlView {
                    control: c,
                    checks: Vec::new(),
                    tools: Vec::new(),
                    findings: Vec::new(),
                    open_findings: 0,
                    waived_findings: 0,
                })
                .checks
                .push(&def.id);
        }
    }
    // (control, tool) pairs already listed: a control shared by thousands of
    // tools must not rescan its tool list for every finding.
    let mut listed: HashSet<(&str, &str)> = HashSet::new();
    for f in &result.findings {
        for c in f.controls().iter() {
            if let Some(view) = map.get_mut(c.as_str()) {
                view.findings.push(f);
                if f.is_waived() {
                    view.waived_findings += 1;
                } else {
                    view.open_findings += 1;
                    if let Some(t) = &f.tool
                        && listed.insert((view.control, t.as_str()))
                    {
                        view.tools.push(t);
                    }
                }
            }
        }
    }
    let mut views: Vec<ControlView> = map.into_values().collect();
    views.sort_by(|a, b| natural_cmp(a.control, b.control));
    for v in &mut views {
        v.checks.sort();
        v.tools.sort();
    }
    views
}

pub fn table(result: &AuditResult, options: &RenderOptions) -> String {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(options.width.unwrap_or(100).max(40))
        .force_no_tty()
        .set_header(["Control", "Checks", "Open findings", "Tools affected"]);
    // Control and check ids come from check files: shown as any input's text.
    let cells = |items: &[&str], joint: &str| -> String {
        let items: Vec<String> = items.iter().map(|s| super::sanitize::cell(s)).collect();
        items.join(joint)
    };
    for v in group(result) {
        t.add_row([
            super::sanitize::cell(v.control),
            cells(&v.checks, "\n"),
            format!(
                "{}{}",
                v.open_findings,
                if v.waived_findings > 0 {
                    format!(" (+{} waived)", v.waived_findings)
                } else {
                    String::new()
                }
            ),
            if v.tools.is_empty() {
                "—".into()
            } else {
                cells(&v.tools, ", ")
            },
        ]);
    }
    format!(
        "Controls · {} · as of {}\n\n{t}\n",
        result.stack_path, result.as_of
    )
}

pub fn markdown(result: &AuditResult) -> String {
    use super::markdown::escape;
    let mut out = format!(
        "# Controls view\n\nInventory `{}` · as of {}\n\n",
        escape(&result.stack_path),
        result.as_of
    );
    for v in group(result) {
        let _ = writeln!(out, "## {}\n", escape(v.control));
        let _ = writeln!(
            out,
            "Tested by: {}\n",
            v.checks
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if v.findings.is_empty() {
            let _ = writeln!(out, "No findings.\n");
            continue;
        }
        for f in &v.findings {
            let tool = f
                .tool
                .as_deref()
                .map(|t| format!("`{}`", escape(t)))
                .unwrap_or_else(|| "*stack*".into());
            let waived = if f.is_waived() { " (waived)" } else { "" };
            let _ = writeln!(
                out,
                "- **{}**{waived} {tool} `{}`: {}",
                f.severity,
                f.check,
                escape(&f.message.text())
            );
        }
        out.push('\n');
    }
    out
}

pub fn json(result: &AuditResult) -> Result<Vec<u8>> {
    #[derive(Serialize)]
    struct Out<'a> {
        schema_version: u32,
        as_of: String,
        controls: Vec<ControlJson<'a>>,
    }
    #[derive(Serialize)]
    struct ControlJson<'a> {
        #[serde(flatten)]
        view: &'a ControlView<'a>,
        findings: Vec<crate::checks::Fingerprint>,
    }
    let views = group(result);
    let controls = views
        .iter()
        .map(|v| ControlJson {
            view: v,
            findings: v.findings.iter().map(|f| f.fingerprint).collect(),
        })
        .collect();
    let mut out = serde_json::to_vec_pretty(&Out {
        schema_version: 1,
        as_of: result.as_of.to_string(),
        controls,
    })?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::natural_cmp;

    #[test]
    fn control_ids_sort_naturally() {
        let mut ids = vec![
            "SOC2:CC10.1",
            "SOC2:CC6.1",
            "SOC2:CC6.10",
            "SOC2:CC6.2",
            "ISO27001:A.5.34",
            "ISO27001:A.5.9",
            "GDPR:Art.5",
            "GDPR:Art.32",
        ];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            ids,
            [
                "GDPR:Art.5",
                "GDPR:Art.32",
                "ISO27001:A.5.9",
                "ISO27001:A.5.34",
                "SOC2:CC6.1",
                "SOC2:CC6.2",
                "SOC2:CC6.10",
                "SOC2:CC10.1",
            ]
        );
    }
}
