//! The inventory format, declared once.
//!
//! Validation (types, unknown keys, allowed values, required keys) and the
//! JSON Schema printed by `stackaudit schema` are both driven by these
//! tables, so the two cannot drift apart.

pub const CATEGORIES: &[&str] = &[
    "crm",
    "marketing-automation",
    "cdp",
    "analytics",
    "abm",
    "chat",
    "social",
    "advertising",
    "enrichment",
    "webinar",
    "email",
    "cms",
    "ipaas",
    "bi",
    "survey",
    "other",
];
pub const STATUSES: &[&str] = &["active", "evaluating", "retiring"];
pub const DATA_CLASSES: &[&str] = &[
    "pii",
    "sensitive-pii",
    "behavioral",
    "financial",
    "customer",
    "public",
];
pub const TLS_VERSIONS: &[&str] = &["tls1.3", "tls1.2", "tls1.1", "tls1.0", "none"];
pub const AT_REST_KNOWN: &[&str] = &["aes-256", "aes-128", "none"];
pub const METHODS: &[&str] = &["native", "api", "ipaas", "file", "manual"];
pub const DIRECTIONS: &[&str] = &["out", "in", "both"];
pub const SEVERITIES: &[&str] = &["critical", "high", "medium", "low", "info"];

/// The type a key's value must have.
#[derive(Debug)]
pub enum Ty {
    Str,
    /// A lower-case identifier: `[a-z0-9-]+`.
    Slug,
    /// An integer from `min` to `max`, inclusive.
    Int {
        min: i64,
        max: i64,
    },
    /// An integer or a decimal number, at least zero.
    Number,
    Bool,
    /// A calendar date: native in TOML, `YYYY-MM-DD` strings in YAML and JSON.
    Date,
    /// One of a closed set of strings.
    Enum(&'static [&'static str]),
    /// Any string; these values are recognised by checks.
    OpenEnum(&'static [&'static str]),
    /// A region code (see the region module).
    Region,
    /// An `http` or `https` URL.
    Url,
    /// A list; lists of values (not of tables) may not repeat an entry.
    List(&'static Ty),
    Table(&'static [Field]),
    /// A table with free-form keys whose values all have one type.
    Map(&'static Ty),
    /// `[tool.certifications]`: `soc2` has its own shape; any other name takes `expires`.
    Certifications,
    /// Any value (check parameters, interpreted by the check).
    Any,
}

#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub doc: &'static str,
}

const fn opt(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: false,
        doc,
    }
}

const fn req(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: true,
        doc,
    }
}

pub const ROOT: &[Field] = &[
    req(
        "schema",
        Ty::Int {
            min: 0,
            max: i64::MAX,
        },
        "Format version; must be 1.",
    ),
    opt(
        "organization",
        Ty::Table(ORGANIZATION),
        "Who the stack belongs to.",
    ),
    opt(
        "policy",
        Ty::Table(POLICY),
        "What the organisation requires of its tools.",
    ),
    opt(
        "tool",
        Ty::List(&Ty::Table(TOOL)),
        "The tools in the stack, one table each.",
    ),
    opt(
        "checks",
        Ty::Table(CHECKS),
        "Turns checks off, re-grades them, or sets their parameters.",
    ),
    opt(
        "waiver",
        Ty::List(&Ty::Table(WAIVER)),
        "Accepted risks: findings that do not fail the audit until they expire.",
    ),
];

pub const ORGANIZATION: &[Field] = &[opt(
    "name",
    Ty::Str,
    "The organisation's name, shown in reports.",
)];

pub const POLICY: &[Field] = &[
    opt(
        "system_of_record",
        Ty::Slug,
        "Tool id that integrations should lead to (usually the CRM).",
    ),
    opt(
        "allowed_regions",
        Ty::List(&Ty::Region),
        "Where personal data may be stored.",
    ),
    opt(
        "required_categories",
        Ty::List(&Ty::Enum(CATEGORIES)),
        "Categories the stack must cover with an active tool.",
    ),
    opt(
        "exclusive_categories",
        Ty::List(&Ty::Enum(CATEGORIES)),
        "Categories that should have one active tool only (default: crm, marketing-automation, cdp).",
    ),
    opt(
        "accepted_certifications",
        Ty::List(&Ty::Slug),
        "Certifications that satisfy compliance (default: soc2-type2, iso27001).",
    ),
    opt(
        "max_rpo_hours",
        Ty::Number,
        "Largest acceptable recovery point objective (default 24).",
    ),
    opt(
        "max_rto_hours",
        Ty::Number,
        "Largest acceptable recovery time objective (default 72).",
    ),
    opt(
        "max_waiver_days",
        Ty::Int {
            min: 1,
            max: MAX_DAYS,
        },
        "Longest a waiver may run from the audit date.",
    ),
    opt(
        "max_soc2_report_age_days",
        Ty::Int {
            min: 0,
            max: MAX_DAYS,
        },
        "How long a SOC 2 report counts as evidence after the end of its period (default 365); a bridge letter extends it to its own end date.",
    ),
];

/// The longest span of days any setting accepts: 100 years. Longer values
/// only carry dates past the end of the calendar.
pub const MAX_DAYS: i64 = 36_525;

