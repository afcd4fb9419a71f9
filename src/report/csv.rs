//! CSV: one row per finding, for spreadsheets in procurement reviews.
//!
//! Quoting follows RFC 4180 (the `csv` crate). A cell that a spreadsheet
//! would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
//! return) gets a leading apostrophe, as OWASP advises against CSV injection
//! (CWE-1236); control characters other than line breaks are shown escaped
//! (see `sanitize`). With `--baseline` or `--base`, a last row with status
//! `baseline` says how many known findings were left out and how many were
//! fixed.

use anyhow::Result;

use crate::audit::AuditResult;

pub const HEADER: [&str; 13] = [
    "check",
    "severity",
    "tool",
    "related",
    "message",
    "remediation",
    "controls",
    "file",
    "line",
    "status",
    "waiver_reason",
    "waiver_expires",
    "fingerprint",
];

/// A cell as written: sanitised (line breaks stay, quoted), then neutralised.
pub fn cell(text: &str) -> String {
    neutralise(&super::sanitize::text_keeping_line_breaks(text))
}

/// Neutralises a cell that a spreadsheet would evaluate.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

pub fn render(result: &AuditResult) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(HEADER)?;
    for f in &result.findings {
        let (file, line) = match &f.location {
            Some(l) => (l.file.to_string(), l.line.to_string()),
            None => (String::new(), String::new()),
        };
        let record = [
            f.check.to_string(),
            f.severity.to_string(),
            f.tool.as_deref().unwrap_or_default().to_string(),
            f.related.join(";"),
            f.message.to_string(),
            f.remediation().to_string(),
            f.controls().join(";"),
            file,
            line,
            if f.is_waived() { "waived" } else { "open" }.to_string(),
            f.waiver
                .as_ref()
                .map(|w| w.reason.clone())
                .unwrap_or_default(),
            f.waiver
                .as_ref()
                .map(|w| w.expires.to_string())
                .unwrap_or_default(),
            f.fingerprint.to_string(),
        ];
        w.write_record(record.iter().map(|c| cell(c)))?;
    }
    if let Some(statement) = super::baseline_statement(result) {
        let mut row = vec![String::new(); HEADER.len()];
        row[4] = statement;
        row[9] = "baseline".to_string();
        w.write_record(&row)?;
    }
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("cannot finish the CSV: {e}"))
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(
            neutralise("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-2"), "'-2");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("plain"), "plain");
        assert_eq!(neutralise(""), "");
    }
}
