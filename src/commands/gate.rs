//! `stackaudit gate CANDIDATE`: judge a proposed tool against the stack and
//! exit 1 when it is rejected.

use anyhow::Result;

use super::{as_of_or_today, load_stack, text_format, write_text_report};
use crate::audit::gate::{Verdict, evaluate, read_candidate};
use crate::checks::Catalogue;
use crate::cli::GateArgs;
use crate::inventory::LoadOptions;
use crate::output::{EXIT_FINDINGS, EXIT_OK, Input, refuse_overwriting_inputs};

pub fn run(args: GateArgs, load: &LoadOptions) -> Result<u8> {
    let format = text_format(args.format, args.output.as_deref())?;
    if let Some(path) = &args.output {
        let inputs = [
            Input::new("the candidate file", &args.candidate),
            Input::new("the inventory", &args.stack),
        ];
        refuse_overwriting_inputs(path, "--output", &inputs, &args.checks_dirs)?;
    }
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
    write_text_report(&report.render(format)?, format, args.output.as_deref())?;
    Ok(if report.verdict == Verdict::Reject {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
