//! From a parsed document to an [`Inventory`], collecting every problem.
//!
//! Two passes: `check_table` compares the document with the declared format
//! (types, unknown keys, allowed values, required keys); `Builder` then reads
//! the values into the model and checks what spans several places (duplicate
//! ids, integrations to unknown tools, region codes, waivers).

use std::collections::HashMap;

use jiff::civil::Date;

use super::model::*;
use super::region::{self, Region};
use super::source::{Format, Loc, Node, Value};
use super::spec::{self, Field, Ty};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::shared_str::SharedStr;

/// Upper bounds that keep a hostile file from exhausting memory or time.
pub const MAX_TOOLS: usize = 50_000;
pub const MAX_INTEGRATIONS: usize = 500_000;
/// Ids are short names; the limit keeps "did you mean" comparisons cheap.
pub const MAX_ID_LEN: usize = 200;
/// Unknown references past this many are counted, not listed one by one.
pub const MAX_UNKNOWN_REFERENCES: usize = 100;

pub fn validate(root: &Node, format: Format, path: &str) -> Result<Inventory, Vec<Diagnostic>> {
    validate_with_known_tools(root, format, path, &[])
}

/// Validates a document whose integrations may also name tools defined
/// elsewhere (`external_ids`): a candidate tool proposed for a stack.
pub fn validate_with_known_tools(
    root: &Node,
    format: Format,
    path: &str,
    external_ids: &[String],
) -> Result<Inventory, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let Some(_) = root.as_table() else {
        return Err(vec![
            Diagnostic::at(
                root.loc,
                format!(
                    "the document must be a table of keys, found {}",
                    root.value.type_name()
                ),
            )
            .help("an inventory starts with `schema = 1` followed by [[tool]] tables"),
        ]);
    };
    let mut checker = Checker {
        format,
        errors: &mut errors,
    };
    checker.check_table(root, spec::ROOT, "");
    check_limits(root, &mut errors);
    let inventory = Builder {
        external_ids,
        errors: &mut errors,
        paths: HashMap::new(),
    }
    .build(root, path);
    if errors.is_empty() {
        Ok(inventory)
    } else {
        // By position; problems of the whole file (counts) come last.
        errors.sort_by_key(|d| (d.loc.is_none(), d.loc));
        errors.dedup();
        Err(errors)
    }
}

fn check_limits(root: &Node, errors: &mut Vec<Diagnostic>) {
    let Some(tools) = root.get("tool").and_then(Node::as_array) else {
        return;
    };
    if tools.len() > MAX_TOOLS {
        errors.push(
            Diagnostic::at(
                tools[MAX_TOOLS].loc,
                format!("too many tools: {} (the limit is {MAX_TOOLS})", tools.len()),
            )
            .help("split the stack into several inventories"),
        );
    }
    let integrations: usize = tools
        .iter()
        .filter_map(|t| t.get("integration").and_then(Node::as_array))
        .map(<[Node]>::len)
        .sum();
    if integrations > MAX_INTEGRATIONS {
        errors.push(
            Diagnostic::at(
                root.loc,
                format!("too many integrations: {integrations} (the limit is {MAX_INTEGRATIONS})"),
            )
            .help("split the stack into several inventories"),
        );
    }
}

/// Where a value sits, as a path such as `tool[hubspot].contract.renewal`.
fn join(ctx: &str, key: &str) -> String {
    if ctx.is_empty() {
        key.to_string()
    } else {
        format!("{ctx}.{key}")
    }
}

/// A tool's name in paths: its id when it has a usable one, else its position.
fn item_ctx(ctx: &str, key: &str, item: &Node, index: usize) -> String {
    let label = match (key, item.get("id").and_then(Node::as_str)) {
        ("tool", Some(id)) if is_slug(id) && id.len() <= MAX_ID_LEN => id.to_string(),
        _ => (index + 1).to_string(),
    };
    format!("{}[{label}]", join(ctx, key))
}

pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn quoted_list(items: &[&str]) -> String {
    items.join(", ")
}

