//! The vendor questionnaire: a workbook of the questions the inventory
//! cannot answer about one tool (SOC 2, ISO 27001, DPA, regions,
//! encryption, backups and restore tests, SSO/MFA/SCIM, data export), sent
//! to the vendor and read back.
//!
//! Each question is one inventory key with a typed answer cell: date cells
//! for dates, drop-downs for yes/no and fixed choices, numbers for hours, a
//! list of region codes. The sheet is protected except the answer cells.
//! Reading a filled-in file validates every answer (all problems at once,
//! each as `FILE:Questions!D12`) and yields the inventory changes; with a
//! TOML inventory they are written with `toml_edit`, keeping comments and
//! layout.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use anyhow::Result;
use jiff::civil::Date;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, Format, FormatAlign, FormatBorder, Workbook,
};

use crate::audit::AuditResult;
use crate::checks::Finding;
use crate::inventory::model::Tool;
use crate::inventory::region::Region;
use crate::report::xlsx::cell_text;

/// The sheet the answers are on, named in every message about an answer.
pub const SHEET: &str = "Questions";
/// The sheet that says which tool the questionnaire is about.
pub const ABOUT: &str = "About";
/// The first cell of the About sheet, which marks a questionnaire.
pub const MARKER: &str = "stackaudit vendor questionnaire";
/// The answer column (D).
pub const ANSWER_COL: u16 = 3;
/// Rows read back at most: far more than there are questions.
const MAX_ROWS_READ: usize = 1_000;

/// What an answer must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Date,
    YesNo,
    /// Hours, zero or more.
    Hours,
    /// One of a fixed list.
    Choice(&'static [&'static str]),
    /// Region codes, comma-separated.
    Regions,
    /// Free text (encryption at rest as the vendor states it).
    Text,
}

impl Kind {
    /// What the answer cell takes, as the sheet and messages say it.
    pub fn expects(self) -> String {
        match self {
            Kind::Date => "a date (YYYY-MM-DD)".into(),
            Kind::YesNo => "Yes or No".into(),
            Kind::Hours => "a number of hours (0 or more)".into(),
            Kind::Choice(list) => format!("one of {}", list.join(", ")),
            Kind::Regions => {
                "region codes, comma-separated: ISO country codes (de, us, uk...) or eu, eea, apac, global".into()
            }
            Kind::Text => "text, e.g. AES-256".into(),
        }
    }
}

/// One question: an inventory key, what to ask, the checks it answers.
#[derive(Clone, Copy, Debug)]
pub struct Item {
    /// The key under `[[tool]]`, dotted.
    pub key: &'static str,
    pub question: &'static str,
    pub kind: Kind,
    /// Checks whose findings this answer can close.
    pub checks: &'static [&'static str],
}

const CERT_CHECKS: &[&str] = &[
    "compliance-cert-missing",
    "compliance-cert-expired",
    "compliance-cert-expiring",
];

