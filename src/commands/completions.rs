//! `stackaudit completions SHELL`: the shell completion script, and the
//! candidates the script asks the binary for at Tab time.
//!
//! The default script is clap_complete's dynamic ("environment") completion:
//! on Tab the shell runs `STACKAUDIT_COMPLETE=<shell> stackaudit -- <words>`,
//! and [`complete_if_asked`] answers before the command line is parsed. That
//! is what lets check ids (`checks explain <Tab>`) and the tool ids of the
//! inventory in the current folder (`audit --tool <Tab>`) complete. The
//! `--static` script is clap_complete's ahead-of-time one: subcommands,
//! options and their fixed values, with no callback.

use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};

use crate::checks::Catalogue;
use crate::cli::Cli;
use crate::inventory::{self, LoadOptions};
use crate::output::{EXIT_OK, write_stdout};

/// The environment variable that turns a run into a completion request. A
/// name of our own, so an unrelated `COMPLETE` in the environment never
/// changes what a run does.
pub const COMPLETE_VAR: &str = "STACKAUDIT_COMPLETE";

/// The program the script calls back, looked up on `PATH` when Tab is
/// pressed, so a saved script keeps working after an upgrade or a move.
const BIN: &str = "stackaudit";

/// Answers a completion request from a script of [`run`] and exits; does
/// nothing when [`COMPLETE_VAR`] is unset. Called before anything is written
/// to standard output.
pub fn complete_if_asked() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(COMPLETE_VAR)
        .complete();
}

pub fn run(shell: Shell, static_script: bool) -> Result<u8> {
    let mut script = Vec::new();
    if static_script {
        clap_complete::generate(shell, &mut Cli::command(), BIN, &mut script);
    } else {
        let adapter: &dyn EnvCompleter = match shell {
            Shell::Bash => &Bash,
            Shell::Elvish => &Elvish,
            Shell::Fish => &Fish,
            Shell::PowerShell => &Powershell,
            Shell::Zsh => &Zsh,
            _ => anyhow::bail!("no completion script for {shell}"),
        };
        adapter
            .write_registration(COMPLETE_VAR, BIN, BIN, BIN, &mut script)
            .context("cannot write the completion script")?;
    }
    write_stdout(&script)?;
    Ok(EXIT_OK)
}

/// Every built-in check id, with its title as the description that zsh,
/// fish and PowerShell show beside it.
pub fn check_id_candidates() -> Vec<CompletionCandidate> {
    let mut checks = Catalogue::builtin().checks;
    checks.sort_by(|a, b| a.id.cmp(&b.id));
    checks
        .into_iter()
        .map(|c| CompletionCandidate::new(c.id).help(Some(c.title.into())))
        .collect()
}

/// The tool ids of the inventory in the current folder (`stack.toml`, else
/// `stack.yaml`, `stack.yml` or `stack.json`); none when there is no
/// inventory or it does not load. Nothing is printed either way: a
/// completion must never write to the terminal.
pub fn tool_id_candidates() -> Vec<CompletionCandidate> {
    tool_ids_in(Path::new("."))
        .into_iter()
        .map(|(id, name)| CompletionCandidate::new(id).help(Some(name.into())))
        .collect()
}

/// The largest inventory read for completion (a run reads up to 64 MiB).
const COMPLETION_INPUT_LIMIT: u64 = 4 * 1024 * 1024;

/// (id, name) of every tool of the first default-named inventory in `dir`.
fn tool_ids_in(dir: &Path) -> Vec<(String, String)> {
    let Some(path) = ["stack.toml", "stack.yaml", "stack.yml", "stack.json"]
        .iter()
        .map(|name| dir.join(name))
        .find(|p| p.is_file())
    else {
        return Vec::new();
    };
    // A smaller limit than a run's, so Tab stays quick beside a huge file.
    let options = LoadOptions {
        max_input_size: COMPLETION_INPUT_LIMIT,
    };
    match inventory::load(&path, &options) {
        Ok(inv) => inv
            .tools
            .into_iter()
            .map(|t| (t.id.to_string(), t.name.to_string()))
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_check_is_a_candidate_in_order() {
        let ids: Vec<String> = check_id_candidates()
            .iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect();
        assert_eq!(ids.len(), Catalogue::builtin().checks.len());
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        assert!(ids.iter().any(|id| id == "backup-rpo-exceeded"));
    }

    #[test]
    fn tool_ids_come_from_the_inventory_in_the_folder_and_none_without_one() {
        let dir = tempfile::tempdir().unwrap();
        assert!(tool_ids_in(dir.path()).is_empty());
        std::fs::copy(
            concat!(env!("CARGO_MANIFEST_DIR"), "/stack.example.toml"),
            dir.path().join("stack.toml"),
        )
        .unwrap();
        let ids = tool_ids_in(dir.path());
        assert!(ids.len() > 3, "{ids:?}");
        let example = inventory::load(
            Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/stack.example.toml")),
            &LoadOptions::default(),
        )
        .unwrap();
        assert_eq!(ids[0].0, example.tools[0].id);
    }

    #[test]
    fn a_broken_inventory_completes_nothing_and_prints_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("stack.toml"),
            "schema = 1\n[[tool]]\nid = \n",
        )
        .unwrap();
        assert!(tool_ids_in(dir.path()).is_empty());
    }
}
