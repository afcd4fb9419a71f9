//! Turns TOML, YAML or JSON text into the shared [`Node`] tree.
//!
//! Each format uses a maintained parser that reports positions; this module
//! only translates their trees and errors. Nesting depth is capped in every
//! format so hostile input cannot exhaust the stack.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::source::{Format, Key, LineIndex, Loc, Node, Value};
use crate::diagnostic::Diagnostic;

/// Deeper nesting than any inventory needs; the limit guards the stack.
pub const MAX_DEPTH: usize = 64;

pub fn parse(text: &str, format: Format) -> Result<Node, Diagnostic> {
    match format {
        Format::Toml => parse_toml(text),
        Format::Yaml => parse_yaml(text),
        Format::Json => parse_json(text),
    }
}

fn depth_error(loc: Loc) -> Diagnostic {
    Diagnostic::at(loc, format!("nesting is deeper than {MAX_DEPTH} levels"))
        .help("an inventory needs at most a few levels of tables and lists")
}

// ---------------------------------------------------------------- TOML

/// Inventories larger than this are parsed a group of `[[tool]]` tables at a
/// time: the TOML parser's own tokens and tree take about forty times the
/// text they parse, which for a whole 7 MiB inventory was 260 MiB.
const TOML_CHUNK_BYTES: usize = 256 * 1024;

fn parse_toml(text: &str) -> Result<Node, Diagnostic> {
    let index = LineIndex::new(text);
    if text.len() > TOML_CHUNK_BYTES
        && let Some(root) = parse_toml_in_chunks(text, &index, TOML_CHUNK_BYTES)
    {
        return Ok(root);
    }
    parse_toml_whole(text, &index)
}

/// Where each `[[tool]]` header starts at the top level: first on its line,
/// outside every list, inline table and string. Quoted or spaced spellings
/// (`[["tool"]]`) are not split at, which is always safe.
fn tool_headers(text: &str) -> Vec<usize> {
    use toml_parser::lexer::TokenKind as K;
    let mut starts = Vec::new();
    let mut depth = 0usize;
    let mut line_start = true;
    for token in toml_parser::Source::new(text).lex() {
        match token.kind() {
            K::Newline => {
                line_start = true;
                continue;
            }
            K::Whitespace => continue,
            K::LeftSquareBracket | K::LeftCurlyBracket => {
                let at = token.span().start();
                if depth == 0
                    && line_start
                    && token.kind() == K::LeftSquareBracket
                    && text[at..].starts_with("[[tool]]")
                {
                    starts.push(at);
                }
                depth += 1;
            }
            K::RightSquareBracket | K::RightCurlyBracket => match depth.checked_sub(1) {
                Some(d) => depth = d,
                // Unbalanced: the parser will say where; split no further.
                None => break,
            },
            _ => {}
        }
        line_start = false;
    }
    starts
}

/// The whole document's tree, built from pieces that each start at a
/// `[[tool]]` header. Each piece parses exactly as it does inside the whole
/// document, because a header starts a fresh line of the grammar and every
/// table it opens belongs to the piece's own last tool. The pieces are put
/// together as TOML would: `tool` lists are joined, and any other top-level
/// key may come from one piece only. Whenever that does not hold, or a
/// piece does not parse, `None` lets the whole document be parsed in one go,
/// so results and error messages are the same either way.
fn parse_toml_in_chunks(text: &str, index: &LineIndex<'_>, chunk_bytes: usize) -> Option<Node> {
    let starts = tool_headers(text);
    let first = *starts.first()?;
    let mut entries = parse_toml_piece(text, 0..first, index)?;
    if entries.iter().any(|(k, _)| k.name == "tool") {
        return None;
    }
    let mut names: std::collections::HashSet<String> =
        entries.iter().map(|(k, _)| k.name.clone()).collect();
    let mut tools: Option<usize> = None;
    let mut begin = first;
    let ends = starts[1..].iter().copied().chain([text.len()]);
    for end in ends {
        if end - begin < chunk_bytes && end != text.len() {
            continue;
        }
        for (key, node) in parse_toml_piece(text, begin..end, index)? {
            if key.name == "tool" {
                match tools {
                    None => {
                        names.insert(key.name.clone());
                        tools = Some(entries.len());
                        entries.push((key, node));
                    }
                    Some(t) => {
                        let (Value::Array(all), Value::Array(more)) =
                            (&mut entries[t].1.value, node.value)
                        else {
                            return None;
                        };
                        all.extend(more);
                    }
                }
            } else if names.insert(key.name.clone()) {
                entries.push((key, node));
            } else {
                return None;
            }
        }
        begin = end;
    }
    Some(Node::new(Value::Table(entries), Loc::new(1, 1)))
}