/// Every question a questionnaire can ask, in the order it asks them.
pub const ITEMS: &[Item] = &[
    Item {
        key: "certifications.soc2.type",
        question: "Which SOC 2 report type do you have (1 or 2)?",
        kind: Kind::Choice(&["1", "2"]),
        checks: CERT_CHECKS,
    },
    Item {
        key: "certifications.soc2.report_date",
        question: "What is the end date of the period your latest SOC 2 report covers? Please attach the report.",
        kind: Kind::Date,
        checks: CERT_CHECKS,
    },
    Item {
        key: "certifications.iso27001.expires",
        question: "When does your ISO 27001 certificate expire? Please attach it with its statement of applicability.",
        kind: Kind::Date,
        checks: CERT_CHECKS,
    },
    Item {
        key: "contract.dpa",
        question: "Do we have a signed data processing agreement (GDPR Art. 28) with you?",
        kind: Kind::YesNo,
        checks: &["compliance-dpa-missing"],
    },
    Item {
        key: "regions",
        question: "In which countries or regions is our data stored and processed, including backups and sub-processors?",
        kind: Kind::Regions,
        checks: &["residency-region-unknown", "residency-region-not-allowed"],
    },
    Item {
        key: "encryption.at_rest",
        question: "How is our data encrypted at rest (algorithm and key length)?",
        kind: Kind::Text,
        checks: &[
            "encryption-unknown",
            "encryption-at-rest-missing",
            "encryption-at-rest-weak",
        ],
    },
    Item {
        key: "encryption.in_transit",
        question: "What is the lowest TLS version any endpoint carrying our data accepts?",
        kind: Kind::Choice(&["tls1.3", "tls1.2", "tls1.1", "tls1.0", "none"]),
        checks: &["encryption-unknown", "encryption-in-transit-weak"],
    },
    Item {
        key: "encryption.customer_managed_keys",
        question: "Can we hold the encryption keys ourselves (customer-managed keys, BYOK)?",
        kind: Kind::YesNo,
        checks: &["encryption-cmk-missing"],
    },
    Item {
        key: "backup.enabled",
        question: "Do you back up our data?",
        kind: Kind::YesNo,
        checks: &["backup-missing", "backup-unknown"],
    },
    Item {
        key: "backup.rpo_hours",
        question: "What recovery point objective (RPO) do you commit to, in hours?",
        kind: Kind::Hours,
        checks: &["backup-unknown", "backup-rpo-exceeded"],
    },
    Item {
        key: "backup.rto_hours",
        question: "What recovery time objective (RTO) do you commit to, in hours?",
        kind: Kind::Hours,
        checks: &["backup-unknown", "backup-rto-exceeded"],
    },
    Item {
        key: "backup.last_restore_test",
        question: "When did you last test a restore of customer data? Please attach the result.",
        kind: Kind::Date,
        checks: &["backup-restore-untested"],
    },
    Item {
        key: "backup.export",
        question: "Can we export all of our data ourselves, in a documented format?",
        kind: Kind::YesNo,
        checks: &["backup-no-export"],
    },
    Item {
        key: "access.sso",
        question: "Do you support SAML or OIDC single sign-on on our plan?",
        kind: Kind::YesNo,
        checks: &["access-sso-missing"],
    },
    Item {
        key: "access.mfa",
        question: "Can multi-factor authentication be enforced for every user?",
        kind: Kind::YesNo,
        checks: &["access-mfa-missing"],
    },
    Item {
        key: "access.scim",
        question: "Do you support SCIM provisioning and deprovisioning?",
        kind: Kind::YesNo,
        checks: &["access-scim-missing"],
    },
];

pub fn item(key: &str) -> Option<&'static Item> {
    ITEMS.iter().find(|i| i.key == key)
}

/// What the inventory records for `key`, as text; `None` when nothing.
pub fn known_value(tool: &Tool, key: &str) -> Option<String> {
    let soc2 = tool.certifications.iter().find(|c| c.name == "soc2");
    let iso = tool.certifications.iter().find(|c| c.name == "iso27001");
    let yes = |b: Option<bool>| b.map(|b| if b { "yes" } else { "no" }.to_string());
    let enc = tool.encryption.as_ref();
    let backup = tool.backup.as_ref();
    let access = tool.access.as_ref();
    match key {
        "certifications.soc2.type" => soc2.and_then(|c| c.soc2_type).map(|t| t.to_string()),
        "certifications.soc2.report_date" => {
            soc2.and_then(|c| c.report_date).map(|d| d.to_string())
        }
        "certifications.iso27001.expires" => iso.and_then(|c| c.expires).map(|d| d.to_string()),
        "contract.dpa" => yes(tool.contract.as_ref().and_then(|c| c.dpa)),
        "regions" => (!tool.regions.is_empty()).then(|| {
            tool.regions
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        }),
        "encryption.at_rest" => enc.and_then(|e| e.at_rest.clone()),
        "encryption.in_transit" => enc.and_then(|e| e.in_transit).map(|t| t.to_string()),
        "encryption.customer_managed_keys" => yes(enc.and_then(|e| e.customer_managed_keys)),
        "backup.enabled" => yes(backup.and_then(|b| b.enabled)),
        "backup.rpo_hours" => backup.and_then(|b| b.rpo_hours).map(|h| h.to_string()),
        "backup.rto_hours" => backup.and_then(|b| b.rto_hours).map(|h| h.to_string()),
        "backup.last_restore_test" => backup
            .and_then(|b| b.last_restore_test)
            .map(|d| d.to_string()),
        "backup.export" => yes(backup.and_then(|b| b.export)),
        "access.sso" => yes(access.and_then(|a| a.sso)),
        "access.mfa" => yes(access.and_then(|a| a.mfa)),
        "access.scim" => yes(access.and_then(|a| a.scim)),
        _ => None,
    }
}

/// One question as asked: the item, what is known now and why it is asked.
#[derive(Clone, Debug)]
pub struct Asked {
    pub item: &'static Item,
    pub known: Option<String>,
    /// The open findings this answer bears on.
    pub findings: Vec<String>,
}

/// The questions for one tool.
#[derive(Clone, Debug)]
pub struct Questionnaire {
    pub tool: String,
    pub tool_name: String,
    pub vendor: Option<String>,
    pub inventory: String,
    pub as_of: Date,
    pub questions: Vec<Asked>,
}

