//! Entry points for the fuzz targets in `fuzz/` (and their regression
//! tests): each takes arbitrary bytes and must never panic.

use crate::checks::{Catalogue, CheckDef};
use crate::inventory::source::Format;

const AS_OF: &str = "2026-11-22";

fn as_of() -> jiff::civil::Date {
    AS_OF.parse().expect("a valid date")
}

/// Loads bytes as an inventory; when valid, audits it and renders every report.
pub fn inventory(data: &[u8], format: Format) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(inv) = crate::inventory::load_str(text, format, "fuzz") else {
        return;
    };
    let options = crate::audit::AuditOptions::new(as_of());
    if let Ok(result) = crate::audit::audit(&inv, &Catalogue::builtin(), &options) {
        for format in &crate::report::Format::ALL {
            let _ =
                crate::report::render(&result, *format, &crate::report::RenderOptions::default());
        }
    }
}

const RULE_STACK: &str = r#"schema = 1
[[tool]]
id = "chat"
name = "Chat"
category = "chat"
data = ["pii"]
regions = ["us"]
labels = { ai_review = "done" }
[tool.contract]
annual_cost = 5000
renewal = 2027-01-15
[tool.certifications]
soc2 = { type = 2, report_date = 2026-01-31 }
[[tool.integration]]
to = "crm"
[[tool]]
id = "crm"
name = "CRM"
category = "crm"
"#;

/// Parses a check definition; when valid, evaluates its rule.
pub fn rule(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut def) = toml::from_str::<CheckDef>(text) else {
        return;
    };
    def.source = "fuzz".into();
    if def.rule.as_ref().is_none_or(|r| r.validate().is_err()) {
        return;
    }
    if def
        .applies_to
        .as_ref()
        .is_some_and(|a| a.validate().is_err())
    {
        return;
    }
    let inv = crate::inventory::load_str(RULE_STACK, Format::Toml, "fuzz")
        .expect("the fixed stack is valid");
    let flow = crate::inventory::dataflow::DataFlow::compute(&inv);
    let ctx = crate::checks::Context {
        inventory: &inv,
        flow: &flow,
        as_of: as_of(),
        waivers_used: &[],
        evidence: None,
    };
    let mut out = Vec::new();
    if let Some(rule) = &def.rule {
        crate::checks::rule::evaluate(&ctx, &def, rule, &mut out);
    }
}

/// Reads bytes as a baseline file.
pub fn baseline(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = crate::audit::baseline::Baseline::parse(text, "fuzz");
}
