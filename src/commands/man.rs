//! `stackaudit man [--dir DIR]`: manual pages made from the same definitions
//! as `--help` (clap_mangen), so the two cannot drift apart.

use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::cli::Cli;
use crate::output::{EXIT_OK, print_line, write_atomically, write_stdout};

pub fn run(dir: Option<&Path>) -> Result<u8> {
    let pages = pages()?;
    match dir {
        None => write_stdout(&pages[0].1)?,
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the folder {}", dir.display()))?;
            for (name, page) in &pages {
                write_atomically(&dir.join(name), page)?;
            }
            print_line(&format!(
                "wrote {} manual pages to {}",
                pages.len(),
                dir.display()
            ))?;
        }
    }
    Ok(EXIT_OK)
}

/// (file name, roff) of the top page and of every subcommand's page, in
/// that order: `stackaudit.1`, `stackaudit-audit.1`, `stackaudit-checks-list.1`, ….
pub fn pages() -> Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    add_pages(&cmd, &mut pages)?;
    Ok(pages)
}

fn add_pages(cmd: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    // No date: pages are the same on every build. (clap_mangen then leaves
    // the date field out of `.TH`, so the source is shown in the footer.)
    let man = clap_mangen::Man::new(cmd.clone())
        .source(format!("stackaudit {}", env!("CARGO_PKG_VERSION")));
    let mut page = Vec::new();
    man.render(&mut page)
        .context("cannot render a manual page")?;
    pages.push((man.get_filename(), page));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        add_pages(sub, pages)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_page_per_subcommand_named_after_it() {
        let names: Vec<String> = pages().unwrap().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names[0], "stackaudit.1");
        for expected in [
            "stackaudit-audit.1",
            "stackaudit-checks.1",
            "stackaudit-checks-explain.1",
            "stackaudit-completions.1",
            "stackaudit-man.1",
        ] {
            assert!(
                names.iter().any(|n| n == expected),
                "{expected} in {names:?}"
            );
        }
        assert!(!names.iter().any(|n| n.contains("help")), "{names:?}");
    }

    #[test]
    fn a_subcommand_page_documents_its_options() {
        let pages = pages().unwrap();
        let audit = &pages
            .iter()
            .find(|(n, _)| n == "stackaudit-audit.1")
            .unwrap()
            .1;
        let text = String::from_utf8_lossy(audit);
        assert!(text.contains("fail\\-on"), "{text}");
        assert!(text.contains(".TH stackaudit-audit 1 "), "{text}");
    }
}
