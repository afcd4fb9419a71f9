//! The Excel workbook (`--format xlsx`) and the vendor questionnaire, read
//! back with calamine (an independent XLSX reader) and, for what calamine
//! does not expose (charts, validation, protection, frozen panes, number
//! formats), from the workbook's own XML parts.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use stackaudit::audit::{AuditOptions, AuditResult, audit};
use stackaudit::checks::Catalogue;
use stackaudit::inventory::source::Format;
use stackaudit::inventory::{LoadOptions, load, load_str};
use stackaudit::report::{self, RenderOptions, xlsx};

fn root(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn audited(file: &str) -> AuditResult {
    let inv = load(&root(file), &LoadOptions::default()).unwrap();
    let options = AuditOptions::new("2026-11-22".parse().unwrap());
    audit(&inv, &Catalogue::builtin(), &options).unwrap()
}

fn book(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap()
}

/// Every part of the zip, by name.
fn parts(bytes: &[u8]) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        out.push((f.name().unwrap().to_string(), text));
    }
    out
}

fn part<'a>(parts: &'a [(String, String)], name: &str) -> &'a str {
    &parts
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no part {name}"))
        .1
}

fn well_formed(name: &str, xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "{name} is not well-formed at {}: {e}",
                reader.buffer_position()
            ),
        }
    }
}

