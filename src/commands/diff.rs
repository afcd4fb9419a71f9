//! `stackaudit diff OLD NEW`: audit both versions and report what changed.

use anyhow::Result;

use super::{as_of_or_today, text_format, write_text_report};
use crate::audit::{AuditOptions, audit};
use crate::checks::Catalogue;
use crate::cli::DiffArgs;
use crate::inventory::LoadOptions;
use crate::output::{EXIT_FINDINGS, EXIT_OK, Input, refuse_overwriting_inputs};

pub fn run(args: DiffArgs, load: &LoadOptions) -> Result<u8> {
    let format = text_format(args.format, args.output.as_deref())?;
    if let Some(path) = &args.output {
        let inputs = [
            Input::new("the old inventory", &args.old),
            Input::new("the new inventory", &args.new),
        ];
        refuse_overwriting_inputs(path, "--output", &inputs, &args.checks_dirs)?;
    }
    let old_inventory =
        crate::audit::without_repeated_waivers(crate::inventory::load(&args.old, load)?);
    let new_inventory = crate::inventory::load(&args.new, load)?;
    let catalogue = Catalogue::load(&args.checks_dirs)?;
    let options = AuditOptions {
        fail_on: args.fail_on.into(),
        ..AuditOptions::new(as_of_or_today(args.as_of))
    };
    let old = audit(&old_inventory, &catalogue, &options)?;
    let new = audit(&new_inventory, &catalogue, &options)?;
    let diff = crate::audit::diff::diff(&old_inventory, &new_inventory, &old, &new);
    write_text_report(&diff.render(format)?, format, args.output.as_deref())?;
    Ok(if diff.failing(options.fail_on) > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
