//! `stackaudit checks list` and `stackaudit checks explain ID`.

use anyhow::{Result, bail};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

use crate::checks::Catalogue;
use crate::cli::ChecksCommand;
use crate::diagnostic::did_you_mean;
use crate::output::{EXIT_OK, write_stdout};

pub fn run(command: ChecksCommand) -> Result<u8> {
    match command {
        ChecksCommand::List { checks_dirs } => {
            let catalogue = Catalogue::load(&checks_dirs)?;
            let mut checks: Vec<_> = catalogue.checks.iter().collect();
            checks.sort_by(|a, b| a.family.cmp(&b.family).then(a.id.cmp(&b.id)));
            let mut t = Table::new();
            t.load_style(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(110)
                .force_no_tty()
                .set_header(["Id", "Family", "Severity", "Title"]);
            let cell = crate::report::sanitize::cell;
            for c in checks {
                t.add_row([
                    cell(&c.id),
                    cell(&c.family),
                    c.severity.as_str().to_string(),
                    cell(&c.title),
                ]);
            }
            write_stdout(format!("{t}\n").as_bytes())?;
            Ok(EXIT_OK)
        }
        ChecksCommand::Explain { id, checks_dirs } => {
            let catalogue = Catalogue::load(&checks_dirs)?;
            let Some(c) = catalogue.get(&id) else {
                let hint = did_you_mean(&id, catalogue.checks.iter().map(|c| c.id.as_str()))
                    .map_or(
                        "run `stackaudit checks list` to see every id".to_string(),
                        |m| format!("did you mean `{m}`?"),
                    );
                bail!("unknown check `{id}`; {hint}");
            };
            let mut out = format!("{} — {}\n\n", c.id, c.title);
            out.push_str(&format!("Family:    {}\n", c.family));
            out.push_str(&format!("Severity:  {}\n", c.severity));
            out.push_str(&format!("Source:    {}\n", c.source));
            if !c.controls.is_empty() {
                out.push_str(&format!("Controls:  {}\n", c.controls.join(", ")));
            }
            out.push_str(&format!("\nWhy it matters\n  {}\n", c.rationale.trim()));
            out.push_str(&format!("\nWhat to do\n  {}\n", c.remediation.trim()));
            if let Some(q) = &c.vendor_question {
                out.push_str(&format!(
                    "\nQuestion for the vendor (stackaudit gate)\n  {q}\n"
                ));
            }
            if !c.params.is_empty() {
                out.push_str("\nParameters (override under [checks.params.");
                out.push_str(&c.id);
                out.push_str("] in the inventory)\n");
                for (k, p) in &c.params {
                    out.push_str(&format!("  {k} = {}  ({})\n", p.value, p.accepts()));
                    if let Some(doc) = &p.doc {
                        out.push_str(&format!("      {doc}\n"));
                    }
                }
            }
            if let Some(rule) = &c.rule {
                out.push_str(&format!(
                    "\nRule\n  require = {}\n",
                    serde_json::to_string(&rule.require)?
                ));
            }
            write_stdout(out.as_bytes())?;
            Ok(EXIT_OK)
        }
    }
}
