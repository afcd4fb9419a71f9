//! Cell values as people write them in spreadsheets: yes/no in a dozen
//! spellings, dates in several orders, costs with currency signs and
//! thousands separators, regions by country name, categories by synonym.
//!
//! Every reader returns `Ok(None)` for "not known" (blank, `n/a`, `TBD`,
//! `-`), `Ok(Some(_))` for a value, and `Err(Unreadable)` naming what the
//! cell should have held, so the caller can report it with its address.

use jiff::civil::Date;

use crate::inventory::region::Region;
use crate::inventory::spec;

/// A cell as read from a spreadsheet or CSV file.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A date cell (spreadsheets store these as day counts with a date format).
    Date(Date),
    /// A formula whose result was never saved, or an error value (`#REF!`).
    Broken(String),
}

impl Cell {
    /// The cell as text, for messages and free-text columns.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => format_number(*n),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Broken(s) => s.clone(),
        }
    }

    /// Trimmed text with runs of white space (including no-break spaces)
    /// collapsed to one space.
    pub fn clean(&self) -> String {
        clean(&self.text())
    }
}

pub fn clean(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{feff}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// What a cell that could not be read should have been, for the message
/// `cannot read "…" as WHAT` and its `accepted: …` help.
#[derive(Clone, Debug, PartialEq)]
pub struct Unreadable {
    pub what: &'static str,
    pub accepted: String,
    /// The value is well formed but could mean two things (03/04/2026):
    /// `accepted` then says how to settle it.
    pub ambiguous: bool,
}

impl Unreadable {
    fn new(what: &'static str, accepted: impl Into<String>) -> Unreadable {
        Unreadable {
            what,
            accepted: accepted.into(),
            ambiguous: false,
        }
    }

    /// The `help:` line of the message.
    pub fn help(&self) -> String {
        if self.ambiguous {
            self.accepted.clone()
        } else {
            format!("accepted: {}", self.accepted)
        }
    }
}

pub type Read<T> = Result<Option<T>, Unreadable>;

/// Blank, `n/a`, `TBD`, `-` and the like: the key is left out.
pub fn is_unknown(cell: &Cell) -> bool {
    match cell {
        Cell::Empty => true,
        Cell::Text(s) => {
            let s = clean(s).to_lowercase();
            matches!(
                s.as_str(),
                "" | "n/a"
                    | "na"
                    | "n.a."
                    | "n/k"
                    | "tbd"
                    | "tba"
                    | "tbc"
                    | "-"
                    | "--"
                    | "–"
                    | "—"
                    | "?"
                    | "??"
                    | "unknown"
                    | "not known"
                    | "not sure"
                    | "unsure"
            )
        }
        _ => false,
    }
}

const BOOL_ACCEPTED: &str =
    "yes, no, y, n, true, false, ✓, ✗, x, 1, 0, a TRUE/FALSE cell; blank or n/a when not known";

pub fn boolean(cell: &Cell) -> Read<bool> {
    if is_unknown(cell) {
        return Ok(None);
    }
    let bad = || Unreadable::new("yes or no", BOOL_ACCEPTED);
    match cell {
        Cell::Bool(b) => Ok(Some(*b)),
        Cell::Number(n) if *n == 1.0 => Ok(Some(true)),
        Cell::Number(n) if *n == 0.0 => Ok(Some(false)),
        Cell::Text(s) => {
            let s = clean(s).to_lowercase();
            // "Yes (Okta)", "no - planned": the first word decides.
            let first = s
                .split(|c: char| c.is_whitespace() || "(,;:-".contains(c))
                .find(|w| !w.is_empty())
                .unwrap_or("");
            match first {
                "yes" | "y" | "true" | "✓" | "✔" | "✅" | "1" | "x" | "enabled" | "on"
                | "signed" | "ja" | "oui" | "si" | "sí" => Ok(Some(true)),
                "no" | "n" | "false" | "✗" | "✘" | "❌" | "0" | "disabled" | "off" | "none"
                | "nein" | "non" => Ok(Some(false)),
                _ => Err(bad()),
            }
        }
        _ => Err(bad()),
    }
}

/// Which order an all-numeric date such as `03/04/2026` is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    /// Day, month, year (most of the world).
    Dmy,
    /// Month, day, year (the United States).
    Mdy,
}

