//! User-written checks: conditions on inventory fields, without Rust.
//!
//! ```toml
//! [applies_to]
//! category = ["chat"]
//!
//! [rule]
//! require = { field = "labels.ai_review", equals = "done" }
//! message = "{name} has not passed the AI review"
//! ```
//!
//! A finding is reported for every tool in scope where `require` is false.
//! Conditions combine with `all`, `any` and `not`; a leaf names a `field` and
//! exactly one operator. A field left out of the inventory, or a list with
//! no entries, is missing: every operator but `exists` is false on it.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{CheckDef, Context, Finding, days_between};
use crate::inventory::model::{Category, DataClass, DataSet, Status, Tool};

/// Which tools a rule looks at; every list left out matches everything.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AppliesTo {
    #[serde(default)]
    pub category: Vec<String>,
    #[serde(default)]
    pub status: Vec<String>,
    /// Tools holding (effectively) any of these data classes.
    #[serde(default)]
    pub data: Vec<String>,
    /// Tools carrying all of these labels with these values.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub require: Condition,
    /// The finding's text; `{id}` and `{name}` are replaced by the tool's.
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Vec<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<toml::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_equals: Option<toml::Value>,
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub in_: Option<Vec<toml::Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_in: Option<Vec<toml::Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<toml::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gte: Option<toml::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lte: Option<toml::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_days: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub older_than_days: Option<i64>,
}

const OPERATORS: &str =
    "exists, equals, not_equals, in, not_in, contains, gte, lte, within_days, older_than_days";

/// Fields a condition can name. `labels.*` and `certifications.<name>.*` are open.
pub const FIELDS: &[&str] = &[
    "id",
    "name",
    "vendor",
    "category",
    "status",
    "owner",
    "url",
    "trust_url",
    "data",
    "effective_data",
    "regions",
    "certifications",
    "integration_count",
    "integration_partners",
    "contract.annual_cost",
    "contract.currency",
    "contract.renewal",
    "contract.dpa",
    "access.sso",
    "access.mfa",
    "access.scim",
    "encryption.at_rest",
    "encryption.in_transit",
    "encryption.customer_managed_keys",
    "backup.enabled",
    "backup.rpo_hours",
    "backup.rto_hours",
    "backup.retention_days",
    "backup.last_restore_test",
    "backup.export",
];

const CERT_FIELDS: &[&str] = &["expires", "report_date", "bridge_letter_until", "type"];

const MAX_DEPTH: usize = 32;

/// The longest `message` template accepted; expanded messages are capped
/// separately (see [`expand`]).
pub const MAX_TEMPLATE_CHARS: usize = 500;

impl RuleDef {
    /// Rejects malformed conditions when the definition is loaded, not mid-audit.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(m) = &self.message {
            let n = m.chars().count();
            if n > MAX_TEMPLATE_CHARS {
                return Err(format!(
                    "the rule's `message` is {n} characters long; the limit is {MAX_TEMPLATE_CHARS}"
                ));
            }
        }
        self.require.validate(0)
    }
}

/// A rule's message for one tool: `{id}` and `{name}` replaced, stopping
/// at [`MAX_MESSAGE_CHARS`] characters (ending in "…") however long the
/// names, so the work per finding is bounded too.
///
/// [`MAX_MESSAGE_CHARS`]: crate::diagnostic::MAX_MESSAGE_CHARS
pub fn expand(template: &str, id: &str, name: &str) -> String {
    const CAP: usize = crate::diagnostic::MAX_MESSAGE_CHARS;
    let mut out = String::new();
    let mut chars = 0usize;
    let mut rest = template;
    while !rest.is_empty() && chars <= CAP {
        let (piece, advance) = if let Some(r) = rest.strip_prefix("{name}") {
            (name, rest.len() - r.len())
        } else if let Some(r) = rest.strip_prefix("{id}") {
            (id, rest.len() - r.len())
        } else {
            let c = rest.chars().next().map_or(1, char::len_utf8);
            (&rest[..c], c)
        };
        for ch in piece.chars() {
            if chars > CAP {
                break;
            }
            out.push(ch);
            chars += 1;
        }
        rest = &rest[advance..];
    }
    crate::diagnostic::cap_message(out)
}