struct Checker<'e> {
    format: Format,
    errors: &'e mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn check_table(&mut self, node: &Node, fields: &[Field], ctx: &str) {
        let Some(entries) = node.as_table() else {
            return;
        };
        let mut seen: HashMap<&str, Loc> = HashMap::new();
        for (key, value) in entries {
            if let Some(first) = seen.insert(&key.name, key.loc) {
                self.errors
                    .push(duplicate_key(key, display_ctx(ctx), first));
                continue;
            }
            match fields.iter().find(|f| f.name == key.name) {
                Some(field) => {
                    self.check_value(value, &field.ty, &join(ctx, field.name), field.name)
                }
                None => self
                    .errors
                    .push(unknown_key(&key.name, key.loc, fields, ctx)),
            }
        }
        for field in fields.iter().filter(|f| f.required) {
            if !seen.contains_key(field.name) {
                let what = if ctx.is_empty() {
                    "the inventory".to_string()
                } else {
                    format!("`{ctx}`")
                };
                let mut d = Diagnostic::at(
                    node.loc,
                    format!("{what} is missing the required key `{}`", field.name),
                );
                if field.name == "schema" && ctx.is_empty() {
                    d = d.help("add `schema = 1` at the top of the file");
                } else {
                    d = d.help(format!("`{}`: {}", field.name, field.doc));
                }
                self.errors.push(d);
            }
        }
    }

    fn check_value(&mut self, node: &Node, ty: &Ty, path: &str, key: &str) {
        if matches!(node.value, Value::Null) && !matches!(ty, Ty::Any) {
            self.errors.push(
                Diagnostic::at(node.loc, format!("`{path}` has no value"))
                    .help("give it a value or remove the key"),
            );
            return;
        }
        match ty {
            Ty::Any => {
                // Parameter values become JSON, which has no infinity or NaN.
                if let Value::Float(f) = node.value
                    && !f.is_finite()
                {
                    self.errors.push(Diagnostic::at(
                        node.loc,
                        format!("`{path}` must be a finite number, found {f}"),
                    ));
                }
            }
            Ty::Str => {
                self.expect_str(node, path, "a string");
            }
            Ty::Slug => {
                let id = self.expect_str(node, path, "an id");
                if let Some(s) = id
                    && s.len() > MAX_ID_LEN
                {
                    self.errors.push(
                        Diagnostic::at(
                            node.loc,
                            format!(
                                "`{path}` is {} characters long; ids are at most {MAX_ID_LEN}",
                                s.chars().count()
                            ),
                        )
                        .help(format!(
                            "shorten it, such as `{}`",
                            slugify(&s.chars().take(40).collect::<String>())
                        )),
                    );
                } else if let Some(s) = id
                    && !is_slug(s)
                {
                    let suggestion = slugify(s);
                    self.errors.push(
                            Diagnostic::at(node.loc, format!("`{path}` = \"{s}\" is not a valid id"))
                                .help(format!("ids use lower-case letters, digits and dashes, such as `{suggestion}`")),
                        );
                }
            }
            Ty::Url => {
                let Some(s) = self.expect_str(node, path, "a URL") else {
                    return;
                };
                // Schemes are case-insensitive (`HTTPS://` is fine).
                let lower = s.to_ascii_lowercase();
                if !(lower.starts_with("https://") || lower.starts_with("http://")) {
                    let rest = s.split_once("://").map_or(s, |(_, rest)| rest);
                    self.errors.push(
                        Diagnostic::at(
                            node.loc,
                            format!("`{path}` = \"{s}\" is not an http or https URL"),
                        )
                        .help(format!(
                            "write the full address, such as `https://{}`",
                            rest.trim_start_matches("//")
                        )),
                    );
                } else if let Ok(mut url) = url::Url::parse(s)
                    && (!url.username().is_empty() || url.password().is_some())
                {
                    // Never echo the password.
                    let _ = url.set_username("");
                    let _ = url.set_password(None);
                    self.errors.push(
                        Diagnostic::at(
                            node.loc,
                            format!("`{path}` holds a user name or password: remove the user name and password"),
                        )
                        .help(format!(
                            "write `{url}`; stackaudit never sends credentials to vendors' sites"
                        )),
                    );
                }
            }
            Ty::Int { min, max } => match node.value {
                Value::Int(i) if i < *min || i > *max => {
                    let range = if *max == i64::MAX {
                        format!("at least {min}")
                    } else {
                        format!("an integer from {min} to {max}")
                    };
                    self.errors.push(Diagnostic::at(
                        node.loc,
                        format!("`{path}` must be {range}, found {i}"),
                    ));
                }
                Value::Int(_) => {}
                _ => self.type_error(node, path, "an integer"),
            },
            Ty::Number => match node.value {
                Value::Int(i) if i < 0 => self.negative(node, path),
                Value::Float(f) if !f.is_finite() => self.errors.push(Diagnostic::at(
                    node.loc,
                    format!("`{path}` must be a finite number, found {f}"),
                )),
                Value::Float(f) if f < 0.0 => self.negative(node, path),
                Value::Int(_) | Value::Float(_) => {}
                _ => self.type_error(node, path, "a number"),
            },
            Ty::Bool => match &node.value {
                Value::Bool(_) => {}
                Value::Str(s) if is_yaml11_bool(s) => {
                    let meant = if is_yaml11_true(s) { "true" } else { "false" };
                    self.errors.push(
                        Diagnostic::at(
                            node.loc,
                            format!("`{path}` must be true or false, found the string \"{s}\""),
                        )
                        .help(match self.format {
                            Format::Yaml => {
                                format!("YAML 1.2 reads `{s}` as text; write `{meant}`")
                            }
                            _ => format!("booleans are written without quotes: `{meant}`"),
                        }),
                    );
                }
                _ => self.type_error(node, path, "true or false"),
            },
            Ty::Date => self.check_date(node, path, key),
            Ty::Enum(allowed) => {
                if let Some(s) = self.expect_str(node, path, "a string")
                    && !allowed.contains(&s)
                {
                    self.errors.push(unknown_value(node.loc, key, s, allowed));
                }
            }
            Ty::OpenEnum(known) => {
                // A wording without a letter or digit says nothing, yet would
                // count as a stated one.
                if let Some(s) = self.expect_str(node, path, "a string")
                    && !s.chars().any(char::is_alphanumeric)
                {
                    let what = if s.trim().is_empty() {
                        "is empty"
                    } else {
                        "has no letter or digit"
                    };
                    self.errors.push(
                        Diagnostic::at(node.loc, format!("`{path}` {what}")).help(format!(
                            "write it as the vendor states it (such as {}), or leave `{key}` out when it is not known",
                            known
                                .iter()
                                .map(|k| format!("\"{k}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    );
                }
            }
            Ty::Region => {
                if let Some(s) = self.expect_str(node, path, "a region code")
                    && Region::parse(s).is_none()
                {
                    let lower = s.to_ascii_lowercase();
                    let mut help = String::new();
                    if let Some(why) = region::explain_lookalikes(s) {
                        // Echoed as is, the code would look valid.
                        self.errors.push(
                            Diagnostic::at(
                                node.loc,
                                format!(
                                    "unknown region code {} in `{path}`: {why}",
                                    quote_escaped(&crate::diagnostic::truncate_chars(s, 40))
                                ),
                            )
                            .help("type the code again in plain ASCII letters, such as `de`, `us`, `gb` or the groups eu, eea, apac, global"),
                        );
                        return;
                    }
                    if Region::parse(&lower).is_some() {
                        help.push_str(&format!("region codes are lower case: `{lower}`; "));
                    } else if let Some(m) = did_you_mean(&lower, region::GROUPS.iter().copied()) {
                        help.push_str(&format!("did you mean `{m}`? "));
                    }
                    help.push_str("use ISO 3166-1 alpha-2 country codes such as `de`, `us`, `gb` or the groups eu, eea, apac, global");
                    self.errors.push(
                        Diagnostic::at(
                            node.loc,
                            format!("unknown region code \"{s}\" in `{path}`"),
                        )
                        .help(help),
                    );
                }
            }
            Ty::List(item) => match &node.value {
                Value::Array(items) => {
                    for (i, it) in items.iter().enumerate() {
                        let item_path = item_ctx_for(path, key, it, i);
                        self.check_value(it, item, &item_path, key);
                    }
                    if !matches!(item, Ty::Table(_)) {
                        self.check_duplicates(items, path);
                    }
                }
                Value::Table(_) if matches!(item, Ty::Table(_)) && self.format == Format::Toml => {
                    self.errors.push(
                        Diagnostic::at(node.loc, format!("`{path}` must be a list of tables"))
                            .help(format!("write each entry as `[[{path}]]`, not `[{path}]`")),
                    );
                }
                _ => self.type_error(node, path, "a list"),
            },
            Ty::Table(fields) => match node.value {
                Value::Table(_) => self.check_table(node, fields, path),
                _ => self.type_error(node, path, "a table"),
            },
            Ty::Map(value_ty) => match node.as_table() {
                Some(entries) => {
                    let mut seen: HashMap<&str, Loc> = HashMap::new();
                    for (k, v) in entries {
                        if let Some(first) = seen.insert(&k.name, k.loc) {
                            self.errors.push(duplicate_key(k, path, first));
                        } else {
                            self.check_value(v, value_ty, &join(path, &k.name), key);
                        }
                    }
                }
                None => self.type_error(node, path, "a table"),
            },
            Ty::Certifications => match node.as_table() {
                Some(entries) => {
                    let mut seen: HashMap<&str, Loc> = HashMap::new();
                    for (k, v) in entries {
                        let cert_path = join(path, &k.name);
                        if let Some(first) = seen.insert(&k.name, k.loc) {
                            self.errors.push(duplicate_key(k, path, first));
                        } else if !is_slug(&k.name) {
                            self.errors.push(
                                Diagnostic::at(k.loc, format!("certification name `{}` in `{path}` is not a valid id", k.name))
                                    .help("use lower-case names such as soc2, iso27001, iso27701, pci-dss"),
                            );
                        } else if k.name == "soc2" {
                            self.check_value(v, &Ty::Table(spec::SOC2), &cert_path, "soc2");
                            if let Some(Value::Int(t)) = v.get("type").map(|n| &n.value)
                                && !(1..=2).contains(t)
                            {
                                self.errors.push(
                                        Diagnostic::at(v.get("type").map_or(v.loc, |n| n.loc), format!("SOC 2 report type must be 1 or 2, found {t}"))
                                            .help("Type I reports on design at a point in time; Type II on operation over a period"),
                                    );
                            }
                        } else {
                            self.check_value(v, &Ty::Table(spec::CERTIFICATE), &cert_path, &k.name);
                        }
                    }
                }
                None => self.type_error(node, path, "a table"),
            },
        }
    }

    /// A list of values names each value once: a repeated region, data
    /// class or category would count twice in the checks.
    fn check_duplicates(&mut self, items: &[Node], path: &str) {
        let mut seen: HashMap<&str, Loc> = HashMap::with_capacity(items.len());
        for it in items {
            let Some(s) = it.as_str() else { continue };
            if let Some(first) = seen.get(s) {
                self.errors.push(
                    Diagnostic::at(
                        it.loc,
                        format!(
                            "`{path}` lists \"{}\" twice",
                            crate::diagnostic::truncate_chars(s, 60)
                        ),
                    )
                    .help(format!(
                        "it is already listed at line {}, column {}; keep one",
                        first.line, first.column
                    )),
                );
            } else {
                seen.insert(s, it.loc);
            }
        }
    }

    fn expect_str<'n>(&mut self, node: &'n Node, path: &str, what: &str) -> Option<&'n str> {
        match &node.value {
            Value::Str(s) => Some(s),
            _ => {
                self.type_error(node, path, what);
                None
            }
        }
    }

    fn type_error(&mut self, node: &Node, path: &str, expected: &str) {
        let found = match &node.value {
            Value::Bool(b) => format!("{} `{b}`", node.value.type_name()),
            Value::Int(i) => format!("{} `{i}`", node.value.type_name()),
            Value::Str(s) if s.chars().count() <= 40 => format!("the string \"{s}\""),
            other => other.type_name().to_string(),
        };
        let mut d = Diagnostic::at(
            node.loc,
            format!("`{path}` must be {expected}, found {found}"),
        );
        if expected == "a list"
            && let Value::Str(s) = &node.value
        {
            d = d.help(format!("write a list: [\"{s}\"]"));
        }
        if expected == "an integer"
            && let Value::Float(f) = node.value
            && f.is_finite()
            && f.abs() < 1e15
        {
            d = d.help(if f.fract() == 0.0 {
                format!("write it as the whole number {}", f as i64)
            } else {
                format!("write a whole number, such as {}", f.round() as i64)
            });
        }
        self.errors.push(d);
    }

    fn negative(&mut self, node: &Node, path: &str) {
        let found = match node.value {
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            _ => String::new(),
        };
        self.errors.push(Diagnostic::at(
            node.loc,
            format!("`{path}` must be a number of at least 0, found {found}"),
        ));
    }

    fn check_date(&mut self, node: &Node, path: &str, key: &str) {
        match &node.value {
            Value::Datetime(text) => {
                if let Err(e) = parse_date(text) {
                    self.errors.push(
                        Diagnostic::at(
                            node.loc,
                            format!("`{path}` must be a date, found `{text}` ({e})"),
                        )
                        .help(format!(
                            "write a calendar date only, such as {key} = 2027-03-01"
                        )),
                    );
                }
            }
            Value::Str(text) if self.format == Format::Toml => {
                let help = if parse_date(text).is_ok() {
                    format!("TOML dates are written without quotes: {key} = {text}")
                } else {
                    format!("write a date without quotes, such as {key} = 2027-03-01")
                };
                self.errors.push(
                    Diagnostic::at(
                        node.loc,
                        format!("`{path}` must be a date, found the string \"{text}\""),
                    )
                    .help(help),
                );
            }
            Value::Str(text) => {
                if let Err(e) = parse_date(text) {
                    self.errors.push(
                        Diagnostic::at(node.loc, format!("`{path}` must be a date in the form YYYY-MM-DD, found \"{text}\" ({e})"))
                            .help(format!("for example {key}: \"2027-03-01\"")),
                    );
                }
            }
            _ => self.type_error(node, path, "a date (YYYY-MM-DD)"),
        }
    }
}

fn duplicate_key(key: &super::source::Key, within: &str, first: Loc) -> Diagnostic {
    Diagnostic::at(
        key.loc,
        format!("duplicate key `{}` in `{within}`", key.name),
    )
    .help(format!(
        "it is already set at line {}; keep one",
        first.line
    ))
}

fn item_ctx_for(path: &str, key: &str, item: &Node, index: usize) -> String {
    // `path` already ends in the key; rebuild it with the item label.
    let parent = path
        .strip_suffix(key)
        .map(|p| p.trim_end_matches('.'))
        .unwrap_or(path);
    item_ctx(parent, key, item, index)
}

fn display_ctx(ctx: &str) -> &str {
    if ctx.is_empty() { "the top level" } else { ctx }
}

fn unknown_key(name: &str, loc: Loc, fields: &[Field], ctx: &str) -> Diagnostic {
    let d = Diagnostic::at(
        loc,
        format!("unknown key `{name}` in `{}`", display_ctx(ctx)),
    );
    // The plural of a list key is the most common slip: `[[tools]]`.
    let singular = name
        .strip_suffix('s')
        .filter(|s| fields.iter().any(|f| f.name == *s));
    if let Some(s) = singular {
        return d.help(format!(
            "did you mean `{s}`? (write [[{s}]] once per entry)"
        ));
    }
    match did_you_mean(name, spec::names(fields)) {
        Some(m) => d.help(format!("did you mean `{m}`?")),
        None => d.help(format!(
            "accepted keys: {}",
            spec::names(fields).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// What a value of `key` is called in messages.
fn noun(key: &str) -> String {
    match key {
        "required_categories" | "exclusive_categories" => "category".into(),
        "data" => "data class".into(),
        "in_transit" => "TLS version".into(),
        "method" => "integration method".into(),
        other => other.replace('_', " "),
    }
}

fn unknown_value(loc: Loc, key: &str, value: &str, allowed: &[&str]) -> Diagnostic {
    let d = Diagnostic::at(loc, format!("unknown {} \"{value}\"", noun(key)));
    match did_you_mean(&value.to_ascii_lowercase(), allowed.iter().copied()) {
        Some(m) => d.help(format!(
            "did you mean `{m}`? accepted: {}",
            quoted_list(allowed)
        )),
        None => d.help(format!("accepted: {}", quoted_list(allowed))),
    }
}

/// `"de\u{200b}"`: a string quoted with everything but printable ASCII
/// escaped, so a message never shows a code that looks valid.
fn quote_escaped(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if c.is_ascii_graphic() {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{{{:04x}}}", c as u32));
        }
    }
    out.push('"');
    out
}

fn is_yaml11_true(s: &str) -> bool {
    matches!(s.to_ascii_lowercase().as_str(), "yes" | "y" | "on" | "true")
}

fn is_yaml11_bool(s: &str) -> bool {
    is_yaml11_true(s)
        || matches!(
            s.to_ascii_lowercase().as_str(),
            "no" | "n" | "off" | "false"
        )
}

fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Parses `YYYY-MM-DD` strictly.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return Err("expected YYYY-MM-DD".into());
    }
    text.parse::<Date>().map_err(|e| e.to_string())
}

// ---------------------------------------------------------------- building the model

struct Builder<'e> {
    external_ids: &'e [String],
    errors: &'e mut Vec<Diagnostic>,
    /// Field paths, shared by every tool's [`Spans`].
    paths: HashMap<String, crate::shared_str::SharedStr>,
}

fn str_at<'n>(t: &'n Node, key: &str) -> Option<&'n str> {
    t.get(key).and_then(Node::as_str)
}