const DATE_ACCEPTED: &str = "a date cell, 2026-12-31, 31/12/2026, 12/31/2026 (with --date-format dmy|mdy when the day is 12 or less), Dec 31, 2026, 31 Dec 2026, an Excel serial date; blank or n/a when not known";

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month(word: &str) -> Option<i8> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.len() < 3 {
        return None;
    }
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    MONTHS
        .iter()
        .zip(full)
        .position(|(short, long)| {
            w == *short
                || (long.starts_with(&w) && w.len() >= 3)
                || (w == "sept" && *short == "sep")
        })
        .map(|i| i as i8 + 1)
}

/// An Excel serial day number (1900 date system) as a date.
pub fn excel_serial(serial: f64) -> Option<Date> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    // Excel counts 1900-02-29, which never was: serials from 61 on are one
    // day ahead of a count from 1899-12-31.
    let base: Date = Date::new(1899, 12, 31).ok()?;
    let offset = if days >= 61 { days - 1 } else { days };
    base.checked_add(jiff::Span::new().try_days(offset).ok()?)
        .ok()
}

fn ymd(y: i64, m: i64, d: i64) -> Option<Date> {
    let y = if (0..100).contains(&y) { 2000 + y } else { y };
    if !(1900..=9999).contains(&y) {
        return None;
    }
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

pub fn date(cell: &Cell, order: Option<DateOrder>) -> Read<Date> {
    if is_unknown(cell) {
        return Ok(None);
    }
    let bad = || Unreadable::new("a date", DATE_ACCEPTED);
    match cell {
        Cell::Date(d) => Ok(Some(*d)),
        Cell::Number(n) if (20_000.0..=80_000.0).contains(n) => {
            excel_serial(*n).map(Some).ok_or_else(bad)
        }
        Cell::Text(s) => {
            let s = clean(s);
            if let Some(d) = text_date(&s, order)? {
                return Ok(Some(d));
            }
            // A serial date that travelled through a CSV file.
            match s.parse::<f64>() {
                Ok(n) if (20_000.0..=80_000.0).contains(&n) => {
                    excel_serial(n).map(Some).ok_or_else(bad)
                }
                _ => Err(bad()),
            }
        }
        _ => Err(bad()),
    }
}

fn text_date(s: &str, order: Option<DateOrder>) -> Result<Option<Date>, Unreadable> {
    let bad = || Unreadable::new("a date", DATE_ACCEPTED);
    // A date-time from a CSV export: keep the day.
    let s = s
        .split(['T', ' '])
        .next()
        .filter(|head| head.len() == 10 && head.as_bytes()[4] == b'-' && s.len() > 10)
        .unwrap_or(s);
    let s = s.trim_end_matches(['.', ',']).trim();
    let parts: Vec<&str> = s
        .split(|c: char| "/-. ,".contains(c))
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() != 3 {
        return Ok(None);
    }
    let nums: Vec<Option<i64>> = parts
        .iter()
        .map(|p| {
            let p = p.trim_end_matches(|c: char| c.is_alphabetic()); // 31st
            (p.len() <= 4 && !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        })
        .collect();
    match (nums[0], nums[1], nums[2]) {
        // 2026-12-31, 2026/12/31
        (Some(y), Some(m), Some(d)) if parts[0].len() == 4 => {
            ymd(y, m, d).map(Some).ok_or_else(bad)
        }
        (Some(a), Some(b), Some(y)) if parts[2].len() == 4 || parts[2].len() == 2 => {
            let (d, m) = match (a > 12, b > 12, order) {
                (true, false, _) => (a, b),
                (false, true, _) => (b, a),
                (true, true, _) => return Err(bad()),
                (false, false, _) if a == b => (a, b),
                (false, false, Some(DateOrder::Dmy)) => (a, b),
                (false, false, Some(DateOrder::Mdy)) => (b, a),
                (false, false, None) => {
                    return Err(Unreadable {
                        ambiguous: true,
                        ..Unreadable::new(
                            "a date",
                            format!(
                                "{a:02}/{b:02} could be day/month or month/day: say which with --date-format dmy or --date-format mdy, or write the date as {y}-MM-DD"
                            ),
                        )
                    });
                }
            };
            ymd(y, m, d).map(Some).ok_or_else(bad)
        }
        // 31 Dec 2026
        (Some(d), None, Some(y)) => match month(parts[1]) {
            Some(m) => ymd(y, i64::from(m), d).map(Some).ok_or_else(bad),
            None => Ok(None),
        },
        // Dec 31, 2026
        (None, Some(d), Some(y)) => match month(parts[0]) {
            Some(m) => ymd(y, i64::from(m), d).map(Some).ok_or_else(bad),
            None => Ok(None),
        },
        _ => Ok(None),
    }
}

/// A cost and the currency its notation names, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct Cost {
    pub amount: f64,
    pub currency: Option<&'static str>,
}

const COST_ACCEPTED: &str =
    "a number such as 12000, $12,000, 12.000 €, EUR 12k, 1.2M; blank or n/a when not known";

const CURRENCY_CODES: &[&str] = &[
    "USD", "EUR", "GBP", "CHF", "JPY", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN", "CZK",
    "INR", "SGD", "HKD", "BRL", "MXN", "ZAR", "CNY",
];

/// The ISO code for a currency word or sign.
pub fn currency(word: &str) -> Option<&'static str> {
    let w = clean(word).to_uppercase();
    let code = match w.as_str() {
        "$" | "US$" | "DOLLAR" | "DOLLARS" => "USD",
        "€" | "EURO" | "EUROS" => "EUR",
        "£" | "POUND" | "POUNDS" => "GBP",
        "¥" => "JPY",
        "A$" => "AUD",
        "C$" | "CA$" => "CAD",
        "FR." => "CHF",
        "KR" => return None,
        other => return CURRENCY_CODES.iter().find(|c| **c == other).copied(),
    };
    Some(code)
}

