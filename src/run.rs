//! Runs one command and turns its outcome into an exit code.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use crate::cli::{Cli, Command};
use crate::diagnostic::InputError;
use crate::inventory::{self, LoadOptions};

/// The exit codes scripts and CI rely on.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_INVALID: u8 = 2;

const INIT_TEMPLATE: &str = include_str!("../templates/init.toml");

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
        Err(e) if is_broken_pipe(&e) => ExitCode::from(EXIT_OK),
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

/// `stackaudit audit | head` closes the pipe early; that is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

pub fn run(cli: Cli) -> Result<u8> {
    let load_options = LoadOptions {
        max_input_size: cli.max_input_size,
    };
    match cli.command {
        Command::Validate { stack, checks_dirs } => {
            let inv = load_stack(&stack, &load_options)?;
            // `[checks]` must name real checks and parameters.
            let catalogue = crate::checks::Catalogue::load(&checks_dirs)?;
            crate::audit::configure(&inv, &catalogue)?;
            // Waivers must name known checks and respect policy.max_waiver_days (from today).
            let ids: Vec<&str> = catalogue.checks.iter().map(|c| c.id.as_str()).collect();
            crate::audit::check_waivers(&inv, &ids, crate::audit::command::today())?;
            let integrations: usize = inv.tools.iter().map(|t| t.integrations.len()).sum();
            println!(
                "{}: valid ({} tools, {} integrations)",
                stack.display(),
                inv.tools.len(),
                integrations
            );
            Ok(EXIT_OK)
        }
        Command::Init { path, force } => {
            if path.exists() && !force {
                anyhow::bail!(
                    "{} already exists; pass --force to overwrite it",
                    path.display()
                );
            }
            write_atomically(&path, INIT_TEMPLATE.as_bytes())?;
            println!(
                "wrote {}; edit it, then run `stackaudit validate {}`",
                path.display(),
                path.display()
            );
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
            let inventory = load_stack(&stack, &load_options)?;
            let options = crate::probe::ProbeOptions::from_args(&probe)?;
            let evidence = crate::probe::collect(&inventory, &options)?;
            if let Some(path) = &output {
                let mut bytes = serde_json::to_vec_pretty(&evidence)?;
                bytes.push(b'\n');
                write_atomically(path, &bytes)?;
            }
            write_stdout(crate::probe::summary_table(&evidence).as_bytes())?;
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

pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

/// Writes through a temporary file in the same folder and renames it into
/// place, so a failed run never leaves a truncated file behind.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.flush())
        .with_context(|| format!("cannot write {}", path.display()))?;
    // Temporary files are private (0600); a report keeps the permissions of
    // the file it replaces, or gets the usual 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode());
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
