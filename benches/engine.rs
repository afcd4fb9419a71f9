//! Load and audit a generated 10,000-tool, 30,000-integration inventory and
//! print the median wall time of each stage (release build). The graph has
//! the shapes that are hardest for data lineage: mixed directions, a fifth of
//! the integrations two-way with explicit data lists (2-cycles), half of the
//! rest with lists, and an iPaaS hub exchanging data both ways with 2,000
//! spokes.
//!
//!     cargo bench --bench engine
//!     cargo bench --bench engine -- --tools 2500 --write /tmp/big-2500.toml
//!     cargo bench --bench engine -- --tools 20000 --hub 2000 --runs 3
//!
//! Figures are recorded in BENCHMARKS.md.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use stackaudit::audit::{AuditOptions, audit};
use stackaudit::checks::Catalogue;
use stackaudit::inventory::{load_str, source::Format};
use stackaudit::report::{self, RenderOptions};

const CATEGORIES: &[&str] = &[
    "crm",
    "marketing-automation",
    "cdp",
    "analytics",
    "abm",
    "chat",
    "social",
    "webinar",
    "enrichment",
    "bi",
];
const DATA: &[&str] = &[
    "pii",
    "behavioral",
    "customer",
    "financial",
    "public",
    "sensitive-pii",
];
const REGIONS: &[&str] = &["eu", "us", "de", "gb", "global", "apac"];

/// A deterministic pseudo-random sequence (no dependency needed for a benchmark).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

pub fn generate(tools: usize, integrations_per_tool: usize, hub_spokes: usize) -> String {
    let mut rng = Lcg(42);
    let mut s = String::with_capacity(tools * 600);
    s.push_str("schema = 1\n\n[policy]\nsystem_of_record = \"tool-0\"\nallowed_regions = [\"eu\", \"uk\"]\nrequired_categories = [\"crm\", \"cdp\"]\n\n");
    for i in 0..tools {
        let cat = CATEGORIES[rng.next(CATEGORIES.len())];
        let data = DATA[rng.next(DATA.len())];
        let region = REGIONS[rng.next(REGIONS.len())];
        let _ = write!(
            s,
            "[[tool]]\nid = \"tool-{i}\"\nname = \"Tool {i}\"\ncategory = \"{cat}\"\nowner = \"team-{}@example.com\"\ndata = [\"{data}\"]\nregions = [\"{region}\"]\n\n[tool.contract]\nannual_cost = {}\ncurrency = \"EUR\"\nrenewal = 2027-0{}-15\ndpa = {}\n\n[tool.access]\nsso = {}\nmfa = true\n\n[tool.certifications]\nsoc2 = {{ type = 2, report_date = 2026-0{}-28 }}\n\n[tool.backup]\nenabled = true\nrpo_hours = {}\nlast_restore_test = 2026-03-01\n\n",
            i % 50,
            1000 + rng.next(100_000),
            1 + rng.next(9),
            rng.next(2) == 0,
            rng.next(3) != 0,
            1 + rng.next(6),
            1 + rng.next(48),
        );
        for _ in 0..integrations_per_tool {
            let mut to = rng.next(tools);
            if to == i {
                to = (to + 1) % tools;
            }
            // One in five is two-way with an explicit data list (every such
            // pair is a 2-cycle); of the rest, half carry an explicit list.
            let (dir, listed) = if rng.next(5) == 0 {
                ("both", true)
            } else {
                (["out", "in", "both"][rng.next(3)], rng.next(2) == 0)
            };
            let _ = write!(
                s,
                "[[tool.integration]]\nto = \"tool-{to}\"\nmethod = \"api\"\ndirection = \"{dir}\"\n"
            );
            if listed {
                let (a, b) = (DATA[rng.next(DATA.len())], DATA[rng.next(3)]);
                if a == b {
                    let _ = writeln!(s, "data = [\"{a}\"]");
                } else {
                    let _ = writeln!(s, "data = [\"{a}\", \"{b}\"]");
                }
            }
            s.push('\n');
        }
    }
    // An iPaaS hub exchanging explicit data both ways with many spokes.
    let _ = write!(
        s,
        "[[tool]]\nid = \"ipaas-hub\"\nname = \"iPaaS hub\"\ncategory = \"ipaas\"\nowner = \"ops@example.com\"\nregions = [\"eu\"]\n\n"
    );
    for spoke in 0..hub_spokes.min(tools) {
        let _ = write!(
            s,
            "[[tool.integration]]\nto = \"tool-{}\"\nmethod = \"ipaas\"\ndirection = \"both\"\ndata = [\"{}\"]\n\n",
            spoke * (tools / hub_spokes.min(tools)).max(1),
            DATA[rng.next(3)]
        );
    }
    s
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut samples = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(f());
        samples.push(start.elapsed());
    }
    (median(samples), last.unwrap())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let tools: usize = arg("--tools")
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let runs: usize = arg("--runs").and_then(|v| v.parse().ok()).unwrap_or(5);
    let hub: usize = arg("--hub").and_then(|v| v.parse().ok()).unwrap_or(2_000);
    let text = generate(tools, 3, hub);
    if let Some(path) = arg("--write") {
        std::fs::write(&path, &text).unwrap();
        println!("wrote {path}");
    }
    println!(
        "inventory: {} tools, {} integrations ({hub} of them on one iPaaS hub), {:.1} MiB of TOML",
        tools + 1,
        tools * 3 + hub.min(tools),
        text.len() as f64 / 1048576.0
    );

    let (load_time, inv) = time(runs, || {
        load_str(&text, Format::Toml, "bench.toml").unwrap()
    });
    let catalogue = Catalogue::builtin();
    let options = AuditOptions::new("2026-11-22".parse().unwrap());
    let (audit_time, result) = time(runs, || audit(&inv, &catalogue, &options).unwrap());
    println!(
        "load (parse + validate):  {:>8.1} ms",
        load_time.as_secs_f64() * 1000.0
    );
    println!(
        "audit (all checks):       {:>8.1} ms   ({} findings)",
        audit_time.as_secs_f64() * 1000.0,
        result.findings.len()
    );
    for format in report::Format::ALL {
        let (t, bytes) = time(runs, || {
            report::render(&result, format, &RenderOptions::default()).unwrap()
        });
        println!(
            "render {:<18}{:>8.1} ms   ({:.1} MiB)",
            format!("{format:?}:"),
            t.as_secs_f64() * 1000.0,
            bytes.len() as f64 / 1048576.0
        );
    }
}