/// One piece's top-level entries, located in the whole text.
fn parse_toml_piece(
    text: &str,
    range: std::ops::Range<usize>,
    index: &LineIndex<'_>,
) -> Option<Vec<(Key, Node)>> {
    let base = range.start;
    let doc = toml::de::DeTable::parse(&text[range]).ok()?;
    let mut out = Vec::with_capacity(doc.get_ref().len());
    for (k, v) in doc.get_ref() {
        out.push((
            Key {
                name: k.get_ref().to_string(),
                loc: index.loc(base + k.span().start),
            },
            toml_node(v, index, base, 1).ok()?,
        ));
    }
    Some(out)
}

fn parse_toml_whole(text: &str, index: &LineIndex<'_>) -> Result<Node, Diagnostic> {
    let doc = toml::de::DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let loc = index.loc(span.start);
        let message = e.message().trim_end();
        if message.contains("recursion") {
            return depth_error(loc);
        }
        // Name the key: the parser's message does not.
        let key = text
            .get(span)
            .map(str::trim)
            .filter(|k| !k.is_empty() && k.len() < 80 && !k.contains('\n'));
        match key {
            Some(k) if message == "duplicate key" => Diagnostic::at(
                loc,
                format!(
                    "invalid TOML: duplicate key `{}`",
                    k.trim_matches(['[', ']'])
                ),
            )
            .help("each key may be set once per table; remove or rename one"),
            _ => Diagnostic::at(loc, format!("invalid TOML: {message}")),
        }
    })?;
    let loc = Loc::new(1, 1);
    let mut out = Vec::with_capacity(doc.get_ref().len());
    for (k, v) in doc.get_ref() {
        out.push((
            Key {
                name: k.get_ref().to_string(),
                loc: index.loc(k.span().start),
            },
            toml_node(v, index, 0, 1)?,
        ));
    }
    Ok(Node::new(Value::Table(out), loc))
}