fn bool_at(t: &Node, key: &str) -> Option<bool> {
    match t.get(key)?.value {
        Value::Bool(b) => Some(b),
        _ => None,
    }
}

fn int_at(t: &Node, key: &str) -> Option<i64> {
    match t.get(key)?.value {
        Value::Int(i) => Some(i),
        _ => None,
    }
}

fn num_at(t: &Node, key: &str) -> Option<f64> {
    match t.get(key)?.value {
        Value::Int(i) => Some(i as f64),
        Value::Float(f) => Some(f),
        _ => None,
    }
}

fn date_at(t: &Node, key: &str) -> Option<Date> {
    match &t.get(key)?.value {
        Value::Datetime(s) | Value::Str(s) => parse_date(s).ok(),
        _ => None,
    }
}

fn strs_at<'n>(t: &'n Node, key: &str) -> Vec<(&'n str, Loc)> {
    t.get(key)
        .and_then(Node::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|n| n.as_str().map(|s| (s, n.loc)))
                .collect()
        })
        .unwrap_or_default()
}

fn data_at(t: &Node, key: &str) -> Option<DataSet> {
    t.get(key)?.as_array()?;
    let mut set = DataSet::EMPTY;
    for (s, _) in strs_at(t, key) {
        if let Some(c) = DataClass::parse(s) {
            set.insert(c);
        }
    }
    Some(set)
}