pub fn cost(cell: &Cell) -> Read<Cost> {
    if is_unknown(cell) {
        return Ok(None);
    }
    let bad = || Unreadable::new("an annual cost", COST_ACCEPTED);
    match cell {
        Cell::Number(n) if *n >= 0.0 && n.is_finite() => Ok(Some(Cost {
            amount: *n,
            currency: None,
        })),
        Cell::Text(s) => parse_cost(&clean(s)).map(Some).ok_or_else(bad),
        _ => Err(bad()),
    }
}

fn parse_cost(s: &str) -> Option<Cost> {
    let mut s = s.to_string();
    for suffix in ["/yr", "/year", " per year", " p.a.", " pa", " a year", "/y"] {
        let cut = s.len().saturating_sub(suffix.len());
        if s.is_char_boundary(cut) && s[cut..].eq_ignore_ascii_case(suffix) {
            s.truncate(cut);
        }
    }
    // Split the text into the currency part and the number part.
    let mut found: Option<&'static str> = None;
    let mut number = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, found: &mut Option<&'static str>| -> bool {
        if word.is_empty() {
            return true;
        }
        let ok = match currency(word) {
            Some(c) if found.is_none_or(|f| f == c) => {
                *found = Some(c);
                true
            }
            _ => false,
        };
        word.clear();
        ok
    };
    for c in s.chars() {
        if c.is_ascii_digit() || c == ',' || c == '.' || c == '\'' {
            if !flush(&mut word, &mut found) {
                return None;
            }
            number.push(c);
        } else if c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}' {
            if !flush(&mut word, &mut found) {
                return None;
            }
        } else if (c == 'k' || c == 'K' || c == 'm' || c == 'M')
            && !number.is_empty()
            && word.is_empty()
        {
            number.push(c.to_ascii_lowercase());
        } else {
            if "$€£¥".contains(c)
                && !word.is_empty()
                && !word.ends_with(['A', 'C', 'S', 'U'])
                && !flush(&mut word, &mut found)
            {
                return None;
            }
            word.push(c);
            if "$€£¥".contains(c) && !flush(&mut word, &mut found) {
                return None;
            }
        }
    }
    if !flush(&mut word, &mut found) {
        return None;
    }
    let multiplier = match number.chars().last() {
        Some('k') => 1_000.0,
        Some('m') => 1_000_000.0,
        _ => 1.0,
    };
    let digits = number.trim_end_matches(['k', 'm']);
    if digits.contains(['k', 'm']) || digits.is_empty() {
        return None;
    }
    let amount = plain_number(digits)? * multiplier;
    (amount.is_finite() && amount >= 0.0).then_some(Cost {
        amount: (amount * 100.0).round() / 100.0,
        currency: found,
    })
}

