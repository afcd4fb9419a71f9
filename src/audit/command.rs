//! `stackaudit audit`: load, audit, render with one reporter, exit code.

use std::io::IsTerminal;

use anyhow::Result;

use super::{AuditOptions, audit};
use crate::checks::{Catalogue, Severity};
use crate::cli::{AuditArgs, ColorChoice, FailOn, GroupBy, OutputFormat};
use crate::inventory::LoadOptions;
use crate::report::{self, RenderOptions};
use crate::run::{EXIT_FINDINGS, EXIT_OK, load_stack, write_atomically, write_stdout};

pub fn fail_threshold(fail_on: FailOn) -> Option<Severity> {
    match fail_on {
        FailOn::Critical => Some(Severity::Critical),
        FailOn::High => Some(Severity::High),
        FailOn::Medium => Some(Severity::Medium),
        FailOn::Low => Some(Severity::Low),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    }
}

/// Today in the local time zone (UTC when it cannot be determined).
pub fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

pub fn run(args: AuditArgs, load: &LoadOptions, color: ColorChoice) -> Result<u8> {
    let inventory = load_stack(&args.stack, load)?;
    let catalogue = Catalogue::load(&args.checks_dirs)?;
    let options = AuditOptions {
        as_of: args.as_of.unwrap_or_else(today),
        only_tools: args.tools.clone(),
        fail_on: fail_threshold(args.fail_on),
    };
    let result = audit(&inventory, &catalogue, &options)?;

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let format = args
        .format
        .or_else(|| {
            args.output
                .as_deref()
                .and_then(OutputFormat::from_extension)
        })
        .unwrap_or(if to_terminal {
            OutputFormat::Table
        } else {
            OutputFormat::Json
        });
    let use_color = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let render = RenderOptions {
        color: use_color,
        width: if to_terminal { terminal_width() } else { None },
    };
    let bytes = match args.group_by {
        GroupBy::Tool => report::render(&result, format, &render)?,
        GroupBy::Control => report::render_controls(&result, format, &render)?,
    };
    match &args.output {
        Some(path) => write_atomically(path, &bytes)?,
        None => write_stdout(&bytes)?,
    }
    Ok(if result.fails() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn terminal_width() -> Option<u16> {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok())
}
