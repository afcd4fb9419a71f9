//! The HTML report as its readers meet it: the integration graph's geometry
//! read from the generated SVG, and the page opened in headless Chromium
//! (axe-core, a 390 px phone, A4 print) by `scripts/browser/check.mjs`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use stackaudit::audit::{AuditOptions, AuditResult, audit};
use stackaudit::checks::Catalogue;
use stackaudit::inventory::{LoadOptions, load};
use stackaudit::report::{self, RenderOptions};

fn root(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn audited(file: &Path) -> AuditResult {
    let inv = load(file, &LoadOptions::default()).unwrap();
    audit(
        &inv,
        &Catalogue::builtin(),
        &AuditOptions::new("2026-11-22".parse().unwrap()),
    )
    .unwrap()
}

fn html(result: &AuditResult) -> String {
    String::from_utf8(
        report::render(result, report::Format::Html, &RenderOptions::default()).unwrap(),
    )
    .unwrap()
}

#[derive(Debug, Clone, Copy)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    /// Does the segment a–b pass through the inside of this box? (Touching
    /// the border, as an edge does at its own ends, is not crossing.)
    fn crossed_by(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        const INSET: f64 = 0.5;
        let (x0, x1) = (self.x + INSET, self.x + self.w - INSET);
        let (y0, y1) = (self.y + INSET, self.y + self.h - INSET);
        // Liang–Barsky clipping of the segment against the box.
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (p, q) in [
            (-dx, a.0 - x0),
            (dx, x1 - a.0),
            (-dy, a.1 - y0),
            (dy, y1 - a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        t0 < t1
    }
}

/// An edge: its two ends and the points of its path.
type EdgePath = (String, String, Vec<(f64, f64)>);

struct Svg {
    nodes: BTreeMap<String, Rect>,
    edges: Vec<EdgePath>,
    labels: Vec<(String, Rect)>,
}

fn attr(e: &quick_xml::events::BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .map(Result::unwrap)
        .find(|a| a.key.as_ref() == name)
        .map(|a| {
            a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                .unwrap()
                .to_string()
        })
}

fn rect(e: &quick_xml::events::BytesStart) -> Rect {
    let num = |n: &str| attr(e, n).unwrap().parse::<f64>().unwrap();
    Rect {
        x: num("x"),
        y: num("y"),
        w: num("width"),
        h: num("height"),
    }
}

fn points(d: &str) -> Vec<(f64, f64)> {
    d.split(' ')
        .map(|p| {
            let p = p.trim_start_matches(['M', 'L']);
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

/// The nodes, edges and label boxes of the report's integration graph.
fn graph(html: &str) -> Svg {
    use quick_xml::events::Event;
    let body = html.trim_start_matches("<!DOCTYPE html>");
    let mut reader = quick_xml::Reader::from_str(body);
    let mut svg = Svg {
        nodes: BTreeMap::new(),
        edges: Vec::new(),
        labels: Vec::new(),
    };
    let mut in_graph = false;
    // (kind, id) of the group the next rect belongs to.
    let mut group: Option<(String, String)> = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) if e.name().as_ref() == "svg" => {
                in_graph = attr(&e, "class").as_deref() == Some("integration-graph");
            }
            Event::End(e) if e.name().as_ref() == "svg" => in_graph = false,
            Event::Start(e) if in_graph && e.name().as_ref() == "g" => {
                let class = attr(&e, "class").unwrap_or_default();
                group = if class.split(' ').any(|c| c == "node") {
                    Some(("node".into(), attr(&e, "data-id").unwrap()))
                } else if class == "edge-label" {
                    let ends = format!(
                        "{} – {}",
                        attr(&e, "data-from").unwrap(),
                        attr(&e, "data-to").unwrap()
                    );
                    Some(("label".into(), ends))
                } else {
                    None
                };
            }
            Event::End(e) if e.name().as_ref() == "g" => group = None,
            Event::Start(e) | Event::Empty(e) if in_graph && e.name().as_ref() == "rect" => {
                match &group {
                    Some((kind, id)) if kind == "node" => {
                        svg.nodes.insert(id.clone(), rect(&e));
                    }
                    Some((_, ends)) => svg.labels.push((ends.clone(), rect(&e))),
                    None => {}
                }
            }
            Event::Start(e) | Event::Empty(e)
                if in_graph
                    && e.name().as_ref() == "path"
                    && attr(&e, "class").is_some_and(|c| c.split(' ').any(|c| c == "edge")) =>
            {
                svg.edges.push((
                    attr(&e, "data-from").unwrap(),
                    attr(&e, "data-to").unwrap(),
                    points(&attr(&e, "d").unwrap()),
                ));
            }
            Event::Eof => return svg,
            _ => {}
        }
    }
}

fn assert_clean_geometry(name: &str, svg: &Svg, tools: usize, edges: usize) {
    assert_eq!(svg.nodes.len(), tools, "{name}: a box per tool");
    assert_eq!(svg.edges.len(), edges, "{name}: an edge per connected pair");
    assert_eq!(svg.labels.len(), edges, "{name}: a label per edge");
    for (from, to, pts) in &svg.edges {
        let (a, b) = (&svg.nodes[from], &svg.nodes[to]);
        let (first, last) = (pts[0], pts[pts.len() - 1]);
        // The edge starts on its source's right side and ends on its
        // target's left side.
        assert!(
            (first.0 - (a.x + a.w)).abs() < 0.01 && first.1 > a.y && first.1 < a.y + a.h,
            "{name}: {from} – {to} does not start at {from}"
        );
        assert!(
            (last.0 - b.x).abs() < 0.01 && last.1 > b.y && last.1 < b.y + b.h,
            "{name}: {from} – {to} does not end at {to}"
        );
        for (id, r) in &svg.nodes {
            if id == from || id == to {
                continue;
            }
            for seg in pts.windows(2) {
                assert!(
                    !r.crossed_by(seg[0], seg[1]),
                    "{name}: edge {from} – {to} passes behind {id}"
                );
            }
        }
    }
    // No edge runs through another edge's label.
    for (from, to, pts) in &svg.edges {
        let mine = format!("{from} – {to}");
        for (ends, l) in svg.labels.iter().filter(|(ends, _)| *ends != mine) {
            for seg in pts.windows(2) {
                assert!(
                    !l.crossed_by(seg[0], seg[1]),
                    "{name}: edge {mine} runs through the label of {ends}"
                );
            }
        }
    }
    for (i, (ends, l)) in svg.labels.iter().enumerate() {
        for (other, m) in &svg.labels[i + 1..] {
            assert!(
                !l.overlaps(m),
                "{name}: labels of {ends} and {other} overlap"
            );
        }
        for (id, r) in &svg.nodes {
            assert!(!l.overlaps(r), "{name}: label of {ends} covers {id}");
        }
    }
}

#[test]
fn no_edge_passes_behind_a_box_and_no_labels_overlap_in_the_example() {
    let result = audited(&root("stack.example.toml"));
    let svg = graph(&html(&result));
    let mut pairs: Vec<(String, String)> = result
        .edges
        .iter()
        .map(|e| {
            let (a, b) = (e.from.to_string(), e.to.to_string());
            if a < b { (a, b) } else { (b, a) }
        })
        .collect();
    pairs.sort();
    pairs.dedup();
    assert_clean_geometry("example", &svg, result.tools.len(), pairs.len());
    // The orphan of the audit has no edge at all.
    let orphan = "hootsuite";
    assert!(
        result
            .findings
            .iter()
            .any(|f| f.check == "integration-orphan" && f.tool.as_deref() == Some(orphan))
    );
    assert!(
        !svg.edges.iter().any(|(a, b, _)| a == orphan || b == orphan),
        "an orphan is drawn with an edge"
    );
}

/// 40 tools in five tiers: fans, edges that skip tiers, flows both ways and
/// flows back to an earlier tier (cycles).
fn tangled_stack() -> String {
    let categories = [
        "crm",
        "analytics",
        "cdp",
        "email",
        "chat",
        "bi",
        "webinar",
        "cms",
    ];
    let mut s = String::from(
        "schema = 1\n[organization]\nname = \"Tangle\"\n[policy]\nsystem_of_record = \"t0\"\n",
    );
    let tier = |i: usize| i / 8;
    for i in 0..40usize {
        let _ = write!(
            s,
            "\n[[tool]]\nid = \"t{i}\"\nname = \"Tool number {i} with a long product name\"\ncategory = \"{}\"\n",
            categories[i % categories.len()]
        );
        let mut targets: Vec<usize> = [(i * 5 + 11) % 40, (i * 3 + 17) % 40, (i + 9) % 40]
            .into_iter()
            .filter(|&j| tier(j) > tier(i))
            .collect();
        if i % 7 == 3 && i >= 8 {
            targets.push(i - 8); // back to the tier before: a cycle
        }
        targets.sort();
        targets.dedup();
        for (k, t) in targets.into_iter().enumerate() {
            let method = ["api", "native", "file", "ipaas"][(i + k) % 4];
            let direction = ["out", "both", "out"][(i + k) % 3];
            let _ = write!(
                s,
                "[[tool.integration]]\nto = \"t{t}\"\nmethod = \"{method}\"\ndirection = \"{direction}\"\ndata = [\"pii\", \"customer\"]\n"
            );
        }
    }
    s
}

#[test]
fn no_edge_passes_behind_a_box_in_a_tangled_stack() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tangle.toml");
    std::fs::write(&file, tangled_stack()).unwrap();
    let result = audited(&file);
    let svg = graph(&html(&result));
    let mut pairs: Vec<(String, String)> = result
        .edges
        .iter()
        .map(|e| {
            let (a, b) = (e.from.to_string(), e.to.to_string());
            if a < b { (a, b) } else { (b, a) }
        })
        .collect();
    pairs.sort();
    pairs.dedup();
    assert!(pairs.len() > 40, "the tangle has {} pairs", pairs.len());
    assert_clean_geometry("tangle", &svg, result.tools.len(), pairs.len());
    // Some edges skip columns: they are the ones that used to run behind boxes.
    assert!(svg.edges.iter().any(|(_, _, pts)| pts.len() > 4));
}

#[test]
fn a_graph_too_deep_for_a_page_points_to_dot_instead() {
    let mut s = String::from("schema = 1\n");
    for i in 0..20 {
        let _ = write!(
            s,
            "\n[[tool]]\nid = \"t{i}\"\nname = \"T{i}\"\ncategory = \"other\"\n"
        );
        if i > 0 {
            let _ = write!(s, "[[tool.integration]]\nto = \"t{}\"\n", i - 1);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chain.toml");
    std::fs::write(&file, s).unwrap();
    let page = html(&audited(&file));
    assert!(!page.contains("integration-graph"));
    assert!(page.contains(
        "Data flows through chains of up to 20 tools; the graph is drawn here for at most 12; use <code>stackaudit graph --format dot</code>"
    ));
}

#[test]
fn the_graph_has_a_legend_and_words_edges_like_mermaid_and_dot() {
    let result = audited(&root("stack.example.toml"));
    let page = html(&result);
    for entry in [
        "high or critical findings",
        "dashed box: retiring",
        "dashed line: file or manual transfers only",
        "arrows at both ends: both ways",
    ] {
        assert!(page.contains(entry), "legend lacks {entry:?}");
    }
    // The picture comes with the same integrations as a table.
    let table = page.split("<table class=\"integrations\">").nth(1).unwrap();
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(
        table.matches("<tr><td>").count(),
        graph(&page).edges.len(),
        "a row per drawn edge"
    );
    let mermaid = report::graph::mermaid(&result);
    let dot = report::graph::dot(&result);
    for e in &result.edges {
        let label = report::graph::edge_label(e.method, &e.data);
        assert!(page.contains(&label), "HTML lacks {label:?}");
        assert!(mermaid.contains(&label), "Mermaid lacks {label:?}");
        assert!(dot.contains(&label), "DOT lacks {label:?}");
    }
}

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| [d.join("chromium"), d.join("chromium-browser")])
        .find(|p| p.is_file())
}

/// In CI (CI=true) a missing browser or tool fails the test; elsewhere it
/// is skipped with a message saying what to install.
fn require(what: &str, found: bool) -> bool {
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must provide {what} (.ci/run installs it)"
        );
        eprintln!("skipped: {what} is not installed (see .ci/run)");
    }
    found
}