/// `12,000.50`, `12.000,50`, `12'000`, `12.000` (thousands), `12,5` (decimal).
fn plain_number(s: &str) -> Option<f64> {
    let s = s.replace('\'', "");
    let last_comma = s.rfind(',');
    let last_dot = s.rfind('.');
    let (thousands, decimal) = match (last_comma, last_dot) {
        (Some(c), Some(d)) if c > d => ('.', Some(',')),
        (Some(_), Some(_)) => (',', Some('.')),
        (Some(_), None) => single_separator(&s, ','),
        (None, Some(_)) => single_separator(&s, '.'),
        (None, None) => (',', None),
    };
    let mut out = String::new();
    for (i, part) in s.split(thousands).enumerate() {
        if i > 0
            && part
                .split(decimal.unwrap_or('\0'))
                .next()
                .is_none_or(|p| p.len() != 3)
        {
            return None;
        }
        out.push_str(part);
    }
    if let Some(d) = decimal {
        if out.matches(d).count() > 1 {
            return None;
        }
        out = out.replace(d, ".");
    }
    out.parse().ok()
}

/// With one kind of separator: groups of exactly three digits after it
/// (`12,000`, `1.250.000`) are thousands; anything else is a decimal mark.
fn single_separator(s: &str, sep: char) -> (char, Option<char>) {
    let groups: Vec<&str> = s.split(sep).collect();
    let thousands = groups.len() > 2 || groups.last().is_some_and(|g| g.len() == 3);
    if thousands {
        (sep, None)
    } else {
        (if sep == ',' { '.' } else { ',' }, Some(sep))
    }
}

const REGION_ACCEPTED: &str = "region codes (eu, us, de, uk, apac, global), country names (Germany, United Kingdom), cloud regions (US-East, eu-west-1), separated by commas; blank or n/a when not known";

/// Country and area names people write, to region codes.
const REGION_NAMES: &[(&str, &str)] = &[
    ("europe", "eu"),
    ("european union", "eu"),
    ("emea", "eea"),
    ("eea", "eea"),
    ("asia pacific", "apac"),
    ("asia-pacific", "apac"),
    ("asia", "apac"),
    ("worldwide", "global"),
    ("world", "global"),
    ("multi region", "global"),
    ("multi-region", "global"),
    ("united states", "us"),
    ("united states of america", "us"),
    ("usa", "us"),
    ("u.s.", "us"),
    ("u.s.a.", "us"),
    ("america", "us"),
    ("north america", "us"),
    ("united kingdom", "gb"),
    ("great britain", "gb"),
    ("britain", "gb"),
    ("england", "gb"),
    ("germany", "de"),
    ("deutschland", "de"),
    ("france", "fr"),
    ("ireland", "ie"),
    ("netherlands", "nl"),
    ("the netherlands", "nl"),
    ("holland", "nl"),
    ("belgium", "be"),
    ("luxembourg", "lu"),
    ("spain", "es"),
    ("portugal", "pt"),
    ("italy", "it"),
    ("austria", "at"),
    ("switzerland", "ch"),
    ("sweden", "se"),
    ("norway", "no"),
    ("denmark", "dk"),
    ("finland", "fi"),
    ("iceland", "is"),
    ("poland", "pl"),
    ("czech republic", "cz"),
    ("czechia", "cz"),
    ("canada", "ca"),
    ("mexico", "mx"),
    ("brazil", "br"),
    ("australia", "au"),
    ("new zealand", "nz"),
    ("japan", "jp"),
    ("singapore", "sg"),
    ("india", "in"),
    ("hong kong", "hk"),
    ("south korea", "kr"),
    ("korea", "kr"),
    ("china", "cn"),
    ("israel", "il"),
    ("south africa", "za"),
    ("uae", "ae"),
    ("united arab emirates", "ae"),
    ("frankfurt", "de"),
    ("dublin", "ie"),
    ("london", "gb"),
    ("paris", "fr"),
    ("amsterdam", "nl"),
    ("sydney", "au"),
    ("tokyo", "jp"),
    ("virginia", "us"),
    ("oregon", "us"),
    ("ohio", "us"),
    ("california", "us"),
    ("montreal", "ca"),
    ("toronto", "ca"),
];

