//! Checks: a definition (data, in `checks/<id>.toml`) plus an evaluator.
//!
//! Built-in evaluators live in one module per family, named after the
//! definition's `family`; inside, each check is a function named after its id
//! (`backup-rpo-exceeded` → `backup::backup_rpo_exceeded`). User checks are
//! definitions with a `[rule]` table, evaluated by [`rule`].

pub mod access;
pub mod backup;
pub mod command;
pub mod compliance;
pub mod contract;
pub mod data;
pub mod encryption;
pub mod integration;
pub mod probe;
pub mod residency;
pub mod rule;
pub mod stack;
pub mod waiver;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::inventory::Inventory;
use crate::inventory::dataflow::DataFlow;
use crate::inventory::model::Tool;
use crate::inventory::source::Loc;

include!(concat!(env!("OUT_DIR"), "/builtin_checks.rs"));

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Most severe first, for reports.
    pub const DESCENDING: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Self::DESCENDING.into_iter().find(|v| v.as_str() == s)
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A check definition, as written in `checks/<id>.toml`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CheckDef {
    pub id: String,
    pub title: String,
    pub family: String,
    pub severity: Severity,
    pub rationale: String,
    pub remediation: String,
    #[serde(default)]
    pub controls: Vec<String>,
    /// What to ask a vendor when this check fires on a proposed tool (`gate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_question: Option<String>,
    /// Parameters with their defaults; `[checks.params.<id>]` overrides them.
    #[serde(default)]
    pub params: BTreeMap<String, serde_json::Value>,
    /// Which tools a rule check applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<rule::AppliesTo>,
    /// The condition of a user-written check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<rule::RuleDef>,
    /// Where the definition came from: `built-in` or a file path.
    #[serde(skip_deserializing, default)]
    pub source: String,
}

impl CheckDef {
    pub fn param_i64(&self, name: &str) -> i64 {
        self.params
            .get(name)
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(0)
    }

    pub fn param_str(&self, name: &str) -> &str {
        self.params
            .get(name)
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
    }
}

/// A gap found by a check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub check: String,
    pub severity: Severity,
    /// The tool the finding is about; `None` for stack-level findings.
    pub tool: Option<String>,
    /// Other tools involved (the source of inherited data, redundant peers...).
    pub related: Vec<String>,
    /// What specifically is wrong (a region, a certification, a category), so
    /// the finding keeps its identity when messages are reworded.
    pub subject: Option<String>,
    pub message: String,
    pub remediation: String,
    pub controls: Vec<String>,
    pub location: Option<Location>,
    /// Identity across runs: a hash of check, tool and subject (not of the
    /// message or the line), used by baselines and SARIF.
    pub fingerprint: String,
    /// The waiver that covers this finding, if any.
    pub waiver: Option<AppliedWaiver>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AppliedWaiver {
    pub reason: String,
    pub approved_by: String,
    pub expires: Date,
    pub ticket: Option<String>,
}

impl Finding {
    pub fn is_waived(&self) -> bool {
        self.waiver.is_some()
    }
}

/// A finding's stable identity: check, tool and subject, hashed.
pub fn fingerprint(check: &str, tool: Option<&str>, subject: Option<&str>) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [check, tool.unwrap_or(""), subject.unwrap_or("")] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    h.finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

/// What an evaluator sees.
pub struct Context<'a> {
    pub inventory: &'a Inventory,
    pub flow: &'a DataFlow,
    pub as_of: Date,
    /// Per waiver, whether it covered a finding (filled in before the
    /// waiver checks run, empty before).
    pub waivers_used: &'a [bool],
    /// Evidence from `stackaudit probe`, when the audit was given some.
    pub evidence: Option<&'a crate::probe::evidence::Evidence>,
}

impl<'a> Context<'a> {
    /// Tools that checks judge: status active or evaluating.
    pub fn tools_in_scope(&self) -> impl Iterator<Item = (usize, &'a Tool)> {
        self.inventory
            .tools
            .iter()
            .enumerate()
            .filter(|(_, t)| t.is_in_scope())
    }

