//! `stackaudit diff OLD NEW`: what changed between two versions of an
//! inventory, tool by tool and field by field, and which findings the change
//! introduces or resolves.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use super::AuditResult;
use super::baseline::{KnownFindings, fingerprint_after_renames};
use crate::checks::{Finding, Severity};
use crate::inventory::Inventory;
use crate::report::TextFormat;

#[derive(Debug, Serialize)]
pub struct Diff<'a> {
    pub schema_version: u32,
    pub old: &'a str,
    pub new: &'a str,
    pub as_of: String,
    pub tools_added: Vec<String>,
    pub tools_removed: Vec<String>,
    /// Tools whose id changed but whose name stayed: (old id, new id).
    pub tools_renamed: Vec<(String, String)>,
    pub tools_changed: Vec<ToolChange>,
    pub findings_introduced: Vec<&'a Finding>,
    pub findings_resolved: Vec<&'a Finding>,
}

#[derive(Debug, Serialize)]
pub struct ToolChange {
    pub tool: String,
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

/// Flattens a tool to `dotted.path → value` (lists stay whole: a region
/// added shows as the list before and after).
fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&path, v, out);
            }
        }
        Value::Null => {}
        other => {
            out.insert(prefix.to_string(), other.clone());
        }
    }
}

fn field_changes(old: &Value, new: &Value) -> Vec<FieldChange> {
    let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
    flatten("", old, &mut a);
    flatten("", new, &mut b);
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| k.as_str() != "id" && a.get(*k) != b.get(*k))
        .map(|k| FieldChange {
            field: k.clone(),
            old: a.get(k).cloned().unwrap_or(Value::Null),
            new: b.get(k).cloned().unwrap_or(Value::Null),
        })
        .collect()
}

