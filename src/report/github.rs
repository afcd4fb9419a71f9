//! GitHub Actions workflow commands: one annotation per finding, shown on the
//! inventory's lines in the pull request.
//!
//! `::error file=…,line=…,col=…,title=…::message`, with `warning` and `notice`
//! by severity. Values are escaped as the Actions toolkit does, so every
//! command is a single line.

use std::fmt::Write as _;

use crate::audit::AuditResult;
use crate::checks::Severity;

/// Escapes a command's message, after sanitising it.
pub fn escape_data(s: &str) -> String {
    super::sanitize::text_keeping_line_breaks(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(result: &AuditResult) -> String {
    let mut out = String::new();
    for f in &result.findings {
        let command = match (f.is_waived(), f.severity) {
            (true, _) => "notice",
            (false, Severity::Critical | Severity::High) => "error",
            (false, Severity::Medium) => "warning",
            (false, _) => "notice",
        };
        let mut props = Vec::new();
        if let Some(l) = &f.location {
            props.push(format!("file={}", escape_property(&l.file)));
            props.push(format!("line={}", l.line));
            props.push(format!("col={}", l.column));
        }
        let subject = f
            .tool
            .as_deref()
            .map(|t| format!(" ({})", super::sanitize::text(t)))
            .unwrap_or_default();
        let waived = if f.is_waived() { " [waived]" } else { "" };
        props.push(format!(
            "title={}",
            escape_property(&format!("{} {}{subject}{waived}", f.severity, f.check))
        ));
        let body = match &f.waiver {
            Some(w) => format!(
                "{} — waived until {} by {}: {}",
                f.message, w.expires, w.approved_by, w.reason
            ),
            None => format!("{} — {}", f.message, f.remediation()),
        };
        let _ = writeln!(
            out,
            "::{command} {}::{}",
            props.join(","),
            escape_data(&body)
        );
    }
    let s = &result.summary;
    let new = if result.baseline.is_some() {
        " new"
    } else {
        ""
    };
    let baseline = super::baseline_statement(result)
        .map(|b| format!("; {b}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "::notice title=stackaudit::{}",
        escape_data(&format!(
            "{} tools audited:{new} {} critical, {} high, {} medium, {} low, {} info, {} waived; score {}/100{baseline}",
            s.tools_audited, s.critical, s.high, s.medium, s.low, s.info, s.waived, s.score
        ))
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_keep_commands_on_one_line() {
        assert_eq!(escape_data("50%\nnext\r"), "50%25%0Anext%0D");
        assert_eq!(escape_property("a,b:c"), "a%2Cb%3Ac");
        assert_eq!(escape_property("x::error y"), "x%3A%3Aerror y");
        assert_eq!(
            escape_data("CRM\u{1b}[2J\u{7}\n::error::x"),
            "CRM\\u{1b}[2J\\u{7}%0A::error::x",
            "control characters are shown, a newline cannot start a command"
        );
    }
}
