//! `stackaudit import` on the fixtures in tests/fixtures/import/ (made by
//! scripts/import-fixtures.py): every spreadsheet imports into an inventory
//! that `validate` accepts unchanged, with the values of the sheet; `--into`
//! only adds; bad inputs fail with their address and exit 2; `audit --idp`
//! reports exactly the unlisted apps.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use stackaudit::inventory::model::{Status, Tool};
use stackaudit::inventory::{Inventory, LoadOptions, load};

const BIN: &str = env!("CARGO_BIN_EXE_stackaudit");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Imports a fixture to a file, validates the file with the binary, and
/// loads it.
fn import(name: &str, extra: &[&str]) -> Inventory {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("stack.toml");
    let src = fixture(name);
    let mut args = vec!["import", src.to_str().unwrap(), "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "import {name} failed:\n{}", stderr(&o));
    let v = run(&["validate", out.to_str().unwrap()]);
    assert!(
        v.status.success(),
        "validate rejected the import of {name}:\n{}\n{}",
        stderr(&v),
        std::fs::read_to_string(&out).unwrap()
    );
    load(&out, &LoadOptions::default()).unwrap()
}

fn tool<'a>(inv: &'a Inventory, id: &str) -> &'a Tool {
    inv.tool(id).unwrap_or_else(|| {
        let ids: Vec<&str> = inv.tools.iter().map(|t| t.id.as_str()).collect();
        panic!("no tool {id}; have {ids:?}")
    })
}

fn ids(inv: &Inventory) -> Vec<&str> {
    inv.tools.iter().map(|t| t.id.as_str()).collect()
}

fn regions(t: &Tool) -> Vec<String> {
    t.regions.iter().map(|r| r.to_string()).collect()
}

fn day(s: &str) -> Option<jiff::civil::Date> {
    Some(s.parse().unwrap())
}

#[test]
fn tracker_with_merged_header_rows_notes_and_a_totals_row() {
    let inv = import("tracker.xlsx", &[]);
    assert_eq!(
        ids(&inv),
        [
            "hubspot-marketing-hub",
            "salesforce-sales-cloud",
            "gong",
            "drift",
            "hotjar",
            "canva",
            "zoominfo",
            "zoom-webinars"
        ]
    );
    let h = tool(&inv, "hubspot-marketing-hub");
    assert_eq!(h.name, "HubSpot Marketing Hub");
    assert_eq!(h.vendor.as_deref(), Some("HubSpot, Inc."));
    assert_eq!(h.category.as_str(), "marketing-automation");
    assert_eq!(h.owner.as_deref(), Some("jane.doe@northwind.example"));
    assert_eq!(h.data.describe(), "pii, behavioral");
    assert_eq!(regions(h), ["eu", "us"]);
    assert_eq!(h.url.as_deref(), Some("https://hubspot.com"));
    let c = h.contract.as_ref().unwrap();
    assert_eq!(c.annual_cost, Some(48000.0));
    assert_eq!(c.currency.as_deref(), Some("USD"));
    assert_eq!(c.renewal, day("2027-03-01"));
    assert_eq!(c.dpa, Some(true));
    let a = h.access.as_ref().unwrap();
    assert_eq!(
        (a.sso, a.mfa, a.scim),
        (Some(true), Some(true), Some(false))
    );
    let soc2 = h.certifications.iter().find(|c| c.name == "soc2").unwrap();
    assert_eq!(soc2.soc2_type, Some(2));
    let iso = h
        .certifications
        .iter()
        .find(|c| c.name == "iso27001")
        .unwrap();
    assert_eq!(iso.expires, day("2027-05-31"));

    let s = tool(&inv, "salesforce-sales-cloud");
    let c = s.contract.as_ref().unwrap();
    assert_eq!(
        (c.annual_cost, c.renewal),
        (Some(120000.0), day("2027-01-31"))
    );
    assert_eq!(c.dpa, Some(true), "a TRUE cell");
    assert_eq!(s.access.as_ref().unwrap().scim, Some(true), "✓");
    assert_eq!(regions(s), ["us"], "United States");

    // Trailing spaces, TBD and n/a: the keys are left out.
    let g = tool(&inv, "gong");
    assert_eq!(g.name, "Gong");
    assert_eq!(g.owner, None);
    assert!(g.contract.is_none());
    assert_eq!(g.status, Status::Evaluating, "Trial");
    assert_eq!(g.category.as_str(), "other", "\"sales\" is no category");
    assert_eq!(g.certifications[0].soc2_type, Some(1));
    assert_eq!(regions(g), ["us"], "US-East");

    let d = tool(&inv, "drift");
    assert_eq!(d.status, Status::Retiring);
    assert_eq!(d.owner.as_deref(), Some("Marketing Ops"));
    assert_eq!(
        d.contract.as_ref().unwrap().renewal,
        day("2026-12-31"),
        "Dec 31, 2026"
    );
    assert_eq!(d.access.as_ref().unwrap().scim, None, "-");
    assert!(
        d.certifications.is_empty(),
        "SOC 2 yes without a type is a comment"
    );

    let hj = tool(&inv, "hotjar");
    assert_eq!(
        hj.contract.as_ref().unwrap().renewal,
        day("2026-12-31"),
        "serial 46387"
    );
    assert_eq!(hj.contract.as_ref().unwrap().annual_cost, Some(3500.0));
    assert_eq!(regions(hj), ["ie"]);
    assert_eq!(tool(&inv, "canva").category.as_str(), "other");
    assert_eq!(
        tool(&inv, "zoom-webinars")
            .contract
            .as_ref()
            .unwrap()
            .renewal,
        day("2027-03-15")
    );
    assert_eq!(tool(&inv, "zoom-webinars").category.as_str(), "webinar");
}

