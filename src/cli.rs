//! Command-line definitions. Every flag documents itself here once; the text
//! feeds `--help`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCandidates;

use crate::commands::completions::{check_id_candidates, tool_id_candidates};

/// `stackaudit --version`: the version and the size of the built-in catalogue.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("STACKAUDIT_BUILTIN_CHECKS"),
    " built-in checks)"
);

#[derive(Debug, Parser)]
#[command(
    name = "stackaudit",
    version = VERSION,
    about = "Audit a marketing-technology stack inventory for integration, compliance, residency, security and contract gaps",
    after_help = "Exit codes: 0 success, 1 findings at or above --fail-on, 2 invalid input or usage error."
)]
pub struct Cli {
    /// Largest input file read, in bytes
    #[arg(long, global = true, value_name = "BYTES", default_value_t = crate::inventory::DEFAULT_MAX_INPUT_SIZE)]
    pub max_input_size: u64,

    /// When to colour terminal output (NO_COLOR is honoured with `auto`)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

// Parsed once per run: the size of the largest variant (`audit`'s many
// options) costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check an inventory for errors, reporting every problem at once
    Validate {
        /// The inventory file (.toml, .yaml, .yml or .json)
        #[arg(default_value = "stack.toml")]
        stack: PathBuf,
        /// A folder of extra check definitions that `[checks]` may name (repeatable)
        #[arg(long = "checks", value_name = "DIR")]
        checks_dirs: Vec<PathBuf>,
        /// Judge waiver lengths (policy.max_waiver_days) as of this day (YYYY-MM-DD); default today
        #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
        as_of: Option<jiff::civil::Date>,
        /// Also check the [[waiver]] entries in this file (TOML, YAML or JSON), as `audit --waivers` reads them
        #[arg(long, value_name = "FILE")]
        waivers: Option<PathBuf>,
    },
    /// Write a starter inventory (TOML or YAML with comments, or JSON)
    Init {
        /// Where to write it; the extension (.toml, .yaml, .yml, .json) picks the format
        #[arg(default_value = "stack.toml")]
        path: PathBuf,
        /// Overwrite an existing file
        #[arg(long)]
        force: bool,
    },
    /// Print the JSON Schema of the inventory format, for editors
    Schema,
    /// Audit an inventory and report gaps
    Audit(AuditArgs),
    /// Compare two versions of an inventory: tools and fields changed, findings introduced and resolved
    Diff(DiffArgs),
    /// Decide whether a proposed tool may join the stack, and what the vendor must fix first
    Gate(GateArgs),
    /// Collect evidence from vendors' public endpoints: HTTPS, certificates, HSTS, security.txt, trust pages
    Probe {
        /// The inventory file
        #[arg(default_value = "stack.toml")]
        stack: PathBuf,
        /// Write the evidence file (JSON) here
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        probe: ProbeArgs,
    },
    /// Draw the integration graph (Graphviz DOT or Mermaid)
    Graph {
        /// The inventory file
        #[arg(default_value = "stack.toml")]
        stack: PathBuf,
        /// Output format
        #[arg(long, short = 'f', value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
        /// Judge dates as of this day (YYYY-MM-DD), for marking tools with high findings
        #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
        as_of: Option<jiff::civil::Date>,
        /// Write to this file instead of standard output
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write a vendor security questionnaire (XLSX) for one tool, or read a filled-in one back
    Questionnaire(QuestionnaireArgs),
    /// Create an inventory from a spreadsheet (CSV, XLSX, ODS) or an identity provider's app list
    Import(ImportArgs),
    /// Read the app list from the identity provider (Okta) into a file for `audit --idp`
    Discover(DiscoverArgs),
    /// List the available checks or explain one
    Checks {
        #[command(subcommand)]
        command: ChecksCommand,
    },
    /// Print the shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(
        after_help = "Load it:\n  source <(stackaudit completions bash)    # or zsh\n  \
        stackaudit completions fish | source\nTab asks `stackaudit` on PATH, so check ids \
        and the tool ids of ./stack.toml complete too."
    )]
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: clap_complete::Shell,
        /// A self-contained script: subcommands, options and fixed values, without check or tool ids
        #[arg(long = "static")]
        static_script: bool,
    },
    /// Write the manual pages (the top page, or one page per subcommand with --dir)
    Man {
        /// Write stackaudit.1 and one stackaudit-<subcommand>.1 per subcommand into this folder (created if missing)
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The inventory file (.toml, .yaml, .yml or .json)
    #[arg(default_value = "stack.toml")]
    pub stack: PathBuf,

    /// Report format (default: from the --output extension, else table)
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<OutputFormat>,

    /// Exit 1 when a finding is at or above this severity
    #[arg(long, value_enum, default_value_t = FailOn::High)]
    pub fail_on: FailOn,

    /// Judge dates as of this day (YYYY-MM-DD); default today
    #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
    pub as_of: Option<jiff::civil::Date>,

    /// A folder of extra check definitions (repeatable)
    #[arg(long = "checks", value_name = "DIR")]
    pub checks_dirs: Vec<PathBuf>,

    /// Audit only these tools (repeatable); stack-level checks still run
    #[arg(long = "tool", value_name = "ID", add = ArgValueCandidates::new(tool_id_candidates))]
    pub tools: Vec<String>,

    /// Write the report to this file instead of standard output (atomically)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also apply the [[waiver]] entries in this file (TOML, YAML or JSON)
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,

    /// Record the current findings, by fingerprint, in this file
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Report only findings that are not in this baseline file
    #[arg(long, value_name = "FILE", conflicts_with = "base")]
    pub baseline: Option<PathBuf>,

    /// Report only findings that this inventory has and the base version OLD has not
    #[arg(long, value_name = "OLD")]
    pub base: Option<PathBuf>,

    /// Compare with this identity-provider app list (Okta JSON, Entra or Google CSV): unlisted apps, unverified SSO
    #[arg(long, value_name = "EXPORT")]
    pub idp: Option<PathBuf>,

    /// Judge this evidence file (from `stackaudit probe`) as well, offline
    #[arg(long, value_name = "FILE", conflicts_with = "online")]
    pub evidence: Option<PathBuf>,

    /// Probe vendors' endpoints now and judge the evidence (network access)
    #[arg(long)]
    pub online: bool,

    #[command(flatten)]
    pub probe: ProbeArgs,

    /// Print only the one-line summary (a report named by --output is still written)
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Cap a Markdown report at this many bytes, leaving out the least severe
    /// findings first (default: GitHub's comment limit, 65536, on standard
    /// output only; a file named by --output is complete unless this is given)
    #[arg(long, value_name = "BYTES")]
    pub max_bytes: Option<usize>,

    /// Arrange the report by tool (default) or by framework control (table, markdown, json)
    #[arg(long, value_enum, default_value_t = GroupBy::Tool)]
    pub group_by: GroupBy,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The spreadsheet or export: .csv, .xlsx, .ods, or an identity provider's app list
    pub source: PathBuf,
    /// Read only this sheet of a workbook (default: every sheet with a tool list)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// A TOML file mapping column headers to inventory keys (see --print-map)
    #[arg(long, value_name = "MAPPING.toml")]
    pub map: Option<PathBuf>,
    /// Print the column mapping that would be used, to edit and pass to --map
    #[arg(long)]
    pub print_map: bool,
    /// The kind of source (default: from the extension and the header row)
    #[arg(long, value_enum, value_name = "KIND")]
    pub from: Option<ImportFrom>,
    /// The CSV delimiter: a character, or `tab` (default: sniffed)
    #[arg(long, value_name = "C", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// How to read all-number dates whose day is 12 or less, e.g. 03/04/2026
    #[arg(long, value_enum, value_name = "ORDER")]
    pub date_format: Option<DateFormat>,
    /// Write what could be read and list the unreadable cells as comments
    #[arg(long)]
    pub keep_going: bool,
    /// Merge into this existing inventory: add missing tools, fill missing keys, keep everything else
    #[arg(long, value_name = "STACK")]
    pub into: Option<PathBuf>,
    /// Write the inventory here (default: standard output; with --into, the STACK file itself)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace an existing --output file
    #[arg(long)]
    pub force: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportFrom {
    Csv,
    Xlsx,
    Ods,
    /// Okta apps list (JSON, as GET /api/v1/apps returns it)
    Okta,
    /// Microsoft Entra ID "Enterprise applications" CSV download
    Entra,
    /// Google Workspace "App access control" connected-apps CSV download
    Google,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DateFormat {
    /// Day/month/year
    Dmy,
    /// Month/day/year
    Mdy,
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// The Okta organisation's domain, e.g. example.okta.com (token from OKTA_API_TOKEN)
    #[arg(long, value_name = "DOMAIN")]
    pub okta_domain: String,
    /// Write the apps list (JSON) here instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub probe: ProbeArgs,
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() && s != "\"" && s != "\n" => Ok(s.as_bytes()[0]),
        _ => Err(format!("`{s}` is not one ASCII character (or `tab`)")),
    }
}

/// Limits and safety settings of HTTP probing.
#[derive(Clone, Debug, Args)]
pub struct ProbeArgs {
    /// Connect timeout per request, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    pub connect_timeout: f64,
    /// Whole-request timeout, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 15.0)]
    pub timeout: f64,
    /// Retries for connection failures, 5xx and 429 answers
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub retries: u32,
    /// Longest Retry-After honoured, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub max_retry_after: f64,
    /// Requests in flight at once (at most 2 to one host)
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub concurrency: usize,
    /// Allow loopback, private, link-local and other internal addresses (intranet tools, tests)
    #[arg(long)]
    pub allow_private: bool,
    /// Exempt this host name from the address guard (repeatable), e.g. an intranet tool
    #[arg(long, value_name = "HOST")]
    pub allow_host: Vec<String>,
    /// Send requests through this proxy (environment proxy settings are ignored)
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Also trust the root certificate(s) in this PEM file (repeatable)
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Vec<PathBuf>,
    /// Time limit for the whole probe run, in seconds; tools still probing then are recorded as "budget exceeded"
    #[arg(long, value_name = "SECONDS", default_value_t = 300.0)]
    pub max_time: f64,
    /// Time limit per tool (all its fetches, redirects, retries and waits), in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub tool_budget: f64,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier inventory (e.g. the base branch's)
    pub old: PathBuf,
    /// The later inventory (e.g. the pull request's)
    pub new: PathBuf,
    /// Output format (default: from the --output extension, else table)
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<TextFormat>,
    /// Exit 1 when an introduced finding is at or above this severity
    #[arg(long, value_enum, default_value_t = FailOn::High)]
    pub fail_on: FailOn,
    /// Judge dates as of this day (YYYY-MM-DD); default today
    #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
    pub as_of: Option<jiff::civil::Date>,
    /// A folder of extra check definitions (repeatable)
    #[arg(long = "checks", value_name = "DIR")]
    pub checks_dirs: Vec<PathBuf>,
    /// Write the report to this file instead of standard output (atomically); .xlsx, .json, .md pick the format
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct GateArgs {
    /// A file holding one [[tool]] that a team proposes to adopt
    pub candidate: PathBuf,
    /// The current stack
    #[arg(long, default_value = "stack.toml")]
    pub stack: PathBuf,
    /// Output format (default: from the --output extension, else table)
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<TextFormat>,
    /// Judge dates as of this day (YYYY-MM-DD); default today
    #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
    pub as_of: Option<jiff::civil::Date>,
    /// A folder of extra check definitions (repeatable)
    #[arg(long = "checks", value_name = "DIR")]
    pub checks_dirs: Vec<PathBuf>,
    /// Write the report to this file instead of standard output (atomically); .xlsx, .json, .md pick the format
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct QuestionnaireArgs {
    /// The tool's id in the stack, or a `gate` candidate file holding one [[tool]]
    #[arg(required_unless_present = "read", conflicts_with = "read")]
    pub tool: Option<String>,
    /// The current stack
    #[arg(long, default_value = "stack.toml")]
    pub stack: PathBuf,
    /// Write the questionnaire to this file (.xlsx) instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Read a filled-in questionnaire and print the inventory changes its answers make
    #[arg(long, value_name = "FILE")]
    pub read: Option<PathBuf>,
    /// With --read: write the changes into this inventory or candidate file (TOML), keeping comments and layout
    #[arg(long, value_name = "STACK", requires = "read")]
    pub into: Option<PathBuf>,
    /// Judge dates as of this day (YYYY-MM-DD); default today
    #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
    pub as_of: Option<jiff::civil::Date>,
    /// A folder of extra check definitions (repeatable)
    #[arg(long = "checks", value_name = "DIR")]
    pub checks_dirs: Vec<PathBuf>,
}

/// Formats of the `diff` and `gate` reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    /// Plain text for terminals and logs
    Table,
    Json,
    /// Pull-request comments
    Markdown,
    /// An Excel workbook (write it with -o FILE.xlsx or to a pipe)
    Xlsx,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GroupBy {
    Tool,
    Control,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT
    Dot,
    /// Mermaid (renders in GitHub Markdown)
    Mermaid,
}

#[derive(Debug, Subcommand)]
pub enum ChecksCommand {
    /// List every check: id, family, severity, title
    List {
        /// Also load definitions from this folder (repeatable)
        #[arg(long = "checks", value_name = "DIR")]
        checks_dirs: Vec<PathBuf>,
    },
    /// Show everything about one check
    Explain {
        /// The check id, e.g. backup-rpo-exceeded
        #[arg(add = ArgValueCandidates::new(check_id_candidates))]
        id: String,
        /// Also load definitions from this folder (repeatable)
        #[arg(long = "checks", value_name = "DIR")]
        checks_dirs: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Terminal tables grouped by tool
    Table,
    /// Machine-readable report (stable, schema_version 1)
    Json,
    /// Pull-request comments and documents
    Markdown,
    /// One row per finding, for spreadsheets
    Csv,
    /// SARIF 2.1.0 for code scanning
    Sarif,
    /// JUnit XML for GitLab, Jenkins and other CI dashboards
    Junit,
    /// GitHub Actions annotations
    Github,
    /// A self-contained page for procurement reviews
    Html,
    /// An Excel workbook: summary with chart, tools, findings, controls, vendor questions
    Xlsx,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    Never,
}

pub fn parse_as_of(s: &str) -> Result<jiff::civil::Date, String> {
    crate::inventory::validate::parse_date(s)
        .map_err(|e| format!("`{s}` is not a date in the form YYYY-MM-DD ({e})"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_version_counts_the_builtin_catalogue() {
        let checks = crate::checks::Catalogue::builtin().checks.len();
        assert_eq!(
            super::VERSION,
            format!("{} ({checks} built-in checks)", env!("CARGO_PKG_VERSION"))
        );
    }
}
