//! SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, and other viewers).
//!
//! One rule per check that ran, with its rationale as help; one result per
//! finding, located at the inventory's line and column, with a partial
//! fingerprint that survives reworded messages and moved lines. Waived
//! findings carry an external suppression. GitHub accepts at most 25,000
//! results per run: beyond that the least severe are left out and a
//! notification says how many.
//!
//! Locations are relative to the repository root (`%SRCROOT%`, the enclosing
//! git work tree, else the working directory), as code scanning expects;
//! never absolute and never with `..`. Rules are tagged `security`, so
//! GitHub ranks them by `security-severity`, which follows the severity the
//! check's findings have in this run.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use anyhow::Result;
use serde_json::json;
use serde_sarif::sarif;

use crate::audit::AuditResult;
use crate::checks::{CheckDef, Finding, Severity};

pub const MAX_RESULTS: usize = 25_000;
const FINGERPRINT_KEY: &str = "stackaudit/v1";
/// The base id of every artifact location.
pub const SRCROOT: &str = "%SRCROOT%";
/// The project's documentation; rules link to their section of it.
pub const DOCS_URL: &str = "https://github.com/stackaudit/stackaudit/blob/main/README.md";

/// The documentation section that describes a check.
pub fn help_uri(def: &CheckDef) -> String {
    let section = if def.rule.is_some() {
        "writing-your-own-checks"
    } else if def.family == "probe" {
        "evidence-from-the-live-web"
    } else {
        "checks"
    };
    format!("{DOCS_URL}#{section}")
}

/// The repository root and each input file's URI relative to it.
#[derive(Clone, Debug, Default)]
pub struct SourceRoot {
    /// `file:///…/`, for `originalUriBaseIds`.
    pub root_uri: String,
    /// Path as written in findings → URI relative to the root.
    pub uris: BTreeMap<String, String>,
}

impl SourceRoot {
    /// Finds the root from the working directory: the enclosing git work
    /// tree, else the working directory itself. A file outside the root is
    /// named relative to its own git work tree, else by its name alone.
    pub fn discover<'a>(files: impl IntoIterator<Item = &'a str>) -> Option<SourceRoot> {
        let cwd = std::env::current_dir().ok()?.canonicalize().ok()?;
        let root = git_work_tree(&cwd).unwrap_or_else(|| cwd.clone());
        let mut uris = BTreeMap::new();
        for file in files {
            let Ok(abs) = std::fs::canonicalize(cwd.join(file)) else {
                continue;
            };
            let rel = match abs.strip_prefix(&root) {
                Ok(rel) => rel.to_path_buf(),
                Err(_) => abs
                    .parent()
                    .and_then(git_work_tree)
                    .and_then(|own| abs.strip_prefix(own).ok().map(Path::to_path_buf))
                    .or_else(|| abs.file_name().map(PathBuf::from))
                    .unwrap_or_default(),
            };
            uris.insert(file.to_string(), path_uri(&rel));
        }
        Some(SourceRoot {
            root_uri: file_uri(&root),
            uris,
        })
    }
}

