//! `stackaudit import`: an inventory from what teams already keep — a
//! spreadsheet (CSV, XLSX, ODS) or an identity provider's app list (Okta,
//! Entra ID, Google Workspace).
//!
//! The engine takes plain [`ImportOptions`] and returns an [`Import`]: the
//! tools it could read, every cell it could not (with its address), and
//! warnings. [`render`] turns it into a commented TOML inventory and
//! [`merge`] folds it into an existing one without touching what is there.

pub mod columns;
pub mod idp;
pub mod merge;
pub mod render;
pub mod source;
pub mod values;

use std::collections::{BTreeMap, HashMap};
use std::io::Read as _;
use std::path::Path;

use jiff::civil::Date;

use columns::{Column, Mapping, Target};
use source::{FileProblem, Sheet, column_letters};
use values::{Cell, DateOrder, Soc2};

use crate::inventory::region::Region;

/// What kind of file the source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Csv,
    Xlsx,
    Ods,
    Okta,
    Entra,
    Google,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Csv => "CSV",
            Kind::Xlsx => "XLSX",
            Kind::Ods => "ODS",
            Kind::Okta => "Okta apps list",
            Kind::Entra => "Entra ID enterprise applications",
            Kind::Google => "Google Workspace connected apps",
        }
    }

    fn from_extension(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" | "tsv" | "txt" => Kind::Csv,
            "xlsx" | "xlsm" => Kind::Xlsx,
            "ods" => Kind::Ods,
            "json" => Kind::Okta,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// The source kind; `None` detects it from the extension and header.
    pub kind: Option<Kind>,
    /// Only this sheet of a workbook.
    pub sheet: Option<String>,
    pub mapping: Option<Mapping>,
    /// The CSV delimiter; `None` sniffs it.
    pub delimiter: Option<u8>,
    /// How to read dates such as 03/04/2026.
    pub date_order: Option<DateOrder>,
    /// The largest source file read, in bytes.
    pub max_input_size: u64,
}

impl ImportOptions {
    pub fn new(max_input_size: u64) -> ImportOptions {
        ImportOptions {
            kind: None,
            sheet: None,
            mapping: None,
            delimiter: None,
            date_order: None,
            max_input_size,
        }
    }
}

/// A cell (or row) that could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// `Tools!B17`, `B17` (CSV) or `Tools` for a whole sheet; `None` for the file.
    pub at: Option<String>,
    pub message: String,
    pub help: Option<String>,
}

impl Problem {
    fn from_file(p: FileProblem) -> Problem {
        Problem {
            at: p.sheet.map(|s| format!("{s}!")),
            message: p.message,
            help: p.help,
        }
    }
}

/// `file:Tools!B17: error: message` lines, then `help:`, as every
/// stackaudit input error reads.
pub fn format_problems(file: &str, problems: &[Problem]) -> String {
    let mut out = String::new();
    for p in problems.iter().take(crate::diagnostic::MAX_LISTED) {
        match &p.at {
            Some(at) => out.push_str(&format!(
                "{file}:{}: error: {}\n",
                at.trim_end_matches('!'),
                p.message
            )),
            None => out.push_str(&format!("{file}: error: {}\n", p.message)),
        }
        if let Some(h) = &p.help {
            out.push_str(&format!("  help: {h}\n"));
        }
    }
    if problems.len() > crate::diagnostic::MAX_LISTED {
        out.push_str(&format!(
            "{file}: and {} more problems\n",
            problems.len() - crate::diagnostic::MAX_LISTED
        ));
    }
    if problems.len() > 1 {
        out.push_str(&format!("{file}: {} problems found\n", problems.len()));
    }
    out
}

/// One tool as read from a row (or an identity-provider app).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportedTool {
    /// Where it came from: `Tools row 4`, `row 4`, `app "Gong"`.
    pub origin: String,
    pub id: String,
    pub name: String,
    pub vendor: Option<String>,
    pub category: &'static str,
    /// The category as written, when it was mapped or unknown.
    pub category_written: Option<String>,
    pub status: Option<&'static str>,
    pub owner: Option<String>,
    pub data: Vec<&'static str>,
    pub regions: Vec<Region>,
    pub url: Option<String>,
    pub trust_url: Option<String>,
    pub idp_app: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub annual_cost: Option<f64>,
    pub currency: Option<String>,
    pub renewal: Option<Date>,
    pub dpa: Option<bool>,
    pub sso: Option<bool>,
    pub mfa: Option<bool>,
    pub scim: Option<bool>,
    pub soc2_type: Option<i64>,
    pub soc2_report_date: Option<Date>,
    pub iso27001_expires: Option<Date>,
    /// Things the sheet says that the inventory cannot hold yet
    /// ("SOC 2: yes, type not recorded"), kept as comments.
    pub remarks: Vec<String>,
    pub notes: Vec<String>,
    /// With `--keep-going`: the cells that could not be read.
    pub unread: Vec<String>,
    /// An identity provider's app (matched with tools as `audit --idp` does).
    pub from_idp: bool,
}

