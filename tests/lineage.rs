//! Property tests for data lineage on generated integration graphs (cycles,
//! two-way hubs, explicit data lists, diamonds): provenance paths are simple
//! and real, results never depend on the order of the file, fingerprints are
//! unique and messages bounded.

use proptest::prelude::*;
use serde_json::{Value, json};

use stackaudit::audit::{AuditOptions, MAX_MESSAGE_CHARS, audit};
use stackaudit::checks::Catalogue;
use stackaudit::inventory::dataflow::{DataFlow, Path};
use stackaudit::inventory::model::{DataClass, Direction};
use stackaudit::inventory::source::Format;
use stackaudit::inventory::{Inventory, load_str};
use stackaudit::report::{self, Format as Report, RenderOptions};

const DATA: &[&str] = &["pii", "behavioral", "customer", "public"];

/// A random stack as JSON: ids are not in file order, so ties by id and
/// ties by position differ.
fn graph_doc() -> impl Strategy<Value = Value> {
    let tool = (
        prop::collection::vec(prop::sample::select(DATA), 0..2),
        prop::collection::vec(
            (
                0usize..12,
                prop::sample::select(&["out", "in", "both"][..]),
                prop::option::of(prop::collection::vec(prop::sample::select(DATA), 0..3)),
            ),
            0..4,
        ),
    );
    // Waivers in force and expired, used and unused, for a check or for all.
    let waiver = (
        0usize..12,
        prop::sample::select(WAIVED),
        prop::sample::select(&["2026-10-01", "2027-01-01"][..]),
    );
    (
        prop::collection::vec(tool, 2..12),
        prop::collection::vec(waiver, 0..4),
    )
        .prop_map(|(tools, waivers)| {
        let n = tools.len();
        let id = |i: usize| format!("t{}", (i * 7 + 3) % 97);
        let tools: Vec<Value> = tools
            .into_iter()
            .enumerate()
            .map(|(i, (data, integrations))| {
                let mut data = data;
                data.sort();
                data.dedup();
                let mut targets = Vec::new();
                let integ: Vec<Value> = integrations
                    .into_iter()
                    .map(|(to, dir, data)| (to % n, dir, data))
                    .filter(|(to, _, _)| *to != i)
                    .filter(|(to, _, _)| {
                        let fresh = !targets.contains(to);
                        targets.push(*to);
                        fresh
                    })
                    .map(|(to, dir, data)| {
                        let mut g = json!({"to": id(to), "direction": dir});
                        if let Some(mut d) = data {
                            d.sort();
                            d.dedup();
                            g["data"] = json!(d);
                        }
                        g
                    })
                    .collect();
                let mut t = json!({"id": id(i), "name": format!("Tool {i}"), "category": "other", "data": data, "regions": ["us"]});
                if !integ.is_empty() {
                    t["integration"] = json!(integ);
                }
                t
            })
            .collect();
        let mut waived = Vec::new();
        let waivers: Vec<Value> = waivers
            .into_iter()
            .map(|(tool, check, expires)| (id(tool % n), check, expires))
            // One waiver per check and tool: a second is invalid.
            .filter(|(tool, check, _)| {
                let fresh = !waived.contains(&(tool.clone(), *check));
                waived.push((tool.clone(), *check));
                fresh
            })
            .map(|(tool, check, expires)| json!({"check": check, "tool": tool, "reason": "accepted", "approved_by": "dpo@x.example", "expires": expires}))
            .collect();
        json!({"schema": 1, "policy": {"system_of_record": id(0), "allowed_regions": ["eu"]}, "tool": tools, "waiver": waivers})
    })
}

const WAIVED: &[&str] = &[
    "*",
    "data-undeclared-inflow",
    "encryption-unknown",
    "backup-missing",
];

fn load(doc: &Value) -> Inventory {
    let text = serde_json::to_string_pretty(doc).unwrap();
    load_str(&text, Format::Json, "gen.json")
        .unwrap_or_else(|e| panic!("generated stack did not load:\n{e}\n{text}"))
}

