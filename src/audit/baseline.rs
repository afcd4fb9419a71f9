//! Baselines: the findings known at one point, by fingerprint, so later runs
//! report only what is new.
//!
//! A fingerprint hashes the check, the tool and the specific subject (a
//! region, a certification), never the message text or the line, so a
//! reworded message or a moved table does not make a finding "new".

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::AuditResult;
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
        let mut findings: Vec<Entry> = result
            .findings
            .iter()
            .map(|f| Entry {
                fingerprint: f.fingerprint.clone(),
                check: f.check.clone(),
                tool: f.tool.clone(),
                subject: f.subject.clone(),
                severity: f.severity.to_string(),
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

    pub fn fingerprints(&self) -> HashSet<String> {
        self.findings
            .iter()
            .map(|e| e.fingerprint.clone())
            .collect()
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).expect("a baseline serialises");
        out.push(b'\n');
        out
    }

    /// Reads a baseline file; problems are reported with line and column.
    pub fn read(path: &Path, max_size: u64) -> Result<Baseline, InputError> {
        let name = path.display().to_string();
        let fail = |d: Diagnostic| InputError::single(name.clone(), d);
        let size = std::fs::metadata(path)
            .map(|m| m.len())
            .map_err(|e| fail(Diagnostic::file(format!("cannot read the baseline: {e}"))))?;
        if size > max_size {
            return Err(fail(Diagnostic::file(format!(
                "the baseline is {size} bytes, over the input size limit of {max_size}"
            ))));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| fail(Diagnostic::file(format!("cannot read the baseline: {e}"))))?;
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
