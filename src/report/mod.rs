//! Output formats. Each is one module with a pure function from an
//! [`AuditResult`] to bytes; none knows how a check works.

pub mod json;
pub mod table;

use anyhow::Result;

use crate::audit::AuditResult;
use crate::cli::OutputFormat;

#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// ANSI colours (terminal only, never with NO_COLOR).
    pub color: bool,
    /// Terminal width; `None` renders for a fixed 100 columns.
    pub width: Option<u16>,
}

pub fn render(
    result: &AuditResult,
    format: OutputFormat,
    options: &RenderOptions,
) -> Result<Vec<u8>> {
    Ok(match format {
        OutputFormat::Table => table::render(result, options).into_bytes(),
        OutputFormat::Json => json::render(result)?,
    })
}
