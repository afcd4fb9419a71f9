//! Entry points for the fuzz targets in `fuzz/` (and their regression
//! tests): each takes arbitrary bytes and must never panic.
//!
//! The byte-level targets (`inventory`, `rule`, `baseline`) feed the bytes
//! to one reader. The structure-aware targets (`structured`,
//! `structured_large`, `evidence_structured`, behind the `fuzzing` feature)
//! turn the bytes into a valid inventory with extreme values, user checks,
//! evidence and audit options, and run what a user's `stackaudit audit` runs:
//! every check, every reporter, `--group-by control`, and a baseline made
//! from the report fed back in.

use crate::audit::{AuditOptions, AuditResult};
use crate::checks::{Catalogue, CheckDef};
use crate::inventory::Inventory;
use crate::inventory::source::Format;
use crate::report::RenderOptions;

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
    audit_and_render(
        &inv,
        &Catalogue::builtin(),
        &AuditOptions::new(as_of()),
        &RenderOptions::default(),
    );
}

/// Audits a valid inventory and renders every format, grouped by tool and
/// by control; then audits again against a baseline written from the first
/// result, as `audit --baseline` does. Input errors (unknown checks in
/// `[checks]`, waivers past `max_waiver_days`) end the run as they end the
/// command: with a message, not a panic.
pub fn audit_and_render(
    inv: &Inventory,
    catalogue: &Catalogue,
    options: &AuditOptions,
    render: &RenderOptions,
) -> Option<AuditResult> {
    let result = crate::audit::audit(inv, catalogue, options).ok()?;
    render_everything(&result, render);
    let baseline = crate::audit::baseline::Baseline::from_result(&result);
    let text = String::from_utf8(baseline.to_json()).expect("a baseline is UTF-8 JSON");
    let baseline = crate::audit::baseline::Baseline::parse(&text, "fuzz-baseline.json")
        .expect("a baseline written by stackaudit reads back");
    let known = AuditOptions {
        known: Some(baseline.known(inv)),
        ..options.clone()
    };
    if let Ok(again) = crate::audit::audit(inv, catalogue, &known) {
        let _ = crate::report::render(&again, crate::report::Format::Json, render);
        let _ = crate::report::summary_line(&again);
    }
    Some(result)
}

fn render_everything(result: &AuditResult, render: &RenderOptions) {
    for format in &crate::report::Format::ALL {
        let _ = crate::report::render(result, *format, render);
        // Formats without a controls view return an error, as the CLI does.
        let _ = crate::report::render_controls(result, *format, render);
    }
    let _ = crate::report::summary_line(result);
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
    let Some(def) = check_definition(text) else {
        return;
    };
    let inv = crate::inventory::load_str(RULE_STACK, Format::Toml, "fuzz")
        .expect("the fixed stack is valid");
    let flow = crate::inventory::dataflow::DataFlow::compute(&inv);
    let ctx = crate::checks::Context {
        inventory: &inv,
        flow: &flow,
        as_of: as_of(),
        waivers_used: &[],
        evidence: None,
        idp: None,
        labels: &[],
        wordings: Default::default(),
    };
    let mut out = Vec::new();
    if let Some(rule) = &def.rule {
        crate::checks::rule::evaluate(&ctx, &def, rule, &mut out);
    }
}

/// A user check definition as `--checks DIR` accepts it: a valid id, a
/// valid `applies_to` and a valid `[rule]`; `None` when it would be rejected.
pub fn check_definition(text: &str) -> Option<CheckDef> {
    let mut def = toml::from_str::<CheckDef>(text).ok()?;
    def.source = "fuzz".into();
    if !crate::inventory::validate::is_slug(&def.id)
        || def.rule.as_ref().is_none_or(|r| r.validate().is_err())
        || def
            .applies_to
            .as_ref()
            .is_some_and(|a| a.validate().is_err())
    {
        return None;
    }
    Some(def)
}

/// The stack baselines are applied to: its tools have findings of many checks.
const BASELINE_STACK: &str = r#"schema = 1
[[tool]]
id = "chat"
name = "Chat"
category = "chat"
data = ["pii"]
regions = ["us"]
[[tool.integration]]
to = "crm"
[[tool]]
id = "crm"
name = "CRM"
category = "crm"
"#;

/// Reads bytes as a baseline file; when valid, audits a fixed stack against
/// it (known findings are left out, renamed tools followed).
pub fn baseline(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(baseline) = crate::audit::baseline::Baseline::parse(text, "fuzz") else {
        return;
    };
    let inv = crate::inventory::load_str(BASELINE_STACK, Format::Toml, "fuzz")
        .expect("the fixed stack is valid");
    let options = AuditOptions {
        known: Some(baseline.known(&inv)),
        ..AuditOptions::new(as_of())
    };
    if let Ok(result) = crate::audit::audit(&inv, &Catalogue::builtin(), &options) {
        render_everything(&result, &RenderOptions::default());
    }
}

/// The stack raw evidence files are judged against: every tool has a site
/// and a trust page, so every probe check has something to look at.
#[cfg(any(test, feature = "fuzzing"))]
const EVIDENCE_STACK: &str = r#"schema = 1
[[tool]]
id = "chat"
name = "Chat"
category = "chat"
data = ["pii"]
url = "https://chat.example"
trust_url = "https://chat.example/trust"
[[tool]]
id = "crm"
name = "CRM"
category = "crm"
url = "https://crm.example"
trust_url = "https://crm.example/trust"
status = "evaluating"
[[tool]]
id = "old"
name = "Old"
category = "cms"
url = "https://old.example"
status = "retiring"
"#;

/// One generated audit: an inventory, user checks, evidence and options.
#[derive(Clone, Debug)]
pub struct Case {
    pub inventory: String,
    /// User check definitions, as `--checks DIR` files hold them.
    pub checks: Vec<String>,
    /// An evidence file, as `stackaudit probe` writes it.
    pub evidence: Option<String>,
    pub as_of: jiff::civil::Date,
    pub fail_on: Option<crate::checks::Severity>,
    pub only_tools: Vec<String>,
    pub render: RenderOptions,
}

