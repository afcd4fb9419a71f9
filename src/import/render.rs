//! An import as a commented TOML inventory that `stackaudit validate`
//! accepts as it is: every tool says where it came from, what was mapped
//! and what could not be read.

use std::fmt::Write as _;

use super::{Import, ImportedTool};

/// A TOML basic string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A key that may need quotes (`labels` names are bare when they can be).
fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        quote(k)
    }
}

/// A comment line: one line, no control characters.
fn comment(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!(
        "# {}\n",
        crate::diagnostic::truncate_chars(one_line.trim(), 300)
    )
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn list(items: impl IntoIterator<Item = String>) -> String {
    format!(
        "[{}]",
        items
            .into_iter()
            .map(|s| quote(&s))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The `[[tool]]` tables of one tool, with comments.
pub fn tool_toml(t: &ImportedTool) -> String {
    let mut s = String::new();
    s.push_str(&comment(&format!("From {}.", t.origin)));
    for n in &t.notes {
        s.push_str(&comment(&format!("Note: {n}")));
    }
    for r in &t.remarks {
        s.push_str(&comment(r));
    }
    for u in &t.unread {
        s.push_str(&comment(&format!("Not imported: {u}")));
    }
    s.push_str("[[tool]]\n");
    let _ = writeln!(s, "id = {}", quote(&t.id));
    let _ = writeln!(s, "name = {}", quote(&t.name));
    if let Some(v) = &t.vendor {
        let _ = writeln!(s, "vendor = {}", quote(v));
    }
    match &t.category_written {
        Some(w) => {
            let _ = writeln!(
                s,
                "category = {}  # written \"{}\"",
                quote(t.category),
                w.replace(['\n', '\r'], " ")
            );
        }
        None => {
            let _ = writeln!(s, "category = {}", quote(t.category));
        }
    }
    if let Some(v) = t.status {
        let _ = writeln!(s, "status = {}", quote(v));
    }
    if let Some(v) = &t.owner {
        let _ = writeln!(s, "owner = {}", quote(v));
    }
    if !t.data.is_empty() {
        let _ = writeln!(s, "data = {}", list(t.data.iter().map(|d| d.to_string())));
    }
    if !t.regions.is_empty() {
        let _ = writeln!(
            s,
            "regions = {}",
            list(t.regions.iter().map(|r| r.to_string()))
        );
    }
    if let Some(v) = &t.url {
        let _ = writeln!(s, "url = {}", quote(v));
    }
    if let Some(v) = &t.trust_url {
        let _ = writeln!(s, "trust_url = {}", quote(v));
    }
    if let Some(v) = &t.idp_app {
        let _ = writeln!(s, "idp_app = {}", quote(v));
    }
    if !t.labels.is_empty() {
        s.push_str("\n[tool.labels]\n");
        for (k, v) in &t.labels {
            let _ = writeln!(s, "{} = {}", key(k), quote(v));
        }
    }
    let contract = [
        t.annual_cost
            .map(|c| format!("annual_cost = {}", number(c))),
        t.currency
            .as_ref()
            .map(|c| format!("currency = {}", quote(c))),
        t.renewal.map(|d| format!("renewal = {d}")),
        t.dpa.map(|b| format!("dpa = {b}")),
    ];
    section(&mut s, "contract", &contract);
    let access = [
        t.sso.map(|b| format!("sso = {b}")),
        t.mfa.map(|b| format!("mfa = {b}")),
        t.scim.map(|b| format!("scim = {b}")),
    ];
    section(&mut s, "access", &access);
    let soc2 = t.soc2_type.map(|ty| match t.soc2_report_date {
        Some(d) => format!("soc2 = {{ type = {ty}, report_date = {d} }}"),
        None => format!("soc2 = {{ type = {ty} }}"),
    });
    let iso = t
        .iso27001_expires
        .map(|d| format!("iso27001 = {{ expires = {d} }}"));
    section(&mut s, "certifications", &[soc2, iso]);
    s
}

fn section(s: &mut String, name: &str, lines: &[Option<String>]) {
    if lines.iter().all(Option::is_none) {
        return;
    }
    let _ = writeln!(s, "\n[tool.{name}]");
    for l in lines.iter().flatten() {
        s.push_str(l);
        s.push('\n');
    }
}

/// The whole inventory.
pub fn inventory(import: &Import, source_name: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Inventory imported by `stackaudit import` from {}.",
        source_name.replace(['\n', '\r'], " ")
    );
    s.push_str("# Check the values, fill in what is missing, then run `stackaudit validate` and `stackaudit audit`.\n");
    s.push_str("# The inventory format: docs/inventory.md (or `stackaudit schema` for editors).\n");
    for w in &import.warnings {
        s.push_str(&comment(&format!("Warning: {w}")));
    }
    for r in &import.skipped_rows {
        s.push_str(&comment(&format!("Not imported: {r}")));
    }
    s.push_str("schema = 1\n");
    for t in &import.tools {
        s.push('\n');
        s.push_str(&tool_toml(t));
    }
    s
}

/// The mapping file `--print-map` writes: every header with the key it
/// was read into, ready to edit and pass back with `--map`.
pub fn mapping(import: &Import, source_name: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Columns of {} as `stackaudit import` reads them.",
        source_name.replace(['\n', '\r'], " ")
    );
    s.push_str("# Edit the right-hand side (an inventory key, labels.NAME, notes or ignore) and pass this file with --map.\n");
    let keys: Vec<&str> = super::columns::KEYS.iter().map(|(n, _)| *n).collect();
    let _ = writeln!(s, "# Keys: {}, labels.NAME", keys.join(", "));
    s.push_str("\n[columns]\n");
    let mut seen = std::collections::HashSet::new();
    for sheet in &import.sheets {
        let where_ = match &sheet.sheet {
            Some(n) => format!("sheet \"{n}\", header row {}", sheet.header_row),
            None => format!("header row {}", sheet.header_row),
        };
        s.push_str(&comment(&where_));
        for c in &sheet.columns {
            if !seen.insert(super::columns::normalise(&c.header)) {
                continue;
            }
            let note = match (&c.target, c.recognised) {
                (super::columns::Target::Ignore, false) => "  # not recognised",
                _ => "",
            };
            let _ = writeln!(s, "{} = {}{note}", quote(&c.header), quote(&c.target.key()));
        }
    }
    s
}