/// One region as written, to a region code.
fn one_region(raw: &str) -> Option<Region> {
    let w = clean(raw).to_lowercase();
    let w = w.trim_matches(|c: char| c == '.' || c == '*');
    if let Some(r) = Region::parse(w) {
        return Some(r);
    }
    if let Some((_, code)) = REGION_NAMES.iter().find(|(name, _)| *name == w) {
        return Region::parse(code);
    }
    // "EU (Frankfurt)", "US - East", "US-East", "us-east-1", "eu-central-1",
    // "ap-southeast-2": the leading area decides.
    let head = w.split(['(', '-', ' ', '_']).find(|p| !p.is_empty())?;
    let start = w.find(head).unwrap_or(0);
    let rest = &w[start + head.len()..];
    let cloudish = rest.trim_start_matches(['-', ' ', '_']);
    let looks_like_region_suffix = cloudish.is_empty()
        || cloudish.starts_with('(')
        || [
            "east",
            "west",
            "north",
            "south",
            "central",
            "southeast",
            "northeast",
            "1",
            "2",
            "3",
        ]
        .iter()
        .any(|d| cloudish.starts_with(d));
    if !looks_like_region_suffix {
        return None;
    }
    match head {
        "ap" => Some(Region::Apac),
        "na" => Region::parse("us"),
        h => Region::parse(h).or_else(|| {
            REGION_NAMES
                .iter()
                .find(|(name, _)| *name == h)
                .and_then(|(_, code)| Region::parse(code))
        }),
    }
}

pub fn regions(cell: &Cell) -> Read<Vec<Region>> {
    if is_unknown(cell) {
        return Ok(None);
    }
    let text = cell.clean();
    let mut out: Vec<Region> = Vec::new();
    for part in text
        .split([',', ';', '/', '&', '+', '|', '\n'])
        .flat_map(|p| p.split(" and "))
    {
        if clean(part).is_empty() {
            continue;
        }
        match one_region(part) {
            Some(r) if !out.contains(&r) => out.push(r),
            Some(_) => {}
            None => return Err(Unreadable::new("a region", REGION_ACCEPTED)),
        }
    }
    Ok((!out.is_empty()).then_some(out))
}

/// Words people use for each category.
const CATEGORY_SYNONYMS: &[(&str, &[&str])] = &[
    (
        "crm",
        &["crm", "customer relationship management", "sales crm"],
    ),
    (
        "marketing-automation",
        &[
            "marketing automation",
            "map",
            "marketing automation platform",
            "automation",
            "email marketing",
            "nurture",
            "lead nurturing",
        ],
    ),
    ("cdp", &["cdp", "customer data platform", "customer data"]),
    (
        "analytics",
        &[
            "analytics",
            "web analytics",
            "product analytics",
            "attribution",
            "tracking",
            "measurement",
        ],
    ),
    (
        "abm",
        &[
            "abm",
            "account based marketing",
            "account-based marketing",
            "intent",
            "intent data",
        ],
    ),
    (
        "chat",
        &[
            "chat",
            "live chat",
            "chatbot",
            "conversational marketing",
            "messaging",
            "support chat",
        ],
    ),
    (
        "social",
        &[
            "social",
            "social media",
            "social media management",
            "social listening",
        ],
    ),
    (
        "advertising",
        &[
            "advertising",
            "ads",
            "paid media",
            "paid ads",
            "ad platform",
            "ppc",
            "paid social",
            "display",
        ],
    ),
    (
        "enrichment",
        &[
            "enrichment",
            "data enrichment",
            "contact data",
            "prospecting",
            "lead data",
        ],
    ),
    (
        "webinar",
        &[
            "webinar",
            "webinars",
            "events",
            "virtual events",
            "video conferencing",
            "video",
        ],
    ),
    (
        "email",
        &[
            "email",
            "e mail",
            "transactional email",
            "email delivery",
            "newsletter",
            "esp",
        ],
    ),
    (
        "cms",
        &[
            "cms",
            "content management",
            "website",
            "web cms",
            "content",
            "landing pages",
            "dam",
        ],
    ),
    (
        "ipaas",
        &[
            "ipaas",
            "integration",
            "integrations",
            "integration platform",
            "automation platform",
            "etl",
            "reverse etl",
            "workflow automation",
        ],
    ),
    (
        "bi",
        &[
            "bi",
            "business intelligence",
            "reporting",
            "dashboards",
            "data warehouse",
            "warehouse",
        ],
    ),
    ("survey", &["survey", "surveys", "forms", "feedback", "nps"]),
    ("other", &["other", "misc", "miscellaneous"]),
];

fn words(s: &str) -> String {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A category name or synonym to its category; `None` for anything unknown
/// (the caller files it under `other` with a warning).
pub fn category(text: &str) -> Option<&'static str> {
    let w = words(text);
    if let Some(c) = spec::CATEGORIES.iter().find(|c| words(c) == w) {
        return Some(c);
    }
    CATEGORY_SYNONYMS
        .iter()
        .find(|(_, syn)| syn.iter().any(|s| words(s) == w))
        .map(|(c, _)| *c)
}

