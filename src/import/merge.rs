//! `import --into STACK`: folds imported tools into an existing TOML
//! inventory with `toml_edit`, so every existing value, comment and the
//! layout stay as they are. Tools the inventory lacks are appended after
//! its last tool; for tools it has, only keys it lacks are filled in, and
//! values that differ are left alone and reported.

use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value};

use super::{Import, ImportedTool, columns};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct MergeReport {
    /// Ids of the tools added.
    pub added: Vec<String>,
    /// Per existing tool id, the keys filled in.
    pub filled: Vec<(String, Vec<String>)>,
    /// (tool id, key, the inventory's value, the source's value) left alone.
    pub kept: Vec<(String, String, String, String)>,
}

impl MergeReport {
    /// The lines `import --into` prints.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.added.is_empty() {
            out.push("added no tools".to_string());
        } else {
            out.push(format!(
                "added {} tool{}: {}",
                self.added.len(),
                if self.added.len() == 1 { "" } else { "s" },
                self.added.join(", ")
            ));
        }
        for (id, keys) in &self.filled {
            out.push(format!("{id}: filled {}", keys.join(", ")));
        }
        for (id, key, have, source) in &self.kept {
            out.push(format!(
                "{id}: left {key} = {have} alone (the source says {source})"
            ));
        }
        out
    }
}

fn date(d: jiff::civil::Date) -> Value {
    // A civil date always parses as a TOML local date.
    Value::Datetime(toml_edit::Formatted::new(
        d.to_string().parse().expect("a date is a TOML date"),
    ))
}

fn str_array<I: IntoIterator<Item = String>>(items: I) -> Value {
    let mut a = Array::new();
    for i in items {
        a.push(i);
    }
    Value::Array(a)
}

fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        Value::from(n as i64)
    } else {
        Value::from(n)
    }
}

/// The (table, key, value) entries of an imported tool, `None` table for
/// the tool's own keys. `category` only when it was given.
fn entries(t: &ImportedTool) -> Vec<(Option<&'static str>, String, Value)> {
    let mut e: Vec<(Option<&'static str>, String, Value)> = Vec::new();
    let mut top = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            e.push((None, k.to_string(), v));
        }
    };
    top("vendor", t.vendor.clone().map(Value::from));
    let category_known = t.category != "other" || t.category_written.is_some();
    top("category", category_known.then(|| Value::from(t.category)));
    top("status", t.status.map(Value::from));
    top("owner", t.owner.clone().map(Value::from));
    top(
        "data",
        (!t.data.is_empty()).then(|| str_array(t.data.iter().map(|d| d.to_string()))),
    );
    top(
        "regions",
        (!t.regions.is_empty()).then(|| str_array(t.regions.iter().map(|r| r.to_string()))),
    );
    top("url", t.url.clone().map(Value::from));
    top("trust_url", t.trust_url.clone().map(Value::from));
    top("idp_app", t.idp_app.clone().map(Value::from));
    for (k, v) in &t.labels {
        e.push((Some("labels"), k.clone(), Value::from(v.as_str())));
    }
    let mut sub = |table: &'static str, k: &str, v: Option<Value>| {
        if let Some(v) = v {
            e.push((Some(table), k.to_string(), v));
        }
    };
    sub("contract", "annual_cost", t.annual_cost.map(number));
    sub("contract", "currency", t.currency.clone().map(Value::from));
    sub("contract", "renewal", t.renewal.map(date));
    sub("contract", "dpa", t.dpa.map(Value::from));
    sub("access", "sso", t.sso.map(Value::from));
    sub("access", "mfa", t.mfa.map(Value::from));
    sub("access", "scim", t.scim.map(Value::from));
    if let Some(ty) = t.soc2_type {
        let mut soc2 = InlineTable::new();
        soc2.insert("type", Value::from(ty));
        if let Some(d) = t.soc2_report_date {
            soc2.insert("report_date", date(d));
        }
        sub("certifications", "soc2", Some(Value::InlineTable(soc2)));
    }
    if let Some(d) = t.iso27001_expires {
        let mut iso = InlineTable::new();
        iso.insert("expires", date(d));
        sub("certifications", "iso27001", Some(Value::InlineTable(iso)));
    }
    e
}

/// A value as TOML text without its surrounding spaces, for comparing
/// and reporting.
fn text(v: &Value) -> String {
    let mut v = v.clone();
    v.decor_mut().clear();
    if let Value::InlineTable(t) = &mut v {
        t.fmt();
    }
    if let Value::Array(a) = &mut v {
        a.fmt();
    }
    v.to_string().trim().to_string()
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Integer(x), Value::Float(y)) | (Value::Float(y), Value::Integer(x)) => {
            (*x.value() as f64) == *y.value()
        }
        _ => text(a) == text(b),
    }
}

fn clear_positions(table: &mut Table) {
    table.set_position(None);
    for (_, item) in table.iter_mut() {
        match item {
            Item::Table(t) => clear_positions(t),
            Item::ArrayOfTables(a) => {
                for t in a.iter_mut() {
                    clear_positions(t);
                }
            }
            _ => {}
        }
    }
}

