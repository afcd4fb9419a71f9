//! XLSX: one Excel workbook of the audit for procurement and security
//! reviews (`--format xlsx`), and the workbooks of `gate` and `diff`.
//!
//! Sheets of the audit workbook: Summary (with a native bar chart of the
//! findings by severity), Tools, Findings, Controls and Questions. Every
//! text from an input is written as a string cell (never a formula, whatever
//! it starts with), with control characters shown escaped and cut at Excel's
//! 32,767-character cell limit with a note; dates are date cells, counts and
//! costs numbers. The Findings sheet continues on `Findings (2)` and so on
//! past Excel's 1,048,576 rows. Large sheets are written in
//! `rust_xlsxwriter`'s constant-memory mode, row by row.

use std::borrow::Cow;
use std::collections::BTreeMap;

use anyhow::Result;
use jiff::civil::Date;
use rust_xlsxwriter::{
    Chart, ChartType, Color, DataValidation, Format, FormatAlign, FormatBorder, Workbook,
    Worksheet, XlsxError,
};

use crate::audit::AuditResult;
use crate::audit::diff::Diff;
use crate::audit::gate::GateReport;
use crate::checks::{Finding, Severity};

/// Excel's longest cell text, in UTF-16 code units.
pub const MAX_CELL_CHARS: usize = 32_767;
/// Excel's rows per worksheet.
pub const MAX_ROWS: u32 = 1_048_576;
/// The answers the Questions sheet offers in its drop-down.
pub const ANSWERS: [&str; 4] = ["Yes", "No", "Partially", "N/A"];
/// The headers of the Findings sheet, one column per field of a JSON finding.
pub const FINDING_HEADERS: [&str; 13] = [
    "Severity",
    "Check",
    "Tool",
    "Related tools",
    "Message",
    "Remediation",
    "Controls",
    "File",
    "Line",
    "Fingerprint",
    "Status",
    "Waiver",
    "Waiver expires",
];

/// The note that ends a text cut at the cell limit.
fn cut_note(left_out: usize) -> String {
    format!(" … [cut at Excel's cell limit: {left_out} more characters; see the JSON report]")
}

/// Text as a cell holds it: control characters and bidirectional overrides
/// shown escaped (line breaks stay), characters XML cannot carry escaped,
/// and at most [`MAX_CELL_CHARS`] long, cut with a note.
pub fn cell_text(s: &str) -> Cow<'_, str> {
    let mut text = super::sanitize::text_keeping_line_breaks(s);
    if text.chars().any(|c| matches!(c, '\u{fffe}' | '\u{ffff}')) {
        text = Cow::Owned(
            text.chars()
                .map(|c| match c {
                    '\u{fffe}' | '\u{ffff}' => format!("\\u{{{:x}}}", c as u32),
                    c => c.to_string(),
                })
                .collect(),
        );
    }
    let units: usize = text.chars().map(char::len_utf16).sum();
    if units <= MAX_CELL_CHARS {
        return text;
    }
    // The note's own length depends on the count it states; a bound of
    // eleven digits keeps the whole within the limit.
    let room = MAX_CELL_CHARS - cut_note(99_999_999_999).chars().count();
    let mut kept = String::with_capacity(room * 2);
    let mut used = 0;
    let mut chars = text.chars();
    for c in chars.by_ref() {
        if used + c.len_utf16() > room {
            let left = 1 + chars.count();
            kept.push_str(&cut_note(left));
            return Cow::Owned(kept);
        }
        used += c.len_utf16();
        kept.push(c);
    }
    Cow::Owned(kept)
}

/// The formats a workbook uses, made once.
struct Styles {
    header: Format,
    title: Format,
    bold: Format,
    text: Format,
    wrap: Format,
    date: Format,
    number: Format,
    hours: Format,
    percent: Format,
    /// Summary numbers, beside their labels.
    left_number: Format,
    severity: [Format; 5],
    currencies: BTreeMap<String, Format>,
    unlocked: Format,
}