/// What one sheet's header row says.
#[derive(Clone, Debug)]
pub struct SheetColumns {
    pub sheet: Option<String>,
    /// 1-based row number of the header.
    pub header_row: usize,
    pub columns: Vec<Column>,
}

/// The outcome of reading a source.
#[derive(Clone, Debug, Default)]
pub struct Import {
    pub kind: Option<Kind>,
    pub sheets: Vec<SheetColumns>,
    pub tools: Vec<ImportedTool>,
    pub problems: Vec<Problem>,
    pub warnings: Vec<String>,
    /// Rows left out entirely (with `--keep-going`), as comments.
    pub skipped_rows: Vec<String>,
}

/// Reads at most `max` bytes of a regular file.
fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>, FileProblem> {
    let cannot = |e: std::io::Error| FileProblem::new(format!("cannot read the file: {e}"));
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => FileProblem::new("no such file"),
        _ => cannot(e),
    })?;
    if !meta.file_type().is_file() {
        return Err(FileProblem::new(
            "not a regular file (a device, FIFO or folder)",
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(cannot)?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > max {
        return Err(FileProblem::new(format!(
            "the file is over the input size limit of {}",
            crate::inventory::human_size(max)
        ))
        .help("raise the limit with --max-input-size BYTES if the file is really this large"));
    }
    Ok(bytes)
}

/// Reads a source into tools. File-level problems (unreadable file, no
/// header row) come back in `problems` like cell problems.
pub fn import(path: &Path, options: &ImportOptions) -> Import {
    let mut out = Import::default();
    let fail = |out: &mut Import, p: FileProblem| out.problems.push(Problem::from_file(p));
    let bytes = match read_bounded(path, options.max_input_size) {
        Ok(b) => b,
        Err(p) => {
            fail(&mut out, p);
            return out;
        }
    };
    let kind = options.kind.or_else(|| Kind::from_extension(path));
    let sheets = match kind {
        Some(Kind::Okta) => {
            out.kind = Some(Kind::Okta);
            let text = match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(_) => {
                    fail(
                        &mut out,
                        FileProblem::new("the file is not UTF-8 JSON text"),
                    );
                    return out;
                }
            };
            match idp::parse_okta(text.trim_start_matches('\u{feff}')) {
                Ok(apps) => from_idp(&apps, &mut out),
                Err(e) => fail(&mut out, FileProblem::new(e).help("export the apps with GET /api/v1/apps, or run `stackaudit discover --okta-domain DOMAIN -o apps.json`")),
            }
            return out;
        }
        Some(Kind::Xlsx) => source::read_xlsx(bytes, options.sheet.as_deref()),
        Some(Kind::Ods) => source::read_ods(bytes, options.sheet.as_deref()),
        Some(Kind::Csv | Kind::Entra | Kind::Google) => {
            source::read_csv(bytes, options.delimiter).map(|s| vec![s])
        }
        None => {
            fail(
                &mut out,
                FileProblem::new("cannot tell what kind of file this is from its name")
                    .help("name it .csv, .xlsx, .ods or .json, or say with --from csv|xlsx|ods|okta|entra|google"),
            );
            return out;
        }
    };
    let sheets = match sheets {
        Ok(s) => s,
        Err(p) => {
            fail(&mut out, p);
            return out;
        }
    };
    // A CSV file may be an identity provider's export.
    let idp_kind = match kind {
        Some(Kind::Csv) if options.mapping.is_none() => {
            sheets.first().and_then(idp::detect_csv).map(|p| match p {
                idp::Provider::Entra => Kind::Entra,
                idp::Provider::Google => Kind::Google,
                idp::Provider::Okta => Kind::Okta,
            })
        }
        Some(k @ (Kind::Entra | Kind::Google)) => Some(k),
        _ => None,
    };
    if let Some(k) = idp_kind {
        out.kind = Some(k);
        let sheet = sheets.into_iter().next().unwrap_or_default();
        let parsed = if k == Kind::Entra {
            idp::parse_entra(&sheet)
        } else {
            idp::parse_google(&sheet)
        };
        match parsed {
            Ok(apps) => from_idp(&apps, &mut out),
            Err(e) => fail(&mut out, FileProblem::new(e)),
        }
        return out;
    }
    out.kind = kind;
    from_sheets(&sheets, options, &mut out);
    assign_ids(&mut out.tools);
    out
}

/// Tools from the apps people sign into through the identity provider.
fn from_idp(apps: &idp::IdpApps, out: &mut Import) {
    let mut seen: HashMap<String, String> = HashMap::new();
    for app in apps.apps.iter().filter(|a| a.is_tool()) {
        let key = columns::normalise(&app.name);
        if key.is_empty() || seen.contains_key(&key) {
            continue;
        }
        seen.insert(key, app.name.clone());
        let url = app
            .urls
            .iter()
            .filter_map(|u| idp::host_of(u))
            .find(|h| {
                let d = idp::registrable_domain(h);
                !["okta.com", "oktapreview.com", "microsoftonline.com"].contains(&d.as_str())
            })
            .map(|h| format!("https://{h}"));
        out.tools.push(ImportedTool {
            origin: format!("{} app \"{}\"", apps.provider.name(), app.name),
            name: app.name.clone(),
            category: "other",
            url,
            idp_app: Some(app.name.clone()),
            sso: Some(true),
            from_idp: true,
            ..ImportedTool::default()
        });
    }
    if !out.tools.is_empty() {
        out.warnings.push(format!(
            "{} apps from {} have no category yet: each is imported as `other`; set the real one",
            out.tools.len(),
            apps.provider.name()
        ));
    }
    assign_ids(&mut out.tools);
}

/// How many rows from the top are searched for the header row.
const HEADER_SEARCH_ROWS: usize = 20;

/// The header row: the first of the top rows that names the tool column
/// and the most other known columns (title rows and merged group headers
/// above it are passed over).
fn find_header(sheet: &Sheet, mapping: Option<&Mapping>) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, row) in sheet.rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let (known, has_name) = columns::score(row, mapping);
        if has_name && known >= 2 && best.is_none_or(|(_, k)| known > k) {
            best = Some((i, known));
        }
    }
    best.map(|(i, _)| i)
}