fn rows(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Vec<Vec<Data>> {
    let range = book.worksheet_range(sheet).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// The label/value row of the Summary sheet whose label is `label`.
fn summary_value(rows: &[Vec<Data>], label: &str) -> Data {
    rows.iter()
        .find(|r| text(&r[0]) == label)
        .unwrap_or_else(|| panic!("no summary row {label}"))[1]
        .clone()
}

#[test]
fn the_example_workbook_has_five_sheets_typed_cells_a_chart_filters_and_colours() {
    let result = audited("stack.example.toml");
    let bytes = report::render(&result, report::Format::Xlsx, &RenderOptions::default()).unwrap();
    let mut wb = book(&bytes);
    assert_eq!(
        wb.sheet_names(),
        ["Summary", "Tools", "Findings", "Controls", "Questions"]
    );

    let summary = rows(&mut wb, "Summary");
    assert!(matches!(summary_value(&summary, "As of"), Data::DateTime(d) if d.as_f64() == 46348.0));
    assert_eq!(
        summary_value(&summary, "Stack score (of 100)"),
        Data::Float(f64::from(result.summary.score))
    );
    assert_eq!(
        text(&summary_value(&summary, "Organisation")),
        "Northwind Traders"
    );
    assert!(text(&summary_value(&summary, "Verdict")).starts_with("FAIL (16 at or above high)"));
    let high = summary.iter().find(|r| text(&r[0]) == "high").unwrap();
    assert_eq!(high[1], Data::Float(result.summary.high as f64));

    let tools = rows(&mut wb, "Tools");
    let header: Vec<String> = tools[0].iter().map(text).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(tools.len(), result.tools.len() + 1);
    let sf = tools.iter().find(|r| text(&r[0]) == "salesforce").unwrap();
    assert_eq!(sf[col("Annual cost")], Data::Float(120_000.0));
    assert_eq!(text(&sf[col("Currency")]), "EUR");
    // 2027-01-31 and 2026-06-30 as Excel serial days.
    assert!(matches!(&sf[col("Renewal")], Data::DateTime(d) if d.as_f64() == 46418.0));
    assert!(matches!(&sf[col("SOC 2 report date")], Data::DateTime(d) if d.as_f64() == 46203.0));
    assert_eq!(sf[col("RPO (hours)")], Data::Float(4.0));
    assert_eq!(text(&sf[col("Data (inherited)")]), "behavioral");
    assert_eq!(text(&sf[col("SSO")]), "yes");

    let findings = rows(&mut wb, "Findings");
    assert_eq!(findings.len(), result.findings.len() + 1);
    assert_eq!(
        findings[0].iter().map(text).collect::<Vec<_>>(),
        xlsx::FINDING_HEADERS
    );
    for (row, f) in findings[1..].iter().zip(&result.findings) {
        assert_eq!(text(&row[0]), f.severity.as_str());
        assert_eq!(text(&row[1]), f.check);
        assert_eq!(text(&row[4]), f.message.to_string());
        assert_eq!(text(&row[9]), f.fingerprint.to_string());
        if let Some(l) = &f.location {
            assert_eq!(row[8], Data::Float(f64::from(l.line)));
        }
    }

    let controls = rows(&mut wb, "Controls");
    assert_eq!(
        controls.len(),
        report::controls::group(&result).len() + 1,
        "one row per control"
    );

    let questions = rows(&mut wb, "Questions");
    let expected = xlsx::questions(&result);
    assert!(!expected.is_empty());
    assert_eq!(questions.len(), expected.len() + 1);
    assert_eq!(
        questions[0].iter().map(text).collect::<Vec<_>>(),
        [
            "Tool",
            "Tool name",
            "Question",
            "Raised by",
            "Answer",
            "Evidence link",
            "Reviewed by"
        ]
    );
    assert!(
        questions[1..]
            .iter()
            .all(|r| r.len() < 5 || r[4] == Data::Empty)
    );

    let parts = parts(&bytes);
    for (name, xml) in &parts {
        well_formed(name, xml);
    }
    let chart = part(&parts, "xl/charts/chart1.xml");
    assert!(
        chart.contains("<c:barChart>") && chart.contains("Summary!$B$"),
        "{chart}"
    );
    let styles = part(&parts, "xl/styles.xml");
    assert!(
        styles.contains("formatCode=\"#,##0.00 &quot;EUR&quot;\""),
        "currency format"
    );
    assert!(styles.contains("formatCode=\"yyyy-mm-dd\""));
    // Severity fills: critical, high, medium, low, info.
    for rgb in ["FF7B0000", "FFE04B3A", "FFF4B183", "FFFFE699"] {
        assert!(styles.contains(rgb), "fill {rgb}");
    }
    let findings_xml = part(&parts, "xl/worksheets/sheet3.xml");
    assert!(findings_xml.contains("<autoFilter ref=\"A1:M"), "filter");
    assert!(findings_xml.contains("state=\"frozen\""), "frozen header");
    assert!(findings_xml.contains("wrapText") || styles.contains("wrapText=\"1\""));
    let questions_xml = part(&parts, "xl/worksheets/sheet5.xml");
    assert!(
        questions_xml.contains("<formula1>\"Yes,No,Partially,N/A\"</formula1>"),
        "drop-down"
    );
}

/// Every `<f>` (formula) element in a worksheet: none may exist.
fn formulas(parts: &[(String, String)]) -> usize {
    parts
        .iter()
        .filter(|(n, _)| n.starts_with("xl/worksheets/"))
        .map(|(_, xml)| xml.matches("<f>").count() + xml.matches("<f ").count())
        .sum()
}

#[test]
fn hostile_text_is_written_as_strings_in_every_sheet_never_as_formulas() {
    let mut inv = load(
        &root("tests/fixtures/hostile.toml"),
        &LoadOptions::default(),
    )
    .unwrap();
    // A 300-character name and owner, and a formula-looking id-like text.
    let long: String = "=SUM(A1)".chars().chain("x".repeat(292).chars()).collect();
    inv.tools[2].name = long.as_str().into();
    inv.tools[2].owner = Some(format!("@{}", "y".repeat(299)).into());
    let result = audit(
        &inv,
        &Catalogue::builtin(),
        &AuditOptions::new("2026-11-22".parse().unwrap()),
    )
    .unwrap();
    let bytes = xlsx::render(&result).unwrap();
    let parts = parts(&bytes);
    for (name, xml) in &parts {
        well_formed(name, xml);
    }
    assert_eq!(formulas(&parts), 0, "no cell is a formula");
    let mut wb = book(&bytes);
    for sheet in wb.sheet_names() {
        let formulas = wb.worksheet_formula(&sheet).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{sheet}"
        );
    }
    let tools = rows(&mut wb, "Tools");
    let crm = tools.iter().find(|r| text(&r[0]) == "crm").unwrap();
    assert_eq!(
        crm[1],
        Data::String("=HYPERLINK(\"http://evil.example\",\"click\")".into())
    );
    assert_eq!(crm[2], Data::String("+cmd|' /C calc'!A0".into()));
    let long_row = tools.iter().find(|r| text(&r[0]) == "long").unwrap();
    assert_eq!(long_row[1], Data::String(long.clone()));
    assert_eq!(text(&long_row[5]).chars().count(), 300);
    let chat = tools.iter().find(|r| text(&r[0]) == "chat").unwrap();
    // Control characters are shown escaped; line breaks stay.
    assert!(text(&chat[1]).contains("\r\n::error::injected"));
    assert_eq!(text(&chat[5]), "-2+3");
    // Hostile names reach the Findings, Controls and Questions sheets too.
    let findings = rows(&mut wb, "Findings");
    assert!(findings.iter().any(|r| text(&r[4]).contains("=SUM(A1)")));
    let questions = rows(&mut wb, "Questions");
    assert!(questions.iter().any(|r| text(&r[1]) == long));
}

#[test]
fn a_cell_longer_than_excel_allows_is_cut_with_a_note() {
    let long = "é".repeat(40_000);
    let cut = xlsx::cell_text(&long);
    assert!(cut.encode_utf16().count() <= xlsx::MAX_CELL_CHARS);
    assert!(
        cut.ends_with("more characters; see the JSON report]"),
        "{}",
        &cut[cut.len() - 80..]
    );
    // Astral characters count twice in Excel's limit.
    let emoji = "💬".repeat(20_000);
    assert!(xlsx::cell_text(&emoji).encode_utf16().count() <= xlsx::MAX_CELL_CHARS);
    let short = "fine";
    assert_eq!(xlsx::cell_text(short), short);
    // A message that long is written, not refused.
    let mut result = audited("stack.example.toml");
    result.findings[0].message = long.into();
    let bytes = xlsx::render(&result).unwrap();
    let findings = rows(&mut book(&bytes), "Findings");
    assert!(text(&findings[1][4]).contains("cut at Excel's cell limit"));
}

#[test]
fn findings_past_the_row_limit_continue_on_the_next_sheet() {
    let result = audited("stack.example.toml");
    let n = result.findings.len();
    // 20 rows a sheet: a header, 18 findings and the continuation note.
    let bytes = xlsx::render_with_row_limit(&result, 20).unwrap();
    let mut wb = book(&bytes);
    let names = wb.sheet_names();
    let sheets: Vec<&String> = names.iter().filter(|s| s.starts_with("Findings")).collect();
    assert_eq!(sheets.len(), n.div_ceil(18));
    assert_eq!(sheets[1].as_str(), "Findings (2)");
    let mut seen = Vec::new();
    for s in &sheets {
        let rows = rows(&mut wb, s);
        assert_eq!(text(&rows[0][0]), "Severity");
        for r in &rows[1..] {
            if !text(&r[9]).is_empty() {
                seen.push(text(&r[9]));
            }
        }
    }
    let prints: Vec<String> = result
        .findings
        .iter()
        .map(|f| f.fingerprint.to_string())
        .collect();
    assert_eq!(seen, prints, "every finding once, in order");
    let first = rows(&mut wb, "Findings");
    assert_eq!(
        text(&first.last().unwrap()[4]),
        "Continued on the sheet Findings (2)."
    );
}

#[test]
fn dates_excel_cannot_show_are_text_and_extreme_inventories_render() {
    let text_in = "schema = 1\n[[tool]]\nid = \"a\"\nname = \"A\"\ncategory = \"crm\"\ndata = [\"pii\"]\n[tool.contract]\nrenewal = 0001-01-01\nannual_cost = 1e300\n[tool.certifications]\nsoc2 = { type = 2, report_date = 9999-12-31 }\n";
    let inv = load_str(text_in, Format::Toml, "x.toml").unwrap();
    let result = audit(
        &inv,
        &Catalogue::builtin(),
        &AuditOptions::new("2026-11-22".parse().unwrap()),
    )
    .unwrap();
    let bytes = xlsx::render(&result).unwrap();
    let tools = rows(&mut book(&bytes), "Tools");
    let header: Vec<String> = tools[0].iter().map(text).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(tools[1][col("Renewal")], Data::String("0001-01-01".into()));
    assert!(matches!(
        tools[1][col("SOC 2 report date")],
        Data::DateTime(_)
    ));
    assert_eq!(tools[1][col("Annual cost")], Data::Float(1e300));
}

fn stackaudit() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stackaudit"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).env("CI", "");
    cmd
}

