//! Baselines: the findings known at one point, by fingerprint, so later runs
//! report only what is new.
//!
//! A fingerprint hashes the check, the tool and the specific subject (a
//! region, a certification), never the message text or the line, so a
//! reworded message or a moved table does not make a finding "new".

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::AuditResult;
use crate::checks::{Finding, Fingerprint, Severity, fingerprint};
use crate::diagnostic::{Diagnostic, InputError};
use crate::inventory::source::Loc;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub schema_version: u32,
    pub as_of: String,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub fingerprint: String,
    pub check: String,
    pub tool: Option<String>,
    pub subject: Option<String>,
    pub severity: String,
    /// The tool's name when the baseline was written, so a tool whose id
    /// changed keeps its findings (absent in older baselines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_name: Option<String>,
}

/// serde_json's message without its own " at line X column Y" suffix.
pub fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

impl Baseline {
    pub fn from_result(result: &AuditResult) -> Baseline {
        let tools = result.tools_by_id();
        let mut findings: Vec<Entry> = result
            .findings
            .iter()
            .map(|f| Entry {
                fingerprint: f.fingerprint.to_string(),
                check: f.check.to_string(),
                tool: f.tool.as_deref().map(str::to_string),
                subject: f.subject.as_deref().map(str::to_string),
                severity: f.severity.to_string(),
                tool_name: f
                    .tool
                    .as_deref()
                    .and_then(|t| tools.get(t))
                    .map(|t| t.name.to_string()),
            })
            .collect();
        findings
            .sort_by(|a, b| (&a.check, &a.tool, &a.subject).cmp(&(&b.check, &b.tool, &b.subject)));
        Baseline {
            schema_version: 1,
            as_of: result.as_of.to_string(),
            findings,
        }
    }

    /// The findings this baseline knows, with tools renamed since (same
    /// name, new id, per [`super::diff::renamed_tools`]) carried to their
    /// new ids.
    pub fn known(&self, current: &crate::inventory::Inventory) -> KnownFindings {
        let mut before: Vec<(&str, &str)> = self
            .findings
            .iter()
            .filter_map(|e| Some((e.tool.as_deref()?, e.tool_name.as_deref()?)))
            .collect();
        before.sort_unstable();
        before.dedup();
        let after: Vec<(&str, &str)> = current
            .tools
            .iter()
            .map(|t| (t.id.as_str(), t.name.as_str()))
            .collect();
        let renames = super::diff::renamed_tools(&before, &after);
        let mut known = KnownFindings::default();
        for e in &self.findings {
            // An unknown severity (a newer stackaudit's) counts as the highest.
            let severity = Severity::parse(&e.severity).unwrap_or(Severity::Critical);
            known.insert(
                &e.check,
                e.tool.as_deref(),
                e.subject.as_deref(),
                severity,
                &renames,
            );
        }
        known
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).expect("a baseline serialises");
        out.push(b'\n');
        out
    }

    /// Reads a baseline file; problems are reported with line and column.
    pub fn read(path: &Path, max_size: u64) -> Result<Baseline, InputError> {
        let name = path.display().to_string();
        let text = crate::inventory::read_bounded_text(path, max_size, "the baseline")
            .map_err(|d| InputError::single(name.clone(), d))?;
        Self::parse(&text, &name)
    }

    /// Parses baseline text; `name` is used in messages.
    pub fn parse(text: &str, name: &str) -> Result<Baseline, InputError> {
        let fail = |d: Diagnostic| InputError::single(name.to_string(), d);
        let baseline: Baseline = serde_json::from_str(text).map_err(|e| {
            fail(
                Diagnostic::at(
                    Loc::new((e.line() as u32).max(1), (e.column() as u32).max(1)),
                    format!("invalid baseline: {}", json_message(&e)),
                )
                .help("write a baseline with `stackaudit audit --write-baseline FILE`"),
            )
        })?;
        if baseline.schema_version != 1 {
            return Err(fail(
                Diagnostic::file(format!(
                    "unsupported baseline schema_version {}",
                    baseline.schema_version
                ))
                .help("this stackaudit reads schema_version 1"),
            ));
        }
        Ok(baseline)
    }
}

/// A tool's id after the renames (old id, new id) a diff found.
pub fn renamed<'a>(tool: &'a str, renames: &'a [(String, String)]) -> &'a str {
    renames
        .iter()
        .find(|(old, _)| old == tool)
        .map_or(tool, |(_, new)| new.as_str())
}

/// A finding's fingerprint once its tool's renames are applied.
pub fn fingerprint_after_renames(f: &Finding, renames: &[(String, String)]) -> Fingerprint {
    let tool = f.tool.as_deref().map(|t| renamed(t, renames));
    fingerprint(&f.check, tool, f.subject.as_deref())
}

/// Findings known before this run (a baseline, or the base inventory's
/// audit), by fingerprint. A current finding is known when the same
/// fingerprint was known at the same or a higher severity: a finding whose
/// severity rose is new at its new severity.
#[derive(Clone, Debug, Default)]
pub struct KnownFindings {
    by_fingerprint: HashMap<Fingerprint, KnownFinding>,
}

#[derive(Clone, Debug)]
pub struct KnownFinding {
    pub tool: Option<String>,
    pub severity: Severity,
}

impl KnownFindings {
    /// The findings of an earlier audit, with renamed tools (old id, new id)
    /// carried to their new ids.
    pub fn from_findings(findings: &[Finding], renames: &[(String, String)]) -> KnownFindings {
        let mut known = KnownFindings::default();
        for f in findings {
            known.insert(
                &f.check,
                f.tool.as_deref(),
                f.subject.as_deref(),
                f.severity,
                renames,
            );
        }
        known
    }

    fn insert(
        &mut self,
        check: &str,
        tool: Option<&str>,
        subject: Option<&str>,
        severity: Severity,
        renames: &[(String, String)],
    ) {
        let tool = tool.map(|t| renamed(t, renames));
        let entry = self
            .by_fingerprint
            .entry(fingerprint(check, tool, subject))
            .or_insert(KnownFinding {
                tool: tool.map(str::to_string),
                severity,
            });
        entry.severity = entry.severity.max(severity);
    }

    /// Whether a current finding was already known at its severity.
    pub fn covers(&self, f: &Finding) -> bool {
        self.by_fingerprint
            .get(&f.fingerprint)
            .is_some_and(|k| k.severity >= f.severity)
    }

    pub fn contains_fingerprint(&self, fingerprint: &Fingerprint) -> bool {
        self.by_fingerprint.contains_key(fingerprint)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Fingerprint, &KnownFinding)> {
        self.by_fingerprint.iter()
    }

    pub fn len(&self) -> usize {
        self.by_fingerprint.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_fingerprint.is_empty()
    }
}