fn is_blank(row: &[Cell]) -> bool {
    row.iter().all(|c| c.clean().is_empty())
}

fn from_sheets(sheets: &[Sheet], options: &ImportOptions, out: &mut Import) {
    let mapping = options.mapping.as_ref();
    let mut any_header = false;
    let mut seen: HashMap<String, String> = HashMap::new();
    let all_empty = sheets.iter().all(|s| s.rows.iter().all(|r| is_blank(r)));
    if sheets.is_empty() || all_empty {
        let at = sheets
            .first()
            .and_then(|s| s.name.clone())
            .map(|s| format!("{s}!"));
        out.problems.push(Problem {
            at,
            message: "the sheet is empty".into(),
            help: Some(
                "import the file that holds the tool list, or name its sheet with --sheet".into(),
            ),
        });
        return;
    }
    for sheet in sheets {
        let Some(h) = find_header(sheet, mapping) else {
            // Other sheets (instructions, summaries) are passed over unless
            // the user named this one.
            if options.sheet.is_some() || sheets.len() == 1 {
                out.problems.push(Problem {
                    at: sheet.name.as_ref().map(|s| format!("{s}!")),
                    message: format!(
                        "no header row found in the first {HEADER_SEARCH_ROWS} rows: no row names the tool (Tool, Name, Application) and another known column"
                    ),
                    help: Some("add a header row such as `Tool, Owner, Category, Annual cost, Renewal`, or map the columns with --map MAPPING.toml (see --print-map)".into()),
                });
            }
            continue;
        };
        any_header = true;
        let (cols, duplicates) = columns::columns_of(&sheet.rows[h], mapping);
        for d in duplicates {
            out.warnings.push(format!(
                "{}column \"{d}\" is not imported: an earlier column holds the same key",
                sheet_prefix(sheet)
            ));
        }
        for c in cols
            .iter()
            .filter(|c| c.target == Target::Ignore && c.recognised)
        {
            out.warnings.push(format!(
                "{}column \"{}\" is ignored",
                sheet_prefix(sheet),
                c.header
            ));
        }
        for (offset, row) in sheet.rows[h + 1..].iter().enumerate() {
            let row_no = h + 2 + offset;
            if is_blank(row) {
                continue;
            }
            read_row(sheet, row, row_no, &cols, options, &mut seen, out);
        }
        out.sheets.push(SheetColumns {
            sheet: sheet.name.clone(),
            header_row: h + 1,
            columns: cols,
        });
    }
    if !any_header && out.problems.is_empty() {
        out.problems.push(Problem {
            at: None,
            message: format!(
                "no sheet has a header row in its first {HEADER_SEARCH_ROWS} rows naming the tool (Tool, Name, Application) and another known column"
            ),
            help: Some("name the sheet with --sheet, or map the columns with --map MAPPING.toml (see --print-map)".into()),
        });
    }
}