#[test]
fn audit_gate_and_diff_write_workbooks_named_by_the_output_extension() {
    let dir = tempfile::tempdir().unwrap();
    let review = dir.path().join("review.xlsx");
    let out = stackaudit()
        .args(["audit", "stack.example.toml", "--as-of", "2026-11-22", "-o"])
        .arg(&review)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        book(&std::fs::read(&review).unwrap()).sheet_names().len(),
        5
    );

    // To a pipe: the bytes of a workbook.
    let out = stackaudit()
        .args([
            "audit",
            "stack.example.toml",
            "--as-of",
            "2026-11-22",
            "-f",
            "xlsx",
            "--group-by",
            "control",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.starts_with(b"PK"));

    let gate = dir.path().join("gate.xlsx");
    let out = stackaudit()
        .args([
            "gate",
            "tests/fixtures/gate/reject.toml",
            "--stack",
            "tests/fixtures/gate/stack.toml",
            "--as-of",
            "2026-11-22",
            "-o",
        ])
        .arg(&gate)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&gate).unwrap();
    let mut wb = book(&bytes);
    assert_eq!(
        wb.sheet_names(),
        ["Summary", "Findings", "Questions", "Actions"]
    );
    let summary = rows(&mut wb, "Summary");
    assert_eq!(text(&summary_value(&summary, "Verdict")), "REJECT");
    let questions = rows(&mut wb, "Questions");
    assert!(questions.len() > 1, "the vendor questions of the gate");
    let json = stackaudit()
        .args([
            "gate",
            "tests/fixtures/gate/reject.toml",
            "--stack",
            "tests/fixtures/gate/stack.toml",
            "--as-of",
            "2026-11-22",
            "-f",
            "json",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let asked: Vec<String> = questions[1..].iter().map(|r| text(&r[2])).collect();
    let printed: Vec<String> = report["vendor_questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q.as_str().unwrap().to_string())
        .collect();
    assert_eq!(asked, printed, "the same list gate prints");

    let diff = dir.path().join("diff.xlsx");
    let out = stackaudit()
        .args([
            "diff",
            "tests/fixtures/diff/old.toml",
            "tests/fixtures/diff/new.toml",
            "--as-of",
            "2026-11-22",
            "-o",
        ])
        .arg(&diff)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut wb = book(&std::fs::read(&diff).unwrap());
    assert_eq!(
        wb.sheet_names(),
        ["Summary", "Changes", "Introduced", "Resolved"]
    );
    assert!(rows(&mut wb, "Changes").len() > 1);

    // A format gate and diff do not write is refused, before any work.
    let out = stackaudit()
        .args([
            "diff",
            "tests/fixtures/diff/old.toml",
            "tests/fixtures/diff/new.toml",
            "-o",
        ])
        .arg(dir.path().join("d.sarif"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("table, json, markdown or xlsx"));
}

/// A questionnaire filled in as a vendor would: the About sheet kept, the
/// answers typed into column D (dates as date cells).
fn filled(tool: &str, answers: &[(&str, Answer)]) -> Vec<u8> {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let mut wb = Workbook::new();
    let about = wb.add_worksheet();
    about.set_name("About").unwrap();
    about
        .write_string(0, 0, stackaudit::questionnaire::MARKER)
        .unwrap();
    about.write_string(2, 0, "Tool").unwrap();
    about.write_string(2, 1, tool).unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("Questions").unwrap();
    ws.write_string(0, 0, "Inventory key").unwrap();
    let date = CellFormat::new().set_num_format("yyyy-mm-dd");
    for (i, (key, answer)) in answers.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, *key).unwrap();
        match answer {
            Answer::Text(t) => ws.write_string(r, 3, *t).unwrap(),
            Answer::Number(n) => ws.write_number(r, 3, *n).unwrap(),
            Answer::Date(d) => ws
                .write_datetime_with_format(r, 3, d.parse::<jiff::civil::Date>().unwrap(), &date)
                .unwrap(),
        };
    }
    wb.save_to_buffer().unwrap()
}

enum Answer {
    Text(&'static str),
    Number(f64),
    Date(&'static str),
}

fn findings_of(stack: &Path, tool: &str) -> Vec<String> {
    let inv = load(stack, &LoadOptions::default()).unwrap();
    let options = AuditOptions {
        only_tools: vec![tool.to_string()],
        ..AuditOptions::new("2026-11-22".parse().unwrap())
    };
    let mut checks: Vec<String> = audit(&inv, &Catalogue::builtin(), &options)
        .unwrap()
        .findings
        .into_iter()
        .filter(|f| f.tool.as_deref() == Some(tool))
        .map(|f| f.check.into())
        .collect();
    checks.dedup();
    checks
}

#[test]
fn the_questionnaire_round_trip_closes_the_findings_its_answers_settle() {
    let dir = tempfile::tempdir().unwrap();
    let stack = dir.path().join("stack.toml");
    std::fs::copy(root("stack.example.toml"), &stack).unwrap();
    let sent = dir.path().join("qualified.xlsx");
    let out = stackaudit()
        .args([
            "questionnaire",
            "qualified",
            "--as-of",
            "2026-11-22",
            "--stack",
        ])
        .arg(&stack)
        .arg("-o")
        .arg(&sent)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&sent).unwrap();
    let mut wb = book(&bytes);
    assert_eq!(wb.sheet_names(), ["About", "Questions"]);
    let questions = rows(&mut wb, "Questions");
    let keys: Vec<String> = questions[1..].iter().map(|r| text(&r[0])).collect();
    for key in [
        "contract.dpa",
        "regions",
        "encryption.at_rest",
        "backup.rpo_hours",
    ] {
        assert!(keys.contains(&key.to_string()), "{key} in {keys:?}");
    }
    // Asked only where there is a gap: SSO is recorded and fine.
    assert!(!keys.contains(&"access.sso".to_string()));
    let dpa = questions
        .iter()
        .find(|r| text(&r[0]) == "contract.dpa")
        .unwrap();
    assert!(text(&dpa[2]).contains("compliance-dpa-missing"));
    let parts = parts(&bytes);
    let sheet = part(&parts, "xl/worksheets/sheet2.xml");
    assert!(sheet.contains("<sheetProtection"), "protected");
    assert!(sheet.contains("type=\"date\""), "date validation");
    assert!(
        sheet.contains("<formula1>\"Yes,No\"</formula1>"),
        "yes/no drop-down"
    );
    assert!(
        part(&parts, "xl/styles.xml").contains("locked=\"0\""),
        "answer cells unlocked"
    );

    // The unfilled file changes nothing.
    let out = stackaudit()
        .args(["questionnaire", "--read"])
        .arg(&sent)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("no answers yet"));

    let before = findings_of(&stack, "qualified");
    for check in [
        "compliance-dpa-missing",
        "encryption-unknown",
        "backup-unknown",
        "residency-region-unknown",
    ] {
        assert!(before.contains(&check.to_string()), "{check} before");
    }
    let answers = dir.path().join("answers.xlsx");
    std::fs::write(
        &answers,
        filled(
            "qualified",
            &[
                ("contract.dpa", Answer::Text("Yes")),
                ("regions", Answer::Text("de, FR")),
                ("encryption.at_rest", Answer::Text("AES-256")),
                ("encryption.in_transit", Answer::Text("tls1.2")),
                ("backup.enabled", Answer::Text("Yes")),
                ("backup.rpo_hours", Answer::Number(4.0)),
                ("backup.rto_hours", Answer::Number(12.5)),
                ("backup.last_restore_test", Answer::Date("2026-09-01")),
            ],
        ),
    )
    .unwrap();
    let original = std::fs::read_to_string(&stack).unwrap();
    let out = stackaudit()
        .args(["questionnaire", "--as-of", "2026-11-22", "--read"])
        .arg(&answers)
        .arg("--into")
        .arg(&stack)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("qualified.backup.rpo_hours = 4   (was not recorded)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("qualified.regions = [\"de\", \"fr\"]"),
        "{stdout}"
    );
    assert!(stdout.contains("findings closed: backup-unknown, compliance-dpa-missing, encryption-unknown, residency-region-unknown"), "{stdout}");
    let after = findings_of(&stack, "qualified");
    for check in [
        "compliance-dpa-missing",
        "encryption-unknown",
        "backup-unknown",
        "residency-region-unknown",
    ] {
        assert!(
            !after.contains(&check.to_string()),
            "{check} closed: {after:?}"
        );
    }
    // Comments and layout stay: only lines are added.
    let updated = std::fs::read_to_string(&stack).unwrap();
    let mut added = updated.lines();
    for line in original.lines() {
        assert!(
            added.any(|l| l == line),
            "the original line {line:?} is kept, in order"
        );
    }
    assert!(updated.contains("# An example B2B marketing-technology stack for stackaudit."));
    assert!(updated.contains("rto_hours = 12.5\nlast_restore_test = 2026-09-01\n"));
}

#[test]
fn wrong_answers_are_all_reported_with_their_cells_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let stack = dir.path().join("stack.toml");
    std::fs::copy(root("stack.example.toml"), &stack).unwrap();
    let answers = dir.path().join("answers.xlsx");
    std::fs::write(
        &answers,
        filled(
            "qualified",
            &[
                ("contract.dpa", Answer::Text("maybe")),
                ("regions", Answer::Text("de, mars")),
                ("backup.rpo_hours", Answer::Text("four")),
                ("backup.last_restore_test", Answer::Text("last week")),
                ("backup.rto_hours", Answer::Number(-1.0)),
                ("backup.export", Answer::Text("Yes")),
                ("no.such.key", Answer::Text("x")),
            ],
        ),
    )
    .unwrap();
    let before = std::fs::read(&stack).unwrap();
    let out = stackaudit()
        .args(["questionnaire", "--read"])
        .arg(&answers)
        .arg("--into")
        .arg(&stack)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr =
        String::from_utf8_lossy(&out.stderr).replace(&answers.display().to_string(), "FILE");
    assert_eq!(
        stderr,
        "FILE:Questions!D2: error: `contract.dpa` needs Yes or No, found the value `maybe`
  help: accepted: Yes or No
FILE:Questions!D3: error: `regions` holds `mars` that is not a region code
  help: accepted: region codes, comma-separated: ISO country codes (de, us, uk...) or eu, eea, apac, global
FILE:Questions!D4: error: `backup.rpo_hours` needs a number of hours (0 or more), found the value `four`
  help: accepted: a number of hours (0 or more)
FILE:Questions!D5: error: `backup.last_restore_test` needs a date (YYYY-MM-DD), found the text `last week`
  help: accepted: a date (YYYY-MM-DD)
FILE:Questions!D6: error: `backup.rto_hours` needs a number of hours (0 or more), found the number `-1`
  help: accepted: a number of hours (0 or more)
FILE:Questions!A8: error: `no.such.key` is not a key this questionnaire asks about
  help: keep the Inventory key column as it was written
FILE: 6 problems found
"
    );
    assert_eq!(std::fs::read(&stack).unwrap(), before, "nothing written");

    // Not a workbook, and YAML targets, are clear errors.
    let out = stackaudit()
        .args(["questionnaire", "--read", "stack.example.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an XLSX workbook"));
    let ok = dir.path().join("ok.xlsx");
    std::fs::write(
        &ok,
        filled("qualified", &[("backup.export", Answer::Text("Yes"))]),
    )
    .unwrap();
    let out = stackaudit()
        .args(["questionnaire", "--read"])
        .arg(&ok)
        .args(["--into", "tests/fixtures/stack.example.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--into writes TOML inventories only"));
}

