//! The stack inventory: reading files (TOML, YAML, JSON) with their source
//! locations, validating them, and the model that checks read.

pub mod dataflow;
pub mod model;
pub mod parse;
pub mod region;
pub mod schema;
pub mod source;
pub mod spec;
pub mod validate;

use std::io::Read;
use std::path::Path;

pub use model::Inventory;
use source::{Format, Loc};

use crate::diagnostic::{Diagnostic, InputError};

/// The default cap on input files; `--max-input-size` changes it.
pub const DEFAULT_MAX_INPUT_SIZE: u64 = 64 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct LoadOptions {
    pub max_input_size: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_input_size: DEFAULT_MAX_INPUT_SIZE,
        }
    }
}

/// Reads, parses and validates an inventory file.
pub fn load(path: &Path, options: &LoadOptions) -> Result<Inventory, InputError> {
    let (text, format) = read_input(path, options)?;
    let inventory = load_str(&text, format, &path.display().to_string());
    drop(text);
    return_freed_memory();
    inventory
}

/// Hands the pages freed by the parse (the text and its syntax tree, several
/// times the model's size) back to the system. The checks allocate on other
/// threads, whose allocator arenas cannot reuse them, so without this they
/// stay resident for the whole audit (BENCHMARKS.md, "Ninth round").
///
/// From then on, every block of a mebibyte or more is mapped on its own,
/// and goes back to the system as soon as it is freed. glibc otherwise
/// raises that threshold each time it frees a large block (the text is
/// megabytes), and the audit's lists of findings, one per check and on the
/// threads that ran them, then stay resident once joined: the joined list
/// and the tool summaries were new memory on top of them (BENCHMARKS.md,
/// "Thirteenth round").
fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory, and mallopt only sets
    // a tunable to a valid value; neither has preconditions.
    unsafe {
        libc::malloc_trim(0);
        libc::mallopt(libc::M_MMAP_THRESHOLD, OWN_MAPPING_BYTES);
    }
}

/// Blocks this large are mapped on their own after loading: a large audit's
/// per-check lists of findings are megabytes, a small one's all fit below.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const OWN_MAPPING_BYTES: libc::c_int = 1 << 20;

/// Reads a file for any of the inventory-shaped inputs (stacks, candidates,
/// waiver files): size limit, UTF-8, byte-order mark and format by extension.
pub fn read_input(path: &Path, options: &LoadOptions) -> Result<(String, Format), InputError> {
    let name = path.display().to_string();
    let fail = |d: Diagnostic| InputError::single(name.clone(), d);
    let format = Format::from_path(path).ok_or_else(|| {
        let ext = path.extension().map(|e| e.to_string_lossy().to_string());
        fail(
            Diagnostic::file(match ext {
                Some(e) => format!("cannot tell the format from the extension `.{e}`"),
                None => "cannot tell the format: the file name has no extension".to_string(),
            })
            .help("name the file .toml, .yaml, .yml or .json"),
        )
    })?;
    let file = std::fs::File::open(path).map_err(|e| {
        fail(Diagnostic::file(format!(
            "cannot read the file: {}",
            io_reason(&e)
        )))
    })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let too_big = |size: u64| {
        fail(
            Diagnostic::file(format!(
                "the file is {}, over the input size limit of {}",
                human_size(size),
                human_size(options.max_input_size)
            ))
            .help("raise the limit with --max-input-size BYTES if the file is really this large"),
        )
    };
    if size > options.max_input_size {
        return Err(too_big(size));
    }
    // Read at most one byte past the limit: the file may grow while we read.
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(options.max_input_size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            fail(Diagnostic::file(format!(
                "cannot read the file: {}",
                io_reason(&e)
            )))
        })?;
    if bytes.len() as u64 > options.max_input_size {
        return Err(too_big(bytes.len() as u64));
    }
    let text = decode(bytes).map_err(fail)?;
    Ok((text, format))
}