fn sheet_prefix(sheet: &Sheet) -> String {
    sheet
        .name
        .as_ref()
        .map(|n| format!("sheet \"{n}\": "))
        .unwrap_or_default()
}

fn address(sheet: &Sheet, col: usize, row: usize) -> String {
    match &sheet.name {
        Some(n) => format!("{n}!{}{row}", column_letters(col)),
        None => format!("{}{row}", column_letters(col)),
    }
}

const TOTAL_ROWS: &[&str] = &["total", "totals", "grand total", "sum", "subtotal"];

#[allow(clippy::too_many_arguments)]
fn read_row(
    sheet: &Sheet,
    row: &[Cell],
    row_no: usize,
    cols: &[Column],
    options: &ImportOptions,
    seen: &mut HashMap<String, String>,
    out: &mut Import,
) {
    let get = |c: &Column| row.get(c.index).cloned().unwrap_or(Cell::Empty);
    let where_row = match &sheet.name {
        Some(n) => format!("{n} row {row_no}"),
        None => format!("row {row_no}"),
    };
    let name_col = cols.iter().find(|c| c.target == Target::Name);
    let name = name_col.map(|c| get(c).clean()).unwrap_or_default();
    // A row with nothing but notes or ignored columns is not a tool.
    let imported_cells = cols
        .iter()
        .filter(|c| !matches!(c.target, Target::Ignore | Target::Notes))
        .any(|c| !values::is_unknown(&get(c)));
    if name.is_empty() || values::is_unknown(&Cell::Text(name.clone())) {
        if imported_cells {
            let at = name_col.map(|c| address(sheet, c.index, row_no));
            out.problems.push(Problem {
                at,
                message: format!("row {row_no} has values but no tool name"),
                help: Some("write the tool's name in the name column, or delete the row".into()),
            });
            out.skipped_rows.push(format!("{where_row}: no tool name"));
        }
        return;
    }
    if TOTAL_ROWS.contains(&name.to_lowercase().as_str()) {
        out.warnings.push(format!(
            "{where_row}: \"{name}\" looks like a totals row and is not imported"
        ));
        return;
    }
    let key = columns::normalise(&name);
    if let Some(first) = seen.get(&key) {
        out.problems.push(Problem {
            at: name_col.map(|c| address(sheet, c.index, row_no)),
            message: format!("\"{name}\" is listed twice (first in {first})"),
            help: Some(
                "keep one row per tool: merge the two rows, or give each a distinct name".into(),
            ),
        });
        out.skipped_rows.push(format!(
            "{where_row}: \"{name}\" is listed twice (first in {first})"
        ));
        return;
    }
    seen.insert(key, where_row.clone());
    let mut tool = ImportedTool {
        origin: where_row,
        name: name.clone(),
        category: "other",
        ..ImportedTool::default()
    };
    let mut cost_currency: Option<(&'static str, usize)> = None;
    let mut currency_cell: Option<(String, usize)> = None;
    let mut soc2_untyped = false;
    let mut iso_yes = false;
    let mut category_seen = false;
    for c in cols {
        let cell = get(c);
        if let Cell::Broken(what) = &cell {
            let message = if what.starts_with('=') {
                format!(
                    "cell holds the formula `{}` with no saved result",
                    crate::diagnostic::truncate_chars(what, 80)
                )
            } else {
                format!("cell holds the error value {what}")
            };
            let help = "open the file in the spreadsheet program and save it (so formulas get their values), or replace the formula by its value";
            problem(out, &mut tool, sheet, c, row_no, message, help);
            continue;
        }
        macro_rules! read {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(u) => {
                        let u: values::Unreadable = u;
                        let message = format!(
                            "cannot read \"{}\" as {} (column \"{}\")",
                            crate::diagnostic::truncate_chars(&cell.clean(), 60),
                            u.what,
                            c.header
                        );
                        let help = u.help();
                        problem(out, &mut tool, sheet, c, row_no, message, &help);
                        continue;
                    }
                }
            };
        }
        let text = || Some(cell.clean()).filter(|s| !s.is_empty() && !values::is_unknown(&cell));
        match &c.target {
            Target::Name | Target::Ignore => {}
            Target::Vendor => tool.vendor = text(),
            Target::Owner => tool.owner = text(),
            Target::IdpApp => tool.idp_app = text(),
            Target::Notes => tool.notes.extend(text()),
            Target::Label(l) => {
                if let Some(t) = text() {
                    tool.labels.insert(l.clone(), t);
                }
            }
            Target::Category => {
                category_seen = true;
                if let Some(t) = text() {
                    match values::category(&t) {
                        Some(cat) => {
                            tool.category = cat;
                            if columns::normalise(&t) != columns::normalise(cat) {
                                tool.category_written = Some(t);
                            }
                        }
                        None => {
                            out.warnings.push(format!(
                                "{}: category \"{t}\" is not one stackaudit knows; imported as `other`",
                                address(sheet, c.index, row_no)
                            ));
                            tool.category_written = Some(t);
                        }
                    }
                }
            }
            Target::Status => tool.status = read!(values::status(&cell)),
            Target::Data => tool.data = read!(values::data_classes(&cell)).unwrap_or_default(),
            Target::Regions => tool.regions = read!(values::regions(&cell)).unwrap_or_default(),
            Target::Url => tool.url = read!(values::url(&cell)),
            Target::TrustUrl => tool.trust_url = read!(values::url(&cell)),
            Target::AnnualCost => {
                if let Some(cost) = read!(values::cost(&cell)) {
                    tool.annual_cost = Some(cost.amount);
                    if let Some(cur) = cost.currency.or(c.currency) {
                        cost_currency = Some((cur, c.index));
                    }
                }
            }
            Target::Currency => {
                if let Some(t) = text() {
                    match values::currency(&t) {
                        Some(code) => currency_cell = Some((code.to_string(), c.index)),
                        None if t.len() == 3 && t.chars().all(|ch| ch.is_ascii_alphabetic()) => {
                            currency_cell = Some((t.to_uppercase(), c.index));
                        }
                        None => {
                            let message = format!(
                                "cannot read \"{t}\" as a currency (column \"{}\")",
                                c.header
                            );
                            problem(
                                out,
                                &mut tool,
                                sheet,
                                c,
                                row_no,
                                message,
                                "accepted: an ISO 4217 code such as USD, EUR, GBP, or a sign such as $, €, £",
                            );
                        }
                    }
                }
            }
            Target::Renewal => tool.renewal = read!(values::date(&cell, options.date_order)),
            Target::Dpa => tool.dpa = read!(values::boolean(&cell)),
            Target::Sso => tool.sso = read!(values::boolean(&cell)),
            Target::Mfa => tool.mfa = read!(values::boolean(&cell)),
            Target::Scim => tool.scim = read!(values::boolean(&cell)),
            Target::Soc2 => match read!(values::soc2(&cell)) {
                Some(Soc2::Type(t)) => tool.soc2_type = Some(t),
                Some(Soc2::UntypedYes) => soc2_untyped = true,
                Some(Soc2::No) | None => {}
            },
            Target::Soc2ReportDate => {
                tool.soc2_report_date = read!(values::date(&cell, options.date_order));
            }
            Target::Iso27001 => {
                // A date here is the expiry; yes/no says only whether.
                match values::date(&cell, options.date_order) {
                    Ok(Some(d)) => tool.iso27001_expires = Some(d),
                    Ok(None) => {}
                    Err(_) => iso_yes = read!(values::boolean(&cell)) == Some(true),
                }
            }
            Target::Iso27001Expires => {
                if let Some(d) = read!(values::date(&cell, options.date_order)) {
                    tool.iso27001_expires = Some(d);
                }
            }
        }
    }
    match (cost_currency, currency_cell) {
        (Some((a, idx)), Some((b, _))) if a != b => {
            let c = cols.iter().find(|c| c.index == idx).expect("cost column");
            let message = format!(
                "the cost is in {a} but the currency column says {b} (column \"{}\")",
                c.header
            );
            problem(
                out,
                &mut tool,
                sheet,
                c,
                row_no,
                message,
                "write the amount without a currency sign, or correct the currency column",
            );
            tool.annual_cost = None;
        }
        (Some((a, _)), None) => tool.currency = Some(a.to_string()),
        (_, Some((b, _))) => tool.currency = Some(b),
        (None, None) => {}
    }
    if tool.currency.is_some() && tool.annual_cost.is_none() {
        tool.currency = None;
    }
    if soc2_untyped && tool.soc2_type.is_none() {
        tool.remarks.push(
            "SOC 2: the sheet says yes but not which type; add `soc2 = { type = 1 or 2, report_date = DATE }` under [tool.certifications]"
                .into(),
        );
    }
    if tool.soc2_type.is_none()
        && let Some(d) = tool.soc2_report_date.take()
    {
        tool.remarks.push(format!(
            "SOC 2 report date {d} without a report type; add `soc2 = {{ type = 1 or 2, report_date = {d} }}` under [tool.certifications]"
        ));
    }
    if iso_yes && tool.iso27001_expires.is_none() {
        tool.remarks.push(
            "ISO 27001: the sheet says yes without an expiry date; add `iso27001 = { expires = DATE }` under [tool.certifications]"
                .into(),
        );
    }
    if !category_seen {
        tool.remarks
            .push("no category column: filed under `other`; set the real category".into());
    } else if tool.category == "other" && tool.category_written.is_none() {
        tool.remarks
            .push("category not given: filed under `other`; set the real category".into());
    }
    out.tools.push(tool);
}