/// `base` is where the parsed text starts in the whole file.
fn toml_node(
    v: &toml::Spanned<toml::de::DeValue<'_>>,
    index: &LineIndex<'_>,
    base: usize,
    depth: usize,
) -> Result<Node, Diagnostic> {
    use toml::de::DeValue;
    let loc = index.loc(base + v.span().start);
    if depth > MAX_DEPTH {
        return Err(depth_error(loc));
    }
    let value = match v.get_ref() {
        DeValue::String(s) => Value::Str(s.to_string()),
        DeValue::Integer(i) => match parse_toml_int(i.as_str(), i.radix()) {
            Some(n) => Value::Int(n),
            None => {
                return Err(Diagnostic::at(
                    loc,
                    format!("the integer `{}` is too large to hold", i.as_str()),
                )
                .help(format!("integers run from {} to {}", i64::MIN, i64::MAX)));
            }
        },
        DeValue::Float(f) => {
            let text = f.as_str();
            let value: f64 = text.replace('_', "").parse().unwrap_or(f64::NAN);
            // `inf` and `nan` are TOML literals; 1e400 is a number past f64.
            if value.is_infinite() && !text.contains("inf") {
                return Err(Diagnostic::at(
                    loc,
                    format!("the number `{text}` is too large to hold"),
                )
                .help("numbers run up to about 1.8e308"));
            }
            Value::Float(value)
        }
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Datetime(d.to_string()),
        DeValue::Array(a) => Value::Array(
            a.iter()
                .map(|item| toml_node(item, index, base, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        DeValue::Table(t) => {
            let mut out = Vec::with_capacity(t.len());
            for (k, item) in t {
                out.push((
                    Key {
                        name: k.get_ref().to_string(),
                        loc: index.loc(base + k.span().start),
                    },
                    toml_node(item, index, base, depth + 1)?,
                ));
            }
            Value::Table(out)
        }
    };
    Ok(Node::new(value, loc))
}

fn parse_toml_int(text: &str, radix: u32) -> Option<i64> {
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    let (negative, digits) = match clean.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, clean.strip_prefix('+').unwrap_or(&clean)),
    };
    let digits = match radix {
        16 => digits.trim_start_matches("0x"),
        8 => digits.trim_start_matches("0o"),
        2 => digits.trim_start_matches("0b"),
        _ => digits,
    };
    // The sign goes with the digits: -9223372036854775808 fits an i64,
    // 9223372036854775808 does not.
    let signed = if negative {
        format!("-{digits}")
    } else {
        digits.to_string()
    };
    i64::from_str_radix(&signed, radix).ok()
}

// ---------------------------------------------------------------- YAML

fn parse_yaml(text: &str) -> Result<Node, Diagnostic> {
    if let Some(loc) = first_tab_indent(text) {
        return Err(
            Diagnostic::at(loc, "YAML does not allow tabs for indentation")
                .help("indent with spaces (two per level is usual)"),
        );
    }
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_aliases: 1_000,
            max_anchors: 1_000,
            // Enough for the largest inventory allowed (50,000 tools).
            max_nodes: 5_000_000,
        },
        // What aliases may expand to: a real inventory repeats a few values,
        // an alias bomb repeats millions.
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
        },
        // YAML 1.2: only true/false are booleans; `yes`/`on` stay text and
        // validation explains the slip.
        strict_booleans: true,
    };
    let doc: serde_saphyr::Spanned<YamlValue> =
        serde_saphyr::from_str_with_options(text, options).map_err(yaml_error)?;
    Ok(yaml_node(doc))
}

/// Where a line is indented with a tab, the most common YAML mistake.
fn first_tab_indent(text: &str) -> Option<Loc> {
    text.lines().enumerate().find_map(|(i, line)| {
        let indent: &str = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        indent
            .find('\t')
            .filter(|_| !line.trim().is_empty())
            .map(|col| Loc::new(i as u32 + 1, indent[..col].chars().count() as u32 + 1))
    })
}

fn yaml_error(e: serde_saphyr::Error) -> Diagnostic {
    let e = e.without_snippet();
    let loc = e
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| Loc::new(l.line() as u32, l.column() as u32))
        .unwrap_or(Loc::new(1, 1));
    let text = e.to_string();
    // The library appends its own " at line X column Y"; we print the location first.
    let message = match text.find(" at line ") {
        Some(i) => &text[..i],
        None => text.as_str(),
    };
    let message = message.lines().next().unwrap_or("").trim_end_matches(':');
    friendly_yaml_error(loc, message)
}