#[test]
fn the_report_in_headless_chromium_is_accessible_fits_a_phone_and_prints_on_a4() {
    let tools = root("target/browser-tools/node_modules");
    if !require("Chromium (apt-get install chromium)", chromium().is_some())
        || !require(
            "node and the browser-check packages (npm ci in target/browser-tools)",
            tools.join("puppeteer-core").is_dir()
                && tools.join("axe-core").is_dir()
                && Command::new("node").arg("--version").output().is_ok(),
        )
    {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.html");
    let mut result = audited(&root("stack.example.toml"));
    result.stack_path = "stack.example.toml".into();
    std::fs::write(&report, html(&result)).unwrap();
    let out = Command::new("node")
        .arg(root("scripts/browser/check.mjs"))
        .arg(&report)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "check.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let grave: Vec<&serde_json::Value> = seen["axe"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["impact"] == "critical" || v["impact"] == "serious")
        .collect();
    assert!(grave.is_empty(), "axe-core: {grave:#?}");
    assert!(
        seen["axe"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["id"] != "landmark-one-main"),
        "the page has no main landmark"
    );
    let phone = &seen["phone"];
    assert!(
        phone["scroll_width"].as_u64().unwrap() <= phone["width"].as_u64().unwrap(),
        "a 390 px page scrolls sideways: {phone}"
    );
    let print = &seen["print"];
    let page_width = print["width"].as_u64().unwrap();
    assert!(
        print["scroll_width"].as_u64().unwrap() <= page_width
            && print["widest_right"].as_u64().unwrap() <= page_width,
        "printed on A4, something is wider than the page: {print}"
    );
    assert!(print["graph_width"].as_u64().unwrap() <= page_width);
    assert_eq!(
        print["links_without_url"],
        serde_json::json!([]),
        "printed links must show their URL"
    );
}