/// Runs a case as `stackaudit audit` would: the inventory and checks must
/// load (a rejected input is not audited), then the audit runs and every
/// report is rendered.
pub fn run_case(case: &Case) {
    // The CLI refuses larger files before reading them (`--max-input-size`),
    // so the audit never sees them; a generated case can be far larger (a
    // 255-byte input stood for a 382 MB inventory that took a minute to
    // parse and reject).
    let limit = crate::inventory::DEFAULT_MAX_INPUT_SIZE as usize;
    if case.inventory.len() > limit || case.evidence.as_ref().is_some_and(|e| e.len() > limit) {
        return;
    }
    let Ok(inv) = crate::inventory::load_str(&case.inventory, Format::Toml, "fuzz.toml") else {
        return;
    };
    let mut catalogue = Catalogue::builtin();
    for text in &case.checks {
        let Some(def) = check_definition(text) else {
            return;
        };
        if catalogue.get(&def.id).is_some() {
            return;
        }
        catalogue.checks.push(def);
    }
    let evidence = match &case.evidence {
        Some(text) => match crate::probe::evidence::Evidence::parse(text, "fuzz-evidence.json") {
            Ok(e) => Some(e),
            Err(_) => return,
        },
        None => None,
    };
    let options = AuditOptions {
        fail_on: case.fail_on,
        only_tools: case.only_tools.clone(),
        evidence,
        ..AuditOptions::new(case.as_of)
    };
    audit_and_render(&inv, &catalogue, &options, &case.render);
}

/// With `STACKAUDIT_FUZZ_DUMP=DIR`, writes what a structure-aware input
/// stands for (inventory, checks, evidence, options) to DIR, so a finding
/// can be replayed with the CLI and turned into a test.
pub fn dump_case(case: &Case) {
    let Some(dir) = std::env::var_os("STACKAUDIT_FUZZ_DUMP") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let checks = dir.join("checks");
    if std::fs::create_dir_all(&checks).is_err() {
        return;
    }
    let _ = std::fs::write(dir.join("stack.toml"), &case.inventory);
    for (i, text) in case.checks.iter().enumerate() {
        let _ = std::fs::write(checks.join(format!("user-rule-{i}.toml")), text);
    }
    if let Some(evidence) = &case.evidence {
        let _ = std::fs::write(dir.join("evidence.json"), evidence);
    }
    let fail_on = case.fail_on.map_or("never".to_string(), |s| s.to_string());
    let tools: String = case
        .only_tools
        .iter()
        .map(|t| format!(" --tool {t}"))
        .collect();
    let evidence = if case.evidence.is_some() {
        " --evidence evidence.json"
    } else {
        ""
    };
    let _ = std::fs::write(
        dir.join("command.txt"),
        format!(
            "stackaudit audit stack.toml --checks checks --as-of {} --fail-on {fail_on}{tools}{evidence}\n# render options: {:?}\n",
            case.as_of, case.render
        ),
    );
}

/// Structure-aware: a valid inventory of a few dozen tools with extreme values.
#[cfg(any(test, feature = "fuzzing"))]
pub fn structured(data: &[u8]) {
    if let Some(case) = generate::case(data, generate::Scale::Small) {
        dump_case(&case);
        run_case(&case);
    }
}

/// Structure-aware, large: thousands of tools, long ids and texts, long
/// lists, dense graphs (run with `-max_len` of 1 MB).
#[cfg(any(test, feature = "fuzzing"))]
pub fn structured_large(data: &[u8]) {
    if let Some(case) = generate::case(data, generate::Scale::Large) {
        dump_case(&case);
        run_case(&case);
    }
}

/// Structure-aware evidence: a generated inventory and an evidence file
/// about its tools (or, when the bytes say so, raw evidence text).
#[cfg(any(test, feature = "fuzzing"))]
pub fn evidence_structured(data: &[u8]) {
    if let Some(case) = generate::evidence_case(data) {
        dump_case(&case);
        run_case(&case);
    }
}

/// Turns fuzzer bytes into [`Case`]s that pass validation by construction
/// (tools reference each other by index, values come from the accepted
/// sets), with values at the edges: dates 0000-01-01 and 9999-12-31, every
/// check's parameters at their extremes, empty and huge lists, long ids and
/// names, cycles, two-way hubs and explicit data lists.
#[cfg(any(test, feature = "fuzzing"))]
pub mod generate {
    use std::fmt::Write as _;

    use arbitrary::{Result, Unstructured};

    use super::{Case, RenderOptions};
    use crate::checks::{Catalogue, Severity};
    use crate::inventory::region::Region;
    use crate::inventory::spec;