    pub fn location(&self, loc: Loc) -> Location {
        Location {
            file: self.inventory.path.clone(),
            line: loc.line,
            column: loc.column,
        }
    }

    /// A finding about a tool, located at one of its fields.
    pub fn tool_finding(
        &self,
        def: &CheckDef,
        tool: &Tool,
        field: &str,
        message: String,
    ) -> Finding {
        Finding {
            check: def.id.clone(),
            severity: def.severity,
            tool: Some(tool.id.clone()),
            related: Vec::new(),
            subject: None,
            message,
            remediation: def.remediation.trim().to_string(),
            controls: def.controls.clone(),
            location: Some(self.location(tool.loc_of(field))),
            fingerprint: String::new(),
            waiver: None,
        }
    }

    /// A finding about the whole stack, located at a policy key when given.
    pub fn stack_finding(
        &self,
        def: &CheckDef,
        policy_key: Option<&str>,
        message: String,
    ) -> Finding {
        let loc = policy_key
            .and_then(|k| self.inventory.policy.spans.get(k))
            .copied();
        Finding {
            check: def.id.clone(),
            severity: def.severity,
            tool: None,
            related: Vec::new(),
            subject: None,
            message,
            remediation: def.remediation.trim().to_string(),
            controls: def.controls.clone(),
            location: loc.map(|l| self.location(l)),
            fingerprint: String::new(),
            waiver: None,
        }
    }

    /// " (inherited: pii from `crm` via crm → ma)" for messages, and the
    /// tools on those paths (sorted by id, without the tool itself).
    pub fn data_origin(
        &self,
        tool: usize,
        classes: crate::inventory::model::DataSet,
    ) -> (String, Vec<String>) {
        let tools = &self.inventory.tools;
        let mut related: Vec<usize> = Vec::new();
        let mut parts: Vec<&str> = Vec::new();
        for class in classes.iter() {
            if let Some((text, on_paths)) = self.flow.provenance_text(self.inventory, tool, class) {
                parts.push(text);
                related.extend(on_paths);
            }
        }
        related.sort_by(|&a, &b| tools[a].id.cmp(&tools[b].id));
        related.dedup();
        let text = if parts.is_empty() {
            String::new()
        } else {
            format!(" (inherited: {})", parts.join("; "))
        };
        (
            text,
            related.into_iter().map(|i| tools[i].id.clone()).collect(),
        )
    }
}

pub type Evaluator = fn(&Context, &CheckDef, &mut Vec<Finding>);

/// The built-in evaluator for a check id, looked up in its family's module.
pub fn builtin_evaluator(family: &str, id: &str) -> Option<Evaluator> {
    match family {
        "integration" => integration::evaluator(id),
        "stack" => stack::evaluator(id),
        "compliance" => compliance::evaluator(id),
        "residency" => residency::evaluator(id),
        "encryption" => encryption::evaluator(id),
        "backup" => backup::evaluator(id),
        "access" => access::evaluator(id),
        "contract" => contract::evaluator(id),
        "data" => data::evaluator(id),
        "waiver" => waiver::evaluator(id),
        "probe" => probe::evaluator(id),
        _ => None,
    }
}

/// Every check available to a run: the built-ins plus user packs.
#[derive(Clone, Debug)]
pub struct Catalogue {
    pub checks: Vec<CheckDef>,
}

impl Catalogue {
    pub fn builtin() -> Catalogue {
        let checks = BUILTIN_DEFINITIONS
            .iter()
            .map(|(name, text)| {
                let mut def: CheckDef = toml::from_str(text)
                    .unwrap_or_else(|e| panic!("built-in check {name} is invalid: {e}"));
                def.source = "built-in".into();
                def
            })
            .collect();
        Catalogue { checks }
    }

