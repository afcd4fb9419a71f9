//! Runs one command and turns its outcome into an exit code.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use crate::cli::{Cli, Command};
use crate::diagnostic::InputError;
use crate::inventory::{self, LoadOptions};
pub use crate::output::{EXIT_FINDINGS, EXIT_INVALID, EXIT_OK, write_atomically, write_stdout};
use crate::output::{Input, print_line, refuse_overwriting_inputs};

/// The starter inventory in each format `init` writes (JSON has no comments).
const INIT_TOML: &str = include_str!("../templates/init.toml");
const INIT_YAML: &str = include_str!("../templates/init.yaml");
const INIT_JSON: &str = include_str!("../templates/init.json");

/// The starter for `path`, in the format its extension names.
pub fn init_template(path: &Path) -> Result<&'static str> {
    use crate::inventory::source::Format;
    match Format::from_path(path) {
        Some(Format::Toml) => Ok(INIT_TOML),
        Some(Format::Yaml) => Ok(INIT_YAML),
        Some(Format::Json) => Ok(INIT_JSON),
        None => anyhow::bail!(
            "cannot tell the format of {} from its extension; name the file .toml, .yaml, .yml or .json",
            path.display()
        ),
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap exits 0 for --help and --version, 2 for usage errors.
            return ExitCode::from(if e.use_stderr() {
                EXIT_INVALID
            } else {
                EXIT_OK
            });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if let Some(input) = e.downcast_ref::<InputError>() {
                eprintln!("{input}");
            } else {
                eprintln!("error: {e:#}");
            }
            ExitCode::from(EXIT_INVALID)
        }
    }
}

pub fn run(cli: Cli) -> Result<u8> {
    let load_options = LoadOptions {
        max_input_size: cli.max_input_size,
    };
    match cli.command {
        Command::Validate {
            stack,
            checks_dirs,
            as_of,
        } => {
            let inv = load_stack(&stack, &load_options)?;
            // `[checks]` must name real checks and parameters.
            let catalogue = crate::checks::Catalogue::load(&checks_dirs)?;
            crate::audit::configure(&inv, &catalogue)?;
            // Waivers must name known checks and respect policy.max_waiver_days (from --as-of, default today).
            let ids: Vec<&str> = catalogue.checks.iter().map(|c| c.id.as_str()).collect();
            let as_of = as_of.unwrap_or_else(crate::audit::command::today);
            crate::audit::check_waivers(&inv, &ids, as_of)?;
            let integrations: usize = inv.tools.iter().map(|t| t.integrations.len()).sum();
            print_line(&format!(
                "{}: valid ({} tools, {} integrations)",
                crate::report::sanitize::text(&stack.display().to_string()),
                inv.tools.len(),
                integrations
            ))?;
            Ok(EXIT_OK)
        }
        Command::Init { path, force } => {
            if path.exists() && !force {
                anyhow::bail!(
                    "{} already exists; pass --force to overwrite it",
                    path.display()
                );
            }
            write_atomically(&path, init_template(&path)?.as_bytes())?;
            print_line(&format!(
                "wrote {}; edit it, then run `stackaudit validate {}`",
                path.display(),
                path.display()
            ))?;
            Ok(EXIT_OK)
        }
        Command::Schema => {
            let schema = inventory::schema::json_schema();
            write_stdout(format!("{}\n", serde_json::to_string_pretty(&schema)?).as_bytes())?;
            Ok(EXIT_OK)
        }
        Command::Audit(args) => crate::audit::command::run(args, &load_options, cli.color),
        Command::Checks { command } => crate::checks::command::run(command),
        Command::Probe {
            stack,
            output,
            probe,
        } => {
            if let Some(path) = &output {
                let ca_certs: Vec<Input> = probe
                    .ca_cert
                    .iter()
                    .map(|p| Input::new("a --ca-cert file", p))
                    .collect();
                let mut inputs = vec![Input::new("the inventory", &stack)];
                inputs.extend(ca_certs);
                refuse_overwriting_inputs(path, "--output", &inputs, &[])?;
            }
            let inventory = load_stack(&stack, &load_options)?;
            let options = crate::probe::ProbeOptions::from_args(&probe)?;
            let evidence = crate::probe::collect(&inventory, &options)?;
            if let Some(path) = &output {
                let mut bytes = serde_json::to_vec_pretty(&evidence)?;
                bytes.push(b'\n');
                write_atomically(path, &bytes)?;
            }
            write_stdout(crate::probe::summary_table(&evidence).as_bytes())?;
            let reach = crate::probe::evidence::Reach::of(&evidence);
            if reach.probed > 0 && reach.reached == 0 {
                eprintln!(
                    "error: no vendor host could be reached ({} tools probed); check the network, DNS or --proxy. The evidence records every failure, and `audit --evidence` judges none of them against the vendors",
                    reach.probed
                );
                return Ok(EXIT_INVALID);
            }
            Ok(EXIT_OK)
        }
        Command::Diff(args) => crate::audit::command::diff(args, &load_options),
        Command::Gate(args) => crate::audit::gate::run(args, &load_options),
        Command::Graph {
            stack,
            format,
            as_of,
            output,
        } => {
            if let Some(path) = &output {
                refuse_overwriting_inputs(
                    path,
                    "--output",
                    &[Input::new("the inventory", &stack)],
                    &[],
                )?;
            }
            let inventory = load_stack(&stack, &load_options)?;
            let options = crate::audit::AuditOptions {
                fail_on: None,
                ..crate::audit::AuditOptions::new(
                    as_of.unwrap_or_else(crate::audit::command::today),
                )
            };
            let result =
                crate::audit::audit(&inventory, &crate::checks::Catalogue::builtin(), &options)?;
            let text = match format {
                crate::cli::GraphFormat::Dot => crate::report::graph::dot(&result),
                crate::cli::GraphFormat::Mermaid => crate::report::graph::mermaid(&result),
            };
            match output {
                Some(path) => write_atomically(&path, text.as_bytes())?,
                None => write_stdout(text.as_bytes())?,
            }
            Ok(EXIT_OK)
        }
    }
}

/// Loads the stack, pointing a first-time user at `init` when it is missing.
pub fn load_stack(path: &Path, options: &LoadOptions) -> Result<inventory::Inventory> {
    if !path.exists() && path == Path::new("stack.toml") {
        anyhow::bail!(
            "no stack.toml in this folder; name an inventory file (stackaudit validate FILE) or create one with `stackaudit init`"
        );
    }
    Ok(inventory::load(path, options)?)
}
