//! SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, and other viewers).
//!
//! One rule per check that ran, with its rationale as help; one result per
//! finding, located at the inventory's line and column, with a partial
//! fingerprint that survives reworded messages and moved lines. Waived
//! findings carry an external suppression. GitHub accepts at most 25,000
//! results per run: beyond that the least severe are left out and a
//! notification says how many.

use std::collections::BTreeMap;

use anyhow::Result;
use serde_json::json;
use serde_sarif::sarif;

use crate::audit::AuditResult;
use crate::checks::{CheckDef, Finding, Severity};

pub const MAX_RESULTS: usize = 25_000;
const FINGERPRINT_KEY: &str = "stackaudit/v1";

fn level(s: Severity) -> sarif::ResultLevel {
    match s {
        Severity::Critical | Severity::High => sarif::ResultLevel::Error,
        Severity::Medium => sarif::ResultLevel::Warning,
        Severity::Low | Severity::Info => sarif::ResultLevel::Note,
    }
}

/// GitHub ranks security alerts by this score (0.1 to 10).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.1",
    }
}

fn bag(tags: Vec<String>, extra: BTreeMap<String, serde_json::Value>) -> sarif::PropertyBag {
    sarif::PropertyBag::builder()
        .tags(tags)
        .additional_properties(extra)
        .build()
}

fn rule(def: &CheckDef) -> sarif::ReportingDescriptor {
    let text = format!(
        "{}\n\nWhat to do: {}",
        def.rationale.trim(),
        def.remediation.trim()
    );
    let markdown = format!(
        "{}\n\n**What to do:** {}\n\n**Controls:** {}",
        def.rationale.trim(),
        def.remediation.trim(),
        if def.controls.is_empty() {
            "—".to_string()
        } else {
            def.controls.join(", ")
        }
    );
    let mut extra = BTreeMap::new();
    extra.insert(
        "security-severity".into(),
        json!(security_severity(def.severity)),
    );
    extra.insert("controls".into(), json!(def.controls));
    let mut tags = vec!["martech".to_string(), def.family.clone()];
    tags.extend(def.controls.iter().cloned());
    sarif::ReportingDescriptor::builder()
        .id(def.id.clone())
        .name(camel_case(&def.id))
        .short_description(
            sarif::MultiformatMessageString::builder()
                .text(def.title.clone())
                .build(),
        )
        .full_description(
            sarif::MultiformatMessageString::builder()
                .text(def.rationale.trim().to_string())
                .build(),
        )
        .help(
            sarif::MultiformatMessageString::builder()
                .text(text)
                .markdown(markdown)
                .build(),
        )
        .default_configuration(
            sarif::ReportingConfiguration::builder()
                .level(json!(level(def.severity).to_string()))
                .build(),
        )
        .properties(bag(tags, extra))
        .build()
}

/// `backup-rpo-exceeded` → `BackupRpoExceeded`, the SARIF convention for rule names.
fn camel_case(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn result(f: &Finding, rule_index: Option<usize>, stack_path: &str) -> sarif::Result {
    // Code scanning needs a location; stack-level findings point at the file.
    let (file, line, column) = match &f.location {
        Some(l) => (l.file.clone(), l.line.max(1), l.column.max(1)),
        None => (stack_path.to_string(), 1, 1),
    };
    let location = sarif::Location::builder()
        .physical_location(
            sarif::PhysicalLocation::builder()
                .artifact_location(sarif::ArtifactLocation::builder().uri(uri(&file)).build())
                .region(
                    sarif::Region::builder()
                        .start_line(i64::from(line))
                        .start_column(i64::from(column))
                        .build(),
                )
                .build(),
        )
        .build();
    let mut extra = BTreeMap::new();
    extra.insert("severity".into(), json!(f.severity.as_str()));
    if let Some(t) = &f.tool {
        extra.insert("tool".into(), json!(t));
    }
    if !f.related.is_empty() {
        extra.insert("related".into(), json!(f.related));
    }
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY.to_string(), f.fingerprint.clone());
    let message = format!("{} — {}", f.message, f.remediation);
    let builder = sarif::Result::builder()
        .rule_id(f.check.clone())
        .level(level(f.severity))
        .message(sarif::Message::builder().text(message).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(bag(Vec::new(), extra));
    let mut r = builder.build();
    if let Some(i) = rule_index {
        r.rule_index = Some(i as i64);
    }
    if let Some(w) = &f.waiver {
        let justification = format!(
            "{} (approved by {}, until {}{})",
            w.reason,
            w.approved_by,
            w.expires,
            w.ticket
                .as_deref()
                .map(|t| format!(", {t}"))
                .unwrap_or_default()
        );
        r.suppressions = Some(vec![
            sarif::Suppression::builder()
                .kind(json!("external"))
                .status(json!("accepted"))
                .justification(justification)
                .build(),
        ]);
    }
    r
}

/// Inventory paths as relative URIs: forward slashes, no leading `./`.
fn uri(path: &str) -> String {
    path.replace('\\', "/").trim_start_matches("./").to_string()
}

pub fn render(result: &AuditResult) -> Result<Vec<u8>> {
    let mut defs: Vec<&CheckDef> = result.checks.iter().collect();
    defs.sort_by(|a, b| a.id.cmp(&b.id));
    let index: BTreeMap<&str, usize> = defs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let kept = result.findings.len().min(MAX_RESULTS);
    let results: Vec<sarif::Result> = result.findings[..kept]
        .iter()
        .map(|f| result_for(f, &index, &result.stack_path))
        .collect();
    let left_out = result.findings.len() - kept;
    let mut notifications = Vec::new();
    if left_out > 0 {
        notifications.push(
            sarif::Notification::builder()
                .level(json!("warning"))
                .message(sarif::Message::builder().text(format!(
                    "{left_out} findings of the lowest severities were left out: code scanning accepts at most {MAX_RESULTS} results per run"
                )).build())
                .build(),
        );
    }
    let invocation = sarif::Invocation::builder()
        .execution_successful(true)
        .tool_execution_notifications(notifications)
        .build();
    let driver = sarif::ToolComponent::builder()
        .name("stackaudit".to_string())
        .version(env!("CARGO_PKG_VERSION").to_string())
        .semantic_version(env!("CARGO_PKG_VERSION").to_string())
        .rules(defs.iter().map(|d| rule(d)).collect::<Vec<_>>())
        .build();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .invocations(vec![invocation])
        .results(results)
        .column_kind(json!("unicodeCodePoints"))
        .build();
    let log = sarif::Sarif::builder()
        .schema("https://json.schemastore.org/sarif-2.1.0.json".to_string())
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
    let mut out = serde_json::to_vec_pretty(&log)?;
    out.push(b'\n');
    Ok(out)
}

fn result_for(f: &Finding, index: &BTreeMap<&str, usize>, stack_path: &str) -> sarif::Result {
    result(f, index.get(f.check.as_str()).copied(), stack_path)
}