#[test]
fn the_rendered_inventory_keeps_notes_and_says_what_it_mapped() {
    let o = run(&["import", fixture("tracker.xlsx").to_str().unwrap()]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout.clone()).unwrap();
    assert!(text.contains("# Note: Renewal under negotiation – ask for multi-year"));
    assert!(text.contains("category = \"chat\"  # written \"Live chat\""));
    assert!(text.contains("# SOC 2: the sheet says yes but not which type"));
    assert!(
        stderr(&o).contains("category \"Design\" is not one stackaudit knows; imported as `other`")
    );
    assert!(stderr(&o).contains("\"Total\" looks like a totals row"));
}

#[test]
fn procurement_export_with_mixed_currencies() {
    let inv = import("procurement.csv", &[]);
    let cost = |id: &str| {
        let c = tool(&inv, id).contract.clone().unwrap();
        (c.annual_cost.unwrap(), c.currency.unwrap())
    };
    assert_eq!(cost("hubspot-marketing-hub"), (48000.0, "USD".into()));
    assert_eq!(cost("semrush"), (12000.0, "EUR".into()));
    assert_eq!(cost("6sense"), (30000.0, "GBP".into()));
    assert_eq!(
        cost("typeform"),
        (12000.0, "EUR".into()),
        "12.000 € with no currency cell"
    );
    assert_eq!(cost("mailchimp-transactional"), (1800.0, "USD".into()));
    assert_eq!(cost("vimeo"), (4800.0, "CHF".into()));
    assert_eq!(cost("twilio-segment"), (60000.0, "USD".into()));
    assert_eq!(cost("miro"), (9600.0, "EUR".into()));
    assert_eq!(
        tool(&inv, "6sense").vendor.as_deref(),
        Some("6sense Insights, Inc.")
    );
    assert_eq!(tool(&inv, "twilio-segment").category.as_str(), "cdp");
    assert_eq!(
        tool(&inv, "mailchimp-transactional").category.as_str(),
        "email"
    );
    assert_eq!(
        tool(&inv, "mailchimp-transactional")
            .contract
            .as_ref()
            .unwrap()
            .renewal,
        day("2027-01-15")
    );
    assert_eq!(
        tool(&inv, "miro").contract.as_ref().unwrap().renewal,
        None,
        "TBD"
    );
    assert_eq!(
        tool(&inv, "vimeo").contract.as_ref().unwrap().dpa,
        None,
        "n/a"
    );
    assert_eq!(inv.tools.len(), 8);
}