impl Styles {
    fn new() -> Styles {
        let border = |f: Format| f.set_border(FormatBorder::Thin).set_border_color("#D0D0D0");
        let severity = |bg: u32, fg: u32| {
            Format::new()
                .set_bold()
                .set_background_color(Color::RGB(bg))
                .set_font_color(Color::RGB(fg))
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::Top)
        };
        Styles {
            header: border(
                Format::new()
                    .set_bold()
                    .set_font_color(Color::White)
                    .set_background_color(Color::RGB(0x1F3864))
                    .set_text_wrap()
                    .set_align(FormatAlign::Top),
            ),
            title: Format::new().set_bold().set_font_size(16),
            bold: Format::new().set_bold(),
            text: Format::new().set_align(FormatAlign::Top),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            date: Format::new()
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Top)
                .set_align(FormatAlign::Left),
            number: Format::new()
                .set_num_format("0")
                .set_align(FormatAlign::Top),
            hours: Format::new()
                .set_num_format("0.##")
                .set_align(FormatAlign::Top),
            percent: Format::new()
                .set_num_format("0%")
                .set_align(FormatAlign::Left),
            left_number: Format::new()
                .set_num_format("0")
                .set_align(FormatAlign::Left),
            severity: [
                severity(0x7B0000, 0xFFFFFF),
                severity(0xE04B3A, 0xFFFFFF),
                severity(0xF4B183, 0x000000),
                severity(0xFFE699, 0x000000),
                severity(0xD9D9D9, 0x000000),
            ],
            currencies: BTreeMap::new(),
            unlocked: Format::new()
                .set_unlocked()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(0xFFF9E5)),
        }
    }

    fn severity(&self, s: Severity) -> &Format {
        let i = Severity::DESCENDING
            .iter()
            .position(|x| *x == s)
            .unwrap_or(4);
        &self.severity[i]
    }

    /// A currency format naming the ISO code, e.g. `#,##0.00 "EUR"`; plain
    /// thousands without one.
    fn currency(&mut self, code: Option<&str>) -> &Format {
        let key = code.unwrap_or("").to_string();
        self.currencies.entry(key.clone()).or_insert_with(|| {
            // Only letters reach the format string, which Excel parses.
            let code: String = key
                .chars()
                .filter(char::is_ascii_alphabetic)
                .take(8)
                .collect();
            let pattern = if code.is_empty() {
                "#,##0.00".to_string()
            } else {
                format!("#,##0.00 \"{code}\"")
            };
            Format::new()
                .set_num_format(pattern)
                .set_align(FormatAlign::Top)
        })
    }
}

/// Column widths that fit their contents, within bounds.
struct Widths(Vec<f64>);

impl Widths {
    fn new(headers: &[&str]) -> Widths {
        Widths(
            headers
                .iter()
                .map(|h| (h.chars().count() as f64 + 2.0).max(8.0))
                .collect(),
        )
    }

    fn see(&mut self, col: usize, text: &str) {
        let longest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        if let Some(w) = self.0.get_mut(col) {
            *w = w.max((longest as f64 + 2.0).min(60.0));
        }
    }

    fn apply(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        for (i, w) in self.0.iter().enumerate() {
            sheet.set_column_width(col(i), *w)?;
        }
        Ok(())
    }
}

fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

/// One sheet being written row by row.
struct Sheet<'a> {
    ws: &'a mut Worksheet,
    row: u32,
}

impl Sheet<'_> {
    fn text(&mut self, c: usize, s: &str, format: &Format) -> Result<(), XlsxError> {
        // `write_string`: a text is never a formula, whatever it starts with.
        self.ws
            .write_string_with_format(self.row, col(c), cell_text(s), format)?;
        Ok(())
    }

    fn opt_text(&mut self, c: usize, s: Option<&str>, format: &Format) -> Result<(), XlsxError> {
        match s {
            Some(s) if !s.is_empty() => self.text(c, s, format),
            _ => Ok(()),
        }
    }

    fn number(&mut self, c: usize, n: f64, format: &Format) -> Result<(), XlsxError> {
        if n.is_finite() {
            self.ws
                .write_number_with_format(self.row, col(c), n, format)?;
        }
        Ok(())
    }

    /// A date cell; days before 1900, which Excel cannot show, as text.
    fn date(&mut self, c: usize, d: Option<Date>, styles: &Styles) -> Result<(), XlsxError> {
        match d {
            Some(d) if d.year() >= 1900 => {
                self.ws
                    .write_datetime_with_format(self.row, col(c), d, &styles.date)?;
            }
            Some(d) => self.text(c, &d.to_string(), &styles.text)?,
            None => {}
        }
        Ok(())
    }

    fn yes_no(&mut self, c: usize, b: Option<bool>, styles: &Styles) -> Result<(), XlsxError> {
        match b {
            Some(b) => self.text(c, if b { "yes" } else { "no" }, &styles.text),
            None => Ok(()),
        }
    }

    fn headers(&mut self, headers: &[&str], styles: &Styles) -> Result<(), XlsxError> {
        for (i, h) in headers.iter().enumerate() {
            self.ws
                .write_string_with_format(self.row, col(i), *h, &styles.header)?;
        }
        self.row += 1;
        Ok(())
    }
}

/// A table sheet: header row frozen, filter over every row, widths fitted.
fn finish_table(
    ws: &mut Worksheet,
    widths: &Widths,
    columns: usize,
    last_row: u32,
) -> Result<(), XlsxError> {
    widths.apply(ws)?;
    ws.autofilter(0, 0, last_row.max(1), col(columns.saturating_sub(1)))?;
    Ok(())
}

fn new_sheet<'a>(
    workbook: &'a mut Workbook,
    name: &str,
    large: bool,
) -> Result<&'a mut Worksheet, XlsxError> {
    let ws = if large {
        workbook.add_worksheet_with_constant_memory()?
    } else {
        workbook.add_worksheet()
    };
    ws.set_name(name)?;
    // Printed (and converted to PDF) landscape on A4, a page wide, the
    // header row on every page.
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    if name != "Summary" {
        ws.set_repeat_rows(0, 0)?;
    }
    Ok(ws)
}