    /// How far values and lists may grow.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Scale {
        Small,
        Large,
    }

    struct Limits {
        tools: u32,
        list: u32,
        repeat: u32,
        id_len: u32,
        depth: u32,
    }

    impl Scale {
        fn limits(self) -> Limits {
            match self {
                Scale::Small => Limits {
                    tools: 24,
                    list: 8,
                    repeat: 300,
                    id_len: 300,
                    depth: 6,
                },
                Scale::Large => Limits {
                    tools: 5_000,
                    list: 5_000,
                    repeat: 100_000,
                    id_len: 100_000,
                    depth: 40,
                },
            }
        }
    }

    /// What the ids of one case may add up to, and the inventory text past
    /// which no more tools are generated.
    const ID_TEXT_BUDGET: usize = 4 << 20;
    const INVENTORY_TEXT_BUDGET: usize = 16 << 20;

    /// Fields of the open families (`labels.*`, `certifications.<name>.*`)
    /// that rules are generated with, beside `checks::rule::FIELDS`.
    const OPEN_RULE_FIELDS: &[&str] = &[
        "labels.ai_review",
        "certifications.soc2.report_date",
        "certifications.soc2.type",
        "certifications.iso27001.expires",
        "certifications.soc2.bridge_letter_until",
    ];

    const CERTIFICATIONS: &[&str] = &["soc2", "iso27001", "pci-dss", "hipaa", "iso27701"];
    const ACCEPTED: &[&str] = &["soc2-type2", "soc2-type1", "iso27001", "pci-dss", "x"];
    const LABEL_KEYS: &[&str] = &["ai_review", "team", "tier", "x"];

    /// A TOML string literal (escaped by the toml crate itself).
    fn q(s: &str) -> String {
        toml::Value::String(s.to_string()).to_string()
    }

    fn pick<'a>(u: &mut Unstructured, items: &[&'a str]) -> Result<&'a str> {
        u.choose(items).copied()
    }

    struct Gen<'u, 'd> {
        u: &'u mut Unstructured<'d>,
        limits: Limits,
        catalogue: Catalogue,
    }

    impl Gen<'_, '_> {
        fn count(&mut self, max: u32) -> Result<usize> {
            // Mostly small, sometimes at the limit: the edges matter most.
            Ok(match self.u.int_in_range(0..=7u8)? {
                0 => 0,
                1 => max as usize,
                _ => self.u.int_in_range(0..=max.min(8))? as usize,
            })
        }

        fn text(&mut self) -> Result<String> {
            let repeat = self.limits.repeat;
            Ok(match self.u.int_in_range(0..=9u8)? {
                0 => String::new(),
                1 => {
                    let unit = pick(
                        self.u,
                        &[
                            "x", "é", "{name}", "{id}", "\u{200b}", "\u{202e}", "<b>&amp;", "|",
                            "\n",
                        ],
                    )?;
                    let n = self.u.int_in_range(1..=repeat)? as usize;
                    unit.repeat(n)
                }
                2 => pick(
                    self.u,
                    &[
                        "<script>alert(1)</script>",
                        "\"quoted\" 'single'",
                        "=cmd|' /C calc'!A0",
                        "::error::injected",
                        "%0A%0D",
                        "line\r\nbreak",
                        "\u{0}nul",
                        "🙂 emoji",
                        "ＡＢＣ",
                        "\u{feff}bom",
                    ],
                )?
                .to_string(),
                3..=5 => {
                    let s: String = self.u.arbitrary()?;
                    s.chars().take(64).collect()
                }
                _ => format!("Tool {}", self.u.int_in_range(0..=999u16)?),
            })
        }

        fn date(&mut self) -> Result<String> {
            Ok(match self.u.int_in_range(0..=7u8)? {
                0 => "0000-01-01".into(),
                1 => "9999-12-31".into(),
                2 => {
                    let y = self.u.int_in_range(0..=9999u16)?;
                    let m = self.u.int_in_range(1..=12u8)?;
                    let d = self.u.int_in_range(1..=28u8)?;
                    format!("{y:04}-{m:02}-{d:02}")
                }
                _ => {
                    let offset = self.u.int_in_range(-1500..=1500i32)?;
                    crate::checks::add_days(super::as_of(), i64::from(offset)).to_string()
                }
            })
        }

        fn number(&mut self) -> Result<String> {
            Ok(match self.u.int_in_range(0..=9u8)? {
                0 => "0".into(),
                1 => "1.7976931348623157e308".into(),
                2 => "5e-324".into(),
                3 => i64::MAX.to_string(),
                4 => "0.5".into(),
                5 => "9007199254740993".into(),
                _ => self.u.int_in_range(0..=100_000u32)?.to_string(),
            })
        }

        /// Extreme integers, both in and far out of any sensible range.
        fn integer(&mut self, min: i64) -> Result<i64> {
            let v = match self.u.int_in_range(0..=9u8)? {
                0 => i64::MAX,
                1 => i64::MIN,
                2 => 7_304_485,
                3 => 3_652_059,
                4 => -1,
                5 => 0,
                6 => i64::from(i32::MAX),
                _ => i64::from(self.u.int_in_range(0..=4000u16)?),
            };
            Ok(v.max(min))
        }

        fn slug(&mut self, max_len: u32) -> Result<String> {
            let len = self.u.int_in_range(1..=max_len.max(1))? as usize;
            let unit = pick(self.u, &["a", "z9", "-", "crm", "x-"])?;
            let mut s: String = unit
                .repeat(len.div_ceil(unit.len()))
                .chars()
                .take(len)
                .collect();
            if s.chars().all(|c| c == '-') {
                s.push('a');
            }
            Ok(s)
        }

        fn region(&mut self) -> Result<String> {
            if self.u.ratio(1, 4)? {
                return Ok(pick(self.u, &["eu", "eea", "apac", "global", "uk"])?.into());
            }
            let a = self.u.int_in_range(b'a'..=b'z')?;
            let b = self.u.int_in_range(b'a'..=b'z')?;
            let code = String::from_utf8(vec![a, b]).expect("ASCII");
            Ok(if Region::parse(&code).is_some() {
                code
            } else {
                "us".into()
            })
        }

        fn list(
            &mut self,
            max: u32,
            mut item: impl FnMut(&mut Self) -> Result<String>,
        ) -> Result<String> {
            // Lists name each entry once (a repeated entry is a validation
            // error, tested elsewhere), so repeats are dropped.
            let n = self.count(max)?;
            let mut seen = std::collections::HashSet::new();
            let mut out = String::from("[");
            for _ in 0..n {
                let entry = item(self)?;
                if !seen.insert(entry.clone()) {
                    continue;
                }
                if seen.len() > 1 {
                    out.push_str(", ");
                }
                out.push_str(&entry);
            }
            out.push(']');
            Ok(out)
        }

        fn data_list(&mut self) -> Result<String> {
            let max = self.limits.list;
            self.list(max, |g| Ok(q(pick(g.u, spec::DATA_CLASSES)?)))
        }

        fn tool_ids(&mut self) -> Result<Vec<String>> {
            let n = self.count(self.limits.tools)?.max(1);
            let style = self.u.int_in_range(0..=3u8)?;
            let long = if style == 1 {
                self.slug(self.limits.id_len)?
            } else {
                String::new()
            };
            // Long ids together stay within a few MiB: each integration
            // repeats one, and a case far past the CLI's input limit only
            // costs the fuzzer time (5,000 ids of 100,000 characters made a
            // 382 MB inventory).
            let n = n.min((ID_TEXT_BUDGET / (long.len() + 8)).max(1));
            Ok((0..n)
                .map(|i| match style {
                    0 => format!("t{i}"),
                    1 => format!("{long}-{i}"),
                    2 => spec::CATEGORIES.get(i).map_or_else(
                        || format!("{}-{i}", spec::CATEGORIES[i % 16]),
                        |c| c.to_string(),
                    ),
                    _ => i.to_string(),
                })
                .collect())
        }

        fn tool(
            &mut self,
            out: &mut String,
            ids: &[String],
            i: usize,
            extra: &[(usize, String)],
        ) -> Result<()> {
            let _ = writeln!(out, "[[tool]]\nid = {}", q(&ids[i]));
            let name = if self.u.ratio(1, 3)? {
                self.text()?
            } else {
                format!("Tool {i}")
            };
            let _ = writeln!(out, "name = {}", q(&name));
            let _ = writeln!(out, "category = {}", q(pick(self.u, spec::CATEGORIES)?));
            if self.u.arbitrary()? {
                let _ = writeln!(out, "status = {}", q(pick(self.u, spec::STATUSES)?));
            }
            if self.u.arbitrary()? {
                let t = self.text()?;
                let _ = writeln!(out, "vendor = {}", q(&t));
            }
            if self.u.arbitrary()? {
                let t = self.text()?;
                let _ = writeln!(out, "owner = {}", q(&t));
            }
            if self.u.ratio(2, 3)? {
                let d = self.data_list()?;
                let _ = writeln!(out, "data = {d}");
            }
            if self.u.arbitrary()? {
                let max = self.limits.list;
                let r = self.list(max, |g| Ok(q(&g.region()?)))?;
                let _ = writeln!(out, "regions = {r}");
            }
            if self.u.arbitrary()? {
                let _ = writeln!(out, "url = {}", q(&format!("https://t{i}.example/")));
            }
            if self.u.arbitrary()? {
                let scheme = pick(self.u, &["https", "http"])?;
                let _ = writeln!(
                    out,
                    "trust_url = {}",
                    q(&format!("{scheme}://t{i}.example/trust"))
                );
            }
            if self.u.arbitrary()? {
                let n = self.count(self.limits.list)?;
                out.push_str("labels = {");
                for k in 0..n {
                    // Each key once: a repeated key is a TOML error, not a test of the audit.
                    let key = format!("{}{k}", pick(self.u, LABEL_KEYS)?);
                    let value = self.text()?;
                    let _ = write!(
                        out,
                        "{}{} = {}",
                        if k > 0 { ", " } else { " " },
                        q(&key),
                        q(&value)
                    );
                }
                out.push_str(" }\n");
            }
            if self.u.arbitrary()? {
                out.push_str("[tool.contract]\n");
                if self.u.arbitrary()? {
                    let n = self.number()?;
                    let _ = writeln!(out, "annual_cost = {n}");
                }
                if self.u.arbitrary()? {
                    let c = pick(self.u, &["EUR", "USD", "eur", "", "XXX"])?;
                    let _ = writeln!(out, "currency = {}", q(c));
                }
                if self.u.arbitrary()? {
                    let d = self.date()?;
                    let _ = writeln!(out, "renewal = {d}");
                }
                if self.u.arbitrary()? {
                    let b: bool = self.u.arbitrary()?;
                    let _ = writeln!(out, "dpa = {b}");
                }
            }
            if self.u.arbitrary()? {
                out.push_str("[tool.access]\n");
                for key in ["sso", "mfa", "scim"] {
                    if self.u.arbitrary()? {
                        let b: bool = self.u.arbitrary()?;
                        let _ = writeln!(out, "{key} = {b}");
                    }
                }
            }
            if self.u.arbitrary()? {
                out.push_str("[tool.certifications]\n");
                let n = self.count(CERTIFICATIONS.len() as u32)?;
                for name in CERTIFICATIONS.iter().take(n) {
                    if *name == "soc2" {
                        let t = self.u.int_in_range(1..=2u8)?;
                        let _ = write!(out, "soc2 = {{ type = {t}");
                        if self.u.arbitrary()? {
                            let d = self.date()?;
                            let _ = write!(out, ", report_date = {d}");
                        }
                        if self.u.arbitrary()? {
                            let d = self.date()?;
                            let _ = write!(out, ", bridge_letter_until = {d}");
                        }
                        out.push_str(" }\n");
                    } else {
                        let d = self.date()?;
                        let _ = writeln!(out, "{name} = {{ expires = {d} }}");
                    }
                }
            }
            if self.u.arbitrary()? {
                out.push_str("[tool.encryption]\n");
                if self.u.arbitrary()? {
                    let v = if self.u.ratio(1, 4)? {
                        self.text()?
                    } else {
                        pick(self.u, spec::AT_REST_KNOWN)?.to_string()
                    };
                    let _ = writeln!(out, "at_rest = {}", q(&v));
                }
                if self.u.arbitrary()? {
                    let _ = writeln!(out, "in_transit = {}", q(pick(self.u, spec::TLS_VERSIONS)?));
                }
                if self.u.arbitrary()? {
                    let b: bool = self.u.arbitrary()?;
                    let _ = writeln!(out, "customer_managed_keys = {b}");
                }
            }
            if self.u.arbitrary()? {
                out.push_str("[tool.backup]\n");
                if self.u.arbitrary()? {
                    let b: bool = self.u.arbitrary()?;
                    let _ = writeln!(out, "enabled = {b}");
                }
                for key in ["rpo_hours", "rto_hours"] {
                    if self.u.arbitrary()? {
                        let n = self.number()?;
                        let _ = writeln!(out, "{key} = {n}");
                    }
                }
                if self.u.arbitrary()? {
                    let n = self.integer(0)?;
                    let _ = writeln!(out, "retention_days = {n}");
                }
                if self.u.arbitrary()? {
                    let d = self.date()?;
                    let _ = writeln!(out, "last_restore_test = {d}");
                }
                if self.u.arbitrary()? {
                    let b: bool = self.u.arbitrary()?;
                    let _ = writeln!(out, "export = {b}");
                }
            }
            // Integrations of its own, then those of the graph shape.
            let own = if ids.len() > 1 {
                self.count(self.limits.list.min(64))?
            } else {
                0
            };
            let mut targets: Vec<(usize, String)> = Vec::new();
            for _ in 0..own {
                let to = self.u.choose_index(ids.len())?;
                if to != i {
                    let method = pick(self.u, spec::METHODS)?.to_string();
                    targets.push((to, method));
                }
            }
            targets.extend(extra.iter().cloned());
            for (to, method) in targets {
                let _ = writeln!(out, "[[tool.integration]]\nto = {}", q(&ids[to]));
                if self.u.arbitrary()? {
                    let _ = writeln!(out, "method = {}", q(&method));
                }
                if self.u.arbitrary()? {
                    let _ = writeln!(out, "direction = {}", q(pick(self.u, spec::DIRECTIONS)?));
                }
                if self.u.arbitrary()? {
                    let d = self.data_list()?;
                    let _ = writeln!(out, "data = {d}");
                }
            }
            Ok(())
        }

        /// Integrations that give the graph a shape: chains (with a cycle
        /// back), a two-way hub, or a complete bipartite graph.
        fn shape(&mut self, n: usize) -> Result<Vec<Vec<(usize, String)>>> {
            let mut edges: Vec<Vec<(usize, String)>> = vec![Vec::new(); n];
            if n < 2 {
                return Ok(edges);
            }
            match self.u.int_in_range(0..=4u8)? {
                0 => {}
                1 | 2 => {
                    for (i, out) in edges.iter_mut().enumerate().take(n - 1) {
                        out.push((i + 1, "api".into()));
                    }
                    if self.u.arbitrary()? {
                        edges[n - 1].push((0, "native".into()));
                    }
                }
                3 => {
                    let hub = self.u.choose_index(n)?;
                    for (i, out) in edges.iter_mut().enumerate() {
                        if i != hub {
                            out.push((hub, "ipaas".into()));
                        }
                    }
                }
                _ => {
                    let half = n / 2;
                    let side = half.min(200);
                    for (i, out) in edges.iter_mut().enumerate().take(side) {
                        let _ = i;
                        for j in half..(half + side).min(n) {
                            out.push((j, "file".into()));
                        }
                    }
                }
            }
            Ok(edges)
        }

        fn policy(&mut self, out: &mut String, ids: &[String]) -> Result<()> {
            out.push_str("[policy]\n");
            if self.u.arbitrary()? {
                let sor = self.u.choose(ids)?.clone();
                let _ = writeln!(out, "system_of_record = {}", q(&sor));
            }
            if self.u.arbitrary()? {
                let max = self.limits.list;
                let r = self.list(max, |g| Ok(q(&g.region()?)))?;
                let _ = writeln!(out, "allowed_regions = {r}");
            }
            for key in ["required_categories", "exclusive_categories"] {
                if self.u.arbitrary()? {
                    let max = self.limits.list;
                    let l = self.list(max, |g| Ok(q(pick(g.u, spec::CATEGORIES)?)))?;
                    let _ = writeln!(out, "{key} = {l}");
                }
            }
            if self.u.arbitrary()? {
                let max = self.limits.list;
                let l = self.list(max, |g| Ok(q(pick(g.u, ACCEPTED)?)))?;
                let _ = writeln!(out, "accepted_certifications = {l}");
            }
            for key in ["max_rpo_hours", "max_rto_hours"] {
                if self.u.arbitrary()? {
                    let n = self.number()?;
                    let _ = writeln!(out, "{key} = {n}");
                }
            }
            if self.u.arbitrary()? {
                let n = self.integer(1)?;
                let _ = writeln!(out, "max_waiver_days = {n}");
            }
            Ok(())
        }

        /// `[checks]`: every check id and parameter name is reachable, with
        /// values of the parameter's own kind at the extremes.
        fn checks(&mut self, out: &mut String, user_ids: &[String]) -> Result<()> {
            let mut ids: Vec<String> = self.catalogue.checks.iter().map(|c| c.id.clone()).collect();
            ids.extend(user_ids.iter().cloned());
            out.push_str("[checks]\n");
            if self.u.ratio(1, 4)? {
                let l = self.list(6, |g| Ok(q(g.u.choose(&ids)?)))?;
                let _ = writeln!(out, "disable = {l}");
            }
            if self.u.ratio(1, 3)? {
                out.push_str("[checks.severity]\n");
                let n = self.count(6)?;
                let mut seen = std::collections::BTreeSet::new();
                for _ in 0..n {
                    let id = self.u.choose(&ids)?.clone();
                    if seen.insert(id.clone()) {
                        let _ =
                            writeln!(out, "{} = {}", q(&id), q(pick(self.u, spec::SEVERITIES)?));
                    }
                }
            }
            let with_params: Vec<usize> = (0..self.catalogue.checks.len())
                .filter(|&i| !self.catalogue.checks[i].params.is_empty())
                .collect();
            let n = self.count(with_params.len() as u32)?;
            let mut chosen = std::collections::BTreeSet::new();
            for _ in 0..n {
                chosen.insert(*self.u.choose(&with_params)?);
            }
            for c in chosen {
                let def = self.catalogue.checks[c].clone();
                let _ = writeln!(out, "[checks.params.{}]", q(&def.id));
                for (name, default) in &def.params {
                    if !self.u.ratio(3, 4)? {
                        continue;
                    }
                    let value = match &default.value {
                        // Mostly the ends of the declared range (what
                        // `validate` accepts), sometimes anything.
                        serde_json::Value::Number(_) => {
                            let lo = default.min.unwrap_or(i64::MIN);
                            let hi = default.max.unwrap_or(i64::MAX);
                            match self.u.int_in_range(0..=3u8)? {
                                0 => lo,
                                1 => hi,
                                2 => self.u.int_in_range(lo..=hi)?,
                                _ => self.integer(i64::MIN)?,
                            }
                            .to_string()
                        }
                        serde_json::Value::String(_) => {
                            if self.u.arbitrary()? {
                                q(pick(self.u, spec::SEVERITIES)?)
                            } else {
                                let t = self.text()?;
                                q(&t)
                            }
                        }
                        serde_json::Value::Bool(_) => self.u.arbitrary::<bool>()?.to_string(),
                        _ => continue,
                    };
                    let _ = writeln!(out, "{} = {value}", q(name));
                }
            }
            Ok(())
        }

        fn waivers(&mut self, out: &mut String, ids: &[String], user_ids: &[String]) -> Result<()> {
            let mut checks: Vec<String> =
                self.catalogue.checks.iter().map(|c| c.id.clone()).collect();
            checks.extend(user_ids.iter().cloned());
            checks.push("*".into());
            let n = self.count(self.limits.list.min(200))?;
            for _ in 0..n {
                let check = self.u.choose(&checks)?.clone();
                let _ = writeln!(out, "[[waiver]]\ncheck = {}", q(&check));
                if self.u.arbitrary()? {
                    let _ = writeln!(out, "tool = {}", q(self.u.choose(ids)?));
                }
                let reason = self.text()?;
                let _ = writeln!(out, "reason = {}\napproved_by = \"ciso\"", q(&reason));
                let d = self.date()?;
                let _ = writeln!(out, "expires = {d}");
                if self.u.arbitrary()? {
                    let t = self.text()?;
                    let _ = writeln!(out, "ticket = {}", q(&t));
                }
            }
            Ok(())
        }

        fn value(&mut self) -> Result<String> {
            Ok(match self.u.int_in_range(0..=6u8)? {
                0 => self.integer(i64::MIN)?.to_string(),
                1 => self.u.arbitrary::<bool>()?.to_string(),
                2 => self.date()?,
                3 => q(pick(self.u, spec::CATEGORIES)?),
                4 => q(pick(self.u, spec::DATA_CLASSES)?),
                5 => self.number()?,
                _ => {
                    let t = self.text()?;
                    q(&t)
                }
            })
        }

        fn condition(&mut self, depth: u32) -> Result<String> {
            if depth > 0 && self.u.ratio(1, 3)? {
                let inner = self.condition(depth - 1)?;
                return Ok(match self.u.int_in_range(0..=2u8)? {
                    0 => format!("{{ not = {inner} }}"),
                    1 => {
                        let other = self.condition(depth - 1)?;
                        format!("{{ all = [{inner}, {other}] }}")
                    }
                    _ => format!("{{ any = [{inner}] }}"),
                });
            }
            let field = if self.u.ratio(1, 6)? {
                pick(self.u, OPEN_RULE_FIELDS)?
            } else {
                pick(self.u, crate::checks::rule::FIELDS)?
            };
            let field = q(field);
            Ok(match self.u.int_in_range(0..=9u8)? {
                0 => format!(
                    "{{ field = {field}, exists = {} }}",
                    self.u.arbitrary::<bool>()?
                ),
                1 => format!("{{ field = {field}, equals = {} }}", self.value()?),
                2 => format!("{{ field = {field}, not_equals = {} }}", self.value()?),
                3 => {
                    let l = self.list(6, |g| g.value())?;
                    format!("{{ field = {field}, in = {l} }}")
                }
                4 => {
                    let l = self.list(6, |g| g.value())?;
                    format!("{{ field = {field}, not_in = {l} }}")
                }
                5 => format!("{{ field = {field}, contains = {} }}", self.value()?),
                6 => format!("{{ field = {field}, gte = {} }}", self.value()?),
                7 => format!("{{ field = {field}, lte = {} }}", self.value()?),
                8 => format!(
                    "{{ field = {field}, within_days = {} }}",
                    self.integer(i64::MIN)?
                ),
                _ => format!(
                    "{{ field = {field}, older_than_days = {} }}",
                    self.integer(i64::MIN)?
                ),
            })
        }

        /// A user check, sometimes nested deep and with a long message template.
        fn user_check(&mut self, id: &str) -> Result<String> {
            let mut out = format!(
                "id = {}\ntitle = \"User rule\"\nfamily = \"custom\"\nseverity = {}\nrationale = \"Why.\"\nremediation = \"Fix it.\"\n",
                q(id),
                q(pick(self.u, spec::SEVERITIES)?)
            );
            if self.u.arbitrary()? {
                out.push_str("[applies_to]\n");
                if self.u.arbitrary()? {
                    let l = self.list(4, |g| Ok(q(pick(g.u, spec::CATEGORIES)?)))?;
                    let _ = writeln!(out, "category = {l}");
                }
                if self.u.arbitrary()? {
                    let l = self.list(3, |g| Ok(q(pick(g.u, spec::STATUSES)?)))?;
                    let _ = writeln!(out, "status = {l}");
                }
                if self.u.arbitrary()? {
                    let d = self.data_list()?;
                    let _ = writeln!(out, "data = {d}");
                }
            }
            out.push_str("[rule]\n");
            let depth = self.u.int_in_range(0..=self.limits.depth)?;
            let require = self.condition(depth)?;
            let _ = writeln!(out, "require = {require}");
            if self.u.arbitrary()? {
                let unit = pick(
                    self.u,
                    &["{name}", "{id}", "{name} and {id} ", "{", "}{", "x"],
                )?;
                // Within the template limit, so the definition loads and the
                // expansion cap is what gets exercised.
                let n = (self.u.int_in_range(1..=self.limits.repeat)? as usize)
                    .min(crate::checks::rule::MAX_TEMPLATE_CHARS / unit.chars().count());
                let _ = writeln!(out, "message = {}", q(&unit.repeat(n)));
            }
            Ok(out)
        }

        fn evidence(&mut self, ids: &[String]) -> Result<String> {
            use crate::probe::evidence::{Evidence, Fetch, SecurityTxt, ToolEvidence};
            let stamp = |g: &mut Self| -> Result<String> {
                Ok(match g.u.int_in_range(0..=3u8)? {
                    0 => "0000-01-01T00:00:00Z".into(),
                    1 => "9999-12-31T23:59:59Z".into(),
                    2 => "2026-11-22T23:59:60+14:00".into(),
                    _ => format!("{}T12:00:00Z", g.date()?),
                })
            };
            let fetch = |g: &mut Self, url: &str| -> Result<Fetch> {
                let max = g.limits.list.min(50);
                let n = g.count(max)?;
                Ok(Fetch {
                    unreachable: g.u.ratio(1, 8)?,
                    certificate_unavailable: if g.u.ratio(1, 8)? {
                        Some(g.text()?)
                    } else {
                        None
                    },
                    url: url.into(),
                    final_url: if g.u.arbitrary()? {
                        Some(format!("{url}/final"))
                    } else {
                        None
                    },
                    status: if g.u.arbitrary()? {
                        Some(g.u.arbitrary()?)
                    } else {
                        None
                    },
                    redirects: (0..n).map(|i| format!("{url}/r{i}")).collect(),
                    https_only: g.u.arbitrary()?,
                    hsts: if g.u.arbitrary()? {
                        Some(g.text()?)
                    } else {
                        None
                    },
                    hsts_max_age: if g.u.arbitrary()? {
                        Some(*g.u.choose(&[0, 1, 31_536_000, u64::MAX])?)
                    } else {
                        None
                    },
                    certificate_expires: if g.u.arbitrary()? {
                        Some(if g.u.ratio(1, 5)? {
                            g.text()?
                        } else {
                            g.date()?
                        })
                    } else {
                        None
                    },
                    body_truncated: g.u.arbitrary()?,
                    error: if g.u.ratio(1, 4)? {
                        Some(g.text()?)
                    } else {
                        None
                    },
                })
            };
            let mut tools = Vec::new();
            for id in ids {
                if !self.u.ratio(3, 4)? {
                    continue;
                }
                let site = if self.u.ratio(3, 4)? {
                    Some(fetch(self, &format!("https://{id}.example"))?)
                } else {
                    None
                };
                let security_txt = if self.u.arbitrary()? {
                    let max = self.limits.list.min(50);
                    let n = self.count(max)?;
                    let mut contact = Vec::new();
                    for _ in 0..n {
                        contact.push(self.text()?);
                    }
                    Some(SecurityTxt {
                        unreachable: self.u.ratio(1, 8)?,
                        url: format!("https://{id}.example/.well-known/security.txt"),
                        status: if self.u.arbitrary()? {
                            Some(self.u.arbitrary()?)
                        } else {
                            None
                        },
                        present: self.u.arbitrary()?,
                        contact,
                        expires: if self.u.arbitrary()? {
                            Some(stamp(self)?)
                        } else {
                            None
                        },
                        truncated: self.u.arbitrary()?,
                        error: if self.u.ratio(1, 4)? {
                            Some(self.text()?)
                        } else {
                            None
                        },
                    })
                } else {
                    None
                };
                let trust_page = if self.u.arbitrary()? {
                    Some(fetch(self, &format!("https://{id}.example/trust"))?)
                } else {
                    None
                };
                tools.push(ToolEvidence {
                    tool: if self.u.ratio(1, 10)? {
                        "no-such-tool".into()
                    } else {
                        id.clone()
                    },
                    site,
                    security_txt,
                    trust_page,
                });
            }
            let evidence = Evidence {
                schema_version: 1,
                collected_at: stamp(self)?,
                tools,
            };
            Ok(serde_json::to_string(&evidence).expect("evidence serialises"))
        }

        fn case(&mut self, with_evidence: bool) -> Result<Case> {
            let ids = self.tool_ids()?;
            let mut inv = String::from("schema = 1\n");
            if self.u.arbitrary()? {
                let t = self.text()?;
                let _ = writeln!(inv, "[organization]\nname = {}", q(&t));
            }
            if self.u.arbitrary()? {
                self.policy(&mut inv, &ids)?;
            }
            let users = self.u.int_in_range(0..=2u8)?;
            let user_ids: Vec<String> = (0..users).map(|k| format!("user-rule-{k}")).collect();
            let mut checks = Vec::new();
            for id in &user_ids {
                checks.push(self.user_check(id)?);
            }
            if self.u.arbitrary()? {
                self.checks(&mut inv, &user_ids)?;
            }
            let shape = self.shape(ids.len())?;
            for (i, extra) in shape.iter().enumerate() {
                if inv.len() > INVENTORY_TEXT_BUDGET {
                    break;
                }
                self.tool(&mut inv, &ids, i, extra)?;
            }
            if self.u.ratio(1, 3)? {
                self.waivers(&mut inv, &ids, &user_ids)?;
            }
            let evidence = if with_evidence || self.u.ratio(1, 8)? {
                Some(self.evidence(&ids)?)
            } else {
                None
            };
            let as_of = match self.u.int_in_range(0..=9u8)? {
                0 => jiff::civil::date(0, 1, 1),
                1 => jiff::civil::date(9999, 12, 31),
                _ => super::as_of(),
            };
            let fail_on = match self.u.int_in_range(0..=5u8)? {
                0 => None,
                k => Some(Severity::DESCENDING[usize::from(k) - 1]),
            };
            let only_tools = if self.u.ratio(1, 6)? {
                vec![self.u.choose(&ids)?.clone()]
            } else {
                Vec::new()
            };
            let render = RenderOptions {
                color: self.u.arbitrary()?,
                width: match self.u.int_in_range(0..=3u8)? {
                    0 => Some(*self.u.choose(&[0, 1, 20, u16::MAX])?),
                    _ => None,
                },
                max_bytes: match self.u.int_in_range(0..=3u8)? {
                    0 => Some(*self.u.choose(&[0, 1, 100, 65_536])?),
                    _ => None,
                },
                full_report_command: None,
                source_root: None,
            };
            Ok(Case {
                inventory: inv,
                checks,
                evidence,
                as_of,
                fail_on,
                only_tools,
                render,
            })
        }
    }

    /// A case from fuzzer bytes; `None` when the bytes are too few to decide.
    pub fn case(data: &[u8], scale: Scale) -> Option<Case> {
        let mut u = Unstructured::new(data);
        let mut g = Gen {
            u: &mut u,
            limits: scale.limits(),
            catalogue: Catalogue::builtin(),
        };
        g.case(false).ok()
    }

    /// A case with evidence about its tools. A first byte of 0 makes the
    /// rest of the bytes the evidence text itself, judged on a fixed stack.
    pub fn evidence_case(data: &[u8]) -> Option<Case> {
        if let Some((0, rest)) = data.split_first() {
            let text = std::str::from_utf8(rest).ok()?;
            return Some(Case {
                inventory: super::EVIDENCE_STACK.to_string(),
                checks: Vec::new(),
                evidence: Some(text.to_string()),
                as_of: super::as_of(),
                fail_on: Some(Severity::High),
                only_tools: Vec::new(),
                render: RenderOptions::default(),
            });
        }
        let mut u = Unstructured::new(data);
        let mut g = Gen {
            u: &mut u,
            limits: Scale::Small.limits(),
            catalogue: Catalogue::builtin(),
        };
        g.case(true).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file in `fuzz/seeds/<target>` and `fuzz/regressions/<target>`.
    fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        for dir in ["fuzz/seeds", "fuzz/regressions"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(dir)
                .join(target);
            let Ok(entries) = std::fs::read_dir(&path) else {
                continue;
            };
            for e in entries {
                let p = e.unwrap().path();
                out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
        out
    }

    #[test]
    fn structure_aware_targets_replay_their_seeds_and_regressions() {
        type Target = fn(&[u8]);
        let targets: [(&str, Target); 3] = [
            ("structured", structured),
            ("structured_large", structured_large),
            ("evidence", evidence_structured),
        ];
        for (target, run) in targets {
            let inputs = inputs(target);
            assert!(!inputs.is_empty(), "no seeds for {target}");
            for (_, data) in inputs {
                run(&data);
            }
        }
    }

    /// The generator's promise: most of what it builds passes validation,
    /// so the fuzzer spends its time in the audit and the reporters. (Not
    /// all: parameters at their extremes may be out of a check's range.)
    #[test]
    fn generated_inventories_and_checks_are_mostly_valid() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut bytes = vec![0u8; 4096];
        let total = 200;
        let mut valid = 0;
        let mut first_rejection = None;
        for _ in 0..total {
            for b in bytes.iter_mut() {
                // xorshift: deterministic bytes without another dependency.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *b = state as u8;
            }
            let case = generate::case(&bytes, generate::Scale::Small).expect("enough bytes");
            for text in &case.checks {
                assert!(
                    check_definition(text).is_some(),
                    "generated check rejected:\n{text}"
                );
            }
            match crate::inventory::load_str(&case.inventory, Format::Toml, "gen.toml") {
                Ok(_) => valid += 1,
                Err(e) => {
                    first_rejection.get_or_insert_with(|| format!("{e}\n---\n{}", case.inventory));
                }
            }
        }
        assert!(
            valid * 2 >= total,
            "only {valid} of {total} generated inventories are valid; the first rejected:\n{}",
            first_rejection.unwrap_or_default()
        );
    }

    /// `fuzz/dict/generate.sh` derives the dictionary from the sources; this
    /// catches a check, parameter, key or region it no longer finds.
    #[test]
    fn the_fuzz_dictionary_holds_every_key_check_parameter_and_region() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/dict/stackaudit.dict");
        let text = std::fs::read_to_string(path).expect("the dictionary is committed");
        let words: std::collections::HashSet<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("kw=\"")?.strip_suffix('"'))
            .collect();
        let mut expected: Vec<String> = Vec::new();
        for def in Catalogue::builtin().checks {
            expected.push(def.id.clone());
            expected.extend(def.params.keys().cloned());
        }
        use crate::inventory::spec;
        for fields in [
            spec::ROOT,
            spec::ORGANIZATION,
            spec::POLICY,
            spec::TOOL,
            spec::CONTRACT,
            spec::ACCESS,
            spec::SOC2,
            spec::CERTIFICATE,
            spec::ENCRYPTION,
            spec::BACKUP,
            spec::INTEGRATION,
            spec::CHECKS,
            spec::WAIVER,
        ] {
            expected.extend(spec::names(fields).map(str::to_string));
        }
        for set in [
            spec::CATEGORIES,
            spec::STATUSES,
            spec::DATA_CLASSES,
            spec::TLS_VERSIONS,
            spec::METHODS,
            spec::DIRECTIONS,
            spec::SEVERITIES,
        ] {
            expected.extend(set.iter().map(|s| s.to_string()));
        }
        for a in b'a'..=b'z' {
            for b in b'a'..=b'z' {
                let code = String::from_utf8(vec![a, b]).unwrap();
                if crate::inventory::region::Region::parse(&code).is_some() {
                    expected.push(code);
                }
            }
        }
        expected.extend(
            crate::inventory::region::GROUPS
                .iter()
                .map(|s| s.to_string()),
        );
        expected.extend(crate::checks::rule::FIELDS.iter().map(|s| s.to_string()));
        let missing: Vec<&String> = expected
            .iter()
            .filter(|w| !words.contains(w.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "missing from fuzz/dict/stackaudit.dict (run bash fuzz/dict/generate.sh): {missing:?}"
        );
    }

    #[test]
    fn raw_evidence_bytes_are_judged_on_the_fixed_stack() {
        let text = br#"{"schema_version":1,"collected_at":"2026-11-20T10:00:00Z","tools":[{"tool":"chat","site":{"url":"https://chat.example","status":500}}]}"#;
        let mut data = vec![0u8];
        data.extend_from_slice(text);
        let case = generate::evidence_case(&data).expect("a raw case");
        assert_eq!(case.inventory, EVIDENCE_STACK);
        let inv = crate::inventory::load_str(&case.inventory, Format::Toml, "e.toml").unwrap();
        let evidence =
            crate::probe::evidence::Evidence::parse(case.evidence.as_deref().unwrap(), "e")
                .unwrap();
        let options = AuditOptions {
            evidence: Some(evidence),
            ..AuditOptions::new(as_of())
        };
        let result = crate::audit::audit(&inv, &Catalogue::builtin(), &options).unwrap();
        assert!(
            result
                .findings
                .iter()
                .any(|f| f.check == "probe-https-failed" && f.tool.as_deref() == Some("chat")),
            "the probe checks ran on the evidence"
        );
    }
}
