//! `stackaudit diff OLD NEW`: audit both versions and report what changed.

use anyhow::Result;

use super::as_of_or_today;
use crate::audit::{AuditOptions, audit};
use crate::checks::Catalogue;
use crate::cli::DiffArgs;
use crate::inventory::LoadOptions;
use crate::output::{EXIT_FINDINGS, EXIT_OK, write_stdout};

pub fn run(args: DiffArgs, load: &LoadOptions) -> Result<u8> {
    let old_inventory = crate::inventory::load(&args.old, load)?;
    let new_inventory = crate::inventory::load(&args.new, load)?;
    let catalogue = Catalogue::load(&args.checks_dirs)?;
    let options = AuditOptions {
        fail_on: args.fail_on.into(),
        ..AuditOptions::new(as_of_or_today(args.as_of))
    };
    let old = audit(&old_inventory, &catalogue, &options)?;
    let new = audit(&new_inventory, &catalogue, &options)?;
    let diff = crate::audit::diff::diff(&old_inventory, &new_inventory, &old, &new);
    write_stdout(&diff.render(args.format.into())?)?;
    Ok(if diff.failing(options.fail_on) > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