/// The gaps of `tool`: every key the inventory leaves empty, and every key
/// whose checks have an open finding on the tool in `result`.
pub fn build(tool: &Tool, result: &AuditResult, inventory: &str) -> Questionnaire {
    let open: Vec<&Finding> = result
        .findings
        .iter()
        .filter(|f| !f.is_waived() && f.tool.as_deref() == Some(tool.id.as_str()))
        .collect();
    let questions = ITEMS
        .iter()
        .filter_map(|item| {
            let known = known_value(tool, item.key);
            let findings: Vec<String> = open
                .iter()
                .filter(|f| item.checks.contains(&f.check.as_str()))
                .map(|f| format!("[{}] {}: {}", f.severity, f.check, f.message))
                .collect();
            (known.is_none() || !findings.is_empty()).then_some(Asked {
                item,
                known,
                findings,
            })
        })
        .collect();
    Questionnaire {
        tool: tool.id.to_string(),
        tool_name: tool.name.to_string(),
        vendor: tool.vendor.as_deref().map(str::to_string),
        inventory: inventory.to_string(),
        as_of: result.as_of,
        questions,
    }
}

const HEADERS: [&str; 7] = [
    "Inventory key",
    "Question",
    "Known now",
    "Answer",
    "Answer as",
    "Evidence link",
    "Comment",
];

/// The questionnaire workbook: About (which tool, how to answer) and
/// Questions, both protected except the answer, evidence and comment cells.
pub fn write_xlsx(q: &Questionnaire) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(format!("Vendor questionnaire: {}", cell_text(&q.tool_name)))
            .set_author("stackaudit"),
    );
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(16);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let header = Format::new()
        .set_bold()
        .set_font_color(Color::White)
        .set_background_color(Color::RGB(0x1F3864))
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let answer = Format::new()
        .set_unlocked()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xFFF9E5));
    let answer_date = answer.clone().set_num_format("yyyy-mm-dd");
    let answer_hours = answer.clone().set_num_format("0.##");

    let about = workbook.add_worksheet();
    about.set_name(ABOUT)?;
    about.set_column_width(0, 18)?;
    about.set_column_width(1, 90)?;
    about.write_string_with_format(0, 0, MARKER, &title)?;
    let rows: [(&str, String); 6] = [
        ("Tool", q.tool.clone()),
        ("Name", q.tool_name.clone()),
        ("Vendor", q.vendor.clone().unwrap_or_default()),
        ("Inventory", q.inventory.clone()),
        ("As of", q.as_of.to_string()),
        (
            "How to answer",
            "Fill in the yellow cells of the Questions sheet: the Answer column in the form its 'Answer as' column gives (dates as dates, Yes/No from the list), a link to the evidence, and any comment. Leave a question blank when you cannot answer it. Return the file as it is (.xlsx).".to_string(),
        ),
    ];
    for (i, (label, value)) in rows.iter().enumerate() {
        let r = i as u32 + 2;
        about.write_string_with_format(r, 0, *label, &bold)?;
        about.write_string_with_format(r, 1, cell_text(value), &wrap)?;
    }
    about.protect();

    let ws = workbook.add_worksheet();
    ws.set_name(SHEET)?;
    for (c, w) in [30.0, 60.0, 50.0, 22.0, 30.0, 36.0, 36.0]
        .iter()
        .enumerate()
    {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &header)?;
    }
    for (i, asked) in q.questions.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string_with_format(r, 0, asked.item.key, &wrap)?;
        ws.write_string_with_format(r, 1, asked.item.question, &wrap)?;
        let mut known = asked
            .known
            .clone()
            .unwrap_or_else(|| "not recorded".to_string());
        for f in &asked.findings {
            known.push('\n');
            known.push_str(f);
        }
        ws.write_string_with_format(r, 2, cell_text(&known), &wrap)?;
        ws.write_string_with_format(r, 4, asked.item.kind.expects(), &wrap)?;
        let cell_format = match asked.item.kind {
            Kind::Date => &answer_date,
            Kind::Hours => &answer_hours,
            _ => &answer,
        };
        ws.write_blank(r, ANSWER_COL, cell_format)?;
        ws.write_blank(r, 5, &answer)?;
        ws.write_blank(r, 6, &answer)?;
        let validation = match asked.item.kind {
            Kind::Date => Some(
                DataValidation::new()
                    .allow_date(DataValidationRule::Between(
                        jiff::civil::date(1900, 1, 1),
                        jiff::civil::date(9999, 12, 31),
                    ))
                    .set_error_message("Enter a date, e.g. 2026-06-30.")?,
            ),
            Kind::YesNo => Some(
                DataValidation::new()
                    .allow_list_strings(&["Yes", "No"])?
                    .set_error_message("Choose Yes or No.")?,
            ),
            Kind::Choice(list) => Some(
                DataValidation::new()
                    .allow_list_strings(list)?
                    .set_error_message(format!("Choose one of {}.", list.join(", ")))?,
            ),
            Kind::Hours => Some(
                DataValidation::new()
                    .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
                    .set_error_message("Enter a number of hours, 0 or more.")?,
            ),
            Kind::Regions => Some(
                DataValidation::new()
                    .allow_any_value()
                    .set_input_title("Region codes")?
                    .set_input_message("Comma-separated, e.g. de, fr, eu")?,
            ),
            Kind::Text => None,
        };
        if let Some(v) = validation {
            ws.add_data_validation(r, ANSWER_COL, r, ANSWER_COL, &v)?;
        }
    }
    ws.protect();
    Ok(workbook.save_to_buffer()?)
}