/// Sheets with more rows than this are written in constant-memory mode.
const LARGE: usize = 5_000;

/// The audit workbook.
pub fn render(result: &AuditResult) -> Result<Vec<u8>> {
    render_with_row_limit(result, MAX_ROWS)
}

/// [`render`] with a smaller row limit per sheet, so tests can see the
/// Findings sheet continue without writing a million rows.
pub fn render_with_row_limit(result: &AuditResult, rows_per_sheet: u32) -> Result<Vec<u8>> {
    let mut styles = Styles::new();
    let mut workbook = Workbook::new();
    set_properties(
        &mut workbook,
        "stackaudit audit",
        result.organization.as_deref(),
    );
    summary_sheet(&mut workbook, result, &styles)?;
    tools_sheet(&mut workbook, result, &mut styles)?;
    let findings: Vec<&Finding> = result.findings.iter().collect();
    findings_sheets(
        &mut workbook,
        "Findings",
        &findings,
        &styles,
        rows_per_sheet,
        baseline_note(result).as_deref(),
    )?;
    controls_sheet(&mut workbook, result, &styles)?;
    let questions = questions(result);
    questions_sheet(&mut workbook, &questions, &styles)?;
    Ok(workbook.save_to_buffer()?)
}

fn baseline_note(result: &AuditResult) -> Option<String> {
    super::baseline_statement(result).map(|b| format!("Baseline: {b}."))
}

fn set_properties(workbook: &mut Workbook, title: &str, organization: Option<&str>) {
    let mut props = rust_xlsxwriter::DocProperties::new()
        .set_title(title)
        .set_author("stackaudit");
    if let Some(o) = organization {
        props = props.set_company(cell_text(o).as_ref());
    }
    workbook.set_properties(&props);
}

/// Label/value rows at the top of a Summary sheet.
enum Value<'a> {
    Text(Cow<'a, str>),
    Date(Date),
    Count(usize),
    Ratio(f64),
}

fn label_rows(sheet: &mut Sheet, rows: &[(&str, Value)], styles: &Styles) -> Result<(), XlsxError> {
    for (label, value) in rows {
        sheet.text(0, label, &styles.bold)?;
        match value {
            Value::Text(t) => sheet.text(1, t, &styles.text)?,
            Value::Date(d) => sheet.date(1, Some(*d), styles)?,
            Value::Count(n) => sheet.number(1, *n as f64, &styles.left_number)?,
            Value::Ratio(r) => sheet.number(1, *r, &styles.percent)?,
        }
        sheet.row += 1;
    }
    Ok(())
}

/// The verdict at `--fail-on`.
fn verdict(result: &AuditResult) -> String {
    match result.fail_on {
        Some(t) if result.fails() => {
            format!("FAIL ({} at or above {t})", result.failing_count())
        }
        Some(t) => format!("PASS (nothing at or above {t})"),
        None => "REPORT (--fail-on never)".to_string(),
    }
}

fn summary_sheet(workbook: &mut Workbook, result: &AuditResult, styles: &Styles) -> Result<()> {
    let ws = new_sheet(workbook, "Summary", false)?;
    let mut sheet = Sheet { ws, row: 0 };
    sheet.text(0, "stackaudit audit", &styles.title)?;
    sheet.row = 2;
    let s = &result.summary;
    let mut rows = vec![
        (
            "Organisation",
            Value::Text(Cow::Borrowed(result.organization.as_deref().unwrap_or("—"))),
        ),
        ("Inventory", Value::Text(Cow::Borrowed(&result.stack_path))),
        ("As of", Value::Date(result.as_of)),
        ("Verdict", Value::Text(Cow::Owned(verdict(result)))),
        ("Stack score (of 100)", Value::Count(s.score as usize)),
        ("Tools audited", Value::Count(s.tools_audited)),
        ("Findings", Value::Count(s.total())),
        ("Waived findings", Value::Count(s.waived)),
    ];
    match s.integration_coverage {
        Some(c) => rows.push(("Integration coverage", Value::Ratio(c))),
        None => rows.push((
            "Integration coverage",
            Value::Text(Cow::Borrowed("— (no system of record)")),
        )),
    }
    if let Some(b) = super::baseline_statement(result) {
        rows.push(("Baseline", Value::Text(Cow::Owned(b))));
    }
    label_rows(&mut sheet, &rows, styles)?;
    sheet.row += 1;
    let chart_rows = severity_table(&mut sheet, styles, |sev| s.count(sev))?;
    sheet.row += 1;
    // Counts by family, from the checks that ran.
    let family_of: BTreeMap<&str, &str> = result
        .checks
        .iter()
        .map(|c| (c.id.as_str(), c.family.as_str()))
        .collect();
    let mut by_family: BTreeMap<&str, usize> = BTreeMap::new();
    for f in result.findings.iter().filter(|f| !f.is_waived()) {
        *by_family
            .entry(family_of.get(f.check.as_str()).copied().unwrap_or("other"))
            .or_default() += 1;
    }
    sheet.headers(&["Family", "Findings"], styles)?;
    for (family, n) in &by_family {
        sheet.text(0, family, &styles.text)?;
        sheet.number(1, *n as f64, &styles.left_number)?;
        sheet.row += 1;
    }
    sheet.ws.set_column_width(0, 24)?;
    sheet.ws.set_column_width(1, 40)?;
    insert_severity_chart(sheet.ws, "Summary", chart_rows, 3)?;
    Ok(())
}

