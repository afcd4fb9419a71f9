//! Property tests: regions, data propagation, loading in every format,
//! fingerprints and report well-formedness, on generated inventories.

use proptest::prelude::*;
use serde_json::{Value, json};

use stackaudit::audit::{AuditOptions, audit};
use stackaudit::checks::Catalogue;
use stackaudit::inventory::dataflow::DataFlow;
use stackaudit::inventory::region::Region;
use stackaudit::inventory::source::Format;
use stackaudit::inventory::{Inventory, load_str};
use stackaudit::report::{self, RenderOptions};

const COUNTRIES: &[&str] = &[
    "de", "fr", "ie", "no", "is", "li", "gb", "us", "jp", "au", "sg", "br", "ch", "in",
];
const GROUPS: &[&str] = &["eu", "eea", "apac", "global"];
const EU: &[&str] = &["de", "fr", "ie"];
const APAC: &[&str] = &["jp", "au", "sg", "in"];

fn region_code() -> impl Strategy<Value = &'static str> {
    prop::sample::select([COUNTRIES, GROUPS].concat())
}

proptest! {
    #[test]
    fn a_country_is_inside_exactly_its_groups(c in prop::sample::select(COUNTRIES)) {
        let r = Region::parse(c).unwrap();
        let eu = EU.contains(&c);
        let eea = eu || ["no", "is", "li"].contains(&c);
        prop_assert_eq!(r.is_within(Region::parse("eu").unwrap()), eu);
        prop_assert_eq!(r.is_within(Region::parse("eea").unwrap()), eea);
        prop_assert_eq!(r.is_within(Region::parse("apac").unwrap()), APAC.contains(&c));
        prop_assert!(r.is_within(Region::parse("global").unwrap()));
    }

    #[test]
    fn allowing_more_regions_never_disallows(r in region_code(), allowed in prop::collection::vec(region_code(), 0..5), extra in region_code()) {
        let r = Region::parse(r).unwrap();
        let mut list: Vec<Region> = allowed.iter().map(|a| Region::parse(a).unwrap()).collect();
        let before = r.is_allowed(&list);
        list.push(Region::parse(extra).unwrap());
        prop_assert!(!before || r.is_allowed(&list));
    }
}

const CATEGORIES: &[&str] = &[
    "crm",
    "marketing-automation",
    "cdp",
    "analytics",
    "chat",
    "bi",
    "other",
];
const DATA: &[&str] = &[
    "pii",
    "sensitive-pii",
    "behavioral",
    "financial",
    "customer",
    "public",
];
const DATES: &[&str] = &["2025-01-31", "2026-06-30", "2026-12-01", "2027-03-15"];

/// A random inventory as a JSON document (dates as strings).
fn inventory_doc() -> impl Strategy<Value = Value> {
    let tool = (
        prop::sample::select(CATEGORIES),
        prop::collection::vec(prop::sample::select(DATA), 0..3),
        prop::collection::vec(region_code(), 0..3),
        prop::option::of((prop::sample::select(DATES), any::<bool>(), 0u32..200_000)),
        prop::option::of((any::<bool>(), any::<bool>(), any::<bool>())),
        prop::option::of(prop::sample::select(DATES)),
        "[ -~]{0,24}",
        prop::collection::vec(
            (
                0usize..8,
                prop::sample::select(&["out", "in", "both"][..]),
                prop::option::of(prop::collection::vec(prop::sample::select(DATA), 0..2)),
            ),
            0..3,
        ),
    );
    (prop::collection::vec(tool, 1..8), prop::option::of(prop::collection::vec(region_code(), 1..3))).prop_map(|(tools, allowed)| {
        let n = tools.len();
        let tools: Vec<Value> = tools
            .into_iter()
            .enumerate()
            .map(|(i, (category, data, regions, contract, access, cert, name, integrations))| {
                let mut dedup_data = data.clone();
                dedup_data.sort();
                dedup_data.dedup();
                // Lists name each entry once: repeats are validation errors.
                let mut regions = regions;
                regions.sort();
                regions.dedup();
                let mut t = json!({"id": format!("t{i}"), "name": format!("Tool {i} {name}"), "category": category, "data": dedup_data, "regions": regions});
                if let Some((renewal, dpa, cost)) = contract {
                    t["contract"] = json!({"renewal": renewal, "dpa": dpa, "annual_cost": cost, "currency": "EUR"});
                }
                if let Some((sso, mfa, scim)) = access {
                    t["access"] = json!({"sso": sso, "mfa": mfa, "scim": scim});
                }
                if let Some(d) = cert {
                    t["certifications"] = json!({"soc2": {"type": 2, "report_date": d}, "iso27001": {"expires": d}});
                }
                let integ: Vec<Value> = integrations
                    .into_iter()
                    .map(|(to, dir, data)| (to % n, dir, data))
                    .filter(|(to, _, _)| *to != i)
                    .map(|(to, dir, data)| {
                        let mut g = json!({"to": format!("t{to}"), "direction": dir});
                        if let Some(mut d) = data {
                            d.sort();
                            d.dedup();
                            g["data"] = json!(d);
                        }
                        g
                    })
                    .collect();
                if !integ.is_empty() {
                    t["integration"] = json!(integ);
                }
                t
            })
            .collect();
        let mut doc = json!({"schema": 1, "policy": {"system_of_record": "t0", "required_categories": ["crm"]}, "tool": tools});
        if let Some(mut a) = allowed {
            a.sort();
            a.dedup();
            doc["policy"]["allowed_regions"] = json!(a);
        }
        doc
    })
}

