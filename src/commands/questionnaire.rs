//! `stackaudit questionnaire TOOL -o FILE.xlsx`: the questions a vendor must
//! answer about one tool; `stackaudit questionnaire --read FILE.xlsx [--into
//! STACK]`: the inventory changes the answers make, written into a TOML
//! inventory when asked.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Result;

use super::{as_of_or_today, load_stack};
use crate::audit::{AuditOptions, audit};
use crate::checks::Catalogue;
use crate::cli::QuestionnaireArgs;
use crate::diagnostic::{Diagnostic, InputError, did_you_mean};
use crate::inventory::source::Format;
use crate::inventory::{self, LoadOptions};
use crate::output::{
    EXIT_INVALID, EXIT_OK, Input, print_line, refuse_binary_to_terminal, refuse_overwriting_inputs,
    write_atomically, write_stdout,
};
use crate::questionnaire;

pub fn run(args: QuestionnaireArgs, load: &LoadOptions) -> Result<u8> {
    match (&args.read, &args.tool) {
        (Some(file), _) => read(&args, file, load),
        (None, Some(tool)) => write(&args, tool, load),
        (None, None) => anyhow::bail!("name a tool, or --read a filled-in questionnaire"),
    }
}

/// A candidate file rather than a tool id: an existing file with an
/// inventory extension.
fn is_candidate_file(tool: &str) -> bool {
    let path = Path::new(tool);
    path.is_file() && Format::from_path(path).is_some()
}

fn write(args: &QuestionnaireArgs, tool: &str, load: &LoadOptions) -> Result<u8> {
    let candidate = is_candidate_file(tool);
    if let Some(path) = &args.output {
        let mut inputs = vec![Input::new("the inventory", &args.stack)];
        if candidate {
            inputs.push(Input::new("the candidate file", Path::new(tool)));
        }
        refuse_overwriting_inputs(path, "--output", &inputs, &args.checks_dirs)?;
    } else if std::io::stdout().is_terminal() {
        refuse_binary_to_terminal("questionnaire.xlsx")?;
    }
    let mut stack = load_stack(&args.stack, load)?;
    let catalogue = Catalogue::load(&args.checks_dirs)?;
    let (id, source) = if candidate {
        let c = crate::audit::gate::read_candidate(Path::new(tool), load, &stack)?;
        let id = c.id.clone();
        stack.tools.push(c);
        (id, tool.to_string())
    } else {
        if stack.tool(tool).is_none() {
            let hint = did_you_mean(tool, stack.tools.iter().map(|t| t.id.as_str())).map_or(
                "name a tool id from the inventory, or a gate candidate file".to_string(),
                |m| format!("did you mean `{m}`?"),
            );
            return Err(InputError::single(
                stack.path.clone(),
                Diagnostic::file(format!(
                    "no tool with id `{}`",
                    crate::report::sanitize::text(tool)
                ))
                .help(hint),
            )
            .into());
        }
        (tool.into(), stack.path.to_string())
    };
    let options = AuditOptions {
        only_tools: vec![id.to_string()],
        ..AuditOptions::new(as_of_or_today(args.as_of))
    };
    let result = audit(&stack, &catalogue, &options)?;
    let Some(model) = stack.tool(&id) else {
        anyhow::bail!("the tool `{id}` disappeared from the inventory");
    };
    let q = questionnaire::build(model, &result, &source);
    let bytes = questionnaire::write_xlsx(&q)?;
    match &args.output {
        Some(path) => {
            write_atomically(path, &bytes)?;
            eprintln!(
                "wrote {} questions about `{}` to {}",
                q.questions.len(),
                crate::report::sanitize::text(&id),
                path.display()
            );
        }
        None => write_stdout(&bytes)?,
    }
    Ok(EXIT_OK)
}

fn read(args: &QuestionnaireArgs, file: &Path, load: &LoadOptions) -> Result<u8> {
    let answers = match questionnaire::read(file, load.max_input_size) {
        Ok(a) => a,
        Err(problems) => {
            eprintln!("{problems}");
            return Ok(EXIT_INVALID);
        }
    };
    // The inventory the answers go into, or the stack, for what is known now.
    let target = args.into.as_deref().unwrap_or(&args.stack);
    let before = if target.exists() {
        Some(inventory::load(target, load)?)
    } else {
        None
    };
    let tool = before.as_ref().and_then(|inv| inv.tool(&answers.tool));
    if answers.changes.is_empty() {
        print_line(&format!(
            "{}: no answers yet; nothing to change",
            file.display()
        ))?;
        return Ok(EXIT_OK);
    }
    for line in questionnaire::describe(&answers, tool) {
        print_line(&line)?;
    }
    let has_tool = tool.is_some();
    let Some(into) = &args.into else {
        return Ok(EXIT_OK);
    };
    if Format::from_path(into) != Some(Format::Toml) {
        anyhow::bail!(
            "--into writes TOML inventories only; {} is not one. Apply the changes above by hand",
            into.display()
        );
    }
    let Some(before) = before else {
        anyhow::bail!("cannot write into {}: it does not exist", into.display());
    };
    if !has_tool {
        anyhow::bail!(
            "{} has no tool with id `{}`, which the questionnaire is about",
            into.display(),
            crate::report::sanitize::text(&answers.tool)
        );
    }
    refuse_overwriting_inputs(
        into,
        "--into",
        &[Input::new("the questionnaire", file)],
        &[],
    )?;
    let (text, _) = inventory::read_input(into, load)?;
    let updated = questionnaire::apply_toml(&text, &answers)?;
    // The result must still be a valid inventory before it replaces the old one.
    let after = inventory::load_str(&updated, Format::Toml, &into.display().to_string())?;
    let catalogue = Catalogue::load(&args.checks_dirs)?;
    let options = AuditOptions {
        only_tools: vec![answers.tool.clone()],
        ..AuditOptions::new(as_of_or_today(args.as_of))
    };
    let closed_before =
        questionnaire::closable(&audit(&before, &catalogue, &options)?, &answers.tool);
    let closed_after =
        questionnaire::closable(&audit(&after, &catalogue, &options)?, &answers.tool);
    write_atomically(into, updated.as_bytes())?;
    let closed: Vec<String> = closed_before
        .iter()
        .filter_map(|(check, n)| {
            let left = closed_after.get(check).copied().unwrap_or(0);
            (left < *n).then(|| check.to_string())
        })
        .collect();
    print_line(&format!(
        "wrote {} changes into {}; findings closed: {}",
        answers.changes.len(),
        into.display(),
        if closed.is_empty() {
            "none".to_string()
        } else {
            closed.join(", ")
        }
    ))?;
    Ok(EXIT_OK)
}