/// The Severity/Findings table that the chart draws; returns its data rows.
fn severity_table(
    sheet: &mut Sheet,
    styles: &Styles,
    count: impl Fn(Severity) -> usize,
) -> Result<(u32, u32), XlsxError> {
    sheet.headers(&["Severity", "Findings"], styles)?;
    let first = sheet.row;
    for sev in Severity::DESCENDING {
        sheet.text(0, sev.as_str(), styles.severity(sev))?;
        sheet.number(1, count(sev) as f64, &styles.left_number)?;
        sheet.row += 1;
    }
    Ok((first, sheet.row - 1))
}

/// A native bar chart of the findings by severity (a chart object, which
/// Excel and LibreOffice redraw from the cells).
fn insert_severity_chart(
    ws: &mut Worksheet,
    sheet: &str,
    (first, last): (u32, u32),
    at_col: u16,
) -> Result<(), XlsxError> {
    let mut chart = Chart::new(ChartType::Bar);
    chart
        .add_series()
        .set_name("Findings")
        .set_categories((sheet, first, 0, last, 0))
        .set_values((sheet, first, 1, last, 1))
        .set_format(rust_xlsxwriter::ChartFormat::new().set_solid_fill(
            rust_xlsxwriter::ChartSolidFill::new().set_color(Color::RGB(0x1F3864)),
        ));
    chart.title().set_name("Findings by severity");
    chart.legend().set_hidden();
    // Critical on top, as the table reads.
    chart.y_axis().set_reverse();
    chart.x_axis().set_min(0);
    ws.insert_chart(1, at_col, &chart)?;
    Ok(())
}

const TOOL_HEADERS: [&str; 34] = [
    "ID",
    "Name",
    "Vendor",
    "Category",
    "Status",
    "Owner",
    "Data (declared)",
    "Data (inherited)",
    "Regions",
    "SOC 2 type",
    "SOC 2 report date",
    "ISO 27001 expires",
    "Other certifications",
    "DPA",
    "Encryption at rest",
    "Encryption in transit",
    "Customer-managed keys",
    "Backup",
    "RPO (hours)",
    "RTO (hours)",
    "Last restore test",
    "Data export",
    "SSO",
    "MFA",
    "SCIM",
    "Annual cost",
    "Currency",
    "Renewal",
    "Score",
    "Critical",
    "High",
    "Medium",
    "Low",
    "Info",
];