pub fn diff<'a>(
    old_inv: &Inventory,
    new_inv: &Inventory,
    old: &'a AuditResult,
    new: &'a AuditResult,
) -> Diff<'a> {
    let to_map = |inv: &Inventory| -> BTreeMap<String, Value> {
        inv.tools
            .iter()
            .map(|t| {
                (
                    t.id.to_string(),
                    serde_json::to_value(t).unwrap_or(Value::Null),
                )
            })
            .collect()
    };
    let (before, after) = (to_map(old_inv), to_map(new_inv));
    let mut added: Vec<String> = after
        .keys()
        .filter(|k| !before.contains_key(*k))
        .cloned()
        .collect();
    let mut removed: Vec<String> = before
        .keys()
        .filter(|k| !after.contains_key(*k))
        .cloned()
        .collect();
    let mut changed = Vec::new();
    let ids_and_names = |map: &BTreeMap<String, Value>| -> Vec<(String, String)> {
        map.iter()
            .map(|(id, v)| {
                (
                    id.clone(),
                    v["name"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    };
    let (names_before, names_after) = (ids_and_names(&before), ids_and_names(&after));
    let renamed = renamed_tools(&names_before, &names_after);
    for (old_id, new_id) in &renamed {
        added.retain(|a| a != new_id);
        removed.retain(|r| r != old_id);
        let fields = field_changes(&before[old_id], &after[new_id]);
        if !fields.is_empty() {
            changed.push(ToolChange {
                tool: new_id.clone(),
                fields,
            });
        }
    }
    for (id, new_tool) in &after {
        if let Some(old_tool) = before.get(id) {
            let fields = field_changes(old_tool, new_tool);
            if !fields.is_empty() {
                changed.push(ToolChange {
                    tool: id.clone(),
                    fields,
                });
            }
        }
    }
    changed.sort_by(|a, b| a.tool.cmp(&b.tool));
    let known = KnownFindings::from_findings(&old.findings, &renamed);
    let now = KnownFindings::from_findings(&new.findings, &[]);
    let findings_resolved = old
        .findings
        .iter()
        .filter(|f| !now.contains_fingerprint(&fingerprint_after_renames(f, &renamed)))
        .collect();
    Diff {
        schema_version: 1,
        old: &old.stack_path,
        new: &new.stack_path,
        as_of: new.as_of.to_string(),
        tools_added: added,
        tools_removed: removed,
        tools_renamed: renamed,
        tools_changed: changed,
        // A finding whose severity rose is introduced at its new severity.
        findings_introduced: new.findings.iter().filter(|f| !known.covers(f)).collect(),
        findings_resolved,
    }
}

/// Tools whose id changed but whose name stayed, as (old id, new id): an id
/// only in `before` and an id only in `after` with the same name, paired in
/// id order so the answer does not depend on the order of the file.
pub fn renamed_tools<S: AsRef<str>>(before: &[(S, S)], after: &[(S, S)]) -> Vec<(String, String)> {
    let pairs = |list: &[(S, S)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(id, name)| (id.as_ref().to_string(), name.as_ref().to_string()))
            .collect()
    };
    let (before, after) = (pairs(before), pairs(after));
    let ids_before: HashSet<&str> = before.iter().map(|(id, _)| id.as_str()).collect();
    let ids_after: HashSet<&str> = after.iter().map(|(id, _)| id.as_str()).collect();
    let mut removed: Vec<&(String, String)> = before
        .iter()
        .filter(|(id, _)| !ids_after.contains(id.as_str()))
        .collect();
    let mut added: Vec<&(String, String)> = after
        .iter()
        .filter(|(id, _)| !ids_before.contains(id.as_str()))
        .collect();
    removed.sort();
    added.sort();
    // Added ids by name, in id order: each removed tool (in id order) takes
    // the first unclaimed one of its name, in time linear in the lists.
    let mut added_by_name: HashMap<&str, std::collections::VecDeque<&str>> = HashMap::new();
    for (new_id, name) in added {
        added_by_name
            .entry(name.as_str())
            .or_default()
            .push_back(new_id.as_str());
    }
    let mut out = Vec::new();
    for (old_id, name) in removed {
        if let Some(new_id) = added_by_name
            .get_mut(name.as_str())
            .and_then(|ids| ids.pop_front())
        {
            out.push((old_id.clone(), new_id.to_string()));
        }
    }
    out
}

impl Diff<'_> {
    /// Introduced, unwaived findings at or above the threshold.
    pub fn failing(&self, threshold: Option<Severity>) -> usize {
        threshold.map_or(0, |t| {
            self.findings_introduced
                .iter()
                .filter(|f| !f.is_waived() && f.severity >= t)
                .count()
        })
    }

    /// The diff in `format`: text (plain or Markdown), or pretty JSON with
    /// a final newline.
    pub fn render(&self, format: TextFormat) -> anyhow::Result<Vec<u8>> {
        Ok(match format {
            TextFormat::Table => self.text(false).into_bytes(),
            TextFormat::Markdown => self.text(true).into_bytes(),
            TextFormat::Json => {
                let mut v = serde_json::to_vec_pretty(self)?;
                v.push(b'\n');
                v
            }
            TextFormat::Xlsx => crate::report::xlsx::render_diff(self)?,
        })
    }

    pub fn text(&self, markdown: bool) -> String {
        let esc = |s: &str| {
            if markdown {
                crate::report::markdown::escape(s)
            } else {
                crate::report::sanitize::owned(s)
            }
        };
        // Ids are slugs; inside a code span only the sanitiser applies.
        let code = |s: &str| format!("`{}`", crate::report::sanitize::text(s));
        let mut out = String::new();
        let h = |level: usize, t: &str| {
            if markdown {
                format!("{} {t}\n\n", "#".repeat(level))
            } else {
                format!("{t}\n")
            }
        };
        out.push_str(&h(
            1,
            &format!("Inventory diff: {} → {}", esc(self.old), esc(self.new)),
        ));
        out.push_str(&h(2, "Tools"));
        if self.tools_added.is_empty()
            && self.tools_removed.is_empty()
            && self.tools_renamed.is_empty()
            && self.tools_changed.is_empty()
        {
            out.push_str("  no changes\n");
        }
        for t in &self.tools_added {
            let _ = writeln!(out, "  + added {}", code(t));
        }
        for t in &self.tools_removed {
            let _ = writeln!(out, "  - removed {}", code(t));
        }
        for (a, b) in &self.tools_renamed {
            let _ = writeln!(out, "  ~ renamed {} → {}", code(a), code(b));
        }
        for c in &self.tools_changed {
            let _ = writeln!(out, "  ~ changed {}", code(&c.tool));
            for f in &c.fields {
                let _ = writeln!(
                    out,
                    "      {}: {} → {}",
                    esc(&f.field),
                    esc(&f.old.to_string()),
                    esc(&f.new.to_string())
                );
            }
        }
        out.push('\n');
        for (title, list, sign) in [
            ("Findings introduced", &self.findings_introduced, "+"),
            ("Findings resolved", &self.findings_resolved, "-"),
        ] {
            out.push_str(&h(2, &format!("{title} ({})", list.len())));
            for f in list.iter() {
                let tool = f
                    .tool
                    .as_deref()
                    .map(|t| format!(" {}", code(t)))
                    .unwrap_or_default();
                let waived = if f.is_waived() { " (waived)" } else { "" };
                let _ = writeln!(
                    out,
                    "  {sign} [{}]{waived} {}{tool}: {}",
                    f.severity,
                    code(&f.check),
                    esc(&f.message.text())
                );
            }
            out.push('\n');
        }
        if markdown {
            out = out.replace("\n      ", "\n    - ").replace("\n  ", "\n- ");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::renamed_tools;

    #[test]
    fn renames_pair_by_name_in_id_order_whatever_the_file_order() {
        let before = [
            ("zeta", "Chat"),
            ("alpha", "Chat"),
            ("kept", "CRM"),
            ("gone", "Wiki"),
        ];
        let after = [
            ("kept", "CRM"),
            ("chat-2", "Chat"),
            ("chat-1", "Chat"),
            ("new", "Forms"),
        ];
        assert_eq!(
            renamed_tools(&before, &after),
            [
                ("alpha".to_string(), "chat-1".to_string()),
                ("zeta".to_string(), "chat-2".to_string()),
            ]
        );
        // More removed than added of one name: the extra one is a removal.
        let after = [("chat-1", "Chat")];
        assert_eq!(
            renamed_tools(&before, &after),
            [("alpha".to_string(), "chat-1".to_string())]
        );
    }
}