/// Reads a UTF-8 file of at most `max_size` bytes, counting as it reads: a
/// device, a FIFO or a link to one reports no useful size up front, so
/// anything but a regular file is refused before it is opened (opening a
/// FIFO waits for a writer). `what` names the file in messages ("the
/// baseline", "the evidence file").
pub fn read_bounded_text(
    path: &std::path::Path,
    max_size: u64,
    what: &str,
) -> Result<String, Diagnostic> {
    let cannot =
        |e: std::io::Error| Diagnostic::file(format!("cannot read {what}: {}", io_reason(&e)));
    let kind = std::fs::metadata(path).map_err(cannot)?.file_type();
    if !kind.is_file() {
        return Err(Diagnostic::file(format!(
            "{what} is not a regular file (a device, FIFO or folder)"
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(cannot)?
        .take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > max_size {
        return Err(Diagnostic::file(format!(
            "{what} is over the input size limit of {}",
            human_size(max_size)
        ))
        .help("raise the limit with --max-input-size BYTES if the file is really this large"));
    }
    String::from_utf8(bytes).map_err(|e| {
        Diagnostic::file(format!(
            "{what} is not UTF-8 text (byte {} is not)",
            e.utf8_error().valid_up_to()
        ))
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// UTF-8 text without a byte-order mark; anything else is named precisely.
fn decode(mut bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(
            Diagnostic::at(Loc::new(1, 1), "the file is UTF-16 text").help("save it as UTF-8")
        );
    }
    match String::from_utf8(bytes) {
        Ok(text) => {
            if let Some(offset) = text.find('\0') {
                let loc = source::LineIndex::new(&text).loc(offset);
                return Err(Diagnostic::at(
                    loc,
                    "the file contains a NUL byte; it looks binary, not text",
                )
                .help("an inventory is a text file in TOML, YAML or JSON"));
            }
            Ok(text)
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]);
            let loc = source::LineIndex::new(&prefix).loc(valid);
            Err(Diagnostic::at(loc, "the file is not valid UTF-8 text")
                .help("save it as UTF-8; binary files are not inventories"))
        }
    }
}

/// Parses and validates inventory text. `name` is used in messages.
pub fn load_str(text: &str, format: Format, name: &str) -> Result<Inventory, InputError> {
    let fail = |d: Vec<Diagnostic>| InputError::new(name, d);
    if text.trim().is_empty() {
        return Err(fail(vec![
            Diagnostic::at(Loc::new(1, 1), "the file is empty").help(
                "an inventory starts with `schema = 1`; run `stackaudit init` for a starter file",
            ),
        ]));
    }
    let root = parse::parse(text, format).map_err(|d| fail(vec![d]))?;
    validate::validate(&root, format, name).map_err(fail)
}

pub fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads a file that holds one part of an inventory (a candidate `[[tool]]`,
/// a list of `[[waiver]]`s): only `key` and an optional `schema = 1` may
/// appear; it is validated like an inventory, with `to` and waiver `tool`
/// ids checked against the stack; `check` adds the part's own rule.
pub fn load_fragment(
    path: &Path,
    options: &LoadOptions,
    key: &str,
    what: &str,
    stack: &Inventory,
    check: impl Fn(Option<&source::Node>, Loc) -> Option<Diagnostic>,
) -> Result<Inventory, InputError> {
    let name = path.display().to_string();
    let (text, format) = read_input(path, options)?;
    let fail = |d: Vec<Diagnostic>| InputError::new(name.clone(), d);
    let at = Loc::new(1, 1);
    let mut root = if text.trim().is_empty() {
        source::Node::new(source::Value::Table(Vec::new()), at)
    } else {
        parse::parse(&text, format).map_err(|d| fail(vec![d]))?
    };
    let root_loc = root.loc;
    let source::Value::Table(entries) = &mut root.value else {
        return Err(fail(vec![Diagnostic::at(
            root_loc,
            format!("a {what} is a table holding [[{key}]]"),
        )]));
    };
    for (k, _) in entries.iter() {
        if k.name != key && k.name != "schema" {
            return Err(fail(vec![
                Diagnostic::at(k.loc, format!("unexpected key `{}` in a {what}", k.name))
                    .help(format!("a {what} holds [[{key}]] tables only (and optionally `schema = 1`); the rest comes from the stack")),
            ]));
        }
    }
    if let Some(d) = check(
        entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
        root_loc,
    ) {
        return Err(fail(vec![d]));
    }
    if !entries.iter().any(|(k, _)| k.name == "schema") {
        entries.insert(
            0,
            (
                source::Key {
                    name: "schema".into(),
                    loc: at,
                },
                source::Node::new(source::Value::Int(1), at),
            ),
        );
    }
    let ids: Vec<String> = stack.tools.iter().map(|t| t.id.to_string()).collect();
    validate::validate_with_known_tools(&root, format, &name, &ids).map_err(fail)
}

/// Reads a `--waivers` file: `[[waiver]]` tables, validated like the
/// inventory's own; each waiver remembers the file for its findings.
pub fn load_waivers(
    path: &Path,
    options: &LoadOptions,
    stack: &Inventory,
) -> Result<Vec<model::Waiver>, InputError> {
    let name = path.display().to_string();
    // Read twice, each waiver would repeat itself.
    if crate::output::same_file(path, Path::new(stack.path.as_str())) {
        return Err(InputError::single(
            name,
            Diagnostic::file("--waivers names the inventory itself")
                .help("its [[waiver]] tables are read with it; name a separate waivers file, or leave --waivers out"),
        ));
    }
    let inv = load_fragment(path, options, "waiver", "waivers file", stack, |_, _| None)?;
    Ok(inv
        .waivers
        .into_iter()
        .map(|mut w| {
            w.file = Some(name.clone());
            w
        })
        .collect())
}