fn known_field(field: &str) -> bool {
    if FIELDS.contains(&field) {
        return true;
    }
    if let Some(label) = field.strip_prefix("labels.") {
        return !label.is_empty();
    }
    if let Some(rest) = field.strip_prefix("certifications.") {
        return rest
            .split_once('.')
            .is_some_and(|(name, attr)| !name.is_empty() && CERT_FIELDS.contains(&attr));
    }
    false
}

impl Condition {
    fn operators(&self) -> Vec<&'static str> {
        let mut ops = Vec::new();
        let present = [
            ("exists", self.exists.is_some()),
            ("equals", self.equals.is_some()),
            ("not_equals", self.not_equals.is_some()),
            ("in", self.in_.is_some()),
            ("not_in", self.not_in.is_some()),
            ("contains", self.contains.is_some()),
            ("gte", self.gte.is_some()),
            ("lte", self.lte.is_some()),
            ("within_days", self.within_days.is_some()),
            ("older_than_days", self.older_than_days.is_some()),
        ];
        for (name, on) in present {
            if on {
                ops.push(name);
            }
        }
        ops
    }

    fn validate(&self, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!(
                "rule conditions nest deeper than {MAX_DEPTH} levels"
            ));
        }
        let combinators = [self.all.is_some(), self.any.is_some(), self.not.is_some()]
            .iter()
            .filter(|b| **b)
            .count();
        let ops = self.operators();
        match (combinators, &self.field) {
            (1, None) if ops.is_empty() => {
                for c in self.all.iter().chain(self.any.iter()).flatten() {
                    c.validate(depth + 1)?;
                }
                if let Some(c) = &self.not {
                    c.validate(depth + 1)?;
                }
                if self.all.as_ref().is_some_and(Vec::is_empty) || self.any.as_ref().is_some_and(Vec::is_empty) {
                    return Err("`all` and `any` need at least one condition".into());
                }
                Ok(())
            }
            (0, Some(field)) => {
                if !known_field(field) {
                    let hint = crate::diagnostic::did_you_mean(field, FIELDS.iter().copied())
                        .map(|m| format!("did you mean `{m}`? "))
                        .unwrap_or_default();
                    return Err(format!(
                        "unknown field `{field}` in rule; {hint}fields: {}, labels.<name>, certifications.<name>.<expires|report_date|bridge_letter_until|type>",
                        FIELDS.join(", ")
                    ));
                }
                match ops.len() {
                    1 => Ok(()),
                    0 => Err(format!("condition on `{field}` has no operator; use one of: {OPERATORS}")),
                    _ => Err(format!("condition on `{field}` has several operators ({}); use one per condition and combine them with `all`", ops.join(", "))),
                }
            }
            (0, None) => Err(format!("a condition needs `all`, `any`, `not`, or a `field` with one of: {OPERATORS}")),
            _ => Err("a condition is either a combination (`all`, `any` or `not`) or a `field` test, not both".into()),
        }
    }

    /// The first field named, for locating findings.
    fn first_field(&self) -> Option<&str> {
        if let Some(f) = &self.field {
            return Some(f);
        }
        self.all
            .iter()
            .chain(self.any.iter())
            .flatten()
            .find_map(Condition::first_field)
            .or_else(|| self.not.as_ref().and_then(|c| c.first_field()))
    }

    fn holds(&self, ctx: &Context, i: usize) -> bool {
        if let Some(all) = &self.all {
            return all.iter().all(|c| c.holds(ctx, i));
        }
        if let Some(any) = &self.any {
            return any.iter().any(|c| c.holds(ctx, i));
        }
        if let Some(not) = &self.not {
            return !not.holds(ctx, i);
        }
        let Some(field) = &self.field else {
            return false;
        };
        let value = match resolve(ctx, i, field) {
            // A list with no entries says nothing, like a field left out.
            FieldValue::List(items) if items.is_empty() => FieldValue::Missing,
            v => v,
        };
        if let Some(want) = self.exists {
            return !matches!(value, FieldValue::Missing) == want;
        }
        // Comparing a missing value is false, whatever the operator
        // (`not_equals` and `not_in` too); a rule that accepts a missing
        // value says so with `exists = false`.
        if value == FieldValue::Missing {
            return false;
        }
        if let Some(v) = &self.equals {
            return value.equals(v);
        }
        if let Some(v) = &self.not_equals {
            return !value.equals(v);
        }
        if let Some(list) = &self.in_ {
            return match &value {
                FieldValue::List(items) => items
                    .iter()
                    .all(|s| list.iter().any(|v| literal_str(v).as_deref() == Some(s))),
                _ => list.iter().any(|v| value.equals(v)),
            };
        }
        if let Some(list) = &self.not_in {
            return match &value {
                FieldValue::List(items) => !items
                    .iter()
                    .any(|s| list.iter().any(|v| literal_str(v).as_deref() == Some(s))),
                _ => !list.iter().any(|v| value.equals(v)),
            };
        }
        if let Some(v) = &self.contains {
            let needle = literal_str(v).unwrap_or_default();
            return match &value {
                FieldValue::List(items) => items.contains(&needle),
                FieldValue::Str(s) => s.contains(&needle),
                _ => false,
            };
        }
        if let Some(v) = &self.gte {
            return value.compare(v).is_some_and(|o| o.is_ge());
        }
        if let Some(v) = &self.lte {
            return value.compare(v).is_some_and(|o| o.is_le());
        }
        if let Some(n) = self.within_days {
            return matches!(value, FieldValue::Date(d) if days_between(ctx.as_of, d).abs() <= n);
        }
        if let Some(n) = self.older_than_days {
            return matches!(value, FieldValue::Date(d) if days_between(d, ctx.as_of) > n);
        }
        false
    }
}

