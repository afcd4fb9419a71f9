//! `stackaudit schema`: the JSON Schema of the inventory format, for editors.

use anyhow::Result;

use crate::inventory::schema::json_schema;
use crate::output::{EXIT_OK, write_stdout};

pub fn run() -> Result<u8> {
    let schema = json_schema();
    write_stdout(format!("{}\n", serde_json::to_string_pretty(&schema)?).as_bytes())?;
    Ok(EXIT_OK)
}
