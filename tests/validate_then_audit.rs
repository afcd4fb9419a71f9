//! Whatever `validate` accepts, `audit` runs: generated inventories with
//! every check parameter at the ends of its declared range, dates at the ends
//! of the calendar, huge numbers and long lists either fail validation with
//! a message, or audit and render in every format without a panic.

use proptest::prelude::*;

use stackaudit::audit::{AuditOptions, audit, check_waivers, configure};
use stackaudit::checks::{Catalogue, ParamKind, Severity};
use stackaudit::inventory::load_str;
use stackaudit::inventory::source::Format;
use stackaudit::report::{self, RenderOptions};

const DATES: &[&str] = &[
    "0000-01-01",
    "0001-01-01",
    "1970-01-01",
    "2026-11-21",
    "2026-11-22",
    "2026-11-23",
    "9999-12-30",
    "9999-12-31",
];

const NUMBERS: &[&str] = &[
    "0",
    "0.5",
    "24",
    "9223372036854775807",
    "1e300",
    "1.7976931348623157e308",
];

const DATA: &[&str] = &[
    "pii",
    "sensitive-pii",
    "behavioral",
    "financial",
    "customer",
    "public",
];

const AT_REST: &[&str] = &["AES-256", "aes-128", "None", "plaintext", "proprietary", ""];

/// Every parameter of every built-in check, set to one of its extremes (or
/// just past them, which validation must refuse).
fn params_section(choices: &[usize]) -> String {
    let catalogue = Catalogue::builtin();
    let mut out = String::new();
    let mut k = 0;
    for def in &catalogue.checks {
        if def.params.is_empty() {
            continue;
        }
        out.push_str(&format!("[checks.params.{}]\n", def.id));
        for (name, p) in &def.params {
            let pick = choices[k % choices.len()];
            k += 1;
            let value = if p.kind == Some(ParamKind::Severity) {
                let names = Severity::DESCENDING.map(Severity::as_str);
                format!("\"{}\"", names[pick % names.len()])
            } else {
                let (lo, hi) = (p.min.unwrap_or(0), p.max.unwrap_or(i64::MAX));
                // The first three are valid, the rest just outside the range.
                let candidates = [
                    lo.to_string(),
                    hi.to_string(),
                    format!("{hi}.0"),
                    lo.saturating_sub(1).to_string(),
                    hi.saturating_add(1).to_string(),
                    i64::MAX.to_string(),
                    i64::MIN.to_string(),
                ];
                candidates[pick % candidates.len()].clone()
            };
            out.push_str(&format!("{name} = {value}\n"));
        }
    }
    out
}

#[allow(clippy::type_complexity)]
fn tool_strategy() -> impl Strategy<
    Value = (
        (usize, usize, usize, usize, usize),
        (usize, usize, usize, usize),
        (Vec<usize>, bool, Vec<(usize, usize)>),
    ),
> {
    (
        (
            0..DATES.len(),
            0..DATES.len(),
            0..DATES.len(),
            0..DATES.len(),
            0..NUMBERS.len(),
        ),
        (
            0..AT_REST.len(),
            0..3usize,
            0..NUMBERS.len(),
            0..DATES.len(),
        ),
        (
            prop::collection::vec(0..DATA.len(), 0..4),
            any::<bool>(),
            prop::collection::vec((0..8usize, 0..3usize), 0..3),
        ),
    )
}

fn inventory_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(tool_strategy(), 1..6),
        // Mostly valid parameter values, so that most cases reach the audit.
        prop::collection::vec(prop_oneof![12 => 0usize..3, 1 => 3usize..7], 1..12),
        (0..8usize, 0..DATES.len(), 0..NUMBERS.len(), any::<bool>()),
    )
        .prop_map(|(tools, choices, (policy_pick, waiver_date, rpo, many_regions))| {
            let n = tools.len();
            let mut text = String::from("schema = 1\n\n[policy]\n");
            text.push_str("system_of_record = \"t0\"\n");
            text.push_str(&format!(
                "max_soc2_report_age_days = {}\n",
                ["0", "365", "36525", "1", "364", "366", "36524", "36526"][policy_pick]
            ));
            text.push_str(&format!("max_rpo_hours = {}\n", NUMBERS[rpo]));
            text.push_str("accepted_certifications = [\"soc2-type1\", \"iso27001\"]\n");
            if many_regions {
                // Every code once: a long list, allowed.
                let codes: Vec<String> = stackaudit::inventory::region::all_codes()
                    .filter(|c| *c != "uk")
                    .map(|c| format!("\"{c}\""))
                    .collect();
                text.push_str(&format!("allowed_regions = [{}]\n", codes.join(", ")));
            } else {
                text.push_str("allowed_regions = [\"eu\"]\n");
            }
            text.push('\n');
            text.push_str(&params_section(&choices));
            for (i, ((renewal, report, bridge, expires, cost), (at_rest, status, rto, restore), (data, sso, integrations))) in
                tools.into_iter().enumerate()
            {
                let mut data: Vec<&str> = data.into_iter().map(|d| DATA[d]).collect();
                data.sort();
                data.dedup();
                let data: Vec<String> = data.iter().map(|d| format!("\"{d}\"")).collect();
                text.push_str(&format!(
                    "\n[[tool]]\nid = \"t{i}\"\nname = \"{}\"\ncategory = \"crm\"\nstatus = \"{}\"\ndata = [{}]\nregions = [\"us\"]\n",
                    "Tool ".repeat(1 + i * 40),
                    ["active", "evaluating", "retiring"][status],
                    data.join(", ")
                ));
                text.push_str(&format!(
                    "[tool.contract]\nrenewal = {}\nannual_cost = {}\ncurrency = \"EUR\"\n",
                    DATES[renewal],
                    NUMBERS[cost]
                ));
                text.push_str(&format!("[tool.access]\nsso = {sso}\n"));
                text.push_str(&format!(
                    "[tool.certifications]\nsoc2 = {{ type = 2, report_date = {}, bridge_letter_until = {} }}\niso27001 = {{ expires = {} }}\n",
                    DATES[report], DATES[bridge], DATES[expires]
                ));
                text.push_str(&format!(
                    "[tool.encryption]\nat_rest = \"{}\"\n",
                    AT_REST[at_rest]
                ));
                text.push_str(&format!(
                    "[tool.backup]\nenabled = true\nrto_hours = {}\nlast_restore_test = {}\n",
                    NUMBERS[rto],
                    DATES[restore]
                ));
                for (to, dir) in integrations {
                    let to = to % n;
                    if to != i {
                        text.push_str(&format!(
                            "[[tool.integration]]\nto = \"t{to}\"\ndirection = \"{}\"\n",
                            ["out", "in", "both"][dir]
                        ));
                    }
                }
            }
            text.push_str(&format!(
                "\n[[waiver]]\ncheck = \"*\"\ntool = \"t0\"\nreason = \"r\"\napproved_by = \"a\"\nexpires = {}\n",
                DATES[waiver_date]
            ));
            text
        })
}

