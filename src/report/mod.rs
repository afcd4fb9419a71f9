//! Output formats. Each is one module with a pure function from an
//! [`AuditResult`] to bytes; none knows how a check works.

pub mod controls;
pub mod csv;
pub mod github;
pub mod graph;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sanitize;
pub mod sarif;
pub mod table;
pub mod xlsx;

use anyhow::Result;

use crate::audit::AuditResult;

/// The report formats; exactly one renders each run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Markdown,
    Csv,
    Sarif,
    Junit,
    Github,
    Html,
    Xlsx,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 9] = [
        Format::Table,
        Format::Json,
        Format::Markdown,
        Format::Csv,
        Format::Sarif,
        Format::Junit,
        Format::Github,
        Format::Html,
        Format::Xlsx,
    ];
}

/// The formats of the `diff` and `gate` reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextFormat {
    /// Plain text for terminals and logs.
    Table,
    Json,
    /// Pull-request comments.
    Markdown,
    /// An Excel workbook.
    Xlsx,
}

/// How a report arranges its findings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GroupBy {
    /// Under each tool (every format).
    #[default]
    Tool,
    /// Under each framework control (table, markdown and json).
    Control,
}

#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// ANSI colours (terminal only, never with NO_COLOR).
    pub color: bool,
    /// Terminal width; `None` renders for a fixed 100 columns.
    pub width: Option<u16>,
    /// Markdown: the largest report, in bytes; `None` renders everything.
    pub max_bytes: Option<usize>,
    /// Markdown: the command that prints the whole report, named when the
    /// report is capped.
    pub full_report_command: Option<String>,
    /// SARIF: where the repository root is and each input file's URI
    /// relative to it; `None` keeps the paths as given, made relative.
    pub source_root: Option<sarif::SourceRoot>,
}

/// The controls view, for the formats that support it.
pub fn render_controls(
    result: &AuditResult,
    format: Format,
    options: &RenderOptions,
) -> Result<Vec<u8>> {
    Ok(match format {
        Format::Table => controls::table(result, options).into_bytes(),
        Format::Markdown => controls::markdown(result).into_bytes(),
        Format::Json => controls::json(result)?,
        // The workbook always has its Controls sheet.
        Format::Xlsx => xlsx::render(result)?,
        other => anyhow::bail!(
            "--group-by control works with the table, markdown and json formats, not {}",
            format!("{other:?}").to_lowercase()
        ),
    })
}

/// The report arranged as `group_by` asks.
pub fn render_grouped(
    result: &AuditResult,
    format: Format,
    group_by: GroupBy,
    options: &RenderOptions,
) -> Result<Vec<u8>> {
    match group_by {
        GroupBy::Tool => render(result, format, options),
        GroupBy::Control => render_controls(result, format, options),
    }
}

/// [`render_grouped`] streamed to `out`: formats that can be written piece
/// by piece (JSON) are, the others are rendered and then written.
pub fn write_grouped(
    result: &AuditResult,
    format: Format,
    group_by: GroupBy,
    options: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    match (format, group_by) {
        (Format::Json, GroupBy::Tool) => json::write(result, out),
        _ => Ok(out.write_all(&render_grouped(result, format, group_by, options)?)?),
    }
}

pub fn render(result: &AuditResult, format: Format, options: &RenderOptions) -> Result<Vec<u8>> {
    Ok(match format {
        Format::Table => table::render(result, options).into_bytes(),
        Format::Json => json::render(result)?,
        Format::Markdown => markdown::render(result, options).into_bytes(),
        Format::Csv => csv::render(result)?,
        Format::Sarif => sarif::render(result, options.source_root.as_ref())?,
        Format::Junit => junit::render(result)?,
        Format::Github => github::render(result).into_bytes(),
        Format::Html => html::render(result)?.into_bytes(),
        Format::Xlsx => xlsx::render(result)?,
    })
}

/// Findings grouped by tool id, in their original order. Reporters group
/// once rather than scanning every finding for every tool.
pub fn by_tool(
    findings: &[crate::checks::Finding],
) -> std::collections::HashMap<&str, Vec<&crate::checks::Finding>> {
    let mut map: std::collections::HashMap<&str, Vec<&crate::checks::Finding>> =
        std::collections::HashMap::new();
    for f in findings {
        if let Some(t) = &f.tool {
            map.entry(t.as_str()).or_default().push(f);
        }
    }
    map
}

/// The verdict on one line: for `--quiet`, and for CI logs.
pub fn summary_line(result: &AuditResult) -> String {
    let s = &result.summary;
    let verdict = match result.fail_on {
        Some(t) if result.fails() => format!("FAIL ({} at or above {t})", result.failing_count()),
        Some(_) => "PASS".to_string(),
        None => "REPORT".to_string(),
    };
    let baseline = baseline_statement(result)
        .map(|b| format!(" · {b}"))
        .unwrap_or_default();
    format!(
        "stackaudit: {verdict} · {} tools · {} critical, {} high, {} medium, {} low, {} info, {} waived · score {}/100{baseline}",
        s.tools_audited, s.critical, s.high, s.medium, s.low, s.info, s.waived, s.score
    )
}

/// With `--baseline` or `--base`: what the report leaves out, in the same
/// words for every format.
pub fn baseline_statement(result: &AuditResult) -> Option<String> {
    result.baseline.map(|b| {
        format!(
            "{} known findings left out, {} known findings fixed",
            b.known, b.fixed
        )
    })
}