const DATE_KEYS: &[&str] = &[
    "renewal",
    "report_date",
    "expires",
    "bridge_letter_until",
    "last_restore_test",
];

fn to_toml(v: &Value, key: &str) -> toml::Value {
    match v {
        Value::String(s) if DATE_KEYS.contains(&key) => toml::Value::Datetime(s.parse().unwrap()),
        Value::String(s) => toml::Value::String(s.clone()),
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Number(n) => n.as_i64().map_or(
            toml::Value::Float(n.as_f64().unwrap()),
            toml::Value::Integer,
        ),
        Value::Array(a) => toml::Value::Array(a.iter().map(|x| to_toml(x, key)).collect()),
        Value::Object(o) => {
            toml::Value::Table(o.iter().map(|(k, x)| (k.clone(), to_toml(x, k))).collect())
        }
        Value::Null => unreachable!("no nulls are generated"),
    }
}

fn load(doc: &Value, format: Format) -> Inventory {
    let text = match format {
        Format::Json => serde_json::to_string_pretty(doc).unwrap(),
        Format::Yaml => serde_saphyr::to_string(doc).unwrap(),
        Format::Toml => toml::to_string(&to_toml(doc, "")).unwrap(),
    };
    load_str(&text, format, "gen")
        .unwrap_or_else(|e| panic!("{format:?} did not load:\n{e}\n{text}"))
}

fn run(inv: &Inventory) -> stackaudit::audit::AuditResult {
    let options = AuditOptions::new("2026-11-22".parse().unwrap());
    audit(inv, &Catalogue::builtin(), &options).unwrap()
}

fn effective(inv: &Inventory) -> Vec<(String, String)> {
    let flow = DataFlow::compute(inv);
    let mut out: Vec<(String, String)> = inv
        .tools
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.to_string(), flow.effective[i].describe()))
        .collect();
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_format_loads_to_the_same_model(doc in inventory_doc()) {
        let json_model = serde_json::to_value(load(&doc, Format::Json)).unwrap();
        prop_assert_eq!(&json_model, &serde_json::to_value(load(&doc, Format::Yaml)).unwrap());
        prop_assert_eq!(&json_model, &serde_json::to_value(load(&doc, Format::Toml)).unwrap());
    }

    #[test]
    fn data_propagation_ignores_tool_order(doc in inventory_doc()) {
        let inv = load(&doc, Format::Json);
        let mut reversed = doc.clone();
        reversed["tool"].as_array_mut().unwrap().reverse();
        prop_assert_eq!(effective(&inv), effective(&load(&reversed, Format::Json)));
    }

    #[test]
    fn adding_an_integration_never_removes_data(doc in inventory_doc(), from in 0usize..8, to in 0usize..8) {
        let before = load(&doc, Format::Json);
        let n = before.tools.len();
        let (from, to) = (from % n, to % n);
        prop_assume!(from != to);
        let mut more = doc.clone();
        let tool = &mut more["tool"][from];
        let list = tool.as_object_mut().unwrap().entry("integration").or_insert(json!([]));
        list.as_array_mut().unwrap().push(json!({"to": format!("t{to}")}));
        let after = load(&more, Format::Json);
        let (fb, fa) = (DataFlow::compute(&before), DataFlow::compute(&after));
        for i in 0..n {
            prop_assert!(fa.effective[i].is_superset(fb.effective[i]));
        }
    }

    #[test]
    fn fingerprints_survive_reordering_and_renaming(doc in inventory_doc()) {
        let mut prints: Vec<stackaudit::checks::Fingerprint> = run(&load(&doc, Format::Json)).findings.iter().map(|f| f.fingerprint).collect();
        prints.sort();
        let mut changed = doc.clone();
        let tools = changed["tool"].as_array_mut().unwrap();
        tools.reverse();
        for t in tools.iter_mut() {
            let name = t["name"].as_str().unwrap().to_string();
            t["name"] = json!(format!("{name} (renamed)"));
        }
        let mut again: Vec<stackaudit::checks::Fingerprint> = run(&load(&changed, Format::Json)).findings.iter().map(|f| f.fingerprint).collect();
        again.sort();
        prop_assert_eq!(prints, again);
    }

    #[test]
    fn every_report_is_well_formed(doc in inventory_doc()) {
        let result = run(&load(&doc, Format::Json));
        let options = RenderOptions::default();
        for format in &report::Format::ALL {
            let bytes = report::render(&result, *format, &options).unwrap();
            if *format == report::Format::Xlsx {
                // A zip archive; tests/xlsx.rs reads workbooks back.
                prop_assert!(bytes.starts_with(b"PK"));
                continue;
            }
            let text = String::from_utf8(bytes).unwrap();
            match format {
                report::Format::Json | report::Format::Sarif => { serde_json::from_str::<Value>(&text).unwrap(); }
                report::Format::Junit => well_formed_xml(&text),
                report::Format::Html => well_formed_xml(text.trim_start_matches("<!DOCTYPE html>")),
                report::Format::Csv => {
                    let rows = csv::Reader::from_reader(text.as_bytes()).records().collect::<Result<Vec<_>, _>>().unwrap();
                    prop_assert_eq!(rows.len(), result.findings.len());
                }
                report::Format::Github => prop_assert_eq!(text.lines().count(), result.findings.len() + 1),
                report::Format::Markdown => prop_assert!(text.len() <= report::markdown::COMMENT_LIMIT),
                report::Format::Table | report::Format::Xlsx => {}
            }
        }
    }
}

fn well_formed_xml(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed at {}: {e}", reader.buffer_position()),
        }
    }
}
