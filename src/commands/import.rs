//! `stackaudit import`: a spreadsheet or identity-provider app list → a
//! TOML inventory (or merged into one with `--into`).

use anyhow::Result;

use crate::cli::{DateFormat, ImportArgs, ImportFrom};
use crate::diagnostic::InputError;
use crate::import::columns::Mapping;
use crate::import::values::DateOrder;
use crate::import::{self, ImportOptions, Kind};
use crate::inventory::source::Format;
use crate::inventory::{self, LoadOptions};
use crate::output::{
    EXIT_INVALID, EXIT_OK, Input, refuse_overwriting_inputs, write_atomically, write_stdout,
};

impl From<ImportFrom> for Kind {
    fn from(from: ImportFrom) -> Kind {
        match from {
            ImportFrom::Csv => Kind::Csv,
            ImportFrom::Xlsx => Kind::Xlsx,
            ImportFrom::Ods => Kind::Ods,
            ImportFrom::Okta => Kind::Okta,
            ImportFrom::Entra => Kind::Entra,
            ImportFrom::Google => Kind::Google,
        }
    }
}

impl From<DateFormat> for DateOrder {
    fn from(f: DateFormat) -> DateOrder {
        match f {
            DateFormat::Dmy => DateOrder::Dmy,
            DateFormat::Mdy => DateOrder::Mdy,
        }
    }
}

/// The file name shown in messages: as the user wrote it.
fn shown(path: &std::path::Path) -> String {
    path.display().to_string()
}

pub fn run(args: ImportArgs, load: &LoadOptions) -> Result<u8> {
    let mut inputs = vec![Input::new("the import source", &args.source)];
    if let Some(m) = &args.map {
        inputs.push(Input::new("the --map file", m));
    }
    if let Some(path) = &args.output {
        let mut guarded = inputs.clone();
        // `--into STACK -o OUT` must not write over the source or map;
        // writing back into STACK is what --into does.
        if let Some(into) = &args.into
            && into != path
        {
            guarded.push(Input::new("the --into inventory", into));
        }
        refuse_overwriting_inputs(path, "--output", &guarded, &[])?;
        if args.into.is_none() && !args.force && path.exists() {
            anyhow::bail!(
                "{} already exists; merge into it with --into {}, or replace it with --force",
                path.display(),
                path.display()
            );
        }
    }
    if let Some(into) = &args.into {
        refuse_overwriting_inputs(into, "--into", &inputs, &[])?;
    }
    let mapping = match &args.map {
        Some(path) => {
            let text = inventory::read_bounded_text(path, load.max_input_size, "the --map file")
                .map_err(|d| InputError::single(shown(path), d))?;
            Some(Mapping::parse(&text).map_err(|e| {
                InputError::single(
                    shown(path),
                    crate::diagnostic::Diagnostic::file(e).help(
                        "a mapping file is `[columns]` then one `\"Header\" = \"key\"` line per column; `stackaudit import --print-map SOURCE` writes one",
                    ),
                )
            })?)
        }
        None => None,
    };
    let options = ImportOptions {
        kind: args.from.map(Kind::from),
        sheet: args.sheet.clone(),
        mapping,
        delimiter: args.delimiter,
        date_order: args.date_format.map(DateOrder::from),
        max_input_size: load.max_input_size,
    };
    let source = shown(&args.source);
    let result = import::import(&args.source, &options);
    if args.print_map {
        if matches!(result.kind, Some(Kind::Okta | Kind::Entra | Kind::Google)) {
            anyhow::bail!(
                "{source} is an identity provider's export ({}); its columns are fixed, so there is no mapping to print",
                result.kind.map_or("", Kind::name)
            );
        }
        if result.sheets.is_empty() {
            eprint!("{}", import::format_problems(&source, &result.problems));
            return Ok(EXIT_INVALID);
        }
        write_stdout(import::render::mapping(&result, &source).as_bytes())?;
        return Ok(EXIT_OK);
    }
    let fatal = result.tools.is_empty() || !args.keep_going;
    if !result.problems.is_empty() && fatal {
        eprint!("{}", import::format_problems(&source, &result.problems));
        if !args.keep_going && !result.tools.is_empty() {
            eprintln!(
                "{source}: nothing was written; fix the cells above, or write what could be read with --keep-going"
            );
        }
        return Ok(EXIT_INVALID);
    }
    if result.tools.is_empty() {
        eprintln!("{source}: error: no tools found");
        return Ok(EXIT_INVALID);
    }
    for w in &result.warnings {
        eprintln!("{source}: warning: {w}");
    }
    let name = args
        .source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| source.clone());
    let (text, report) = match &args.into {
        Some(into) => {
            let existing =
                inventory::read_bounded_text(into, load.max_input_size, "the --into inventory")
                    .map_err(|d| InputError::single(shown(into), d))?;
            if Format::from_path(into) != Some(Format::Toml) {
                anyhow::bail!(
                    "--into takes a TOML inventory; {} is not a .toml file",
                    into.display()
                );
            }
            // Only a valid inventory is merged into: its problems are not the import's.
            let model = inventory::load_str(&existing, Format::Toml, &shown(into))?;
            let (merged, report) = import::merge::merge(&existing, &result, &model)
                .map_err(|e| anyhow::anyhow!("{}: {e}", into.display()))?;
            (merged, Some(report))
        }
        None => (import::render::inventory(&result, &name), None),
    };
    // What is written must be an inventory that `validate` accepts.
    if let Err(e) = inventory::load_str(&text, Format::Toml, "the imported inventory") {
        anyhow::bail!(
            "internal error: the imported inventory does not validate; please report this:\n{e}"
        );
    }
    let target = args.output.as_ref().or(args.into.as_ref());
    match target {
        Some(path) => write_atomically(path, text.as_bytes())?,
        None => write_stdout(text.as_bytes())?,
    }
    if let Some(report) = report {
        for line in report.lines() {
            eprintln!("{line}");
        }
    } else if let Some(path) = target {
        eprintln!(
            "imported {} tools from {source} into {}",
            result.tools.len(),
            path.display()
        );
    }
    if !result.problems.is_empty() {
        eprintln!(
            "{source}: {} cells could not be read; they are listed as comments in the inventory",
            result.problems.len()
        );
    }
    Ok(EXIT_OK)
}
