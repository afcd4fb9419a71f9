//! The validated inventory: what checks read.
//!
//! Source locations are kept beside the values (`loc`, `spans`) and left out
//! of serialisation, so two inventories written in different formats compare
//! equal when they say the same thing.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::region::Region;
use super::source::Loc;
use crate::shared_str::SharedStr;

/// Defines a closed set of string values with parsing and display.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

string_enum!(Category {
    Crm = "crm",
    MarketingAutomation = "marketing-automation",
    Cdp = "cdp",
    Analytics = "analytics",
    Abm = "abm",
    Chat = "chat",
    Social = "social",
    Advertising = "advertising",
    Enrichment = "enrichment",
    Webinar = "webinar",
    Email = "email",
    Cms = "cms",
    Ipaas = "ipaas",
    Bi = "bi",
    Survey = "survey",
    Other = "other",
});

string_enum!(Status {
    Active = "active",
    Evaluating = "evaluating",
    Retiring = "retiring",
});

string_enum!(DataClass {
    Pii = "pii",
    SensitivePii = "sensitive-pii",
    Behavioral = "behavioral",
    Financial = "financial",
    Customer = "customer",
    Public = "public",
});

string_enum!(
    /// The lowest TLS version a vendor accepts, weakest last.
    Tls {
        Tls13 = "tls1.3",
        Tls12 = "tls1.2",
        Tls11 = "tls1.1",
        Tls10 = "tls1.0",
        None = "none",
    }
);

string_enum!(Method {
    Native = "native",
    Api = "api",
    Ipaas = "ipaas",
    File = "file",
    Manual = "manual",
});

string_enum!(Direction {
    Out = "out",
    In = "in",
    Both = "both",
});

/// A set of data classes, as a bit mask (there are only six classes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DataSet(u8);

impl DataSet {
    pub const EMPTY: DataSet = DataSet(0);
    /// Personal data: `pii`, `sensitive-pii`, `behavioral`.
    pub const PERSONAL: DataSet = DataSet(0b111);