#[test]
fn every_sheet_with_a_tool_list_of_a_workbook() {
    let inv = import("multi-sheet.xlsx", &[]);
    assert_eq!(
        ids(&inv),
        [
            "marketo-engage",
            "optimizely",
            "contentful",
            "sprout-social",
            "outreach",
            "linkedin-sales-navigator",
            "clari"
        ]
    );
    let m = tool(&inv, "marketo-engage");
    assert_eq!(m.category.as_str(), "marketing-automation", "MAP");
    assert_eq!(regions(m), ["eu"], "EU (Frankfurt)");
    assert_eq!(m.contract.as_ref().unwrap().renewal, day("2027-01-31"));
    assert_eq!(regions(tool(&inv, "optimizely")), ["us"], "us-east-1");
    assert_eq!(tool(&inv, "optimizely").status, Status::Evaluating);
    assert_eq!(regions(tool(&inv, "contentful")), ["eu"], "eu-west-1");
    assert_eq!(
        tool(&inv, "linkedin-sales-navigator")
            .contract
            .as_ref()
            .unwrap()
            .annual_cost,
        Some(25000.0)
    );
    assert_eq!(tool(&inv, "clari").category.as_str(), "bi", "Reporting");

    // --sheet reads one sheet only.
    let sales = import("multi-sheet.xlsx", &["--sheet", "Sales"]);
    assert_eq!(
        ids(&sales),
        ["outreach", "linkedin-sales-navigator", "clari"]
    );
    let o = run(&[
        "import",
        fixture("multi-sheet.xlsx").to_str().unwrap(),
        "--sheet",
        "Finance",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the workbook has no sheet \"Finance\""),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("\"Read me\", \"Marketing\", \"Sales\", \"Lists\""));
}

#[test]
fn an_ods_spreadsheet() {
    let inv = import("stack.ods", &[]);
    assert_eq!(
        ids(&inv),
        ["webflow", "intercom", "mixpanel", "hootsuite", "google-ads"]
    );
    let w = tool(&inv, "webflow");
    assert_eq!(w.contract.as_ref().unwrap().renewal, day("2027-04-30"));
    assert_eq!(w.contract.as_ref().unwrap().annual_cost, Some(9000.0));
    assert_eq!(w.access.as_ref().unwrap().sso, Some(true));
    assert_eq!(regions(tool(&inv, "intercom")), ["us", "eu"]);
    assert_eq!(
        tool(&inv, "mixpanel")
            .contract
            .as_ref()
            .unwrap()
            .currency
            .as_deref(),
        Some("USD")
    );
    assert_eq!(tool(&inv, "google-ads").category.as_str(), "advertising");
    assert_eq!(regions(tool(&inv, "google-ads")), ["global"]);
    assert!(tool(&inv, "hootsuite").contract.is_none());
}