fn problem(
    out: &mut Import,
    tool: &mut ImportedTool,
    sheet: &Sheet,
    c: &Column,
    row_no: usize,
    message: String,
    help: &str,
) {
    let at = address(sheet, c.index, row_no);
    tool.unread.push(format!(
        "{}: {message}",
        column_letters(c.index) + &row_no.to_string()
    ));
    out.problems.push(Problem {
        at: Some(at),
        message,
        help: Some(help.to_string()),
    });
}

/// A tool id from a name: lower case ASCII letters and digits (common
/// accented letters lose their accent), one dash between words, at most
/// 60 characters; `tool` when nothing is left.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        let c = match c {
            'ä' | 'á' | 'à' | 'â' | 'å' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ö' | 'ó' | 'ò' | 'ô' | 'ø' | 'õ' => 'o',
            'ü' | 'ú' | 'ù' | 'û' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            if out.len() >= 60 {
                break;
            }
            out.push(c);
        } else if c != '\'' && !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let s = out.trim_end_matches('-');
    if s.is_empty() {
        "tool".to_string()
    } else {
        s.to_string()
    }
}

/// Ids from names, made unique with `-2`, `-3`… in row order.
fn assign_ids(tools: &mut [ImportedTool]) {
    let mut used: HashMap<String, usize> = HashMap::new();
    for t in tools.iter_mut() {
        if !t.id.is_empty() {
            used.insert(t.id.clone(), 1);
        }
    }
    for t in tools.iter_mut().filter(|t| t.id.is_empty()) {
        let base = slug(&t.name);
        let mut id = base.clone();
        let mut n = used.get(&base).copied().unwrap_or(0);
        while used.contains_key(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        used.insert(base, n.max(1));
        used.insert(id.clone(), 1);
        t.id = id;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ids() {
        assert_eq!(slug("HubSpot Marketing Hub"), "hubspot-marketing-hub");
        assert_eq!(slug("  Salesforce.com "), "salesforce-com");
        assert_eq!(slug("G2 (Buyer Intent)"), "g2-buyer-intent");
        assert_eq!(slug("Müller & Söhne"), "muller-sohne");
        assert_eq!(slug("日本"), "tool");
        assert!(crate::inventory::validate::is_slug(&slug("A--b__c!!")));
    }

    #[test]
    fn ids_are_made_unique_in_row_order() {
        let mut tools: Vec<ImportedTool> = ["Zoom", "Zoom!", "zoom-2"]
            .iter()
            .map(|n| ImportedTool {
                name: n.to_string(),
                ..ImportedTool::default()
            })
            .collect();
        assign_ids(&mut tools);
        let ids: Vec<&str> = tools.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["zoom", "zoom-2", "zoom-2-2"]);
    }
}