#[test]
fn a_gate_candidate_gets_a_questionnaire_too() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("candidate.xlsx");
    let out = stackaudit()
        .args([
            "questionnaire",
            "tests/fixtures/gate/reject.toml",
            "--stack",
            "tests/fixtures/gate/stack.toml",
            "--as-of",
            "2026-11-22",
            "-o",
        ])
        .arg(&out_file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut wb = book(&std::fs::read(&out_file).unwrap());
    let about = rows(&mut wb, "About");
    assert_eq!(text(&about[0][0]), stackaudit::questionnaire::MARKER);
    assert!(rows(&mut wb, "Questions").len() > 1);
}

#[test]
fn large_sheets_are_streamed_and_read_back_whole() {
    // 800 tools with personal data and nothing else recorded: several
    // findings each, so the Findings sheet passes the constant-memory
    // threshold (5,000 rows) and its strings are written inline.
    let mut text = String::from("schema = 1\n");
    for i in 0..800 {
        text.push_str(&format!(
            "[[tool]]\nid = \"t{i}\"\nname = \"=Tool {i}\"\ncategory = \"other\"\ndata = [\"pii\"]\n"
        ));
    }
    let inv = load_str(&text, Format::Toml, "big.toml").unwrap();
    let result = audit(
        &inv,
        &Catalogue::builtin(),
        &AuditOptions::new("2026-11-22".parse().unwrap()),
    )
    .unwrap();
    assert!(result.findings.len() > 5_000, "{}", result.findings.len());
    let bytes = xlsx::render(&result).unwrap();
    let parts = parts(&bytes);
    assert!(part(&parts, "xl/worksheets/sheet3.xml").contains("t=\"inlineStr\""));
    assert_eq!(formulas(&parts), 0);
    let mut wb = book(&bytes);
    let findings = rows(&mut wb, "Findings");
    assert_eq!(findings.len(), result.findings.len() + 1);
    assert_eq!(
        text_of_last(&findings),
        result.findings.last().unwrap().fingerprint.to_string()
    );
    let questions = rows(&mut wb, "Questions");
    assert!(questions.len() > 800);
}

fn text_of_last(rows: &[Vec<Data>]) -> String {
    text(&rows.last().unwrap()[9])
}

#[test]
fn a_workbook_is_never_printed_on_a_terminal() {
    // `script` (util-linux, in every Debian) gives the command a terminal.
    if Command::new("script").arg("--version").output().is_err() {
        assert!(std::env::var("CI").is_err(), "script is missing in CI");
        eprintln!("skipped: `script` is not installed");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_stackaudit");
    for args in [
        "audit stack.example.toml -f xlsx",
        "gate tests/fixtures/gate/reject.toml --stack tests/fixtures/gate/stack.toml -f xlsx",
        "questionnaire qualified --stack stack.example.toml",
    ] {
        let out = Command::new("script")
            .args(["-qec", &format!("{bin} {args}"), "/dev/null"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        let shown = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{args}: {shown}");
        assert!(
            shown.contains("standard output is a terminal; write it to a file with -o"),
            "{args}: {shown}"
        );
        assert!(!shown.contains("PK"), "{args}: no workbook bytes");
    }
}
