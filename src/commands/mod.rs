//! One file per subcommand. Each turns its command-line arguments into the
//! engine's own options, calls the engine, writes the output through
//! [`crate::output`] and returns the exit code. This is the only layer below
//! `run` that knows the command line; the engine knows none of it.

pub mod audit;
pub mod checks;
pub mod completions;
pub mod diff;
pub mod discover;
pub mod gate;
pub mod graph;
pub mod import;
pub mod init;
pub mod man;
pub mod probe;
pub mod questionnaire;
pub mod schema;
pub mod validate;

use std::path::Path;

use anyhow::Result;
use jiff::civil::Date;

use crate::checks::Severity;
use crate::cli::FailOn;
use crate::inventory::{self, Inventory, LoadOptions};

/// The day dates are judged on: `--as-of`, or today in the local time zone
/// (UTC when it cannot be determined).
pub fn as_of_or_today(as_of: Option<Date>) -> Date {
    as_of.unwrap_or_else(|| jiff::Zoned::now().date())
}

/// Loads the stack, pointing a first-time user at `init` when it is missing.
pub fn load_stack(path: &Path, options: &LoadOptions) -> Result<Inventory> {
    if !path.exists() && path == Path::new("stack.toml") {
        anyhow::bail!(
            "no stack.toml in this folder; name an inventory file (stackaudit validate FILE) or create one with `stackaudit init`"
        );
    }
    Ok(inventory::load(path, options)?)
}

/// `--fail-on never` fails on nothing.
impl From<FailOn> for Option<Severity> {
    fn from(fail_on: FailOn) -> Option<Severity> {
        match fail_on {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

impl From<crate::cli::TextFormat> for crate::report::TextFormat {
    fn from(format: crate::cli::TextFormat) -> crate::report::TextFormat {
        use crate::cli::TextFormat as Cli;
        use crate::report::TextFormat as Engine;
        match format {
            Cli::Table => Engine::Table,
            Cli::Json => Engine::Json,
            Cli::Markdown => Engine::Markdown,
            Cli::Xlsx => Engine::Xlsx,
        }
    }
}

/// The format of a `gate` or `diff` report: `--format`, else the one the
/// `--output` extension names, else plain text.
pub fn text_format(
    flag: Option<crate::cli::TextFormat>,
    output: Option<&Path>,
) -> Result<crate::report::TextFormat> {
    use crate::report::{Format, TextFormat};
    if let Some(f) = flag {
        return Ok(f.into());
    }
    Ok(
        match output.and_then(crate::output::format_from_extension) {
            None | Some(Format::Table) => TextFormat::Table,
            Some(Format::Json) => TextFormat::Json,
            Some(Format::Markdown) => TextFormat::Markdown,
            Some(Format::Xlsx) => TextFormat::Xlsx,
            Some(other) => anyhow::bail!(
                "this report is written as table, json, markdown or xlsx, not {}; give --format",
                format!("{other:?}").to_lowercase()
            ),
        },
    )
}

/// Writes a `gate` or `diff` report to `output` (atomically) or standard
/// output; a workbook is never printed on a terminal.
pub fn write_text_report(
    bytes: &[u8],
    format: crate::report::TextFormat,
    output: Option<&Path>,
) -> Result<()> {
    use std::io::IsTerminal;
    match output {
        Some(path) => crate::output::write_atomically(path, bytes),
        None => {
            if format == crate::report::TextFormat::Xlsx && std::io::stdout().is_terminal() {
                crate::output::refuse_binary_to_terminal("report.xlsx")?;
            }
            crate::output::write_stdout(bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fail_on_names_its_severity_and_never_names_none() {
        use clap::ValueEnum;
        for fail_on in FailOn::value_variants() {
            let name = fail_on.to_possible_value().unwrap().get_name().to_string();
            let threshold: Option<Severity> = (*fail_on).into();
            assert_eq!(
                threshold.map(|s| s.as_str().to_string()),
                (name != "never").then_some(name)
            );
        }
    }

    #[test]
    fn an_explicit_as_of_wins_over_today() {
        let day: Date = "2020-02-29".parse().unwrap();
        assert_eq!(as_of_or_today(Some(day)), day);
    }
}