/// Whether an integration written in the inventory sends `class` from `a` to `b`.
fn edge_carries(inv: &Inventory, a: usize, b: usize, class: DataClass) -> bool {
    let (ta, tb) = (&inv.tools[a], &inv.tools[b]);
    let sends = |from: &stackaudit::inventory::model::Tool, to: &str, dir: Direction| {
        from.integrations
            .iter()
            .any(|g| g.to == to && g.direction == dir && g.data.is_none_or(|d| d.contains(class)))
    };
    sends(ta, &tb.id, Direction::Out)
        || sends(ta, &tb.id, Direction::Both)
        || sends(tb, &ta.id, Direction::In)
        || sends(tb, &ta.id, Direction::Both)
}

/// check, tool, severity, subject, message, related.
type Reading = (
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    Vec<String>,
);

/// Every finding as it reads, without its location (which moves with the
/// order of the file).
fn findings(inv: &Inventory) -> Vec<Reading> {
    let result = audit(
        inv,
        &Catalogue::builtin(),
        &AuditOptions::new("2026-11-22".parse().unwrap()),
    )
    .unwrap();
    result
        .findings
        .into_iter()
        .map(|f| {
            (
                f.check.into(),
                f.tool.map(String::from),
                f.severity.to_string(),
                f.subject.map(String::from),
                f.message.into(),
                f.related.iter().map(|r| r.to_string()).collect(),
            )
        })
        .collect()
}

/// A permutation of 0..n from a seed.
fn shuffle<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        items.swap(i, (seed >> 33) as usize % (i + 1));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn provenance_paths_are_simple_real_and_shortest(doc in graph_doc()) {
        let inv = load(&doc);
        let flow = DataFlow::compute(&inv);
        for tool in 0..inv.tools.len() {
            for &class in DataClass::ALL {
                let Some(p) = flow.provenance(&inv, tool, class) else {
                    continue;
                };
                prop_assert!(flow.effective[tool].contains(class));
                prop_assert!(!p.paths.is_empty());
                for path in &p.paths {
                    // A long chain is shown as origin → … (n tools) → tail:
                    // its length still counts, and what is shown is checked.
                    let (list, hidden) = match path {
                        Path::Whole(list) => (list.clone(), 0),
                        Path::Elided { tail, skipped, .. } => (tail.clone(), *skipped as usize + 1),
                    };
                    if let Path::Elided { origin, .. } = path {
                        prop_assert_ne!(*origin, tool, "a tool is never its own source");
                        prop_assert!(!list.contains(origin), "an elided path repeats its origin");
                    }
                    prop_assert_eq!((list.len() + hidden) as u32, p.distance + 1);
                    prop_assert_eq!(*list.last().unwrap(), tool);
                    prop_assert_ne!(list[0], tool, "a tool is never its own source");
                    let mut seen = list.clone();
                    seen.sort_unstable();
                    seen.dedup();
                    prop_assert_eq!(seen.len(), list.len(), "a path repeats a tool: {:?}", list);
                    for pair in list.windows(2) {
                        prop_assert!(edge_carries(&inv, pair[0], pair[1], class), "no integration carries {} on {:?}", class, pair);
                    }
                }
                // Nothing shorter exists: breadth first from every other origin.
                let origin = |i: usize| inv.tools[i].data.contains(class) || flow.undeclared_outflow(i).contains(class);
                let mut dist = vec![u32::MAX; inv.tools.len()];
                let mut queue: std::collections::VecDeque<usize> = (0..inv.tools.len()).filter(|&i| i != tool && origin(i)).collect();
                for &i in &queue { dist[i] = 0; }
                while let Some(v) = queue.pop_front() {
                    if v == tool { continue; }
                    for w in 0..inv.tools.len() {
                        if dist[w] == u32::MAX && flow.effective[v].contains(class) && edge_carries(&inv, v, w, class) {
                            dist[w] = dist[v] + 1;
                            queue.push_back(w);
                        }
                    }
                }
                prop_assert_eq!(dist[tool], p.distance);
                // Origins are named in id order.
                let ids: Vec<&str> = p.paths.iter().map(|x| inv.tools[x.origin()].id.as_str()).collect();
                let mut sorted = ids.clone();
                sorted.sort_unstable();
                prop_assert_eq!(ids, sorted);
            }
        }
    }

    #[test]
    fn findings_do_not_depend_on_the_order_of_the_file(doc in graph_doc(), seed in any::<u64>()) {
        let mut shuffled = doc.clone();
        shuffle(shuffled["tool"].as_array_mut().unwrap(), seed);
        for tool in shuffled["tool"].as_array_mut().unwrap() {
            if let Some(list) = tool.get_mut("integration").and_then(Value::as_array_mut) {
                shuffle(list, seed ^ 0x9e37_79b9);
            }
        }
        prop_assert_eq!(findings(&load(&doc)), findings(&load(&shuffled)));
    }

    #[test]
    fn fingerprints_are_unique_and_messages_bounded(doc in graph_doc()) {
        let inv = load(&doc);
        let result = audit(&inv, &Catalogue::builtin(), &AuditOptions::new("2026-11-22".parse().unwrap())).unwrap();
        let mut prints: Vec<stackaudit::checks::Fingerprint> = result.findings.iter().map(|f| f.fingerprint).collect();
        prints.sort_unstable();
        let before = prints.len();
        prints.dedup();
        prop_assert_eq!(before, prints.len(), "two findings share a fingerprint");
        for f in &result.findings {
            prop_assert!(f.message.char_count() <= MAX_MESSAGE_CHARS);
            prop_assert!(!f.related.iter().any(|r| Some(r) == f.tool.as_ref()), "a tool is related to itself: {:?}", f);
        }
    }
}