pub const TOOL: &[Field] = &[
    req(
        "id",
        Ty::Slug,
        "Unique slug, referenced by integrations and waivers.",
    ),
    req("name", Ty::Str, "Product name."),
    opt("vendor", Ty::Str, "Company that sells it."),
    req("category", Ty::Enum(CATEGORIES), "What kind of tool it is."),
    opt(
        "status",
        Ty::Enum(STATUSES),
        "Lifecycle state (default active).",
    ),
    opt(
        "owner",
        Ty::Str,
        "Who is accountable for it (an e-mail address or team).",
    ),
    opt(
        "data",
        Ty::List(&Ty::Enum(DATA_CLASSES)),
        "Data classes the tool stores.",
    ),
    opt(
        "regions",
        Ty::List(&Ty::Region),
        "Where the tool stores data.",
    ),
    opt("url", Ty::Url, "The product's web site."),
    opt("trust_url", Ty::Url, "The vendor's trust or security page."),
    opt(
        "idp_app",
        Ty::Str,
        "The app's name in the identity provider, when it differs from the tool's name (audit --idp).",
    ),
    opt(
        "labels",
        Ty::Map(&Ty::Str),
        "Free-form string labels, for user-defined checks.",
    ),
    opt("contract", Ty::Table(CONTRACT), "Commercial terms."),
    opt("access", Ty::Table(ACCESS), "How people sign in."),
    opt(
        "certifications",
        Ty::Certifications,
        "Security certifications and attestation reports.",
    ),
    opt(
        "encryption",
        Ty::Table(ENCRYPTION),
        "How data is encrypted.",
    ),
    opt("backup", Ty::Table(BACKUP), "Backup and recovery."),
    opt(
        "integration",
        Ty::List(&Ty::Table(INTEGRATION)),
        "Data flows to and from other tools.",
    ),
];

pub const CONTRACT: &[Field] = &[
    opt("annual_cost", Ty::Number, "Yearly cost."),
    opt(
        "currency",
        Ty::Str,
        "ISO 4217 currency code of annual_cost.",
    ),
    opt("renewal", Ty::Date, "Next renewal date."),
    opt(
        "dpa",
        Ty::Bool,
        "Whether a data processing agreement is signed.",
    ),
];

pub const ACCESS: &[Field] = &[
    opt(
        "sso",
        Ty::Bool,
        "Single sign-on through the company identity provider.",
    ),
    opt("mfa", Ty::Bool, "Multi-factor authentication enforced."),
    opt(
        "scim",
        Ty::Bool,
        "Automated user provisioning and deprovisioning (SCIM).",
    ),
];

pub const SOC2: &[Field] = &[
    req(
        "type",
        Ty::Int {
            min: 1,
            max: i64::MAX,
        },
        "Report type: 1 or 2.",
    ),
    opt(
        "report_date",
        Ty::Date,
        "End of the period the report covers.",
    ),
    opt(
        "bridge_letter_until",
        Ty::Date,
        "Date a bridge letter extends the report to.",
    ),
];

pub const CERTIFICATE: &[Field] = &[req("expires", Ty::Date, "Expiry date of the certificate.")];

pub const ENCRYPTION: &[Field] = &[
    opt(
        "at_rest",
        Ty::OpenEnum(AT_REST_KNOWN),
        "Encryption at rest as the vendor states it: AES-256 in any spelling (AES256, aes-256-gcm, AES 256, 256-bit AES), none (also unencrypted, not encrypted, no encryption, no, false, plaintext), or anything else, which counts as weaker than AES-256.",
    ),
    opt(
        "in_transit",
        Ty::Enum(TLS_VERSIONS),
        "Lowest TLS version accepted.",
    ),
    opt(
        "customer_managed_keys",
        Ty::Bool,
        "Whether the customer can hold the keys (BYOK/CMK).",
    ),
];

pub const BACKUP: &[Field] = &[
    opt("enabled", Ty::Bool, "Whether the vendor backs the data up."),
    opt(
        "rpo_hours",
        Ty::Number,
        "Recovery point objective in hours.",
    ),
    opt("rto_hours", Ty::Number, "Recovery time objective in hours."),
    opt(
        "retention_days",
        Ty::Int {
            min: 0,
            max: i64::MAX,
        },
        "How long backups are kept.",
    ),
    opt(
        "last_restore_test",
        Ty::Date,
        "When a restore was last tested.",
    ),
    opt(
        "export",
        Ty::Bool,
        "Whether the customer can export all of its data.",
    ),
];

pub const INTEGRATION: &[Field] = &[
    req("to", Ty::Slug, "The other tool's id."),
    opt(
        "method",
        Ty::Enum(METHODS),
        "How the tools connect (default api).",
    ),
    opt(
        "direction",
        Ty::Enum(DIRECTIONS),
        "out: from this tool to `to` (default); in: the reverse; both.",
    ),
    opt(
        "data",
        Ty::List(&Ty::Enum(DATA_CLASSES)),
        "What the integration carries; left out, everything the source holds.",
    ),
];

pub const CHECKS: &[Field] = &[
    opt("disable", Ty::List(&Ty::Str), "Check ids to skip."),
    opt(
        "severity",
        Ty::Map(&Ty::Enum(SEVERITIES)),
        "New severities by check id.",
    ),
    opt(
        "params",
        Ty::Map(&Ty::Map(&Ty::Any)),
        "Parameter overrides by check id.",
    ),
];

pub const WAIVER: &[Field] = &[
    req(
        "check",
        Ty::Str,
        "The check id the waiver covers, or \"*\".",
    ),
    opt(
        "tool",
        Ty::Slug,
        "The tool; left out, the check's stack-level findings.",
    ),
    req("reason", Ty::Str, "Why the risk is accepted."),
    req("approved_by", Ty::Str, "Who accepted it."),
    req("expires", Ty::Date, "When the waiver stops applying."),
    opt("ticket", Ty::Str, "A ticket reference."),
];

/// Names of a table's keys, for "did you mean" hints and help texts.
pub fn names(fields: &[Field]) -> impl Iterator<Item = &'static str> + '_ {
    fields.iter().map(|f| f.name)
}
