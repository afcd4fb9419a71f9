//! The JSON report: a stable interface for scripts (`schema_version` 1).

use std::io::Write as _;

use anyhow::Result;
use serde::Serialize;

use crate::audit::AuditResult;
use crate::checks::Finding;
use crate::shared_str::SharedStr;

#[derive(Serialize)]
struct Report<'a> {
    schema_version: u32,
    as_of: String,
    stack: Stack<'a>,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct Stack<'a> {
    path: &'a str,
    organization: Option<&'a str>,
    tools: usize,
}

#[derive(Serialize)]
struct Summary {
    tools_audited: usize,
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
    waived: usize,
    score: u32,
    integration_coverage: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<crate::audit::BaselineSummary>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    check: &'a str,
    title: &'a str,
    severity: &'a str,
    tool: Option<&'a str>,
    related: &'a [SharedStr],
    subject: Option<&'a str>,
    message: &'a str,
    remediation: &'a str,
    controls: &'a [String],
    location: Option<&'a crate::checks::Location>,
    fingerprint: &'a str,
    waiver: Option<&'a crate::checks::AppliedWaiver>,
}

pub fn render(result: &AuditResult) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write(result, &mut out)?;
    Ok(out)
}

/// The report streamed to `out`, without building it in memory first.
pub fn write(result: &AuditResult, out: &mut dyn std::io::Write) -> Result<()> {
    let s = &result.summary;
    let report = Report {
        schema_version: 1,
        as_of: result.as_of.to_string(),
        stack: Stack {
            path: &result.stack_path,
            organization: result.organization.as_deref(),
            tools: result.tools.len(),
        },
        summary: Summary {
            tools_audited: s.tools_audited,
            critical: s.critical,
            high: s.high,
            medium: s.medium,
            low: s.low,
            info: s.info,
            waived: s.waived,
            score: s.score,
            integration_coverage: s
                .integration_coverage
                .map(|c| (c * 1000.0).round() / 1000.0),
            baseline: result.baseline,
        },
        findings: result
            .findings
            .iter()
            .map(|f: &Finding| JsonFinding {
                check: &f.check,
                title: result.check(&f.check).map_or("", |c| c.title.as_str()),
                severity: f.severity.as_str(),
                tool: f.tool.as_deref(),
                related: &f.related,
                subject: f.subject.as_deref(),
                message: &f.message,
                remediation: &f.remediation,
                controls: &f.controls,
                location: f.location.as_ref(),
                fingerprint: &f.fingerprint,
                waiver: f.waiver.as_deref(),
            })
            .collect(),
    };
    // serde writes a few bytes at a time: a concrete buffer keeps those
    // writes inlined instead of each going through `dyn Write`.
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, &report)?;
    buffered.write_all(b"\n")?;
    buffered.flush()?;
    Ok(())
}