/// Rewords the parser's messages that speak of its API rather than the file.
fn friendly_yaml_error(loc: Loc, message: &str) -> Diagnostic {
    if message.contains("alias replay limit") {
        return Diagnostic::at(loc, "invalid YAML: anchors and aliases expand to more than 100,000 values")
            .help("stackaudit caps alias expansion to guard against alias bombs; write the values out instead of repeating aliases");
    }
    if message.contains("budget breached") {
        if message.contains("Depth") {
            return depth_error(loc);
        }
        return Diagnostic::at(loc, format!("invalid YAML: the document is too large once anchors and aliases are expanded ({})", message.trim_start_matches("budget breached: ")))
            .help("stackaudit caps alias expansion to guard against alias bombs; write the values out instead of repeating aliases");
    }
    if message.contains("recursion limit") {
        return depth_error(loc);
    }
    if let Some(rest) = message.strip_prefix("non-finite float `") {
        let number = rest.split('`').next().unwrap_or(rest);
        let lower = number.to_ascii_lowercase();
        if !lower.contains("inf") && !lower.contains("nan") {
            return Diagnostic::at(loc, format!("the number `{number}` is too large to hold"))
                .help("numbers run up to about 1.8e308");
        }
        return Diagnostic::at(loc, format!("`{number}` is not a finite number"))
            .help("write a number such as 24 or 0.5");
    }
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(rest);
        return Diagnostic::at(loc, format!("invalid YAML: duplicate key `{key}`"))
            .help("each key may appear once per mapping; remove or rename one");
    }
    if message.starts_with("multiple YAML documents") {
        return Diagnostic::at(loc, "invalid YAML: the file holds more than one document")
            .help("an inventory is a single YAML document; remove the extra `---` separators");
    }
    Diagnostic::at(loc, format!("invalid YAML: {message}"))
}

/// A YAML value with the location of every child; converted to [`Node`].
enum YamlValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<serde_saphyr::Spanned<YamlValue>>),
    Map(
        Vec<(
            serde_saphyr::Spanned<YamlValue>,
            serde_saphyr::Spanned<YamlValue>,
        )>,
    ),
}

fn saphyr_loc(l: &serde_saphyr::Location) -> Loc {
    Loc::new(l.line() as u32, l.column() as u32)
}

fn yaml_node(v: serde_saphyr::Spanned<YamlValue>) -> Node {
    let loc = saphyr_loc(&v.referenced);
    let value = match v.value {
        YamlValue::Null => Value::Null,
        YamlValue::Bool(b) => Value::Bool(b),
        YamlValue::Int(i) => Value::Int(i),
        YamlValue::Float(f) => Value::Float(f),
        YamlValue::Str(s) => Value::Str(s),
        YamlValue::Seq(items) => Value::Array(items.into_iter().map(yaml_node).collect()),
        YamlValue::Map(entries) => Value::Table(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key_loc = saphyr_loc(&k.referenced);
                    let name = match k.value {
                        YamlValue::Str(s) => s,
                        YamlValue::Int(i) => i.to_string(),
                        YamlValue::Bool(b) => b.to_string(),
                        YamlValue::Float(f) => f.to_string(),
                        YamlValue::Null => "null".to_string(),
                        YamlValue::Seq(_) | YamlValue::Map(_) => "<complex key>".to_string(),
                    };
                    (Key { name, loc: key_loc }, yaml_node(v))
                })
                .collect(),
        ),
    };
    Node::new(value, loc)
}

impl<'de> Deserialize<'de> for YamlValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(YamlVisitor)
    }
}

struct YamlVisitor;