/// A field's value on one tool.
#[derive(Debug, PartialEq)]
enum FieldValue {
    Missing,
    Str(String),
    Num(f64),
    Bool(bool),
    Date(Date),
    List(Vec<String>),
}

fn literal_str(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Datetime(d) => Some(d.to_string()),
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn literal_date(v: &toml::Value) -> Option<Date> {
    literal_str(v).and_then(|s| crate::inventory::validate::parse_date(&s).ok())
}

impl FieldValue {
    fn equals(&self, v: &toml::Value) -> bool {
        match (self, v) {
            (FieldValue::Str(s), toml::Value::String(t)) => s == t,
            (FieldValue::Num(n), toml::Value::Integer(i)) => *n == *i as f64,
            (FieldValue::Num(n), toml::Value::Float(f)) => n == f,
            (FieldValue::Bool(b), toml::Value::Boolean(c)) => b == c,
            (FieldValue::Date(d), other) => literal_date(other) == Some(*d),
            _ => false,
        }
    }

    fn compare(&self, v: &toml::Value) -> Option<std::cmp::Ordering> {
        match (self, v) {
            (FieldValue::Num(n), toml::Value::Integer(i)) => n.partial_cmp(&(*i as f64)),
            (FieldValue::Num(n), toml::Value::Float(f)) => n.partial_cmp(f),
            (FieldValue::Date(d), other) => literal_date(other).map(|o| d.cmp(&o)),
            _ => None,
        }
    }
}

fn opt_str<S: AsRef<str>>(s: &Option<S>) -> FieldValue {
    s.as_ref().map_or(FieldValue::Missing, |s| {
        FieldValue::Str(s.as_ref().to_string())
    })
}

fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> FieldValue) -> FieldValue {
    v.map_or(FieldValue::Missing, f)
}

fn classes(set: DataSet) -> FieldValue {
    FieldValue::List(
        set.iter()
            .map(|c: DataClass| c.as_str().to_string())
            .collect(),
    )
}

