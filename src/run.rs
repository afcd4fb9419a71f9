//! Parses the command line, hands each subcommand to its file in
//! [`crate::commands`], and turns the outcome into an exit code.

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use crate::cli::{Cli, Command};
use crate::commands;
use crate::diagnostic::InputError;
use crate::inventory::LoadOptions;
use crate::output::{EXIT_INVALID, EXIT_OK};

pub fn main() -> ExitCode {
    // A Tab press in a shell that sourced `stackaudit completions`: answer and exit.
    commands::completions::complete_if_asked();
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
    let load = LoadOptions {
        max_input_size: cli.max_input_size,
    };
    match cli.command {
        Command::Validate {
            stack,
            checks_dirs,
            as_of,
            waivers,
        } => commands::validate::run(&stack, &checks_dirs, as_of, waivers.as_deref(), &load),
        Command::Init { path, force } => commands::init::run(&path, force),
        Command::Schema => commands::schema::run(),
        Command::Audit(args) => commands::audit::run(args, &load, cli.color),
        Command::Diff(args) => commands::diff::run(args, &load),
        Command::Gate(args) => commands::gate::run(args, &load),
        Command::Checks { command } => commands::checks::run(command),
        Command::Questionnaire(args) => commands::questionnaire::run(args, &load),
        Command::Import(args) => commands::import::run(args, &load),
        Command::Discover(args) => commands::discover::run(args),
        Command::Probe {
            stack,
            output,
            probe,
        } => commands::probe::run(&stack, output.as_deref(), &probe, &load),
        Command::Graph {
            stack,
            format,
            as_of,
            output,
        } => commands::graph::run(&stack, format, as_of, output.as_deref(), &load),
        Command::Completions {
            shell,
            static_script,
        } => commands::completions::run(shell, static_script),
        Command::Man { dir } => commands::man::run(dir.as_deref()),
    }
}