/// One valid answer: the value for one inventory key.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    Date(Date),
    Bool(bool),
    Number(f64),
    Int(i64),
    Text(String),
    Regions(Vec<String>),
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Date(d) => write!(f, "{d}"),
            Answer::Bool(b) => write!(f, "{b}"),
            Answer::Number(n) => write!(f, "{n}"),
            Answer::Int(n) => write!(f, "{n}"),
            Answer::Text(t) => write!(f, "\"{}\"", crate::report::sanitize::text(t)),
            Answer::Regions(r) => write!(
                f,
                "[{}]",
                r.iter()
                    .map(|c| format!("\"{c}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// The answers read from a questionnaire, one per answered key.
#[derive(Clone, Debug)]
pub struct Answers {
    pub tool: String,
    pub changes: Vec<(String, Answer)>,
}

/// A problem with one cell of a filled-in questionnaire.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// `Questions!D12`, or `About!B3`; empty for the file as a whole.
    pub cell: String,
    pub message: String,
    pub help: Option<String>,
}

/// Every problem of one file, printed as `FILE:Questions!D12: error: ...`.
#[derive(Debug)]
pub struct Problems {
    pub file: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            if p.cell.is_empty() {
                write!(f, "{}: error: {}", self.file, p.message)?;
            } else {
                write!(f, "{}:{}: error: {}", self.file, p.cell, p.message)?;
            }
            if let Some(h) = &p.help {
                write!(f, "\n  help: {h}")?;
            }
        }
        if self.problems.len() > 1 {
            write!(f, "\n{}: {} problems found", self.file, self.problems.len())?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

fn column_letter(col: u16) -> char {
    (b'A' + col.min(25) as u8) as char
}

/// An Excel serial day as a date (the 1900 leap-year bug included).
fn serial_to_date(serial: f64) -> Option<Date> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let base = if days > 60 {
        jiff::civil::date(1899, 12, 30)
    } else {
        jiff::civil::date(1899, 12, 31)
    };
    base.checked_add(jiff::Span::new().days(days)).ok()
}

/// Shows a cell's content in a message, shortened.
fn shown(data: &calamine::Data) -> String {
    let text = data.to_string();
    let short: String = text.chars().take(60).collect();
    let short = crate::report::sanitize::owned(&short);
    if text.chars().count() > 60 {
        format!("`{short}…`")
    } else {
        format!("`{short}`")
    }
}

/// Validates one answer cell against its item.
fn parse_answer(item: &Item, data: &calamine::Data) -> Result<Option<Answer>, (String, String)> {
    use calamine::Data;
    let text = match data {
        Data::Empty => return Ok(None),
        Data::String(s) if s.trim().is_empty() => return Ok(None),
        Data::String(s) => Some(s.trim().to_string()),
        _ => None,
    };
    let wrong = |what: &str| {
        Err((
            format!(
                "`{}` needs {}, found {what} {}",
                item.key,
                item.kind.expects(),
                shown(data)
            ),
            format!("accepted: {}", item.kind.expects()),
        ))
    };
    match item.kind {
        Kind::Date => match data {
            Data::DateTime(d) => match serial_to_date(d.as_f64()) {
                Some(day) => Ok(Some(Answer::Date(day))),
                None => wrong("a date out of range"),
            },
            Data::DateTimeIso(s) => match s.get(..10).and_then(|s| s.parse::<Date>().ok()) {
                Some(day) => Ok(Some(Answer::Date(day))),
                None => wrong("the date"),
            },
            Data::String(_) => {
                match text
                    .as_deref()
                    .and_then(|t| crate::inventory::validate::parse_date(t).ok())
                {
                    Some(day) => Ok(Some(Answer::Date(day))),
                    None => wrong("the text"),
                }
            }
            Data::Float(_) | Data::Int(_) => wrong("a number that is not formatted as a date:"),
            _ => wrong("the value"),
        },
        Kind::YesNo => {
            let b = match data {
                Data::Bool(b) => Some(*b),
                Data::String(_) => match text.as_deref().map(str::to_ascii_lowercase).as_deref() {
                    Some("yes" | "y" | "true") => Some(true),
                    Some("no" | "n" | "false") => Some(false),
                    _ => None,
                },
                _ => None,
            };
            match b {
                Some(b) => Ok(Some(Answer::Bool(b))),
                None => wrong("the value"),
            }
        }
        Kind::Hours => {
            let n = match data {
                Data::Float(f) => Some(*f),
                Data::Int(i) => Some(*i as f64),
                Data::String(_) => text.as_deref().and_then(|t| t.parse::<f64>().ok()),
                _ => None,
            };
            match n {
                Some(n) if (0.0..=1e9).contains(&n) => Ok(Some(Answer::Number(n))),
                Some(_) => wrong("the number"),
                None => wrong("the value"),
            }
        }
        Kind::Choice(list) => {
            let t = match data {
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e9 => {
                    Some((*f as i64).to_string())
                }
                Data::Int(i) => Some(i.to_string()),
                Data::String(_) => text.as_deref().map(str::to_ascii_lowercase),
                _ => None,
            };
            match t {
                Some(t) if list.contains(&t.as_str()) => Ok(Some(match t.parse::<i64>() {
                    Ok(n) => Answer::Int(n),
                    Err(_) => Answer::Text(t),
                })),
                _ => wrong("the value"),
            }
        }
        Kind::Regions => {
            let Some(t) = text else {
                return wrong("the value");
            };
            let mut codes = Vec::new();
            let mut bad = Vec::new();
            for code in t
                .split([',', ';', ' ', '\n'])
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                let code = code.to_ascii_lowercase();
                match Region::parse(&code) {
                    Some(_) if !codes.contains(&code) => codes.push(code),
                    Some(_) => {}
                    None => bad.push(code),
                }
            }
            if !bad.is_empty() || codes.is_empty() {
                let names: Vec<String> = bad
                    .iter()
                    .take(5)
                    .map(|b| format!("`{}`", crate::report::sanitize::text(b)))
                    .collect();
                return Err((
                    format!(
                        "`regions` holds {} that {} not a region code",
                        names.join(", "),
                        if names.len() == 1 { "is" } else { "are" }
                    ),
                    format!("accepted: {}", item.kind.expects()),
                ));
            }
            Ok(Some(Answer::Regions(codes)))
        }
        Kind::Text => match text {
            Some(t) if t.chars().count() <= 200 => Ok(Some(Answer::Text(t))),
            Some(_) => wrong("a text longer than 200 characters:"),
            None => match data {
                Data::Bool(false) => Ok(Some(Answer::Text("none".into()))),
                _ => wrong("the value"),
            },
        },
    }
}

/// Reads a filled-in questionnaire: the tool it is about and every valid
/// answer, or every problem found.
pub fn read(path: &Path, max_size: u64) -> Result<Answers, Problems> {
    use calamine::{Reader, Xlsx};
    let file = path.display().to_string();
    let fail = |message: String, help: Option<&str>| Problems {
        file: file.clone(),
        problems: vec![Problem {
            cell: String::new(),
            message,
            help: help.map(str::to_string),
        }],
    };
    let size = std::fs::metadata(path)
        .map_err(|e| fail(format!("cannot read the file: {e}"), None))?
        .len();
    if size > max_size {
        return Err(fail(
            format!(
                "the file is {} bytes, more than --max-input-size {max_size}",
                size
            ),
            Some("a questionnaire is a few kilobytes; raise --max-input-size if this one is real"),
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| fail(format!("cannot read the file: {e}"), None))?;
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
            fail(
                format!("not an XLSX workbook ({e})"),
                Some("read back the .xlsx file that `stackaudit questionnaire` wrote, filled in"),
            )
        })?;
    let not_ours = || {
        fail(
            "not a stackaudit questionnaire: it has no About sheet naming the tool".to_string(),
            Some("read back a file written by `stackaudit questionnaire TOOL -o FILE.xlsx`"),
        )
    };
    let about = book.worksheet_range(ABOUT).map_err(|_| not_ours())?;
    let marker = about.get_value((0, 0)).map(ToString::to_string);
    let tool = about.get_value((2, 1)).map(ToString::to_string);
    let (Some(MARKER), Some(tool)) = (marker.as_deref(), tool) else {
        return Err(not_ours());
    };
    let sheet = book
        .worksheet_range(SHEET)
        .map_err(|_| fail("the workbook has no Questions sheet".to_string(), None))?;
    let mut problems = Vec::new();
    let mut changes: Vec<(String, Answer)> = Vec::new();
    let (height, _) = sheet.get_size();
    let last = (sheet.start().map_or(0, |(r, _)| r as usize) + height).min(MAX_ROWS_READ);
    for row in 1..last as u32 {
        let key = match sheet.get_value((row, 0)) {
            Some(calamine::Data::String(k)) if !k.trim().is_empty() => k.trim().to_string(),
            _ => continue,
        };
        let cell = |col: u16| format!("{SHEET}!{}{}", column_letter(col), row + 1);
        let Some(item) = item(&key) else {
            problems.push(Problem {
                cell: cell(0),
                message: format!(
                    "`{}` is not a key this questionnaire asks about",
                    crate::report::sanitize::text(&key)
                ),
                help: Some("keep the Inventory key column as it was written".into()),
            });
            continue;
        };
        let data = sheet
            .get_value((row, u32::from(ANSWER_COL)))
            .cloned()
            .unwrap_or_default();
        match parse_answer(item, &data) {
            Ok(Some(answer)) => {
                if changes.iter().any(|(k, _)| *k == key) {
                    problems.push(Problem {
                        cell: cell(0),
                        message: format!("`{key}` is answered twice"),
                        help: Some("answer each key once".into()),
                    });
                } else {
                    changes.push((key, answer));
                }
            }
            Ok(None) => {}
            Err((message, help)) => problems.push(Problem {
                cell: cell(ANSWER_COL),
                message,
                help: Some(help),
            }),
        }
    }
    if problems.is_empty() {
        Ok(Answers { tool, changes })
    } else {
        Err(Problems { file, problems })
    }
}

/// A TOML value for an answer.
fn toml_value(answer: &Answer) -> toml_edit::Value {
    match answer {
        Answer::Date(d) => match d.to_string().parse::<toml_edit::Datetime>() {
            Ok(dt) => toml_edit::Value::from(dt),
            Err(_) => toml_edit::Value::from(d.to_string()),
        },
        Answer::Bool(b) => toml_edit::Value::from(*b),
        Answer::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => {
            toml_edit::Value::from(*n as i64)
        }
        Answer::Number(n) => toml_edit::Value::from(*n),
        Answer::Int(n) => toml_edit::Value::from(*n),
        Answer::Text(t) => toml_edit::Value::from(t.as_str()),
        Answer::Regions(codes) => {
            let mut a = toml_edit::Array::new();
            for c in codes {
                a.push(c.as_str());
            }
            toml_edit::Value::from(a)
        }
    }
}

/// Writes the answers into the `[[tool]]` with the tool's id in a TOML
/// inventory, keeping everything else as it was. Certifications go into
/// inline tables (`soc2 = { type = 2, report_date = ... }`), other sections
/// into `[tool.<section>]` tables.
pub fn apply_toml(text: &str, answers: &Answers) -> Result<String> {
    let mut doc: toml_edit::DocumentMut = text.parse()?;
    let tools = doc
        .get_mut("tool")
        .and_then(toml_edit::Item::as_array_of_tables_mut)
        .ok_or_else(|| anyhow::anyhow!("the inventory has no [[tool]] tables"))?;
    let tool = tools
        .iter_mut()
        .find(|t| t.get("id").and_then(|v| v.as_str()) == Some(answers.tool.as_str()))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "the inventory has no tool with id `{}`, which the questionnaire is about",
                crate::report::sanitize::text(&answers.tool)
            )
        })?;
    for (key, answer) in &answers.changes {
        let value = toml_value(answer);
        let parts: Vec<&str> = key.split('.').collect();
        match parts.as_slice() {
            [field] => {
                set_in(tool, field, value);
            }
            ["certifications", name, field] => {
                let certs = section(tool, "certifications");
                let entry = certs.entry(name).or_insert(toml_edit::Item::Value(
                    toml_edit::Value::InlineTable(toml_edit::InlineTable::new()),
                ));
                match entry.as_table_like_mut() {
                    Some(t) => set_in(t, field, value),
                    None => anyhow::bail!("`certifications.{name}` is not a table"),
                }
            }
            [section_name, field] => {
                let t = section(tool, section_name);
                set_in(t, field, value);
            }
            _ => anyhow::bail!("unsupported key `{key}`"),
        }
    }
    let mut out = doc.to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// `tool.<name>` as a table, made when missing.