fn resolve(ctx: &Context, i: usize, field: &str) -> FieldValue {
    let tool: &Tool = &ctx.inventory.tools[i];
    let num = |v: Option<f64>| opt(v, FieldValue::Num);
    let flag = |v: Option<bool>| opt(v, FieldValue::Bool);
    let contract = tool.contract.as_ref();
    let access = tool.access.as_ref();
    let enc = tool.encryption.as_ref();
    let backup = tool.backup.as_ref();
    match field {
        "id" => FieldValue::Str(tool.id.to_string()),
        "name" => FieldValue::Str(tool.name.to_string()),
        "vendor" => opt_str(&tool.vendor),
        "category" => FieldValue::Str(tool.category.to_string()),
        "status" => FieldValue::Str(tool.status.to_string()),
        "owner" => opt_str(&tool.owner),
        "url" => opt_str(&tool.url),
        "trust_url" => opt_str(&tool.trust_url),
        "data" => classes(tool.data),
        "effective_data" => classes(ctx.flow.effective[i]),
        "regions" => FieldValue::List(tool.regions.iter().map(ToString::to_string).collect()),
        "certifications" => FieldValue::List(
            tool.certifications
                .iter()
                .map(|c| c.policy_name())
                .collect(),
        ),
        "integration_count" => FieldValue::Num(ctx.flow.links[i].len() as f64),
        "integration_partners" => {
            let mut ids: Vec<String> = ctx.flow.links[i]
                .iter()
                .map(|&(j, _)| ctx.inventory.tools[j].id.to_string())
                .collect();
            ids.sort();
            ids.dedup();
            FieldValue::List(ids)
        }
        "contract.annual_cost" => num(contract.and_then(|c| c.annual_cost)),
        "contract.currency" => opt_str(&contract.and_then(|c| c.currency.clone())),
        "contract.renewal" => opt(contract.and_then(|c| c.renewal), FieldValue::Date),
        "contract.dpa" => flag(contract.and_then(|c| c.dpa)),
        "access.sso" => flag(access.and_then(|a| a.sso)),
        "access.mfa" => flag(access.and_then(|a| a.mfa)),
        "access.scim" => flag(access.and_then(|a| a.scim)),
        "encryption.at_rest" => opt_str(&enc.and_then(|e| e.at_rest.clone())),
        "encryption.in_transit" => opt_str(&enc.and_then(|e| e.in_transit.map(|t| t.to_string()))),
        "encryption.customer_managed_keys" => flag(enc.and_then(|e| e.customer_managed_keys)),
        "backup.enabled" => flag(backup.and_then(|b| b.enabled)),
        "backup.rpo_hours" => num(backup.and_then(|b| b.rpo_hours)),
        "backup.rto_hours" => num(backup.and_then(|b| b.rto_hours)),
        "backup.retention_days" => num(backup.and_then(|b| b.retention_days).map(|d| d as f64)),
        "backup.last_restore_test" => {
            opt(backup.and_then(|b| b.last_restore_test), FieldValue::Date)
        }
        "backup.export" => flag(backup.and_then(|b| b.export)),
        other => {
            if let Some(label) = other.strip_prefix("labels.") {
                return opt_str(&tool.labels.get(label).cloned());
            }
            if let Some((name, attr)) = other
                .strip_prefix("certifications.")
                .and_then(|r| r.split_once('.'))
            {
                let Some(cert) = tool.certifications.iter().find(|c| c.name == name) else {
                    return FieldValue::Missing;
                };
                return match attr {
                    "expires" => opt(cert.expires, FieldValue::Date),
                    "report_date" => opt(cert.report_date, FieldValue::Date),
                    "bridge_letter_until" => opt(cert.bridge_letter_until, FieldValue::Date),
                    "type" => opt(cert.soc2_type, |t| FieldValue::Num(t as f64)),
                    _ => FieldValue::Missing,
                };
            }
            FieldValue::Missing
        }
    }
}

impl AppliesTo {
    fn matches(&self, ctx: &Context, i: usize) -> bool {
        let tool = &ctx.inventory.tools[i];
        let category_ok = self.category.is_empty()
            || self
                .category
                .iter()
                .any(|c| Category::parse(c) == Some(tool.category));
        let status_ok = if self.status.is_empty() {
            tool.is_in_scope()
        } else {
            self.status
                .iter()
                .any(|s| Status::parse(s) == Some(tool.status))
        };
        let data_ok = self.data.is_empty()
            || self
                .data
                .iter()
                .filter_map(|d| DataClass::parse(d))
                .any(|c| ctx.flow.effective[i].contains(c));
        let labels_ok = self
            .labels
            .iter()
            .all(|(k, v)| tool.labels.get(k) == Some(v));
        category_ok && status_ok && data_ok && labels_ok
    }

    /// Rejects scope values that could never match.
    pub fn validate(&self) -> Result<(), String> {
        for c in &self.category {
            Category::parse(c).ok_or_else(|| format!("unknown category `{c}` in applies_to"))?;
        }
        for s in &self.status {
            Status::parse(s).ok_or_else(|| format!("unknown status `{s}` in applies_to"))?;
        }
        for d in &self.data {
            DataClass::parse(d).ok_or_else(|| format!("unknown data class `{d}` in applies_to"))?;
        }
        Ok(())
    }
}