fn tools_sheet(workbook: &mut Workbook, result: &AuditResult, styles: &mut Styles) -> Result<()> {
    let by_tool = super::by_tool(&result.findings);
    let mut widths = Widths::new(&TOOL_HEADERS);
    let ws = new_sheet(workbook, "Tools", result.tools.len() > LARGE)?;
    ws.set_freeze_panes(1, 1)?;
    // Widths are set before the rows in constant-memory mode: fit them to
    // the texts first.
    for t in &result.tools {
        widths.see(0, &t.id);
        widths.see(1, &t.name);
        widths.see(2, t.vendor.as_deref().unwrap_or(""));
        widths.see(5, t.owner.as_deref().unwrap_or(""));
    }
    for i in [6, 7, 8, 12] {
        widths.0[i] = 24.0;
    }
    widths.0[25] = 16.0;
    widths.0[27] = 12.0;
    widths.apply(ws)?;
    let mut sheet = Sheet { ws, row: 0 };
    sheet.headers(&TOOL_HEADERS, styles)?;
    let no_facts = crate::audit::ToolFacts::default();
    for t in &result.tools {
        let facts = t.facts.as_deref().unwrap_or(&no_facts);
        sheet.text(0, &t.id, &styles.text)?;
        sheet.text(1, &t.name, &styles.wrap)?;
        sheet.opt_text(2, t.vendor.as_deref(), &styles.text)?;
        sheet.text(3, t.category, &styles.text)?;
        sheet.text(4, t.status, &styles.text)?;
        sheet.opt_text(5, t.owner.as_deref(), &styles.text)?;
        let classes = |d: crate::inventory::model::DataSet| {
            d.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        sheet.text(6, &classes(facts.data), &styles.wrap)?;
        sheet.text(7, &classes(facts.inherited), &styles.wrap)?;
        sheet.text(8, &facts.regions.join(", "), &styles.wrap)?;
        let soc2 = facts.certifications.iter().find(|c| c.name == "soc2");
        if let Some(kind) = soc2.and_then(|c| c.soc2_type) {
            sheet.number(9, kind as f64, &styles.number)?;
        }
        sheet.date(10, soc2.and_then(|c| c.report_date), styles)?;
        let iso = facts.certifications.iter().find(|c| c.name == "iso27001");
        sheet.date(11, iso.and_then(|c| c.expires), styles)?;
        let others: Vec<String> = facts
            .certifications
            .iter()
            .filter(|c| c.name != "soc2" && c.name != "iso27001")
            .map(|c| match c.expires {
                Some(d) => format!("{} (expires {d})", c.name),
                None => c.name.clone(),
            })
            .collect();
        sheet.text(12, &others.join(", "), &styles.wrap)?;
        let contract = facts.contract.as_ref();
        sheet.yes_no(13, contract.and_then(|c| c.dpa), styles)?;
        let enc = facts.encryption.as_ref();
        sheet.opt_text(14, enc.and_then(|e| e.at_rest.as_deref()), &styles.text)?;
        if let Some(tls) = enc.and_then(|e| e.in_transit) {
            sheet.text(15, &tls.to_string(), &styles.text)?;
        }
        sheet.yes_no(16, enc.and_then(|e| e.customer_managed_keys), styles)?;
        let backup = facts.backup.as_ref();
        sheet.yes_no(17, backup.and_then(|b| b.enabled), styles)?;
        if let Some(h) = backup.and_then(|b| b.rpo_hours) {
            sheet.number(18, h, &styles.hours)?;
        }
        if let Some(h) = backup.and_then(|b| b.rto_hours) {
            sheet.number(19, h, &styles.hours)?;
        }
        sheet.date(20, backup.and_then(|b| b.last_restore_test), styles)?;
        sheet.yes_no(21, backup.and_then(|b| b.export), styles)?;
        let access = facts.access.as_ref();
        sheet.yes_no(22, access.and_then(|a| a.sso), styles)?;
        sheet.yes_no(23, access.and_then(|a| a.mfa), styles)?;
        sheet.yes_no(24, access.and_then(|a| a.scim), styles)?;
        if let Some(cost) = t.annual_cost {
            let format = styles.currency(t.currency.as_deref()).clone();
            sheet.number(25, cost, &format)?;
        }
        sheet.opt_text(26, t.currency.as_deref(), &styles.text)?;
        sheet.date(27, t.renewal, styles)?;
        sheet.number(28, f64::from(t.score), &styles.number)?;
        let mine = by_tool.get(t.id.as_str());
        for (i, sev) in Severity::DESCENDING.iter().enumerate() {
            let n = mine.map_or(0, |fs| {
                fs.iter()
                    .filter(|f| !f.is_waived() && f.severity == *sev)
                    .count()
            });
            sheet.number(29 + i, n as f64, &styles.number)?;
        }
        sheet.row += 1;
    }
    let last = sheet.row.saturating_sub(1);
    sheet
        .ws
        .autofilter(0, 0, last.max(1), col(TOOL_HEADERS.len() - 1))?;
    Ok(())
}

/// The Findings sheet, continued on `Findings (2)`, ... when the rows do
/// not fit one sheet. A note (a baseline statement) goes below the last row.
fn findings_sheets(
    workbook: &mut Workbook,
    name: &str,
    findings: &[&Finding],
    styles: &Styles,
    rows_per_sheet: u32,
    note: Option<&str>,
) -> Result<()> {
    let per_sheet = (rows_per_sheet.max(3) - 2) as usize; // header, and room for the note
    let mut widths = Widths::new(&FINDING_HEADERS);
    for f in findings.iter().take(2_000) {
        widths.see(1, &f.check);
        widths.see(2, f.tool.as_deref().unwrap_or(""));
        widths.see(6, &f.controls().join(", "));
        widths.see(7, f.location.as_ref().map_or("", |l| l.file.as_str()));
    }
    widths.0[3] = widths.0[3].max(16.0);
    widths.0[4] = 60.0;
    widths.0[5] = 50.0;
    widths.0[9] = 18.0;
    widths.0[11] = 30.0;
    widths.0[12] = 12.0;
    let chunks: Vec<&[&Finding]> = if findings.is_empty() {
        vec![&[]]
    } else {
        findings.chunks(per_sheet).collect()
    };
    let count = chunks.len();
    for (n, chunk) in chunks.into_iter().enumerate() {
        let sheet_name = if n == 0 {
            name.to_string()
        } else {
            format!("{name} ({})", n + 1)
        };
        let ws = new_sheet(workbook, &sheet_name, chunk.len() > LARGE)?;
        ws.set_freeze_panes(1, 0)?;
        widths.apply(ws)?;
        let mut sheet = Sheet { ws, row: 0 };
        sheet.headers(&FINDING_HEADERS, styles)?;
        for f in chunk {
            finding_row(&mut sheet, f, styles)?;
            sheet.row += 1;
        }
        let last = sheet.row.saturating_sub(1);
        if n + 1 < count {
            sheet.text(
                4,
                &format!("Continued on the sheet {name} ({}).", n + 2),
                &styles.bold,
            )?;
        } else if let Some(note) = note {
            sheet.text(4, note, &styles.bold)?;
        }
        finish_table(sheet.ws, &Widths(Vec::new()), FINDING_HEADERS.len(), last)?;
    }
    Ok(())
}

fn finding_row(sheet: &mut Sheet, f: &Finding, styles: &Styles) -> Result<(), XlsxError> {
    sheet.text(0, f.severity.as_str(), styles.severity(f.severity))?;
    sheet.text(1, &f.check, &styles.text)?;
    sheet.text(2, f.tool.as_deref().unwrap_or("(stack)"), &styles.wrap)?;
    sheet.text(3, &f.related.join(", "), &styles.wrap)?;
    sheet.text(4, &f.message.text(), &styles.wrap)?;
    sheet.text(5, f.remediation(), &styles.wrap)?;
    sheet.text(6, &f.controls().join(", "), &styles.wrap)?;
    if let Some(l) = &f.location {
        sheet.text(7, &l.file, &styles.text)?;
        sheet.number(8, f64::from(l.line), &styles.number)?;
    }
    sheet.text(9, f.fingerprint.digits().as_str(), &styles.text)?;
    sheet.text(
        10,
        if f.is_waived() { "waived" } else { "open" },
        &styles.text,
    )?;
    if let Some(w) = &f.waiver {
        let ticket = w
            .ticket
            .as_deref()
            .map(|t| format!(", {t}"))
            .unwrap_or_default();
        sheet.text(
            11,
            &format!("{} (approved by {}{ticket})", w.reason, w.approved_by),
            &styles.wrap,
        )?;
        sheet.date(12, Some(w.expires), styles)?;
    }
    Ok(())
}

const CONTROL_HEADERS: [&str; 6] = [
    "Control",
    "Checks",
    "Open findings",
    "Waived findings",
    "Tools affected",
    "Findings",
];

fn controls_sheet(workbook: &mut Workbook, result: &AuditResult, styles: &Styles) -> Result<()> {
    let views = super::controls::group(result);
    let ws = new_sheet(workbook, "Controls", false)?;
    ws.set_freeze_panes(1, 1)?;
    let mut widths = Widths::new(&CONTROL_HEADERS);
    widths.0[0] = 16.0;
    widths.0[1] = 34.0;
    widths.0[4] = 40.0;
    widths.0[5] = 70.0;
    widths.apply(ws)?;
    let mut sheet = Sheet { ws, row: 0 };
    sheet.headers(&CONTROL_HEADERS, styles)?;
    for v in &views {
        sheet.text(0, v.control, &styles.text)?;
        sheet.text(1, &v.checks.join("\n"), &styles.wrap)?;
        sheet.number(2, v.open_findings as f64, &styles.number)?;
        sheet.number(3, v.waived_findings as f64, &styles.number)?;
        sheet.text(4, &v.tools.join(", "), &styles.wrap)?;
        // The findings themselves, a line each, as far as a cell holds.
        let mut lines = String::new();
        for f in &v.findings {
            if lines.len() > MAX_CELL_CHARS {
                break;
            }
            let waived = if f.is_waived() { " (waived)" } else { "" };
            lines.push_str(&format!(
                "[{}]{waived} {} {}\n",
                f.severity,
                f.tool.as_deref().unwrap_or("(stack)"),
                f.check
            ));
        }
        sheet.text(5, lines.trim_end(), &styles.wrap)?;
        sheet.row += 1;
    }
    let last = sheet.row.saturating_sub(1);
    sheet.ws.autofilter(0, 0, last.max(1), 5)?;
    Ok(())
}

/// One question to a vendor about one tool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub tool: String,
    pub tool_name: String,
    pub question: String,
    /// The checks whose findings raise it.
    pub checks: Vec<String>,
}