fn section<'a>(tool: &'a mut toml_edit::Table, name: &str) -> &'a mut dyn toml_edit::TableLike {
    if tool
        .get(name)
        .and_then(toml_edit::Item::as_table_like)
        .is_none()
    {
        let mut t = toml_edit::Table::new();
        t.set_implicit(false);
        tool.insert(name, toml_edit::Item::Table(t));
    }
    tool.get_mut(name)
        .and_then(toml_edit::Item::as_table_like_mut)
        .expect("just inserted")
}

/// Sets `key` to `value`, keeping the comment after an existing value.
fn set_in(table: &mut dyn toml_edit::TableLike, key: &str, mut value: toml_edit::Value) {
    if let Some(old) = table.get(key).and_then(toml_edit::Item::as_value) {
        let decor = old.decor().clone();
        *value.decor_mut() = decor;
    } else {
        value.decor_mut().set_prefix(" ");
    }
    table.insert(key, toml_edit::Item::Value(value));
}

/// The changes as lines: `salesforce.backup.rpo_hours = 4 (was 24)`.
pub fn describe(answers: &Answers, tool: Option<&Tool>) -> Vec<String> {
    answers
        .changes
        .iter()
        .map(|(key, answer)| {
            let was = tool
                .and_then(|t| known_value(t, key))
                .map_or("not recorded".to_string(), |v| {
                    crate::report::sanitize::owned(&v)
                });
            format!(
                "{}.{key} = {answer}   (was {was})",
                crate::report::sanitize::text(&answers.tool)
            )
        })
        .collect()
}