fn as_of() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&["0000-01-01", "2026-11-22", "9999-12-31"][..])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn whatever_validate_accepts_audit_runs_in_every_format(text in inventory_text(), as_of in as_of()) {
        let as_of: jiff::civil::Date = as_of.parse().unwrap();
        let Ok(inv) = load_str(&text, Format::Toml, "gen.toml") else {
            return Ok(());
        };
        let dirs = [std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/checks"))];
        let catalogue = Catalogue::load(&dirs).unwrap();
        let ids: Vec<&str> = catalogue.checks.iter().map(|c| c.id.as_str()).collect();
        // What `validate` checks beyond loading (it judges waivers from
        // today; here from the audit date).
        if configure(&inv, &catalogue).is_err() || check_waivers(&inv, &ids, as_of).is_err() {
            return Ok(());
        }
        let options = AuditOptions { fail_on: Some(Severity::Low), ..AuditOptions::new(as_of) };
        let result = audit(&inv, &catalogue, &options);
        let result = result.map_err(|e| TestCaseError::fail(format!("validate accepted, audit refused:\n{e}\n{text}")))?;
        for format in &report::Format::ALL {
            prop_assert!(report::render(&result, *format, &RenderOptions::default()).is_ok());
        }
    }
}

#[test]
fn parameters_at_their_extremes_are_accepted_and_audited() {
    // Every parameter at its maximum, then at its minimum, with dates at
    // the ends of the calendar: the audit runs (the panic this guards
    // against came from adding 7,304,485 days to a date).
    for pick in [0usize, 1, 2] {
        let text = format!(
            "schema = 1\n{}\n[[tool]]\nid = \"a\"\nname = \"A\"\ncategory = \"crm\"\ndata = [\"pii\"]\n[tool.contract]\nrenewal = 9999-12-31\n[tool.certifications]\nsoc2 = {{ type = 2, report_date = 0000-01-01 }}\niso27001 = {{ expires = 9999-12-31 }}\n",
            params_section(&[pick])
        );
        let inv = load_str(&text, Format::Toml, "x.toml").unwrap();
        let catalogue = Catalogue::builtin();
        configure(&inv, &catalogue).unwrap_or_else(|e| panic!("{e}\n{text}"));
        for as_of in ["0000-01-01", "9999-12-31"] {
            let result =
                audit(&inv, &catalogue, &AuditOptions::new(as_of.parse().unwrap())).unwrap();
            for format in &report::Format::ALL {
                report::render(&result, *format, &RenderOptions::default()).unwrap();
            }
        }
    }
}

#[test]
fn many_unknown_references_are_counted_after_the_first_hundred() {
    // 20,000 tools, each integrating into a missing id: one suggestion each
    // for the first hundred, then a count, in bounded time.
    let mut text = String::from("schema = 1\n");
    for i in 0..20_000 {
        text.push_str(&format!(
            "[[tool]]\nid = \"tool-{i}\"\nname = \"T\"\ncategory = \"other\"\n[[tool.integration]]\nto = \"tool-{i}-gone\"\n"
        ));
    }
    let started = std::time::Instant::now();
    let err = load_str(&text, Format::Toml, "many.toml").unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(err.diagnostics.len(), 101);
    assert_eq!(
        err.diagnostics[100].message,
        "and 19900 more unknown references"
    );
    let help = err.diagnostics[0].help.as_deref().unwrap();
    assert!(help.starts_with("did you mean `tool-"), "{help}");
}

#[test]
fn a_category_repeated_fifty_thousand_times_is_an_error_not_fifty_thousand_findings() {
    let mut text = format!(
        "schema = 1\n[policy]\nexclusive_categories = [{}]\n",
        vec!["\"crm\""; 50_000].join(", ")
    );
    for i in 0..2_000 {
        text.push_str(&format!(
            "[[tool]]\nid = \"t{i}\"\nname = \"T\"\ncategory = \"crm\"\n"
        ));
    }
    let err = load_str(&text, Format::Toml, "dup.toml").unwrap_err();
    assert_eq!(err.diagnostics.len(), 49_999);
    assert!(err.diagnostics[0].message.contains("lists \"crm\" twice"));
    let shown = err.to_string();
    assert!(
        shown.ends_with("dup.toml: and 49499 more problems\ndup.toml: 49999 problems found"),
        "{}",
        &shown[shown.len() - 200..]
    );
}