    /// Built-ins plus every `*.toml` definition in the given folders.
    pub fn load(dirs: &[PathBuf]) -> Result<Catalogue> {
        let mut catalogue = Catalogue::builtin();
        for dir in dirs {
            let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
                .with_context(|| format!("cannot read the checks folder {}", dir.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            files.sort();
            for file in files {
                let def = load_definition(&file)?;
                if catalogue.get(&def.id).is_some() {
                    bail!(
                        "{}: a check with id `{}` already exists; ids must be unique",
                        file.display(),
                        def.id
                    );
                }
                catalogue.checks.push(def);
            }
        }
        Ok(catalogue)
    }

    pub fn get(&self, id: &str) -> Option<&CheckDef> {
        self.checks.iter().find(|c| c.id == id)
    }
}

fn load_definition(file: &Path) -> Result<CheckDef> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut def: CheckDef = toml::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}: invalid check definition: {e}", file.display()))?;
    def.source = file.display().to_string();
    if !crate::inventory::validate::is_slug(&def.id) {
        bail!(
            "{}: check id `{}` must use lower-case letters, digits and dashes",
            file.display(),
            def.id
        );
    }
    if let Some(scope) = &def.applies_to {
        scope
            .validate()
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    }
    match &def.rule {
        Some(rule) => rule
            .validate()
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?,
        None if builtin_evaluator(&def.family, &def.id).is_none() => bail!(
            "{}: check `{}` has no [rule] table and is not a built-in check; add a [rule] with a `require` condition",
            file.display(),
            def.id
        ),
        None => {}
    }
    Ok(def)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_definition_has_an_evaluator_and_a_matching_file_name() {
        let catalogue = Catalogue::builtin();
        assert!(catalogue.checks.len() >= 30);
        for (name, _) in BUILTIN_DEFINITIONS {
            let def = catalogue
                .checks
                .iter()
                .find(|c| format!("{}.toml", c.id) == *name);
            assert!(
                def.is_some(),
                "{name} does not define a check of the same id"
            );
        }
        for def in &catalogue.checks {
            assert!(
                builtin_evaluator(&def.family, &def.id).is_some(),
                "{} has no evaluator",
                def.id
            );
            assert!(
                def.rule.is_none(),
                "{} is built in and needs no rule",
                def.id
            );
            assert!(!def.rationale.trim().is_empty() && !def.remediation.trim().is_empty());
        }
    }

    #[test]
    fn check_ids_are_unique() {
        let catalogue = Catalogue::builtin();
        let mut ids: Vec<&str> = catalogue.checks.iter().map(|c| c.id.as_str()).collect();
        ids.sort();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len());
    }
}

/// Helpers for the family modules' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::inventory::{load_str, source::Format};

    /// Runs one built-in check on an inventory (the `schema = 1` line is added).
    pub fn run(id: &str, body: &str, as_of: &str) -> Vec<Finding> {
        let inv = load_str(&format!("schema = 1\n{body}"), Format::Toml, "stack.toml")
            .unwrap_or_else(|e| panic!("test inventory is invalid:\n{e}"));
        let catalogue = Catalogue::builtin();
        let def = catalogue.get(id).expect("known check");
        let flow = DataFlow::compute(&inv);
        let ctx = Context {
            inventory: &inv,
            flow: &flow,
            as_of: as_of.parse().unwrap(),
            waivers_used: &[],
            evidence: None,
        };
        let mut out = Vec::new();
        builtin_evaluator(&def.family, id).unwrap()(&ctx, def, &mut out);
        out
    }

    /// The tools a check reported, in order.
    pub fn tools(findings: &[Finding]) -> Vec<&str> {
        findings
            .iter()
            .map(|f| f.tool.as_deref().unwrap_or("<stack>"))
            .collect()
    }

    /// A minimal tool table.
    pub fn tool(id: &str, category: &str, extra: &str) -> String {
        format!("[[tool]]\nid = \"{id}\"\nname = \"{id}\"\ncategory = \"{category}\"\n{extra}\n")
    }
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    to.since(from).map_or(0, |span| i64::from(span.get_days()))
}

/// `date` moved by `days`, saturating at the calendar's ends.
pub fn add_days(date: Date, days: i64) -> Date {
    use jiff::ToSpan;
    date.checked_add(days.days())
        .unwrap_or(if days < 0 { Date::MIN } else { Date::MAX })
}
