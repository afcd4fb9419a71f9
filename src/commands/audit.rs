//! `stackaudit audit`: load, audit, render with one reporter, exit code.

use std::io::IsTerminal;

use anyhow::Result;

use super::{as_of_or_today, load_stack};
use crate::audit::baseline::Baseline;
use crate::audit::{AuditOptions, audit, known_from_base};
use crate::checks::Catalogue;
use crate::cli::{AuditArgs, ColorChoice, GroupBy, OutputFormat};
use crate::inventory::LoadOptions;
use crate::output::{
    EXIT_FINDINGS, EXIT_OK, Input, format_from_extension, refuse_binary_to_terminal,
    refuse_overwriting_inputs, write_atomically, write_atomically_with, write_stdout,
    write_stdout_with,
};
use crate::report::{self, Format, RenderOptions};

impl From<OutputFormat> for Format {
    fn from(format: OutputFormat) -> Format {
        match format {
            OutputFormat::Table => Format::Table,
            OutputFormat::Json => Format::Json,
            OutputFormat::Markdown => Format::Markdown,
            OutputFormat::Csv => Format::Csv,
            OutputFormat::Sarif => Format::Sarif,
            OutputFormat::Junit => Format::Junit,
            OutputFormat::Github => Format::Github,
            OutputFormat::Html => Format::Html,
            OutputFormat::Xlsx => Format::Xlsx,
        }
    }
}

impl From<GroupBy> for report::GroupBy {
    fn from(group_by: GroupBy) -> report::GroupBy {
        match group_by {
            GroupBy::Tool => report::GroupBy::Tool,
            GroupBy::Control => report::GroupBy::Control,
        }
    }
}

/// Every file `audit` reads, for the guard that keeps outputs off them.
fn inputs(args: &AuditArgs) -> Vec<Input<'_>> {
    let mut inputs = vec![Input::new("the inventory", &args.stack)];
    let optional = [
        ("the --waivers file", &args.waivers),
        ("the --baseline file", &args.baseline),
        ("the --base inventory", &args.base),
        ("the --evidence file", &args.evidence),
        ("the --idp export", &args.idp),
    ];
    for (role, path) in optional {
        if let Some(p) = path {
            inputs.push(Input::new(role, p));
        }
    }
    for p in &args.probe.ca_cert {
        inputs.push(Input::new("a --ca-cert file", p));
    }
    inputs
}

/// The command line of this run, for `--output report.md` instead of
/// standard output and without `--max-bytes`: the full Markdown report.
fn full_report_command() -> String {
    let mut words = vec!["stackaudit".to_string()];
    // `args_os`: a path that is not UTF-8 must not make the run panic.
    let mut args = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned());
    while let Some(a) = args.next() {
        match a.as_str() {
            "-o" | "--output" | "--max-bytes" => {
                args.next();
            }
            _ if a.starts_with("--output=") || a.starts_with("--max-bytes=") => {}
            _ => words.push(shell_word(&a)),
        }
    }
    words.push("--output".into());
    words.push("report.md".into());
    words.join(" ")
}

/// Quotes a word for a POSIX shell when it needs it.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
    if plain {
        word.to_string()
    } else {
        format!(
            "'{}'",
            crate::report::sanitize::text(word).replace('\'', "'\\''")
        )
    }
}