#[test]
fn a_semicolon_csv_with_a_byte_order_mark_and_day_first_dates() {
    let src = fixture("semicolon-bom.csv");
    let o = run(&["import", src.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "nothing is written");
    assert!(
        stderr(&o).contains(
            "semicolon-bom.csv:E5: error: cannot read \"01/02/2027\" as a date (column \"Renewal\")"
        ),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("--date-format dmy"));
    let inv = import("semicolon-bom.csv", &["--date-format", "dmy"]);
    assert_eq!(
        ids(&inv),
        [
            "brevo",
            "usercentrics",
            "piwik-pro",
            "pipedrive",
            "livestorm"
        ]
    );
    let b = tool(&inv, "brevo");
    assert_eq!(b.contract.as_ref().unwrap().annual_cost, Some(12000.0));
    assert_eq!(
        b.contract.as_ref().unwrap().currency.as_deref(),
        Some("EUR")
    );
    assert_eq!(b.contract.as_ref().unwrap().renewal, day("2026-12-31"));
    assert_eq!(b.access.as_ref().unwrap().sso, Some(true), "Ja");
    assert_eq!(
        b.category.as_str(),
        "marketing-automation",
        "Email marketing"
    );
    assert_eq!(b.trust_url.as_deref(), Some("https://www.brevo.com/legal/"));
    assert_eq!(
        tool(&inv, "usercentrics")
            .contract
            .as_ref()
            .unwrap()
            .annual_cost,
        Some(4500.5)
    );
    assert_eq!(
        tool(&inv, "piwik-pro").contract.as_ref().unwrap().renewal,
        day("2027-02-01")
    );
    assert_eq!(regions(tool(&inv, "pipedrive")), ["ee"]);
    let mdy = import("semicolon-bom.csv", &["--date-format", "mdy"]);
    assert_eq!(
        tool(&mdy, "piwik-pro").contract.as_ref().unwrap().renewal,
        day("2027-01-02")
    );
}

#[test]
fn identity_provider_exports_import_as_tools_with_sso() {
    for (file, count) in [
        ("okta-apps.json", 51),
        ("entra-apps.csv", 51),
        ("google-apps.csv", 51),
    ] {
        let inv = import(file, &[]);
        assert_eq!(
            inv.tools.len(),
            count,
            "{file}: built-in and deactivated apps are left out"
        );
        assert!(
            inv.tools
                .iter()
                .all(|t| t.access.as_ref().unwrap().sso == Some(true))
        );
        assert!(inv.tool("okta-admin-console").is_none() && inv.tool("old-wiki").is_none());
        assert!(inv.tool("gong").is_some());
    }
}

#[test]
fn print_map_writes_a_mapping_that_map_reads_back() {
    let src = fixture("tracker.xlsx");
    let o = run(&["import", "--print-map", src.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let map = String::from_utf8(o.stdout.clone()).unwrap();
    assert!(
        map.contains("\"Annual Cost (USD)\" = \"contract.annual_cost\""),
        "{map}"
    );
    assert!(map.contains("\"SSO?\" = \"access.sso\""));
    assert!(map.contains("# sheet \"Stack\", header row 3"));
    // Rename a column's key in the mapping: Vendor becomes a label.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("map.toml");
    std::fs::write(
        &path,
        map.replace(
            "\"Vendor\" = \"vendor\"",
            "\"Vendor\" = \"labels.supplier\"",
        ),
    )
    .unwrap();
    let inv = import("tracker.xlsx", &["--map", path.to_str().unwrap()]);
    let h = tool(&inv, "hubspot-marketing-hub");
    assert_eq!(h.vendor, None);
    assert_eq!(
        h.labels.get("supplier").map(String::as_str),
        Some("HubSpot, Inc.")
    );
    std::fs::write(&path, "[columns]\n\"Vendor\" = \"vendr\"\n").unwrap();
    let o = run(&[
        "import",
        src.to_str().unwrap(),
        "--map",
        path.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `vendor`?"),
        "{}",
        stderr(&o)
    );
}

/// Lines of `old` appear in `new` in order: `new` only adds.
fn only_additions(old: &str, new: &str) -> Vec<String> {
    let mut added = Vec::new();
    let mut old_lines = old.lines().peekable();
    for line in new.lines() {
        if old_lines.peek() == Some(&line) {
            old_lines.next();
        } else {
            added.push(line.to_string());
        }
    }
    let missing: Vec<&str> = old_lines.collect();
    assert!(
        missing.is_empty(),
        "lines of the original were changed or lost: {missing:?}\n---\n{new}"
    );
    added
}

const EXISTING: &str = r#"# Our stack. Keep this comment!
schema = 1

[organization]
name = "Northwind"   # trailing comment

[[tool]]
id = "hubspot"
name = "HubSpot Marketing Hub"
category = "marketing-automation"
owner = "marketing-ops@northwind.example"   # the team, not a person

[tool.contract]
annual_cost = 50000  # after the uplift
renewal = 2027-03-01

[[tool.integration]]
to = "zoominfo"

[[tool]]
id = "zoominfo"
name = "ZoomInfo"
category = "enrichment"

[checks]
disable = ["access-scim-missing"]
"#;

#[test]
fn into_adds_tools_and_fills_missing_keys_and_changes_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let stack = dir.path().join("stack.toml");
    std::fs::write(&stack, EXISTING).unwrap();
    let src = fixture("tracker.xlsx");
    let o = run(&[
        "import",
        src.to_str().unwrap(),
        "--into",
        stack.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let merged = std::fs::read_to_string(&stack).unwrap();
    let added = only_additions(EXISTING, &merged);
    assert!(added.iter().any(|l| l == "id = \"gong\""));
    assert!(
        added.iter().any(|l| l == "dpa = true"),
        "filled into [tool.contract]"
    );
    assert!(
        !added.iter().any(|l| l.starts_with("owner = \"jane")),
        "an existing owner is kept"
    );
    assert!(!added.iter().any(|l| l.starts_with("annual_cost = 48000")));
    let err = stderr(&o);
    assert!(
        err.contains(
            "added 6 tools: salesforce-sales-cloud, gong, drift, hotjar, canva, zoom-webinars"
        ),
        "{err}"
    );
    assert!(err.contains("hubspot: filled vendor, status, data, regions, url, contract.currency, contract.dpa, access.sso, access.mfa, access.scim, certifications.soc2, certifications.iso27001"), "{err}");
    assert!(err.contains("hubspot: left owner = \"marketing-ops@northwind.example\" alone (the source says \"jane.doe@northwind.example\")"), "{err}");
    assert!(
        err.contains("hubspot: left contract.annual_cost = 50000 alone (the source says 48000)"),
        "{err}"
    );
    let v = run(&["validate", stack.to_str().unwrap()]);
    assert!(v.status.success(), "{}\n{merged}", stderr(&v));
    // A second run finds everything there: the file does not change.
    let o = run(&[
        "import",
        src.to_str().unwrap(),
        "--into",
        stack.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert_eq!(std::fs::read_to_string(&stack).unwrap(), merged);
    assert!(stderr(&o).contains("added no tools"));
}

#[test]
fn into_with_an_identity_provider_export_adds_the_unlisted_apps() {
    let dir = tempfile::tempdir().unwrap();
    let stack = dir.path().join("stack.toml");
    let original = std::fs::read_to_string(fixture("idp-stack.toml")).unwrap();
    std::fs::write(&stack, &original).unwrap();
    let out = dir.path().join("merged.toml");
    let o = run(&[
        "import",
        fixture("okta-apps.json").to_str().unwrap(),
        "--into",
        stack.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&stack).unwrap(),
        original,
        "-o leaves STACK alone"
    );
    let merged = std::fs::read_to_string(&out).unwrap();
    let added = only_additions(&original, &merged);
    let mut new_ids: Vec<&str> = added
        .iter()
        .filter_map(|l| l.strip_prefix("id = "))
        .collect();
    new_ids.sort();
    assert_eq!(
        new_ids,
        [
            "\"calendly\"",
            "\"gong\"",
            "\"grammarly-business\"",
            "\"loom\"",
            "\"notion\""
        ],
        "only the unlisted apps are added"
    );
    let audit = run(&[
        "audit",
        out.to_str().unwrap(),
        "--idp",
        fixture("okta-apps.json").to_str().unwrap(),
        "-f",
        "json",
        "--as-of",
        "2026-12-01",
        "--fail-on",
        "never",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&audit.stdout).unwrap();
    let unlisted = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "inventory-unlisted-app")
        .count();
    assert_eq!(unlisted, 0, "after --into every app is listed");
}

fn unlisted(export: &str) -> (Vec<String>, Vec<(String, String)>) {
    let o = run(&[
        "audit",
        fixture("idp-stack.toml").to_str().unwrap(),
        "--idp",
        fixture(export).to_str().unwrap(),
        "-f",
        "json",
        "--as-of",
        "2026-12-01",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut apps = Vec::new();
    let mut others = Vec::new();
    for f in report["findings"].as_array().unwrap() {
        let check = f["check"].as_str().unwrap().to_string();
        match check.as_str() {
            "inventory-unlisted-app" => {
                let m = f["message"].as_str().unwrap();
                apps.push(m.split('"').nth(1).unwrap().to_string());
            }
            "access-sso-unverified" | "lifecycle-retiring-still-assigned" => {
                others.push((check, f["tool"].as_str().unwrap().to_string()));
            }
            _ => {}
        }
    }
    apps.sort();
    (apps, others)
}

#[test]
fn audit_idp_reports_exactly_the_unlisted_apps_of_each_provider() {
    for export in ["okta-apps.json", "entra-apps.csv", "google-apps.csv"] {
        let (apps, others) = unlisted(export);
        assert_eq!(
            apps,
            ["Calendly", "Gong", "Grammarly Business", "Loom", "Notion"],
            "{export}"
        );
        assert_eq!(
            others,
            [
                ("access-sso-unverified".to_string(), "ga4".to_string()),
                ("access-sso-unverified".to_string(), "hotjar".to_string()),
                (
                    "lifecycle-retiring-still-assigned".to_string(),
                    "drift".to_string()
                ),
            ],
            "{export}"
        );
    }
}

#[test]
fn without_idp_the_idp_checks_do_not_run() {
    let o = run(&[
        "audit",
        fixture("idp-stack.toml").to_str().unwrap(),
        "-f",
        "junit",
        "--as-of",
        "2026-12-01",
    ]);
    let xml = String::from_utf8(o.stdout).unwrap();
    for id in [
        "inventory-unlisted-app",
        "access-sso-unverified",
        "lifecycle-retiring-still-assigned",
    ] {
        let at = xml
            .find(&format!("<testcase name=\"{id}\""))
            .unwrap_or_else(|| panic!("{id} missing"));
        let case = &xml[at..at + 300.min(xml.len() - at)];
        assert!(
            case.contains("not run: no identity-provider app list was given (--idp EXPORT)"),
            "{id}: {case}"
        );
    }
}

fn bad(name: &str) -> String {
    let o = run(&["import", fixture(&format!("bad/{name}")).to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
    assert!(o.stdout.is_empty(), "{name}: nothing is written");
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn bad_inputs_fail_with_their_address() {
    assert!(bad("empty-sheet.xlsx").contains("empty-sheet.xlsx:Tools: error: the sheet is empty"));
    assert!(bad("no-header.xlsx").contains("no-header.xlsx:Tools: error: no header row found"));
    let dup = bad("duplicates.csv");
    assert!(
        dup.contains("duplicates.csv:A4: error: \"HUBSPOT\" is listed twice (first in row 2)"),
        "{dup}"
    );
    let f = bad("formulas.xlsx");
    assert!(
        f.contains(
            "formulas.xlsx:Tools!C3: error: cell holds the formula `=B7*12` with no saved result"
        ),
        "{f}"
    );
    assert!(f.contains("formulas.xlsx:Tools!C4: error"), "{f}");
    let p = bad("password.xlsx");
    assert!(
        p.contains("error: the workbook is password-protected (encrypted)"),
        "{p}"
    );
    let b = bad("binary.csv");
    assert!(b.contains("it is binary data, not CSV text"), "{b}");
    let rows = bad("last-row.xlsx");
    assert!(
        rows.contains("last-row.xlsx:Tools: error: the sheet has more than 100000 rows"),
        "{rows}"
    );
}

#[test]
fn every_unreadable_cell_is_reported_at_once() {
    let err = bad("unreadable-cells.xlsx");
    for line in [
        "unreadable-cells.xlsx:Tools!C2: error: cannot read \"Q3 2026\" as a date (column \"Renewal\")",
        "unreadable-cells.xlsx:Tools!A3: error: \"hubspot\" is listed twice (first in Tools row 2)",
        "unreadable-cells.xlsx:Tools!C4: error: cannot read \"03/04/2027\" as a date",
        "unreadable-cells.xlsx: 3 problems found",
    ] {
        assert!(err.contains(line), "missing {line:?} in\n{err}");
    }
    assert!(
        err.contains("help: accepted: a date cell, 2026-12-31"),
        "{err}"
    );
}

#[test]
fn keep_going_writes_what_it_could_and_lists_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("stack.toml");
    let o = run(&[
        "import",
        fixture("bad/unreadable-cells.xlsx").to_str().unwrap(),
        "--keep-going",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("# Not imported: C2: cannot read \"Q3 2026\" as a date"),
        "{text}"
    );
    assert!(
        text.contains("# Not imported: Tools row 3: \"hubspot\" is listed twice"),
        "{text}"
    );
    let inv = load(&out, &LoadOptions::default()).unwrap();
    assert_eq!(ids(&inv), ["hubspot", "gong"]);
    assert_eq!(
        inv.tools[0].contract.as_ref().unwrap().annual_cost,
        Some(48000.0)
    );
    assert_eq!(inv.tools[0].contract.as_ref().unwrap().renewal, None);
}

#[test]
fn a_million_row_csv_and_a_100_mb_file_are_refused_without_reading_them_whole() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("rows.csv");
    let mut text = String::from("Tool,Category\n");
    for i in 0..1_048_575 {
        text.push_str(&format!("t{i},crm\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let o = run(&["import", csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the sheet has more than 100000 rows"),
        "{}",
        stderr(&o)
    );

    let big = dir.path().join("big.xlsx");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(100 * 1024 * 1024).unwrap();
    let o = run(&["import", big.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("big.xlsx: error: the file is over the input size limit of 64 MiB"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_existing_output_is_not_replaced_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("stack.toml");
    std::fs::write(&out, "keep me").unwrap();
    let src = fixture("procurement.csv");
    let o = run(&["import", src.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--into"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");
    let o = run(&[
        "import",
        src.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--force",
    ]);
    assert!(o.status.success());
}

/// An ODS file whose rows repeat one filled cell far across and down: a few
/// kilobytes that a dense reader would lay out as tens of millions of cells.
fn repeated_cells_ods(rows: u32, columns: u32) -> Vec<u8> {
    use std::io::Write as _;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Tools">
<table:table-row><table:table-cell office:value-type="string"><text:p>Tool</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Category</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="{rows}"><table:table-cell table:number-columns-repeated="{columns}" office:value-type="string"><text:p>crm</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", content.as_str()),
    ] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn an_ods_that_repeats_a_cell_to_the_sheet_edge_is_refused_before_it_is_laid_out() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("filled-across.ods");
    std::fs::write(&bomb, repeated_cells_ods(6_000, 16_000)).unwrap();
    let o = run(&["import", bomb.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "filled-across.ods:Tools: error: the sheet fills cells out to row 6001 and column 16000"
        ),
        "{}",
        stderr(&o)
    );

    // Trailing empty rows repeated to the sheet's edge (as spreadsheet
    // programs save them) and a small filled block are read as usual.
    let small = dir.path().join("small.ods");
    std::fs::write(&small, repeated_cells_ods(3, 2)).unwrap();
    let o = run(&["import", small.to_str().unwrap()]);
    assert!(
        !stderr(&o).contains("the sheet fills cells out to"),
        "{}",
        stderr(&o)
    );
}