/// The vendor questions per tool that its findings raise: for each tool,
/// the list `gate` prints for a candidate (unwaived findings above info,
/// each check's `vendor_question`, once).
pub fn questions(result: &AuditResult) -> Vec<Question> {
    let question_of: BTreeMap<&str, &str> = result
        .checks
        .iter()
        .filter_map(|c| c.vendor_question.as_deref().map(|q| (c.id.as_str(), q)))
        .collect();
    let by_tool = super::by_tool(&result.findings);
    let mut out = Vec::new();
    for t in &result.tools {
        let Some(findings) = by_tool.get(t.id.as_str()) else {
            continue;
        };
        let (asked, _) = crate::audit::gate::questions_for(findings.iter().copied(), |check| {
            question_of.get(check).map(|q| q.to_string())
        });
        for (question, checks) in asked {
            out.push(Question {
                tool: t.id.to_string(),
                tool_name: t.name.to_string(),
                question,
                checks,
            });
        }
    }
    out
}

const QUESTION_HEADERS: [&str; 7] = [
    "Tool",
    "Tool name",
    "Question",
    "Raised by",
    "Answer",
    "Evidence link",
    "Reviewed by",
];

fn questions_sheet(workbook: &mut Workbook, questions: &[Question], styles: &Styles) -> Result<()> {
    let ws = new_sheet(workbook, "Questions", questions.len() > LARGE)?;
    ws.set_freeze_panes(1, 0)?;
    let mut widths = Widths::new(&QUESTION_HEADERS);
    for q in questions.iter().take(2_000) {
        widths.see(0, &q.tool);
    }
    widths.0[1] = 28.0;
    widths.0[2] = 70.0;
    widths.0[3] = 28.0;
    widths.0[4] = 12.0;
    widths.0[5] = 36.0;
    widths.0[6] = 18.0;
    widths.apply(ws)?;
    let mut sheet = Sheet { ws, row: 0 };
    sheet.headers(&QUESTION_HEADERS, styles)?;
    for q in questions {
        sheet.text(0, &q.tool, &styles.text)?;
        sheet.text(1, &q.tool_name, &styles.wrap)?;
        sheet.text(2, &q.question, &styles.wrap)?;
        sheet.text(3, &q.checks.join("\n"), &styles.wrap)?;
        for c in 4..=6 {
            sheet.ws.write_blank(sheet.row, col(c), &styles.unlocked)?;
        }
        sheet.row += 1;
    }
    let last = sheet.row.saturating_sub(1);
    if !questions.is_empty() {
        let answers = DataValidation::new()
            .allow_list_strings(&ANSWERS)?
            .set_error_title("Answer")?
            .set_error_message("Choose Yes, No, Partially or N/A.")?;
        sheet.ws.add_data_validation(1, 4, last, 4, &answers)?;
    }
    sheet
        .ws
        .autofilter(0, 0, last.max(1), col(QUESTION_HEADERS.len() - 1))?;
    Ok(())
}