    fn bit(c: DataClass) -> u8 {
        1 << (c as u8)
    }
    pub fn insert(&mut self, c: DataClass) {
        self.0 |= Self::bit(c);
    }
    pub fn contains(self, c: DataClass) -> bool {
        self.0 & Self::bit(c) != 0
    }
    pub fn union(self, other: DataSet) -> DataSet {
        DataSet(self.0 | other.0)
    }
    pub fn minus(self, other: DataSet) -> DataSet {
        DataSet(self.0 & !other.0)
    }
    pub fn intersects(self, other: DataSet) -> bool {
        self.0 & other.0 != 0
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn is_superset(self, other: DataSet) -> bool {
        other.0 & !self.0 == 0
    }
    /// The personal classes in this set.
    pub fn intersection_personal(self) -> DataSet {
        DataSet(self.0 & Self::PERSONAL.0)
    }
    /// Personal or customer data: what backups must cover and what should
    /// reach the system of record.
    pub fn has_personal_or_customer(self) -> bool {
        self.has_personal() || self.contains(DataClass::Customer)
    }
    pub fn has_personal(self) -> bool {
        self.intersects(Self::PERSONAL)
    }
    pub fn iter(self) -> impl Iterator<Item = DataClass> {
        DataClass::ALL
            .iter()
            .copied()
            .filter(move |c| self.contains(*c))
    }
    pub fn of(classes: &[DataClass]) -> DataSet {
        let mut s = DataSet::EMPTY;
        classes.iter().for_each(|c| s.insert(*c));
        s
    }
    /// "pii, customer"
    pub fn describe(self) -> String {
        self.iter()
            .map(DataClass::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Serialize for DataSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Inventory {
    #[serde(skip)]
    pub path: SharedStr,
    pub organization: Option<String>,
    pub policy: Policy,
    pub tools: Vec<Tool>,
    pub checks: ChecksConfig,
    pub waivers: Vec<Waiver>,
}

impl Inventory {
    pub fn tool(&self, id: &str) -> Option<&Tool> {
        self.tools.iter().find(|t| t.id == id)
    }
}

/// A SOC 2 report's period is evidence for a year after it ends.
pub const DEFAULT_MAX_SOC2_REPORT_AGE_DAYS: i64 = 365;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Policy {
    pub system_of_record: Option<String>,
    /// `None` when the policy sets no regions: residency is then not judged.
    pub allowed_regions: Option<Vec<Region>>,
    pub required_categories: Vec<Category>,
    pub exclusive_categories: Vec<Category>,
    pub accepted_certifications: Vec<String>,
    pub max_rpo_hours: f64,
    pub max_rto_hours: f64,
    pub max_waiver_days: Option<i64>,
    /// How long a SOC 2 report counts as evidence after its period ends.
    pub max_soc2_report_age_days: i64,
    #[serde(skip)]
    pub spans: BTreeMap<&'static str, Loc>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            system_of_record: None,
            allowed_regions: None,
            required_categories: Vec::new(),
            exclusive_categories: vec![Category::Crm, Category::MarketingAutomation, Category::Cdp],
            accepted_certifications: vec!["soc2-type2".into(), "iso27001".into()],
            max_rpo_hours: 24.0,
            max_rto_hours: 72.0,
            max_waiver_days: None,
            max_soc2_report_age_days: DEFAULT_MAX_SOC2_REPORT_AGE_DAYS,
            spans: BTreeMap::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tool {
    /// Shared with every finding about the tool.
    pub id: SharedStr,
    /// Shared with the tool's summary and the wording of its findings.
    pub name: SharedStr,
    pub vendor: Option<SharedStr>,
    pub category: Category,
    pub status: Status,
    pub owner: Option<SharedStr>,
    pub data: DataSet,
    pub regions: Vec<Region>,
    pub url: Option<SharedStr>,
    pub trust_url: Option<SharedStr>,
    /// The app's name in the identity provider (`audit --idp`).
    pub idp_app: Option<SharedStr>,
    pub labels: BTreeMap<String, String>,
    // Boxed: a large inventory's tools often leave these out, and a tool
    // without them is then 112 bytes smaller.
    pub contract: Option<Box<Contract>>,
    pub access: Option<Access>,
    pub certifications: Vec<Certification>,
    pub encryption: Option<Box<Encryption>>,
    pub backup: Option<Box<Backup>>,
    pub integrations: Vec<Integration>,
    /// Where the tool's table starts.
    #[serde(skip)]
    pub loc: Loc,
    /// Where each field was written, by dotted path (`contract.renewal`).
    #[serde(skip)]
    pub spans: Spans,
}

/// Where each field of a tool was written, by dotted path
/// (`contract.renewal`, `integration[2].to`), sorted by length, then path:
/// a lookup then compares lengths, held beside each path's pointer, and
/// reads a path's text only when the lengths match (every finding looks up
/// its field). One inventory's tools share the path texts: a map per tool of
/// its own copies was a fifth of a large inventory's model.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Spans(Vec<(SharedStr, Loc)>);

impl Spans {
    /// From paths in the order they were written; the first of a repeated
    /// path counts.
    pub fn new(mut paths: Vec<(SharedStr, Loc)>) -> Spans {
        paths.sort_by(|a, b| by_length_then_text(&a.0, &b.0));
        paths.dedup_by(|later, first| later.0 == first.0);
        paths.shrink_to_fit();
        Spans(paths)
    }

    pub fn get(&self, path: &str) -> Option<&Loc> {
        self.0
            .binary_search_by(|(p, _)| by_length_then_text(p, path))
            .ok()
            .map(|i| &self.0[i].1)
    }
}

fn by_length_then_text(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl Tool {
    /// The location of a field, or of the tool when the field is absent.
    pub fn loc_of(&self, field: &str) -> Loc {
        self.spans.get(field).copied().unwrap_or(self.loc)
    }

    /// Checked tools are those in use or under evaluation.
    pub fn is_in_scope(&self) -> bool {
        matches!(self.status, Status::Active | Status::Evaluating)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Contract {
    pub annual_cost: Option<f64>,
    pub currency: Option<String>,
    pub renewal: Option<Date>,
    pub dpa: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Access {
    pub sso: Option<bool>,
    pub mfa: Option<bool>,
    pub scim: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Certification {
    /// `soc2`, `iso27001`, or any other name.
    pub name: String,
    /// SOC 2 only: 1 or 2.
    pub soc2_type: Option<i64>,
    pub report_date: Option<Date>,
    pub bridge_letter_until: Option<Date>,
    pub expires: Option<Date>,
}

impl Certification {
    /// The name policies use: `soc2-type2` for a SOC 2 Type II report, else the name.
    pub fn policy_name(&self) -> String {
        match self.soc2_type {
            Some(t) if self.name == "soc2" => format!("soc2-type{t}"),
            _ => self.name.clone(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Encryption {
    pub at_rest: Option<String>,
    pub in_transit: Option<Tls>,
    pub customer_managed_keys: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Backup {
    pub enabled: Option<bool>,
    pub rpo_hours: Option<f64>,
    pub rto_hours: Option<f64>,
    pub retention_days: Option<i64>,
    pub last_restore_test: Option<Date>,
    pub export: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Integration {
    pub to: String,
    pub method: Method,
    pub direction: Direction,
    /// `None`: carries everything the source holds.
    pub data: Option<DataSet>,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ChecksConfig {
    pub disable: Vec<Located<String>>,
    pub severity: Vec<(Located<String>, String)>,
    /// Parameter overrides by check id, as JSON values, each located.
    pub params: BTreeMap<String, Located<BTreeMap<String, Located<serde_json::Value>>>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Waiver {
    pub check: String,
    pub tool: Option<String>,
    pub reason: String,
    pub approved_by: String,
    pub expires: Date,
    pub ticket: Option<String>,
    #[serde(skip)]
    pub loc: Loc,
    /// The `--waivers` file it came from; `None` for the inventory itself.
    #[serde(skip)]
    pub file: Option<String>,
}

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Located<T> {
    pub value: T,
    #[serde(skip)]
    pub loc: Loc,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_find_every_path_whatever_its_length_and_keep_the_first_of_a_repeat() {
        let paths = [
            "owner",
            "data",
            "name",
            "contract.renewal",
            "integration[0].to",
        ];
        let mut written: Vec<(SharedStr, Loc)> = paths
            .iter()
            .enumerate()
            .map(|(i, p)| ((*p).into(), Loc::new(i as u32 + 1, 1)))
            .collect();
        written.push(("data".into(), Loc::new(99, 1)));
        let spans = Spans::new(written);
        for (i, p) in paths.iter().enumerate() {
            assert_eq!(spans.get(p), Some(&Loc::new(i as u32 + 1, 1)), "{p}");
        }
        // Same length as a written path, different text; and no such length.
        assert_eq!(spans.get("date"), None);
        assert_eq!(spans.get("regions"), None);
        assert_eq!(spans.get(""), None);
    }
}