const DATA_ACCEPTED: &str = "pii, sensitive-pii, behavioral, financial, customer, public, or words like personal data, contacts, health data, web events, payment data, accounts; separated by commas";

fn one_data_class(raw: &str) -> Option<&'static str> {
    let w = words(raw);
    if let Some(c) = spec::DATA_CLASSES.iter().find(|c| words(c) == w) {
        return Some(c);
    }
    let class = match w.as_str() {
        "personal"
        | "personal data"
        | "contacts"
        | "contact data"
        | "leads"
        | "emails"
        | "email addresses"
        | "names"
        | "personal information"
        | "pi"
        | "contact info" => "pii",
        "sensitive"
        | "sensitive personal data"
        | "health"
        | "health data"
        | "special category"
        | "special category data"
        | "phi" => "sensitive-pii",
        "behavioural" | "behaviour" | "behavior" | "behavioural data" | "behavioral data"
        | "web events" | "events" | "tracking" | "clickstream" | "usage" | "usage data"
        | "cookies" => "behavioral",
        "finance" | "financial data" | "payment" | "payments" | "payment data" | "billing"
        | "invoices" => "financial",
        "customers" | "customer data" | "accounts" | "account data" | "company data"
        | "crm data" => "customer",
        "public data" | "none" | "marketing content" => "public",
        _ => return None,
    };
    Some(class)
}

pub fn data_classes(cell: &Cell) -> Read<Vec<&'static str>> {
    if is_unknown(cell) {
        return Ok(None);
    }
    let mut out: Vec<&'static str> = Vec::new();
    for part in cell
        .clean()
        .split([',', ';', '/', '&', '+', '|', '\n'])
        .flat_map(|p| p.split(" and "))
    {
        if clean(part).is_empty() {
            continue;
        }
        match one_data_class(part) {
            Some(c) if !out.contains(&c) => out.push(c),
            Some(_) => {}
            None => return Err(Unreadable::new("a data class", DATA_ACCEPTED)),
        }
    }
    Ok((!out.is_empty()).then_some(out))
}

const STATUS_ACCEPTED: &str = "active (also live, in use, yes), evaluating (trial, pilot, poc), retiring (sunset, deprecated, offboarding)";

pub fn status(cell: &Cell) -> Read<&'static str> {
    if is_unknown(cell) {
        return Ok(None);
    }
    let w = words(&cell.text());
    let s = match w.as_str() {
        "active" | "live" | "in use" | "yes" | "production" | "current" | "in production"
        | "approved" => "active",
        "evaluating" | "evaluation" | "trial" | "pilot" | "poc" | "proof of concept"
        | "testing" | "in review" | "proposed" => "evaluating",
        "retiring" | "sunset" | "sunsetting" | "deprecated" | "offboarding" | "being replaced"
        | "to be retired" | "decommissioning" | "retire" => "retiring",
        _ => return Err(Unreadable::new("a status", STATUS_ACCEPTED)),
    };
    Ok(Some(s))
}

const URL_ACCEPTED: &str = "a web address such as https://www.example.com or example.com";

/// A URL, with `https://` added to a bare host name (`hubspot.com`).
pub fn url(cell: &Cell) -> Read<String> {
    if is_unknown(cell) {
        return Ok(None);
    }
    let bad = || Unreadable::new("a URL", URL_ACCEPTED);
    let s = cell.clean();
    if s.contains(' ') {
        return Err(bad());
    }
    let with_scheme = if s.contains("://") {
        s.clone()
    } else if s.contains('.') {
        format!("https://{s}")
    } else {
        return Err(bad());
    };
    match url::Url::parse(&with_scheme) {
        Ok(u)
            if (u.scheme() == "https" || u.scheme() == "http")
                && u.host_str()
                    .is_some_and(|h| h.contains('.') || h == "localhost")
                && u.username().is_empty()
                && u.password().is_none() =>
        {
            Ok(Some(with_scheme))
        }
        _ => Err(bad()),
    }
}

const SOC2_ACCEPTED: &str = "Type 1, Type 2, Type I, Type II, 1, 2; yes or no when the type is not known; blank or n/a when not known";

/// What a "SOC 2" column says: a report type, or only that there is (or
/// is not) a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Soc2 {
    Type(i64),
    /// "yes" without a type: recorded as a comment, since the inventory
    /// needs the type.
    UntypedYes,
    No,
}