pub fn run(args: AuditArgs, load: &LoadOptions, color: ColorChoice) -> Result<u8> {
    let inputs = inputs(&args);
    if let Some(path) = &args.output {
        refuse_overwriting_inputs(path, "--output", &inputs, &args.checks_dirs)?;
    }
    if let Some(path) = &args.write_baseline {
        refuse_overwriting_inputs(path, "--write-baseline", &inputs, &args.checks_dirs)?;
        if args.output.as_deref().is_some_and(|o| o == path) {
            anyhow::bail!(
                "--output and --write-baseline name the same file {}; give each its own",
                path.display()
            );
        }
    }
    let mut inventory = load_stack(&args.stack, load)?;
    if let Some(path) = &args.waivers {
        let extra = crate::inventory::load_waivers(path, load, &inventory)?;
        inventory.waivers.extend(extra);
    }
    let catalogue = Catalogue::load(&args.checks_dirs)?;
    let mut options = AuditOptions {
        only_tools: args.tools.clone(),
        fail_on: args.fail_on.into(),
        // Only the workbook shows every fact of every tool.
        tool_facts: args
            .format
            .map(Format::from)
            .or_else(|| args.output.as_deref().and_then(format_from_extension))
            == Some(Format::Xlsx),
        ..AuditOptions::new(as_of_or_today(args.as_of))
    };
    if let Some(path) = &args.idp {
        options.idp = Some(crate::import::idp::read(path, load.max_input_size)?);
    }
    options.evidence = if args.online {
        Some(crate::probe::collect(
            &inventory,
            &super::probe::options(&args.probe)?,
        )?)
    } else {
        match &args.evidence {
            Some(path) => {
                let evidence = crate::probe::evidence::Evidence::read(path, load.max_input_size)?;
                // An audit as of a day cannot rest on evidence from after it.
                if let Some(day) = evidence.collected_on()
                    && day > options.as_of
                {
                    return Err(crate::diagnostic::InputError::single(
                        path.display().to_string(),
                        crate::diagnostic::Diagnostic::file(format!(
                            "the evidence was collected on {day}, after the audit date {}",
                            options.as_of
                        ))
                        .help("audit as of the collection day or later (--as-of), or collect evidence again"),
                    )
                    .into());
                }
                Some(evidence)
            }
            None => None,
        }
    };
    let known = match (&args.baseline, &args.base) {
        (Some(path), _) => Some(Baseline::read(path, load.max_input_size)?.known(&inventory)),
        (None, Some(old)) => {
            let base = crate::audit::without_repeated_waivers(crate::inventory::load(old, load)?);
            Some(known_from_base(&base, &inventory, &catalogue, &options)?)
        }
        (None, None) => None,
    };
    options.known = known;
    let result = audit(&inventory, &catalogue, &options)?;
    if let Some(path) = &args.write_baseline {
        // A baseline records every current finding, not only the new ones.
        let full = match options.known {
            Some(_) => &audit(
                &inventory,
                &catalogue,
                &AuditOptions {
                    known: None,
                    ..options.clone()
                },
            )?,
            None => &result,
        };
        write_atomically(path, &Baseline::from_result(full).to_json())?;
    }
    let code = if result.fails() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    let line = report::summary_line(&result);
    if args.quiet && args.output.is_none() {
        write_stdout(format!("{line}\n").as_bytes())?;
        return Ok(code);
    }

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let format = args
        .format
        .map(Format::from)
        .or_else(|| args.output.as_deref().and_then(format_from_extension))
        // The readable report wherever it goes (a file, a CI log), as ruff
        // and cargo-deny do; JSON is asked for by name or by `.json`.
        .unwrap_or(Format::Table);
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
        // A pull-request comment is read from standard output; a file is
        // complete unless a cap is asked for.
        max_bytes: args.max_bytes.or(args
            .output
            .is_none()
            .then_some(report::markdown::COMMENT_LIMIT)),
        full_report_command: Some(full_report_command()),
        source_root: (format == Format::Sarif)
            .then(|| {
                report::sarif::SourceRoot::discover(
                    std::iter::once(result.stack_path.as_str()).chain(
                        result
                            .findings
                            .iter()
                            .filter_map(|f| f.location.as_ref().map(|l| l.file.as_str())),
                    ),
                )
            })
            .flatten(),
    };
    if format == Format::Xlsx && to_terminal {
        refuse_binary_to_terminal("review.xlsx")?;
    }
    let group_by = args.group_by.into();
    match &args.output {
        Some(path) => write_atomically_with(path, |out| {
            report::write_grouped(&result, format, group_by, &render, out)
        })?,
        None => {
            write_stdout_with(|out| report::write_grouped(&result, format, group_by, &render, out))?
        }
    }
    // The process ends after this command: handing the large structures back
    // to the allocator one by one would take a tenth of a big run.
    std::mem::forget(result);
    std::mem::forget(inventory);
    if args.quiet {
        write_stdout(format!("{line}\n").as_bytes())?;
        return Ok(code);
    }
    // CI logs get the verdict on one line, whatever the report format.
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        eprintln!("{line}");
    }
    Ok(code)
}

fn terminal_width() -> Option<u16> {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_flag_value_is_one_engine_format_of_the_same_name() {
        use clap::ValueEnum;
        let from_flags: Vec<Format> = OutputFormat::value_variants()
            .iter()
            .map(|f| Format::from(*f))
            .collect();
        // `Format::ALL` is what tests and benchmarks render every format
        // from: a format missing from it would go untested.
        assert_eq!(from_flags, Format::ALL);
        for flag in OutputFormat::value_variants() {
            let name = flag.to_possible_value().unwrap().get_name().to_string();
            // Error messages name a format by its lowercased variant.
            assert_eq!(format!("{:?}", Format::from(*flag)).to_lowercase(), name);
        }
    }
}