/// The `gate` workbook: Summary (verdict, what the candidate changes, a
/// chart), Findings (the candidate's and the new stack findings),
/// Questions (what to send the vendor) and Actions.
pub fn render_gate(report: &GateReport) -> Result<Vec<u8>> {
    let styles = Styles::new();
    let mut workbook = Workbook::new();
    set_properties(&mut workbook, "stackaudit gate", None);
    let findings: Vec<&Finding> = report
        .findings
        .iter()
        .chain(&report.new_stack_findings)
        .collect();
    {
        let ws = new_sheet(&mut workbook, "Summary", false)?;
        let mut sheet = Sheet { ws, row: 0 };
        sheet.text(0, "stackaudit gate", &styles.title)?;
        sheet.row = 2;
        let as_of = report.as_of.parse::<Date>().ok();
        let mut rows = vec![
            ("Candidate", Value::Text(Cow::Borrowed(&report.candidate))),
            ("Name", Value::Text(Cow::Borrowed(&report.candidate_name))),
            (
                "Verdict",
                Value::Text(Cow::Owned(report.verdict.text().to_uppercase())),
            ),
            ("Findings", Value::Count(report.findings.len())),
            (
                "New stack findings",
                Value::Count(report.new_stack_findings.len()),
            ),
            (
                "Vendor questions",
                Value::Count(report.vendor_questions.len()),
            ),
        ];
        if let Some(d) = as_of {
            rows.insert(3, ("As of", Value::Date(d)));
        }
        label_rows(&mut sheet, &rows, &styles)?;
        sheet.row += 1;
        let chart_rows = severity_table(&mut sheet, &styles, |sev| {
            findings
                .iter()
                .filter(|f| !f.is_waived() && f.severity == sev)
                .count()
        })?;
        sheet.row += 1;
        sheet.headers(&["What it changes for the stack"], &styles)?;
        for c in &report.stack_changes {
            sheet.text(0, c, &styles.wrap)?;
            sheet.row += 1;
        }
        sheet.ws.set_column_width(0, 60)?;
        sheet.ws.set_column_width(1, 40)?;
        insert_severity_chart(sheet.ws, "Summary", chart_rows, 3)?;
    }
    findings_sheets(
        &mut workbook,
        "Findings",
        &findings,
        &styles,
        MAX_ROWS,
        None,
    )?;
    let asked: Vec<Question> = report
        .vendor_questions
        .iter()
        .enumerate()
        .map(|(i, q)| Question {
            tool: report.candidate.clone(),
            tool_name: report.candidate_name.clone(),
            question: q.clone(),
            checks: report.raised_by.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    questions_sheet(&mut workbook, &asked, &styles)?;
    {
        let ws = new_sheet(&mut workbook, "Actions", false)?;
        ws.set_column_width(0, 100)?;
        let mut sheet = Sheet { ws, row: 0 };
        sheet.headers(&["Before adoption, internally"], &styles)?;
        for a in &report.internal_actions {
            sheet.text(0, a, &styles.wrap)?;
            sheet.row += 1;
        }
    }
    Ok(workbook.save_to_buffer()?)
}

/// The `diff` workbook: Summary, Changes (tool, field, before, after),
/// Introduced and Resolved findings.
pub fn render_diff(diff: &Diff) -> Result<Vec<u8>> {
    let styles = Styles::new();
    let mut workbook = Workbook::new();
    set_properties(&mut workbook, "stackaudit diff", None);
    {
        let ws = new_sheet(&mut workbook, "Summary", false)?;
        let mut sheet = Sheet { ws, row: 0 };
        sheet.text(0, "stackaudit diff", &styles.title)?;
        sheet.row = 2;
        let mut rows = vec![
            ("Old", Value::Text(Cow::Borrowed(diff.old))),
            ("New", Value::Text(Cow::Borrowed(diff.new))),
            ("Tools added", Value::Count(diff.tools_added.len())),
            ("Tools removed", Value::Count(diff.tools_removed.len())),
            ("Tools renamed", Value::Count(diff.tools_renamed.len())),
            ("Tools changed", Value::Count(diff.tools_changed.len())),
            (
                "Findings introduced",
                Value::Count(diff.findings_introduced.len()),
            ),
            (
                "Findings resolved",
                Value::Count(diff.findings_resolved.len()),
            ),
        ];
        if let Ok(d) = diff.as_of.parse::<Date>() {
            rows.insert(2, ("As of", Value::Date(d)));
        }
        label_rows(&mut sheet, &rows, &styles)?;
        sheet.row += 1;
        let chart_rows = severity_table(&mut sheet, &styles, |sev| {
            diff.findings_introduced
                .iter()
                .filter(|f| !f.is_waived() && f.severity == sev)
                .count()
        })?;
        sheet.ws.set_column_width(0, 22)?;
        sheet.ws.set_column_width(1, 40)?;
        insert_severity_chart(sheet.ws, "Summary", chart_rows, 3)?;
    }
    {
        let headers = ["Tool", "Change", "Field", "Before", "After"];
        let ws = new_sheet(&mut workbook, "Changes", false)?;
        ws.set_freeze_panes(1, 0)?;
        let widths = Widths(vec![24.0, 12.0, 28.0, 40.0, 40.0]);
        widths.apply(ws)?;
        let mut sheet = Sheet { ws, row: 0 };
        sheet.headers(&headers, &styles)?;
        let row = |sheet: &mut Sheet, cells: [&str; 5]| -> Result<(), XlsxError> {
            for (i, c) in cells.iter().enumerate() {
                sheet.text(i, c, &styles.wrap)?;
            }
            sheet.row += 1;
            Ok(())
        };
        for t in &diff.tools_added {
            row(&mut sheet, [t, "added", "", "", ""])?;
        }
        for t in &diff.tools_removed {
            row(&mut sheet, [t, "removed", "", "", ""])?;
        }
        for (old, new) in &diff.tools_renamed {
            row(&mut sheet, [new, "renamed", "id", old, new])?;
        }
        for t in &diff.tools_changed {
            for f in &t.fields {
                let show = |v: &serde_json::Value| match v {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                row(
                    &mut sheet,
                    [&t.tool, "changed", &f.field, &show(&f.old), &show(&f.new)],
                )?;
            }
        }
        let last = sheet.row.saturating_sub(1);
        sheet.ws.autofilter(0, 0, last.max(1), 4)?;
    }
    findings_sheets(
        &mut workbook,
        "Introduced",
        &diff.findings_introduced,
        &styles,
        MAX_ROWS,
        None,
    )?;
    findings_sheets(
        &mut workbook,
        "Resolved",
        &diff.findings_resolved,
        &styles,
        MAX_ROWS,
        None,
    )?;
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_formats_carry_only_the_letters_of_the_code() {
        let mut styles = Styles::new();
        // A currency with quotes or brackets cannot break the number format.
        let a = styles.currency(Some("E\"U]R;@")).clone();
        let b = styles.currency(Some("EUR")).clone();
        assert_eq!(a, b);
        let plain = styles.currency(None).clone();
        assert_ne!(plain, b);
    }

    #[test]
    fn text_xml_cannot_carry_is_escaped_and_short_text_is_borrowed() {
        assert_eq!(cell_text("a\u{ffff}b"), "a\\u{ffff}b");
        assert_eq!(cell_text("a\u{1b}b\nc"), "a\\u{1b}b\nc");
        assert!(matches!(cell_text("plain"), Cow::Borrowed("plain")));
        assert_eq!(cell_text(&"x".repeat(MAX_CELL_CHARS)).len(), MAX_CELL_CHARS);
    }
}