impl<'de> Visitor<'de> for YamlVisitor {
    type Value = YamlValue;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<YamlValue, E> {
        Ok(YamlValue::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<YamlValue, E> {
        Ok(YamlValue::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<YamlValue, E> {
        Ok(i64::try_from(v).map_or(YamlValue::Float(v as f64), YamlValue::Int))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<YamlValue, E> {
        Ok(i64::try_from(v).map_or(YamlValue::Float(v as f64), YamlValue::Int))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<YamlValue, E> {
        Ok(i64::try_from(v).map_or(YamlValue::Float(v as f64), YamlValue::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<YamlValue, E> {
        Ok(YamlValue::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<YamlValue, E> {
        Ok(YamlValue::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<YamlValue, E> {
        Ok(YamlValue::Str(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<YamlValue, E> {
        Ok(YamlValue::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<YamlValue, E> {
        Ok(YamlValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<YamlValue, D::Error> {
        YamlValue::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<YamlValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(YamlValue::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<YamlValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(YamlValue::Map(entries))
    }
}

// ---------------------------------------------------------------- JSON

fn parse_json(text: &str) -> Result<Node, Diagnostic> {
    use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};
    let index = LineIndex::new(text);
    // Strict JSON: none of the JSONC/JSON5 extensions the parser can allow.
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed = parse_to_ast(text, &CollectOptions::default(), &options).map_err(|e| {
        Diagnostic::at(
            index.loc(e.range().start),
            format!("invalid JSON: {}", e.kind()),
        )
    })?;
    match parsed.value {
        Some(v) => json_node(&v, &index, 0),
        None => Err(Diagnostic::at(
            Loc::new(1, 1),
            "invalid JSON: the file holds no value",
        )),
    }
}

fn json_node(
    v: &jsonc_parser::ast::Value<'_>,
    index: &LineIndex<'_>,
    depth: usize,
) -> Result<Node, Diagnostic> {
    use jsonc_parser::ast::Value as J;
    let start = match v {
        J::StringLit(s) => s.range.start,
        J::NumberLit(n) => n.range.start,
        J::BooleanLit(b) => b.range.start,
        J::Object(o) => o.range.start,
        J::Array(a) => a.range.start,
        J::NullKeyword(n) => n.range.start,
    };
    let loc = index.loc(start);
    if depth > MAX_DEPTH {
        return Err(depth_error(loc));
    }
    let value = match v {
        J::StringLit(s) => Value::Str(s.value.to_string()),
        J::NumberLit(n) => match n.value.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => match n.value.parse::<f64>() {
                Ok(f) if f.is_finite() => Value::Float(f),
                _ => {
                    return Err(Diagnostic::at(
                        loc,
                        format!("the number `{}` is too large to hold", n.value),
                    )
                    .help("numbers run up to about 1.8e308"));
                }
            },
        },
        J::BooleanLit(b) => Value::Bool(b.value),
        J::NullKeyword(_) => Value::Null,
        J::Array(a) => Value::Array(
            a.elements
                .iter()
                .map(|e| json_node(e, index, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        J::Object(o) => {
            let mut out = Vec::with_capacity(o.properties.len());
            for p in &o.properties {
                let (name, range) = match &p.name {
                    jsonc_parser::ast::ObjectPropName::String(s) => (s.value.to_string(), s.range),
                    jsonc_parser::ast::ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                };
                out.push((
                    Key {
                        name,
                        loc: index.loc(range.start),
                    },
                    json_node(&p.value, index, depth + 1)?,
                ));
            }
            Value::Table(out)
        }
    };
    Ok(Node::new(value, loc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_locs(node: &Node) -> Vec<(String, Loc)> {
        node.as_table()
            .unwrap()
            .iter()
            .map(|(k, _)| (k.name.clone(), k.loc))
            .collect()
    }

    #[test]
    fn all_formats_keep_key_locations() {
        let toml = parse("schema = 1\nname = \"x\"\n", Format::Toml).unwrap();
        let yaml = parse("schema: 1\nname: x\n", Format::Yaml).unwrap();
        let json = parse("{\n\"schema\": 1,\n\"name\": \"x\"}", Format::Json).unwrap();
        assert_eq!(
            key_locs(&toml),
            vec![
                ("schema".into(), Loc::new(1, 1)),
                ("name".into(), Loc::new(2, 1))
            ]
        );
        assert_eq!(
            key_locs(&yaml),
            vec![
                ("schema".into(), Loc::new(1, 1)),
                ("name".into(), Loc::new(2, 1))
            ]
        );
        assert_eq!(
            key_locs(&json),
            vec![
                ("schema".into(), Loc::new(2, 1)),
                ("name".into(), Loc::new(3, 1))
            ]
        );
    }

    /// Parsing piece by piece (here: every `[[tool]]` its own piece) gives
    /// the tree of the whole document, or declines.
    fn chunked_matches_whole(text: &str) -> bool {
        let index = LineIndex::new(text);
        let whole = parse_toml_whole(text, &index);
        match parse_toml_in_chunks(text, &index, 1) {
            Some(chunked) => {
                assert_eq!(Ok(&chunked), whole.as_ref(), "{text}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn toml_in_chunks_is_the_whole_document() {
        let tools = "[[tool]]\nid = \"a\"\n[tool.access]\nsso = true\n[[tool.integration]]\nto = \"b\"\n\n[[tool]]\nid = \"b\"\n";
        for text in [
            format!("schema = 1\n[policy]\nsystem_of_record = \"a\"\n{tools}"),
            // Tables after the tools; a `[[tool.integration]]` after them
            // still belongs to the last tool.
            format!(
                "schema = 1\n{tools}[[waiver]]\ncheck = \"x\"\n[checks]\ndisable = []\n[[tool.integration]]\nto = \"a\"\n"
            ),
            // Headers inside strings, lists and multi-line inline tables are
            // not split at.
            format!("schema = 1\nnote = '''\n[[tool]]\n'''\nx = [\n[[1]]\n]\n{tools}"),
            format!("schema = 1\n{tools}labels = {{ a = \"\"\"\n[[tool]]\nid = 'c'\n\"\"\" }}\n"),
            format!(
                "# [[tool]]\r\nschema = 1\r\n{}",
                tools.replace('\n', "\r\n")
            ),
        ] {
            assert!(chunked_matches_whole(&text), "declined: {text}");
        }
    }

    #[test]
    fn toml_in_chunks_declines_what_it_cannot_join() {
        let tools = "[[tool]]\nid = \"a\"\n[[tool]]\nid = \"b\"\n";
        for text in [
            // A key from two pieces: legal TOML, but only the whole parse may judge it.
            format!(
                "schema = 1\n[[tool]]\nid = 'a'\n[[waiver]]\ncheck = 'x'\n{tools}[[waiver]]\ncheck = 'y'\n"
            ),
            format!("[policy]\n{tools}[policy.x]\n"),
            // `tool` defined before the first header.
            format!("tool = []\n{tools}"),
            format!("[tool.x]\n{tools}"),
            // Errors in any piece.
            format!("schema = 1\n{tools}id = \"dup\"\n"),
            format!("schema = 1\n{tools}x = ]\n"),
            format!("schema = 1\n{tools}[tool]\n"),
            // Not valid TOML, whatever a split would make of it.
            format!("schema = 1\nx = [\n[[tool]]\n]\n{tools}"),
        ] {
            assert!(!chunked_matches_whole(&text), "joined: {text}");
        }
    }

    #[test]
    fn toml_in_chunks_agrees_on_every_fixture() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut joined = 0;
        for dir in [
            "tests/fixtures",
            "tests/bad_inputs",
            "tests/data",
            "examples",
            ".",
        ] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_none_or(|e| e != "toml") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                joined += usize::from(chunked_matches_whole(&text));
            }
        }
        assert!(joined >= 5, "only {joined} files were parsed in pieces");
    }

    #[test]
    fn toml_integers_in_every_radix() {
        assert_eq!(parse_toml_int("1_000", 10), Some(1000));
        assert_eq!(parse_toml_int("-5", 10), Some(-5));
        assert_eq!(parse_toml_int("0xff", 16), Some(255));
        assert_eq!(parse_toml_int("99999999999999999999", 10), None);
        assert_eq!(parse_toml_int("-9223372036854775808", 10), Some(i64::MIN));
        assert_eq!(parse_toml_int("9223372036854775808", 10), None);
    }

    #[test]
    fn deep_nesting_is_refused_in_every_format() {
        let toml = format!("a = {}{}", "[".repeat(10_000), "]".repeat(10_000));
        let yaml = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
        let json = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        for (text, format) in [
            (toml, Format::Toml),
            (yaml, Format::Yaml),
            (json, Format::Json),
        ] {
            assert!(parse(&text, format).is_err(), "{format:?}");
        }
    }

    #[test]
    fn tab_indentation_in_yaml_is_named() {
        let err = parse("tool:\n\t- id: x\n", Format::Yaml).unwrap_err();
        assert_eq!(err.loc, Some(Loc::new(2, 1)));
        assert!(err.message.contains("tabs"));
    }
}