fn git_work_tree(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// A relative path as a URI reference: forward slashes, each segment
/// percent-encoded.
fn path_uri(rel: &Path) -> String {
    rel.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(percent_encode(&s.to_string_lossy())),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn file_uri(dir: &Path) -> String {
    let mut out = String::from("file://");
    for c in dir.components() {
        if let Component::Normal(s) = c {
            out.push('/');
            out.push_str(&percent_encode(&s.to_string_lossy()));
        }
    }
    out.push('/');
    out
}

fn percent_encode(segment: &str) -> String {
    let mut out = String::new();
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

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

fn rule(def: &CheckDef, severity: Severity) -> sarif::ReportingDescriptor {
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
        json!(security_severity(severity)),
    );
    extra.insert("controls".into(), json!(def.controls));
    let mut tags = vec![
        "security".to_string(),
        "martech".to_string(),
        def.family.clone(),
    ];
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
        .help_uri(help_uri(def))
        .default_configuration(
            sarif::ReportingConfiguration::builder()
                .level(json!(level(severity).to_string()))
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

struct Context<'a> {
    index: BTreeMap<&'a str, usize>,
    stack_path: &'a str,
    root: Option<&'a SourceRoot>,
    with_baseline: bool,
}

fn result(f: &Finding, ctx: &Context) -> sarif::Result {
    let rule_index = ctx.index.get(f.check.as_str()).copied();
    // Code scanning needs a location; stack-level findings point at the file.
    let (file, line, column) = match &f.location {
        Some(l) => (l.file.as_str(), l.line.max(1), l.column.max(1)),
        None => (ctx.stack_path, 1, 1),
    };
    let uri = ctx
        .root
        .and_then(|r| r.uris.get(file).cloned())
        .unwrap_or_else(|| relative_uri(file));
    let location = sarif::Location::builder()
        .physical_location(
            sarif::PhysicalLocation::builder()
                .artifact_location(
                    sarif::ArtifactLocation::builder()
                        .uri(uri)
                        .uri_base_id(SRCROOT.to_string())
                        .build(),
                )
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
        extra.insert("related".into(), json!(f.related.as_slice()));
    }
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY.to_string(), f.fingerprint.to_string());
    let message = format!("{} — {}", f.message, f.remediation());
    let builder = sarif::Result::builder()
        .rule_id(f.check.to_string())
        .level(level(f.severity))
        .message(sarif::Message::builder().text(message).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(bag(Vec::new(), extra));
    let mut r = builder.build();
    if let Some(i) = rule_index {
        r.rule_index = Some(i as i64);
    }
    if ctx.with_baseline {
        // Known findings are left out of the run, so every result is new.
        r.baseline_state = Some(json!("new"));
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

/// Without a known root: the path's normal segments only (no leading `/`,
/// `./` or `..`), so the URI is never absolute and never leaves the root.
fn relative_uri(path: &str) -> String {
    path_uri(Path::new(&path.replace('\\', "/")))
}

/// The severity a check's findings have in this run (after `[checks]`
/// overrides and escalations): the highest of them, else its default.
fn severity_used(def: &CheckDef, findings: &[Finding]) -> Severity {
    findings
        .iter()
        .filter(|f| f.check == def.id)
        .map(|f| f.severity)
        .max()
        .unwrap_or(def.severity)
}

pub fn render(result: &AuditResult, root: Option<&SourceRoot>) -> Result<Vec<u8>> {
    let mut defs: Vec<&CheckDef> = result.checks.iter().collect();
    defs.sort_by(|a, b| a.id.cmp(&b.id));
    let ctx = Context {
        index: defs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i))
            .collect(),
        stack_path: &result.stack_path,
        root,
        with_baseline: result.baseline.is_some(),
    };
    let kept = result.findings.len().min(MAX_RESULTS);
    let results: Vec<sarif::Result> = result.findings[..kept]
        .iter()
        .map(|f| self::result(f, &ctx))
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
    if let Some(statement) = super::baseline_statement(result) {
        notifications.push(
            sarif::Notification::builder()
                .level(json!("note"))
                .message(
                    sarif::Message::builder()
                        .text(format!(
                            "Only new findings are reported (baselineState \"new\"): {statement}"
                        ))
                        .build(),
                )
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
        .information_uri(DOCS_URL.to_string())
        .rules(
            defs.iter()
                .map(|d| rule(d, severity_used(d, &result.findings)))
                .collect::<Vec<_>>(),
        )
        .build();
    let mut base_ids = BTreeMap::new();
    let root_location = match root {
        Some(r) => sarif::ArtifactLocation::builder()
            .uri(r.root_uri.clone())
            .build(),
        None => sarif::ArtifactLocation::builder()
            .description(
                sarif::Message::builder()
                    .text("The repository root".to_string())
                    .build(),
            )
            .build(),
    };
    base_ids.insert(SRCROOT.to_string(), root_location);
    let mut run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .invocations(vec![invocation])
        .results(results)
        .original_uri_base_ids(base_ids)
        .column_kind(json!("unicodeCodePoints"))
        .build();
    if let Some(b) = result.baseline {
        let mut extra = BTreeMap::new();
        extra.insert(
            "baseline".to_string(),
            json!({"known_left_out": b.known, "known_fixed": b.fixed}),
        );
        run.properties = Some(
            sarif::PropertyBag::builder()
                .additional_properties(extra)
                .build(),
        );
    }
    let log = sarif::Sarif::builder()
        .schema("https://json.schemastore.org/sarif-2.1.0.json".to_string())
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
    let mut out = serde_json::to_vec_pretty(&log)?;
    out.push(b'\n');
    Ok(out)
}