fn regions_at(t: &Node, key: &str) -> Vec<Region> {
    let mut out: Vec<Region> = strs_at(t, key)
        .into_iter()
        .filter_map(|(s, _)| Region::parse(s))
        .collect();
    out.dedup();
    out
}

/// Converts a parameter value to JSON, for checks to read.
fn to_json(n: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &n.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::Str(s) | Value::Datetime(s) => J::String(s.clone()),
        Value::Array(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Table(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| (k.name.clone(), to_json(v)))
                .collect(),
        ),
    }
}

impl Builder<'_> {
    fn build(mut self, root: &Node, path: &str) -> Inventory {
        self.check_schema_version(root);
        let policy = root
            .get("policy")
            .map(|p| self.policy(p))
            .unwrap_or_default();
        let tools: Vec<Tool> = root
            .get("tool")
            .and_then(Node::as_array)
            .map(|items| {
                let mut tools = Vec::with_capacity(items.len());
                for n in items.iter().filter(|n| n.as_table().is_some()) {
                    tools.push(self.tool(n));
                }
                tools
            })
            .unwrap_or_default();
        let checks = root
            .get("checks")
            .map(|c| self.checks(c))
            .unwrap_or_default();
        let waivers = root
            .get("waiver")
            .and_then(Node::as_array)
            .map(|items| items.iter().filter_map(|n| self.waiver(n)).collect())
            .unwrap_or_default();
        let inventory = Inventory {
            path: path.into(),
            organization: root
                .get("organization")
                .and_then(|o| str_at(o, "name"))
                .map(str::to_string),
            policy,
            tools,
            checks,
            waivers,
        };
        self.cross_references(&inventory);
        inventory
    }

    fn check_schema_version(&mut self, root: &Node) {
        if let Some(n) = root.get("schema")
            && let Value::Int(v) = n.value
            && v != 1
        {
            self.errors.push(
                Diagnostic::at(n.loc, format!("unsupported schema version {v}"))
                    .help("this version of stackaudit reads `schema = 1`"),
            );
        }
    }

    fn policy(&mut self, p: &Node) -> Policy {
        let mut policy = Policy::default();
        if let Some(entries) = p.as_table() {
            for (k, v) in entries {
                if let Some(f) = spec::POLICY.iter().find(|f| f.name == k.name) {
                    policy.spans.insert(f.name, v.loc);
                }
            }
        }
        policy.system_of_record = str_at(p, "system_of_record").map(str::to_string);
        if p.get("allowed_regions").is_some() {
            policy.allowed_regions = Some(regions_at(p, "allowed_regions"));
        }
        policy.required_categories = strs_at(p, "required_categories")
            .into_iter()
            .filter_map(|(s, _)| Category::parse(s))
            .collect();
        if p.get("exclusive_categories").is_some() {
            policy.exclusive_categories = strs_at(p, "exclusive_categories")
                .into_iter()
                .filter_map(|(s, _)| Category::parse(s))
                .collect();
        }
        if p.get("accepted_certifications").is_some() {
            let names = strs_at(p, "accepted_certifications");
            for (name, loc) in &names {
                self.check_accepted_certification(name, *loc);
            }
            policy.accepted_certifications =
                names.into_iter().map(|(s, _)| s.to_string()).collect();
        }
        if let Some(h) = num_at(p, "max_rpo_hours") {
            policy.max_rpo_hours = h;
        }
        if let Some(h) = num_at(p, "max_rto_hours") {
            policy.max_rto_hours = h;
        }
        policy.max_waiver_days = int_at(p, "max_waiver_days");
        if let Some(days) = int_at(p, "max_soc2_report_age_days") {
            policy.max_soc2_report_age_days = days;
        }
        policy
    }

    /// SOC 2 reports come in two types, and the policy must say which it
    /// accepts: `soc2-type2` (operation over a period) or `soc2-type1`
    /// (design at a point in time, which Type II reports also meet).
    fn check_accepted_certification(&mut self, name: &str, loc: Loc) {
        const SOC2_NAMES: [&str; 2] = ["soc2-type2", "soc2-type1"];
        let soc2_like = name.starts_with("soc2") || name.starts_with("soc-2");
        if !soc2_like || SOC2_NAMES.contains(&name) {
            return;
        }
        let message = if name == "soc2" {
            "`soc2` in `policy.accepted_certifications` does not say which SOC 2 report type is accepted".to_string()
        } else {
            format!("unknown SOC 2 report type `{name}` in `policy.accepted_certifications`")
        };
        let meant = if name == "soc2" {
            "soc2-type2"
        } else {
            did_you_mean(name, SOC2_NAMES).unwrap_or("soc2-type2")
        };
        self.errors.push(Diagnostic::at(loc, message).help(format!(
            "did you mean `{meant}`? accepted: soc2-type2 (Type II reports), soc2-type1 (Type I or Type II reports)"
        )));
    }

    fn tool(&mut self, t: &Node) -> Tool {
        let mut spans = Vec::new();
        record_spans(t, "", &mut spans, &mut self.paths, 0);
        let spans = Spans::new(spans);
        let sub = |key: &str| t.get(key).filter(|n| n.as_table().is_some());
        Tool {
            name: str_at(t, "name").unwrap_or("").into(),
            vendor: str_at(t, "vendor").map(SharedStr::from),
            category: str_at(t, "category")
                .and_then(Category::parse)
                .unwrap_or(Category::Other),
            status: str_at(t, "status")
                .and_then(Status::parse)
                .unwrap_or(Status::Active),
            owner: str_at(t, "owner").map(SharedStr::from),
            data: data_at(t, "data").unwrap_or_default(),
            regions: regions_at(t, "regions"),
            url: str_at(t, "url").map(SharedStr::from),
            trust_url: str_at(t, "trust_url").map(SharedStr::from),
            idp_app: str_at(t, "idp_app").map(SharedStr::from),
            labels: sub("labels")
                .and_then(Node::as_table)
                .map(|e| {
                    e.iter()
                        .filter_map(|(k, v)| v.as_str().map(|s| (k.name.clone(), s.to_string())))
                        .collect()
                })
                .unwrap_or_default(),
            contract: sub("contract").map(|c| {
                Box::new(Contract {
                    annual_cost: num_at(c, "annual_cost"),
                    currency: str_at(c, "currency").map(str::to_string),
                    renewal: date_at(c, "renewal"),
                    dpa: bool_at(c, "dpa"),
                })
            }),
            access: sub("access").map(|a| Access {
                sso: bool_at(a, "sso"),
                mfa: bool_at(a, "mfa"),
                scim: bool_at(a, "scim"),
            }),
            certifications: sub("certifications")
                .and_then(Node::as_table)
                .map(|entries| {
                    entries
                        .iter()
                        .filter(|(_, v)| v.as_table().is_some())
                        .map(|(k, v)| Certification {
                            name: k.name.clone(),
                            soc2_type: if k.name == "soc2" {
                                int_at(v, "type")
                            } else {
                                None
                            },
                            report_date: date_at(v, "report_date"),
                            bridge_letter_until: date_at(v, "bridge_letter_until"),
                            expires: date_at(v, "expires"),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            encryption: sub("encryption").map(|e| {
                Box::new(Encryption {
                    at_rest: str_at(e, "at_rest").map(str::to_string),
                    in_transit: str_at(e, "in_transit").and_then(Tls::parse),
                    customer_managed_keys: bool_at(e, "customer_managed_keys"),
                })
            }),
            backup: sub("backup").map(|b| {
                Box::new(Backup {
                    enabled: bool_at(b, "enabled"),
                    rpo_hours: num_at(b, "rpo_hours"),
                    rto_hours: num_at(b, "rto_hours"),
                    retention_days: int_at(b, "retention_days"),
                    last_restore_test: date_at(b, "last_restore_test"),
                    export: bool_at(b, "export"),
                })
            }),
            integrations: t
                .get("integration")
                .and_then(Node::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|i| {
                            Some(Integration {
                                to: str_at(i, "to")?.to_string(),
                                method: str_at(i, "method")
                                    .and_then(Method::parse)
                                    .unwrap_or(Method::Api),
                                direction: str_at(i, "direction")
                                    .and_then(Direction::parse)
                                    .unwrap_or(Direction::Out),
                                data: data_at(i, "data"),
                                loc: i.loc,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default(),
            id: str_at(t, "id").unwrap_or("").into(),
            loc: t.loc,
            spans,
        }
    }

    fn checks(&mut self, c: &Node) -> ChecksConfig {
        let mut config = ChecksConfig {
            disable: strs_at(c, "disable")
                .into_iter()
                .map(|(s, loc)| Located {
                    value: s.to_string(),
                    loc,
                })
                .collect(),
            ..Default::default()
        };
        if let Some(entries) = c.get("severity").and_then(Node::as_table) {
            for (k, v) in entries {
                if let Some(s) = v.as_str() {
                    config.severity.push((
                        Located {
                            value: k.name.clone(),
                            loc: k.loc,
                        },
                        s.to_string(),
                    ));
                }
            }
        }
        if let Some(entries) = c.get("params").and_then(Node::as_table) {
            for (k, v) in entries {
                if let Some(params) = v.as_table() {
                    let map = params
                        .iter()
                        .map(|(pk, pv)| {
                            (
                                pk.name.clone(),
                                Located {
                                    value: to_json(pv),
                                    loc: pv.loc,
                                },
                            )
                        })
                        .collect();
                    config.params.insert(
                        k.name.clone(),
                        Located {
                            value: map,
                            loc: k.loc,
                        },
                    );
                }
            }
        }
        config
    }

    fn waiver(&mut self, w: &Node) -> Option<Waiver> {
        // A blank reason or approver would silence findings with no one accountable.
        for key in ["reason", "approved_by"] {
            if let Some(node) = w
                .get(key)
                .filter(|n| n.as_str().is_some_and(|s| s.trim().is_empty()))
            {
                self.errors.push(
                    Diagnostic::at(node.loc, format!("waiver `{key}` is empty")).help(
                        if key == "reason" {
                            "say why the risk is accepted"
                        } else {
                            "name who accepted the risk, e.g. security@example.com"
                        },
                    ),
                );
            }
        }
        Some(Waiver {
            check: str_at(w, "check")?.to_string(),
            tool: str_at(w, "tool").map(str::to_string),
            reason: str_at(w, "reason")?.to_string(),
            approved_by: str_at(w, "approved_by")?.to_string(),
            expires: date_at(w, "expires")?,
            ticket: str_at(w, "ticket").map(str::to_string),
            loc: w.loc,
            file: None,
        })
    }

    /// Problems that need more than one place in the file to see.
    fn cross_references(&mut self, inv: &Inventory) {
        let mut ids: HashMap<&str, Loc> = HashMap::with_capacity(inv.tools.len());
        for tool in &inv.tools {
            if tool.id.is_empty() {
                continue;
            }
            if let Some(first) = ids.insert(&tool.id, tool.loc_of("id")) {
                ids.insert(&tool.id, first);
                self.errors.push(
                    Diagnostic::at(
                        tool.loc_of("id"),
                        format!("duplicate tool id `{}`", tool.id),
                    )
                    .help(format!(
                        "the id is first used at line {}; every tool needs its own id",
                        first.line
                    )),
                );
            }
        }
        let external = self.external_ids;
        for id in external {
            ids.entry(id.as_str()).or_default();
        }
        // Suggestions come from sorted, length-bucketed ids, so they do not
        // depend on hashing order and each costs a bounded scan.
        let known = crate::diagnostic::Suggester::new(ids.keys().copied());
        let suggest = |name: &str| -> String {
            match known.suggest(name) {
                Some(m) => format!("did you mean `{m}`?"),
                None => "name the `id` of a [[tool]] in this inventory".to_string(),
            }
        };
        // Past the first hundred, unknown references are only counted: each
        // suggestion scans the ids.
        let mut unknown_references = 0usize;
        for tool in &inv.tools {
            for (n, integ) in tool.integrations.iter().enumerate() {
                let path = format!("tool[{}].integration[{}].to", tool.id, n + 1);
                let to_loc = tool
                    .spans
                    .get(&format!("integration[{}].to", n + 1))
                    .copied()
                    .unwrap_or(integ.loc);
                if integ.to == tool.id {
                    self.errors.push(
                        Diagnostic::at(
                            to_loc,
                            format!("`{path}`: tool `{}` integrates with itself", tool.id),
                        )
                        .help("an integration connects two different tools; remove it"),
                    );
                } else if !ids.contains_key(integ.to.as_str())
                    && is_slug(&integ.to)
                    && integ.to.len() <= MAX_ID_LEN
                {
                    unknown_references += 1;
                    if unknown_references <= MAX_UNKNOWN_REFERENCES {
                        self.errors.push(
                            Diagnostic::at(
                                to_loc,
                                format!("`{path}` names no tool: `{}`", integ.to),
                            )
                            .help(suggest(&integ.to)),
                        );
                    }
                }
            }
        }
        if let Some(sor) = &inv.policy.system_of_record
            && !ids.contains_key(sor.as_str())
            && is_slug(sor)
            && sor.len() <= MAX_ID_LEN
        {
            let loc = inv
                .policy
                .spans
                .get("system_of_record")
                .copied()
                .unwrap_or_default();
            unknown_references += 1;
            self.errors.push(
                Diagnostic::at(
                    loc,
                    format!("`policy.system_of_record` names no tool: `{sor}`"),
                )
                .help(suggest(sor)),
            );
        }
        for w in &inv.waivers {
            if let Some(t) = &w.tool
                && !ids.contains_key(t.as_str())
                && t.len() <= MAX_ID_LEN
            {
                unknown_references += 1;
                if unknown_references <= MAX_UNKNOWN_REFERENCES {
                    self.errors.push(
                        Diagnostic::at(
                            w.loc,
                            format!("waiver for check `{}` names no tool: `{t}`", w.check),
                        )
                        .help(suggest(t)),
                    );
                }
            }
        }
        if unknown_references > MAX_UNKNOWN_REFERENCES {
            self.errors.push(Diagnostic::file(format!(
                "and {} more unknown references",
                unknown_references - MAX_UNKNOWN_REFERENCES
            )));
        }
    }
}

/// Records where each field of a tool was written, keyed by dotted path.
fn record_spans(
    node: &Node,
    prefix: &str,
    spans: &mut Vec<(crate::shared_str::SharedStr, Loc)>,
    paths: &mut HashMap<String, crate::shared_str::SharedStr>,
    depth: usize,
) {
    if depth > 3 {
        return;
    }
    match &node.value {
        Value::Table(entries) => {
            for (k, v) in entries {
                let path = if prefix.is_empty() {
                    k.name.clone()
                } else {
                    format!("{prefix}.{}", k.name)
                };
                let shared = match paths.get(&path) {
                    Some(p) => p.clone(),
                    None => paths
                        .entry(path.clone())
                        .or_insert_with(|| path.as_str().into())
                        .clone(),
                };
                spans.push((shared, v.loc));
                record_spans(v, &path, spans, paths, depth + 1);
            }
        }
        Value::Array(items) if prefix == "integration" => {
            for (i, item) in items.iter().enumerate() {
                record_spans(
                    item,
                    &format!("{prefix}[{}]", i + 1),
                    spans,
                    paths,
                    depth + 1,
                );
            }
        }
        _ => {}
    }
}
