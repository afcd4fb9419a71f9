//! `stackaudit gate CANDIDATE`: judge a proposed tool against the stack and
//! exit 1 when it is rejected.

use anyhow::Result;

use super::{as_of_or_today, load_stack};
use crate::audit::gate::{Verdict, evaluate, read_candidate};
use crate::checks::Catalogue;
use crate::cli::GateArgs;
use crate::inventory::LoadOptions;
use crate::output::{EXIT_FINDINGS, EXIT_OK, write_stdout};

pub fn run(args: GateArgs, load: &LoadOptions) -> Result<u8> {
    let stack = load_stack(&args.stack, load)?;
    let catalogue = Catalogue::load(&args.checks_dirs)?;
    crate::audit::configure(&stack, &catalogue)?;
    let candidate = read_candidate(&args.candidate, load, &stack)?;
    let report = evaluate(
        &stack,
        candidate,
        &args.candidate.display().to_string(),
        &catalogue,
        as_of_or_today(args.as_of),
    )?;
    write_stdout(&report.render(args.format.into())?)?;
    Ok(if report.verdict == Verdict::Reject {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