/// All findings on a tool that the inventory would keep (used by tests and
/// the command to say what the answers close).
pub fn closable(result: &AuditResult, tool: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for f in result
        .findings
        .iter()
        .filter(|f| !f.is_waived() && f.tool.as_deref() == Some(tool))
    {
        if ITEMS.iter().any(|i| i.checks.contains(&f.check.as_str())) {
            *out.entry(f.check.to_string()).or_default() += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::Data;

    #[test]
    fn excel_serial_days_are_the_dates_excel_shows() {
        assert_eq!(serial_to_date(1.0), Some(jiff::civil::date(1900, 1, 1)));
        assert_eq!(serial_to_date(59.0), Some(jiff::civil::date(1900, 2, 28)));
        // 60 is Excel's 29 February 1900, which never was; 61 is 1 March.
        assert_eq!(serial_to_date(61.0), Some(jiff::civil::date(1900, 3, 1)));
        assert_eq!(
            serial_to_date(46348.0),
            Some(jiff::civil::date(2026, 11, 22))
        );
        assert_eq!(
            serial_to_date(46348.75),
            Some(jiff::civil::date(2026, 11, 22))
        );
        assert_eq!(serial_to_date(0.0), None);
        assert_eq!(serial_to_date(f64::NAN), None);
        assert_eq!(serial_to_date(1e12), None);
    }

    #[test]
    fn answers_are_typed_by_their_key_and_blanks_are_unanswered() {
        let parse = |key: &str, d: Data| parse_answer(item(key).unwrap(), &d);
        assert_eq!(
            parse("contract.dpa", Data::String("YES".into())),
            Ok(Some(Answer::Bool(true)))
        );
        assert_eq!(
            parse("contract.dpa", Data::Bool(false)),
            Ok(Some(Answer::Bool(false)))
        );
        assert_eq!(parse("contract.dpa", Data::String("  ".into())), Ok(None));
        assert_eq!(parse("contract.dpa", Data::Empty), Ok(None));
        assert!(parse("contract.dpa", Data::String("Partially".into())).is_err());
        assert_eq!(
            parse("backup.rpo_hours", Data::Int(4)),
            Ok(Some(Answer::Number(4.0)))
        );
        assert_eq!(
            parse("backup.rpo_hours", Data::String("1.5".into())),
            Ok(Some(Answer::Number(1.5)))
        );
        assert!(parse("backup.rpo_hours", Data::Float(f64::INFINITY)).is_err());
        assert!(parse("backup.rpo_hours", Data::Float(-0.5)).is_err());
        assert_eq!(
            parse("certifications.soc2.type", Data::Float(2.0)),
            Ok(Some(Answer::Int(2)))
        );
        assert!(parse("certifications.soc2.type", Data::Float(3.0)).is_err());
        assert_eq!(
            parse("encryption.in_transit", Data::String("TLS1.3".into())),
            Ok(Some(Answer::Text("tls1.3".into())))
        );
        assert_eq!(
            parse(
                "backup.last_restore_test",
                Data::String("2026-09-01".into())
            ),
            Ok(Some(Answer::Date(jiff::civil::date(2026, 9, 1))))
        );
        let (message, help) = parse("backup.last_restore_test", Data::Float(46000.0)).unwrap_err();
        assert!(message.contains("not formatted as a date"), "{message}");
        assert_eq!(help, "accepted: a date (YYYY-MM-DD)");
        assert_eq!(
            parse("regions", Data::String("DE; fr, de\neu".into())),
            Ok(Some(Answer::Regions(vec![
                "de".into(),
                "fr".into(),
                "eu".into()
            ])))
        );
        let (message, _) = parse("regions", Data::String("de, \u{1b}[2J".into())).unwrap_err();
        assert!(
            message.contains("\\u{1b}"),
            "control characters shown escaped: {message}"
        );
        assert!(parse("encryption.at_rest", Data::String("x".repeat(201))).is_err());
    }

    #[test]
    fn answers_go_into_the_tool_keeping_comments_and_inline_tables() {
        let text = "schema = 1\n\n# the CRM\n[[tool]]\nid = \"crm\"\nname = \"CRM\" # kept\ncategory = \"crm\"\n\n[tool.certifications]\nsoc2 = { type = 1, report_date = 2024-01-01 } # old report\n\n[tool.backup]\nrpo_hours = 48 # too long\n\n[[tool]]\nid = \"chat\"\nname = \"Chat\"\ncategory = \"chat\"\n";
        let answers = Answers {
            tool: "crm".into(),
            changes: vec![
                ("certifications.soc2.type".into(), Answer::Int(2)),
                (
                    "certifications.soc2.report_date".into(),
                    Answer::Date(jiff::civil::date(2026, 6, 30)),
                ),
                (
                    "certifications.iso27001.expires".into(),
                    Answer::Date(jiff::civil::date(2027, 1, 1)),
                ),
                ("backup.rpo_hours".into(), Answer::Number(4.0)),
                ("backup.rto_hours".into(), Answer::Number(1.5)),
                ("access.sso".into(), Answer::Bool(true)),
                ("regions".into(), Answer::Regions(vec!["de".into()])),
            ],
        };
        let out = apply_toml(text, &answers).unwrap();
        assert!(
            out.contains("# the CRM\n[[tool]]\nid = \"crm\"\nname = \"CRM\" # kept\n"),
            "{out}"
        );
        assert!(
            out.contains("soc2 = { type = 2, report_date = 2026-06-30 } # old report\n"),
            "{out}"
        );
        assert!(out.contains("iso27001 = { expires = 2027-01-01 }"), "{out}");
        assert!(
            out.contains("rpo_hours = 4 # too long\nrto_hours = 1.5\n"),
            "{out}"
        );
        assert!(out.contains("regions = [\"de\"]"), "{out}");
        // The new section belongs to the crm tool, before the next [[tool]].
        let sso = out.find("sso = true").unwrap();
        assert!(sso < out.find("id = \"chat\"").unwrap(), "{out}");
        let inv =
            crate::inventory::load_str(&out, crate::inventory::source::Format::Toml, "x.toml")
                .unwrap();
        let crm = inv.tool("crm").unwrap();
        assert_eq!(crm.access.as_ref().unwrap().sso, Some(true));
        assert_eq!(inv.tool("chat").unwrap().access, None);
        assert_eq!(
            known_value(crm, "certifications.soc2.type").as_deref(),
            Some("2")
        );
        assert_eq!(known_value(crm, "backup.rto_hours").as_deref(), Some("1.5"));

        let missing = Answers {
            tool: "nope".into(),
            changes: vec![],
        };
        assert!(
            apply_toml(text, &missing)
                .unwrap_err()
                .to_string()
                .contains("no tool with id `nope`")
        );
    }

    #[test]
    fn every_item_names_keys_and_checks_that_exist() {
        let catalogue = crate::checks::Catalogue::builtin();
        for item in ITEMS {
            for check in item.checks {
                assert!(
                    catalogue.get(check).is_some(),
                    "{}: unknown check {check}",
                    item.key
                );
            }
            let tool = crate::inventory::load_str(
                "schema = 1\n[[tool]]\nid = \"a\"\nname = \"A\"\ncategory = \"crm\"\n",
                crate::inventory::source::Format::Toml,
                "x.toml",
            )
            .unwrap()
            .tools
            .remove(0);
            assert_eq!(known_value(&tool, item.key), None, "{}", item.key);
        }
    }
}