/// Merges `import` into the inventory text `existing`, whose validated
/// model is `inventory` (its tools in the order of the `[[tool]]` tables).
pub fn merge(
    existing: &str,
    import: &Import,
    inventory: &crate::inventory::Inventory,
) -> Result<(String, MergeReport), String> {
    let mut doc: DocumentMut = existing.parse().map_err(|e: toml_edit::TomlError| {
        format!("cannot parse the inventory: {}", e.message())
    })?;
    let mut report = MergeReport::default();
    if doc.get("tool").is_none() {
        doc.insert("tool", Item::ArrayOfTables(toml_edit::ArrayOfTables::new()));
    }
    let Some(tools) = doc.get_mut("tool").and_then(Item::as_array_of_tables_mut) else {
        return Err(
            "the inventory's `tool` is not written as [[tool]] tables; --into needs [[tool]] tables"
                .into(),
        );
    };
    let mut ids: Vec<String> = tools
        .iter()
        .filter_map(|t| t.get("id").and_then(Item::as_str).map(str::to_string))
        .collect();
    for imported in &import.tools {
        let found = tools.iter().enumerate().position(|(i, t)| {
            let s = |k: &str| t.get(k).and_then(Item::as_str).unwrap_or("");
            // An app is the tool that `audit --idp` would match it with.
            if imported.from_idp
                && let Some(tool) = inventory.tools.get(i)
            {
                let app = super::idp::IdpApp {
                    name: imported.name.clone(),
                    urls: imported.url.iter().cloned().collect(),
                    active: true,
                    builtin: false,
                    assigned: None,
                };
                return super::idp::app_is_tool(&app, tool);
            }
            s("id") == imported.id
                || columns::normalise(s("name")) == columns::normalise(&imported.name)
                || imported
                    .idp_app
                    .as_deref()
                    .is_some_and(|a| columns::normalise(s("idp_app")) == columns::normalise(a))
        });
        match found {
            Some(i) => {
                let table = tools.get_mut(i).expect("index from position");
                let id = table
                    .get("id")
                    .and_then(Item::as_str)
                    .unwrap_or(&imported.id)
                    .to_string();
                fill(table, &id, imported, &mut report)?;
            }
            None => {
                let mut t = imported.clone();
                let mut n = 1;
                while ids.contains(&t.id) {
                    n += 1;
                    t.id = format!("{}-{n}", imported.id);
                }
                ids.push(t.id.clone());
                let snippet: DocumentMut = super::render::tool_toml(&t)
                    .parse()
                    .map_err(|e: toml_edit::TomlError| format!("internal error: {e}"))?;
                let mut table = snippet
                    .get("tool")
                    .and_then(Item::as_array_of_tables)
                    .and_then(|a| a.get(0))
                    .cloned()
                    .ok_or("internal error: no tool table rendered")?;
                clear_positions(&mut table);
                let prefix = table
                    .decor()
                    .prefix()
                    .and_then(|p| p.as_str())
                    .unwrap_or("")
                    .to_string();
                table.decor_mut().set_prefix(format!("\n{prefix}"));
                tools.push(table);
                report.added.push(t.id);
            }
        }
    }
    Ok((doc.to_string(), report))
}

/// Fills the keys an existing tool lacks.
fn fill(
    table: &mut Table,
    id: &str,
    imported: &ImportedTool,
    report: &mut MergeReport,
) -> Result<(), String> {
    let mut filled = Vec::new();
    for (sub, key, value) in entries(imported) {
        // A matched app's name is not written onto the tool it matched.
        if imported.from_idp && sub.is_none() && (key == "idp_app" || key == "url") {
            continue;
        }
        let path = match sub {
            Some(s) => format!("{s}.{key}"),
            None => key.clone(),
        };
        let existing: Option<Value> = match sub {
            None => table.get(&key).and_then(Item::as_value).cloned(),
            Some(s) => match table.get(s) {
                Some(Item::Table(t)) => t.get(&key).and_then(Item::as_value).cloned(),
                Some(Item::Value(Value::InlineTable(t))) => t.get(&key).cloned(),
                Some(_) => {
                    return Err(format!(
                        "tool `{id}`: `{s}` is not a table; fix the inventory first"
                    ));
                }
                None => None,
            },
        };
        if let Some(have) = existing {
            if !same(&have, &value) {
                report
                    .kept
                    .push((id.to_string(), path, text(&have), text(&value)));
            }
            continue;
        }
        match sub {
            None => {
                table.insert(&key, Item::Value(value));
            }
            Some(s) => match table.get_mut(s) {
                Some(Item::Table(t)) => {
                    t.insert(&key, Item::Value(value));
                }
                Some(Item::Value(Value::InlineTable(t))) => {
                    t.insert(&key, value);
                }
                _ => {
                    let mut t = Table::new();
                    t.insert(&key, Item::Value(value));
                    table.insert(s, Item::Table(t));
                }
            },
        }
        filled.push(path);
    }
    if !filled.is_empty() {
        report.filled.push((id.to_string(), filled));
    }
    Ok(())
}