pub fn soc2(cell: &Cell) -> Read<Soc2> {
    if is_unknown(cell) {
        return Ok(None);
    }
    let bad = || Unreadable::new("a SOC 2 report type", SOC2_ACCEPTED);
    if let Cell::Number(n) = cell {
        return match *n as i64 {
            1 | 2 if n.fract() == 0.0 => Ok(Some(Soc2::Type(*n as i64))),
            _ => Err(bad()),
        };
    }
    if let Cell::Bool(b) = cell {
        return Ok(Some(if *b { Soc2::UntypedYes } else { Soc2::No }));
    }
    let w = words(&cell.text());
    let w = w
        .trim_start_matches("soc 2 ")
        .trim_start_matches("soc2 ")
        .trim_start_matches("yes ")
        .trim_start_matches("report ");
    let t = match w {
        "2" | "ii" | "type 2" | "type ii" | "t2" | "type2" => Soc2::Type(2),
        "1" | "i" | "type 1" | "type i" | "t1" | "type1" => Soc2::Type(1),
        _ => match boolean(cell) {
            Ok(Some(true)) => Soc2::UntypedYes,
            Ok(Some(false)) => Soc2::No,
            _ => return Err(bad()),
        },
    };
    Ok(Some(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Whatever a cell holds, every reader answers instead of panicking.
        #[test]
        fn no_reader_panics_on_any_text(s in "\\PC{0,40}", n in proptest::num::f64::ANY) {
            for cell in [Cell::Text(s.clone()), Cell::Number(n)] {
                let _ = boolean(&cell);
                let _ = date(&cell, None);
                let _ = date(&cell, Some(DateOrder::Dmy));
                let _ = cost(&cell);
                let _ = regions(&cell);
                let _ = data_classes(&cell);
                let _ = status(&cell);
                let _ = url(&cell);
                let _ = soc2(&cell);
            }
            let _ = category(&s);
            let _ = currency(&s);
        }
    }

    fn t(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn booleans_as_people_write_them() {
        for yes in ["yes", "Y", "TRUE", "✓", "Yes (Okta)", " yes "] {
            assert_eq!(boolean(&t(yes)), Ok(Some(true)), "{yes}");
        }
        for no in ["no", "N", "false", "✗", "No - planned"] {
            assert_eq!(boolean(&t(no)), Ok(Some(false)), "{no}");
        }
        assert_eq!(boolean(&Cell::Bool(true)), Ok(Some(true)));
        for unknown in ["", "n/a", "TBD", "-", "  ", "?"] {
            assert_eq!(boolean(&t(unknown)), Ok(None), "{unknown}");
        }
        assert!(boolean(&t("partially")).is_err());
    }

    #[test]
    fn dates_in_every_written_form() {
        let day = Some(d("2026-12-31"));
        for s in [
            "2026-12-31",
            "31/12/2026",
            "12/31/2026",
            "Dec 31, 2026",
            "31 Dec 2026",
            "31 December 2026",
            "31.12.2026",
            "2026/12/31",
            "2026-12-31T00:00:00",
        ] {
            assert_eq!(date(&t(s), None), Ok(day), "{s}");
        }
        assert_eq!(date(&Cell::Number(46387.0), None), Ok(day));
        assert_eq!(date(&t("46387"), None), Ok(day));
        assert_eq!(date(&Cell::Date(d("2026-12-31")), None), Ok(day));
        // Excel's serial 60 is its fictional 1900-02-29; 61 is March 1st.
        assert_eq!(excel_serial(61.0), Some(d("1900-03-01")));
        assert_eq!(excel_serial(59.0), Some(d("1900-02-28")));
    }

    #[test]
    fn an_ambiguous_day_month_order_needs_a_date_format() {
        let err = date(&t("03/04/2026"), None).unwrap_err();
        assert!(err.accepted.contains("--date-format"), "{err:?}");
        assert_eq!(
            date(&t("03/04/2026"), Some(DateOrder::Dmy)),
            Ok(Some(d("2026-04-03")))
        );
        assert_eq!(
            date(&t("03/04/2026"), Some(DateOrder::Mdy)),
            Ok(Some(d("2026-03-04")))
        );
        assert_eq!(date(&t("04/04/2026"), None), Ok(Some(d("2026-04-04"))));
        assert!(date(&t("Q3 2026"), None).is_err());
        assert!(date(&t("31/02/2026"), None).is_err());
        assert!(date(&t("next year"), None).is_err());
    }

    #[test]
    fn costs_with_signs_codes_separators_and_suffixes() {
        let c = |s: &str| cost(&t(s)).unwrap().unwrap();
        assert_eq!(
            c("$12,000"),
            Cost {
                amount: 12000.0,
                currency: Some("USD")
            }
        );
        assert_eq!(
            c("12.000 €"),
            Cost {
                amount: 12000.0,
                currency: Some("EUR")
            }
        );
        assert_eq!(
            c("EUR 12k"),
            Cost {
                amount: 12000.0,
                currency: Some("EUR")
            }
        );
        assert_eq!(
            c("£1,250.50"),
            Cost {
                amount: 1250.5,
                currency: Some("GBP")
            }
        );
        assert_eq!(
            c("12.000,50 EUR"),
            Cost {
                amount: 12000.5,
                currency: Some("EUR")
            }
        );
        assert_eq!(
            c("1.2M"),
            Cost {
                amount: 1_200_000.0,
                currency: None
            }
        );
        assert_eq!(
            c("9500"),
            Cost {
                amount: 9500.0,
                currency: None
            }
        );
        assert_eq!(
            c("CHF 4'800"),
            Cost {
                amount: 4800.0,
                currency: Some("CHF")
            }
        );
        assert_eq!(
            c("$8,400/yr"),
            Cost {
                amount: 8400.0,
                currency: Some("USD")
            }
        );
        assert_eq!(
            c("US$ 3,000"),
            Cost {
                amount: 3000.0,
                currency: Some("USD")
            }
        );
        assert_eq!(cost(&Cell::Number(4200.0)).unwrap().unwrap().amount, 4200.0);
        for bad in ["free-ish", "$12,00,0", "EUR 5 USD", "12k5", "about 5k"] {
            assert!(cost(&t(bad)).is_err(), "{bad}");
        }
        assert_eq!(cost(&t("TBD")), Ok(None));
    }

    #[test]
    fn regions_by_code_name_and_cloud_region() {
        let r = |s: &str| {
            regions(&t(s))
                .unwrap()
                .unwrap()
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        assert_eq!(r("EU"), "eu");
        assert_eq!(r("Germany"), "de");
        assert_eq!(r("US-East"), "us");
        assert_eq!(r("United Kingdom"), "gb");
        assert_eq!(r("EU, US"), "eu,us");
        assert_eq!(r("eu-west-1 / us-east-1"), "eu,us");
        assert_eq!(r("EU (Frankfurt)"), "eu");
        assert_eq!(r("ap-southeast-2"), "apac");
        assert_eq!(r("Germany and France"), "de,fr");
        assert_eq!(r("Global"), "global");
        assert!(regions(&t("Mars")).is_err());
        assert!(regions(&t("on-prem")).is_err());
        assert!(
            regions(&t("-ééé")).is_err(),
            "a separator before non-ASCII text"
        );
    }

    #[test]
    fn categories_by_synonym() {
        assert_eq!(
            category("Marketing Automation"),
            Some("marketing-automation")
        );
        assert_eq!(category("MAP"), Some("marketing-automation"));
        assert_eq!(category("email marketing"), Some("marketing-automation"));
        assert_eq!(category("CRM"), Some("crm"));
        assert_eq!(category(" Web Analytics "), Some("analytics"));
        assert_eq!(category("iPaaS"), Some("ipaas"));
        assert_eq!(category("Project management"), None);
    }

    #[test]
    fn soc2_types_and_bare_answers() {
        assert_eq!(soc2(&t("Type II")), Ok(Some(Soc2::Type(2))));
        assert_eq!(soc2(&t("SOC 2 Type 1")), Ok(Some(Soc2::Type(1))));
        assert_eq!(soc2(&Cell::Number(2.0)), Ok(Some(Soc2::Type(2))));
        assert_eq!(soc2(&t("yes")), Ok(Some(Soc2::UntypedYes)));
        assert_eq!(soc2(&t("No")), Ok(Some(Soc2::No)));
        assert!(soc2(&t("in progress")).is_err());
    }

    #[test]
    fn urls_get_a_scheme_and_reject_credentials() {
        assert_eq!(
            url(&t("hubspot.com")),
            Ok(Some("https://hubspot.com".into()))
        );
        assert_eq!(
            url(&t("https://www.gong.io/")),
            Ok(Some("https://www.gong.io/".into()))
        );
        assert!(url(&t("https://user:pw@example.com")).is_err());
        assert!(url(&t("our wiki")).is_err());
    }
}
