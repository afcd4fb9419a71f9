//! `stackaudit validate`: report every problem in an inventory at once, or
//! confirm it is valid.

use std::path::{Path, PathBuf};

use anyhow::Result;
use jiff::civil::Date;

use super::{as_of_or_today, load_stack};
use crate::checks::Catalogue;
use crate::inventory::LoadOptions;
use crate::output::{EXIT_OK, print_line};

pub fn run(
    stack: &Path,
    checks_dirs: &[PathBuf],
    as_of: Option<Date>,
    waivers: Option<&Path>,
    load: &LoadOptions,
) -> Result<u8> {
    let mut inventory = load_stack(stack, load)?;
    if let Some(path) = waivers {
        let extra = crate::inventory::load_waivers(path, load, &inventory)?;
        inventory.waivers.extend(extra);
    }
    // `[checks]` must name real checks and parameters.
    let catalogue = Catalogue::load(checks_dirs)?;
    crate::audit::configure(&inventory, &catalogue)?;
    // Waivers must name known checks and respect policy.max_waiver_days (from --as-of, default today).
    let ids: Vec<&str> = catalogue.checks.iter().map(|c| c.id.as_str()).collect();
    crate::audit::check_waivers(&inventory, &ids, as_of_or_today(as_of))?;
    let integrations: usize = inventory.tools.iter().map(|t| t.integrations.len()).sum();
    print_line(&format!(
        "{}: valid ({} tools, {} integrations)",
        crate::report::sanitize::text(&stack.display().to_string()),
        inventory.tools.len(),
        integrations
    ))?;
    Ok(EXIT_OK)
}