/// Evaluates a rule check over every tool it applies to.
pub fn evaluate(ctx: &Context, def: &CheckDef, rule: &RuleDef, out: &mut Vec<Finding>) {
    let scope = def.applies_to.clone().unwrap_or_default();
    let field = rule
        .require
        .first_field()
        .map(|f| f.to_string())
        .unwrap_or_else(|| "id".into());
    for i in 0..ctx.inventory.tools.len() {
        if !scope.matches(ctx, i) || rule.require.holds(ctx, i) {
            continue;
        }
        let tool = &ctx.inventory.tools[i];
        let message = rule
            .message
            .as_deref()
            .map(|m| expand(m, &tool.id, &tool.name))
            .unwrap_or_else(|| {
                crate::diagnostic::cap_message(format!("{}: {}", tool.name, def.title))
            });
        out.push(ctx.tool_finding(def, tool, &field, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::dataflow::DataFlow;
    use crate::inventory::{load_str, source::Format};

    fn run_rule(rule_toml: &str, tools: &str) -> Vec<String> {
        let def_text = format!(
            "id = \"custom\"\ntitle = \"Custom\"\nfamily = \"custom\"\nseverity = \"low\"\nrationale = \"r\"\nremediation = \"x\"\n{rule_toml}"
        );
        let def: CheckDef = toml::from_str(&def_text).unwrap();
        def.rule.as_ref().unwrap().validate().unwrap();
        let inv = load_str(&format!("schema = 1\n{tools}"), Format::Toml, "s.toml").unwrap();
        let flow = DataFlow::compute(&inv);
        let ctx = Context {
            inventory: &inv,
            flow: &flow,
            as_of: "2026-11-22".parse().unwrap(),
            waivers_used: &[],
            evidence: None,
            idp: None,
            labels: &[],
            wordings: Default::default(),
        };
        let mut out = Vec::new();
        evaluate(&ctx, &def, def.rule.as_ref().unwrap(), &mut out);
        out.into_iter().map(|f| f.tool.unwrap().into()).collect()
    }

    const TOOLS: &str = r#"
[[tool]]
id = "chat"
name = "Chat"
category = "chat"
labels = { ai_review = "done" }
[tool.contract]
annual_cost = 5000
renewal = 2027-01-15
[[tool]]
id = "bot"
name = "Bot"
category = "chat"
data = ["pii"]
regions = ["us"]
[[tool]]
id = "crm"
name = "CRM"
category = "crm"
[tool.contract]
annual_cost = 90000
renewal = 2028-01-01
"#;

    #[test]
    fn equals_with_scope() {
        let rule = "[applies_to]\ncategory = [\"chat\"]\n[rule]\nrequire = { field = \"labels.ai_review\", equals = \"done\" }";
        assert_eq!(run_rule(rule, TOOLS), ["bot"]);
    }

    #[test]
    fn combinators_and_comparisons() {
        let rule = "[rule]\nrequire = { any = [ { field = \"contract.annual_cost\", lte = 10000 }, { not = { field = \"contract\", exists = true } } ] }";
        // `contract` is not a field; validation must reject it.
        let def_text = format!(
            "id = \"c\"\ntitle = \"t\"\nfamily = \"f\"\nseverity = \"low\"\nrationale = \"r\"\nremediation = \"x\"\n{rule}"
        );
        let def: CheckDef = toml::from_str(&def_text).unwrap();
        assert!(
            def.rule
                .unwrap()
                .validate()
                .unwrap_err()
                .contains("unknown field `contract`")
        );

        let rule = "[rule]\nrequire = { any = [ { field = \"contract.annual_cost\", lte = 10000 }, { not = { field = \"contract.annual_cost\", exists = true } } ] }";
        assert_eq!(run_rule(rule, TOOLS), ["crm"]);
        let rule = "[rule]\nrequire = { all = [ { field = \"contract.annual_cost\", gte = 1000 }, { field = \"category\", not_in = [\"crm\"] } ] }";
        assert_eq!(run_rule(rule, TOOLS), ["bot", "crm"]);
    }

    #[test]
    fn list_and_date_operators() {
        assert_eq!(
            run_rule(
                "[rule]\nrequire = { field = \"effective_data\", contains = \"pii\" }",
                TOOLS
            ),
            ["chat", "crm"]
        );
        assert_eq!(
            run_rule(
                "[rule]\nrequire = { field = \"regions\", in = [\"eu\"] }",
                TOOLS
            ),
            ["chat", "bot", "crm"],
            "no regions at all is not \"only in the EU\""
        );
        assert_eq!(
            run_rule(
                "[rule]\nrequire = { any = [ { field = \"regions\", exists = false }, { field = \"regions\", in = [\"eu\"] } ] }",
                TOOLS
            ),
            ["bot"],
            "a rule that accepts an empty list says so"
        );
        assert_eq!(
            run_rule(
                "[rule]\nrequire = { field = \"contract.renewal\", within_days = 60 }",
                TOOLS
            ),
            ["bot", "crm"]
        );
        assert_eq!(
            run_rule(
                "[rule]\nrequire = { not = { field = \"contract.renewal\", older_than_days = 0 } }",
                TOOLS
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            run_rule(
                "[rule]\nrequire = { field = \"contract.renewal\", gte = 2027-06-01 }",
                TOOLS
            ),
            ["chat", "bot"]
        );
    }

    #[test]
    fn comparing_a_missing_value_is_false_for_every_operator() {
        // `bot` has no contract: every comparison on its cost is false, so
        // `require` fails and it is reported, whichever operator is used.
        for op in [
            "lte = 10",
            "gte = 10",
            "equals = 10",
            "not_equals = 10",
            "in = [10]",
            "not_in = [10]",
        ] {
            let rule = format!("[rule]\nrequire = {{ field = \"contract.annual_cost\", {op} }}");
            assert!(run_rule(&rule, TOOLS).contains(&"bot".to_string()), "{op}");
        }
        let rule = "[rule]\nrequire = { field = \"contract.annual_cost\", exists = false }";
        assert_eq!(run_rule(rule, TOOLS), ["chat", "crm"]);
    }

    #[test]
    fn the_shipped_costly_tool_rule_ignores_unknown_costs() {
        let text = include_str!("../../examples/checks/costly-tool-needs-sso.toml");
        let rule = &text[text.find("[rule]").unwrap()..];
        let tools = format!(
            "{TOOLS}[[tool]]\nid = \"big\"\nname = \"Big\"\ncategory = \"bi\"\n[tool.contract]\nannual_cost = 20001\n"
        );
        assert_eq!(run_rule(rule, &tools), ["crm", "big"]);
    }

    #[test]
    fn messages_are_expanded_within_a_bound() {
        assert_eq!(
            expand("{name} ({id}) is {x}", "a", "Alpha"),
            "Alpha (a) is {x}"
        );
        let huge = "n".repeat(10_000);
        let m = expand(&"{name}".repeat(80), "id", &huge);
        assert_eq!(m.chars().count(), crate::diagnostic::MAX_MESSAGE_CHARS);
        assert!(m.ends_with('…'));
        let def_text = format!(
            "id = \"c\"\ntitle = \"t\"\nfamily = \"f\"\nseverity = \"low\"\nrationale = \"r\"\nremediation = \"x\"\n[rule]\nrequire = {{ field = \"name\", exists = true }}\nmessage = \"{}\"",
            "{name}".repeat(100)
        );
        let def: CheckDef = toml::from_str(&def_text).unwrap();
        let err = def.rule.unwrap().validate().unwrap_err();
        assert!(
            err.contains("600 characters long; the limit is 500"),
            "{err}"
        );
    }

    #[test]
    fn malformed_conditions_are_rejected_with_reasons() {
        for (rule, expected) in [
            ("{ field = \"name\" }", "has no operator"),
            (
                "{ field = \"name\", equals = \"a\", exists = true }",
                "several operators",
            ),
            ("{ all = [] }", "at least one condition"),
            (
                "{ all = [{ field = \"name\", exists = true }], field = \"name\" }",
                "not both",
            ),
            ("{ }", "needs `all`, `any`, `not`"),
            (
                "{ field = \"nmae\", exists = true }",
                "did you mean `name`?",
            ),
        ] {
            let def_text = format!(
                "id = \"c\"\ntitle = \"t\"\nfamily = \"f\"\nseverity = \"low\"\nrationale = \"r\"\nremediation = \"x\"\n[rule]\nrequire = {rule}"
            );
            let def: CheckDef = toml::from_str(&def_text).unwrap();
            let err = def.rule.unwrap().validate().unwrap_err();
            assert!(err.contains(expected), "{rule}: {err}");
        }
    }
}
