//! `stackaudit init`: write a starter inventory in the format the file's
//! extension names.

use std::path::Path;

use anyhow::Result;

use crate::inventory::source::Format;
use crate::output::{EXIT_OK, print_line, write_atomically};

/// The starter inventory in each format `init` writes (JSON has no comments).
const INIT_TOML: &str = include_str!("../../templates/init.toml");
const INIT_YAML: &str = include_str!("../../templates/init.yaml");
const INIT_JSON: &str = include_str!("../../templates/init.json");

/// The starter for `path`, in the format its extension names.
pub fn template(path: &Path) -> Result<&'static str> {
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

pub fn run(path: &Path, force: bool) -> Result<u8> {
    if path.exists() && !force {
        anyhow::bail!(
            "{} already exists; pass --force to overwrite it",
            path.display()
        );
    }
    write_atomically(path, template(path)?.as_bytes())?;
    print_line(&format!(
        "wrote {}; edit it, then run `stackaudit validate {}`",
        path.display(),
        path.display()
    ))?;
    Ok(EXIT_OK)
}