/// A long chain and a two-way hub of many spokes: messages stay bounded and
/// the chain's provenance names its head.
#[test]
fn long_chains_and_big_hubs_keep_messages_bounded() {
    let mut tools = vec![
        json!({"id": "head", "name": "Head", "category": "crm", "data": ["pii"], "regions": ["us"], "integration": [{"to": "c0"}]}),
    ];
    for i in 0..300 {
        tools.push(json!({"id": format!("c{i}"), "name": format!("Chain {i}"), "category": "other", "regions": ["us"], "integration": [{"to": format!("c{}", i + 1)}]}));
    }
    tools.push(json!({"id": "c300", "name": "Chain end", "category": "other", "regions": ["us"]}));
    let mut hub = json!({"id": "hub", "name": "Hub", "category": "ipaas", "regions": ["us"], "integration": []});
    for i in 0..300 {
        let id = format!("spoke-with-a-rather-long-identifier-{i:04}");
        hub["integration"]
            .as_array_mut()
            .unwrap()
            .push(json!({"to": id, "direction": "both", "data": ["pii"]}));
        tools.push(json!({"id": id, "name": format!("Spoke {i}"), "category": "other", "data": ["pii"], "regions": ["us"]}));
    }
    tools.push(hub);
    let inv = load(&json!({"schema": 1, "policy": {"allowed_regions": ["eu"]}, "tool": tools}));
    let result = audit(
        &inv,
        &Catalogue::builtin(),
        &AuditOptions::new("2026-11-22".parse().unwrap()),
    )
    .unwrap();
    for f in &result.findings {
        assert!(f.message.char_count() <= MAX_MESSAGE_CHARS, "{}", f.message);
        assert!(f.related.len() <= 64, "{} related tools", f.related.len());
    }
    let end = result
        .findings
        .iter()
        .find(|f| f.check == "data-undeclared-inflow" && f.tool.as_deref() == Some("c300"))
        .unwrap();
    assert!(
        end.message
            .text()
            .contains("pii from `head` via head → … ("),
        "{}",
        end.message
    );
    let hub = result
        .findings
        .iter()
        .find(|f| f.check == "data-undeclared-inflow" && f.tool.as_deref() == Some("hub"))
        .unwrap();
    assert!(
        hub.message.text().contains(" and at least 59 more"),
        "{}",
        hub.message
    );
}

