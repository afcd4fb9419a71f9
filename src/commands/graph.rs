//! `stackaudit graph`: draw the integration graph, marking tools with high
//! or critical findings.

use std::path::Path;

use anyhow::Result;
use jiff::civil::Date;

use super::{as_of_or_today, load_stack};
use crate::audit::{AuditOptions, audit};
use crate::checks::Catalogue;
use crate::cli::GraphFormat;
use crate::inventory::LoadOptions;
use crate::output::{EXIT_OK, Input, refuse_overwriting_inputs, write_atomically, write_stdout};
use crate::report::graph;

pub fn run(
    stack: &Path,
    format: GraphFormat,
    as_of: Option<Date>,
    output: Option<&Path>,
    load: &LoadOptions,
) -> Result<u8> {
    if let Some(path) = output {
        refuse_overwriting_inputs(path, "--output", &[Input::new("the inventory", stack)], &[])?;
    }
    let inventory = load_stack(stack, load)?;
    let options = AuditOptions {
        fail_on: None,
        ..AuditOptions::new(as_of_or_today(as_of))
    };
    let result = audit(&inventory, &Catalogue::builtin(), &options)?;
    let text = match format {
        GraphFormat::Dot => graph::dot(&result),
        GraphFormat::Mermaid => graph::mermaid(&result),
    };
    match output {
        Some(path) => write_atomically(path, text.as_bytes())?,
        None => write_stdout(text.as_bytes())?,
    }
    Ok(EXIT_OK)
}