/// The audit runs on all cores; one thread or several give the same report.
#[test]
fn one_thread_and_several_write_the_same_report() {
    // Relays into a two-way hub with explicit lists, and two origins: many
    // findings with long provenance, and a hub step shared by many paths.
    let mut tools = vec![
        json!({"id": "crm", "name": "CRM", "category": "crm", "data": ["pii", "customer"], "regions": ["us"], "integration": [{"to": "relay"}]}),
        json!({"id": "cdp", "name": "CDP", "category": "cdp", "data": ["behavioral"], "regions": ["eu"], "integration": [{"to": "hub"}]}),
        json!({"id": "relay", "name": "Relay", "category": "other", "integration": [{"to": "hub"}]}),
    ];
    let mut hub = json!({"id": "hub", "name": "Hub", "category": "ipaas", "regions": ["us"], "integration": []});
    for i in 0..600 {
        let id = format!("s{:03}", (i * 37) % 600);
        let data = if i % 5 == 0 {
            json!(["customer"])
        } else {
            json!(null)
        };
        let mut integration = json!({"to": id, "direction": "both"});
        if !data.is_null() {
            integration["data"] = data;
        }
        hub["integration"].as_array_mut().unwrap().push(integration);
        tools.push(json!({"id": id, "name": format!("Spoke {i}"), "category": "other", "regions": ["us"], "integration": [{"to": format!("s{:03}", (i * 37 + 1) % 600)}]}));
    }
    tools.push(hub);
    let inv = load(&json!({"schema": 1, "policy": {"allowed_regions": ["eu"]}, "tool": tools}));
    let report = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let result = audit(
                &inv,
                &Catalogue::builtin(),
                &AuditOptions::new("2026-11-22".parse().unwrap()),
            )
            .unwrap();
            stackaudit::report::json::render(&result).unwrap()
        })
    };
    let one = report(1);
    assert!(one.len() > 1 << 20, "a report of {} bytes", one.len());
    for threads in [2, 3, 8] {
        assert!(report(threads) == one, "{threads} threads differ from one");
    }
}

/// The example stack with its tools in reverse order reads the same.
#[test]
fn the_example_stack_reads_the_same_reversed() {
    let text = std::fs::read_to_string("stack.example.toml").unwrap();
    let mut doc: toml::Table = toml::from_str(&text).unwrap();
    let tools = doc
        .get_mut("tool")
        .and_then(toml::Value::as_array_mut)
        .unwrap();
    tools.reverse();
    for t in tools.iter_mut() {
        if let Some(list) = t.get_mut("integration").and_then(toml::Value::as_array_mut) {
            list.reverse();
        }
    }
    let reversed = toml::to_string(&doc).unwrap();
    let a = load_str(&text, Format::Toml, "stack.example.toml").unwrap();
    let b = load_str(&reversed, Format::Toml, "stack.example.toml").unwrap();
    let (fa, fb) = (findings(&a), findings(&b));
    assert!(fa.iter().any(|f| f.4.contains("behavioral from `marketo`")));
    assert_eq!(fa, fb);
    // The reports that show no line numbers read the same, byte for byte:
    // tools of equal score, integrations and the graph included.
    let options = AuditOptions::new("2026-11-22".parse().unwrap());
    let (ra, rb) = (
        audit(&a, &Catalogue::builtin(), &options).unwrap(),
        audit(&b, &Catalogue::builtin(), &options).unwrap(),
    );
    for format in [Report::Table, Report::Markdown, Report::Html] {
        let render = |r| report::render(r, format, &RenderOptions::default()).unwrap();
        assert!(
            render(&ra) == render(&rb),
            "{format:?} follows the file's order"
        );
    }
    // JUnit's cases name their lines; its suites come in the same order.
    let suites = |r| {
        let xml = report::render(r, Report::Junit, &RenderOptions::default()).unwrap();
        let xml = String::from_utf8(xml).unwrap();
        xml.lines()
            .filter(|l| l.trim_start().starts_with("<testsuite "))
            .map(|l| l.split('"').nth(1).unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    assert!(suites(&ra).len() > 10);
    assert_eq!(suites(&ra), suites(&rb));
}
