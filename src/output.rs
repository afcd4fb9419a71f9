//! Where every command's output goes: standard output (a closed pipe is not
//! an error and never changes the exit code), files written atomically, the
//! report format an output file's extension names, and the guard that keeps
//! a report from replacing one of the files it was made from. The exit codes
//! live here too, so every command speaks the same ones.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::report::Format;

/// Success: valid input, nothing at or above `--fail-on`.
pub const EXIT_OK: u8 = 0;
/// Findings at or above `--fail-on` (or a gate's rejection).
pub const EXIT_FINDINGS: u8 = 1;
/// Invalid input, a usage error, or output that could not be written.
pub const EXIT_INVALID: u8 = 2;

/// Writes to standard output. A reader that closes the pipe early
/// (`stackaudit audit | head`) has read what it wanted: the rest is dropped
/// silently and the command still exits with its verdict. Any other write
/// error is returned.
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

/// [`write_stdout`] for output produced piece by piece, so a large report
/// is never held whole in memory. A closed pipe ends the output quietly, as
/// there.
pub fn write_stdout_with(write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let mut out = UntilClosed {
        inner: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
        closed: false,
    };
    match write(&mut out).and_then(|()| Ok(out.flush()?)) {
        Err(e) if is_write_error(&e) => Err(e.context("cannot write to standard output")),
        other => other,
    }
}

/// Whether an error of a streamed write came from the writing itself (a full
/// disk), rather than from producing the output (a format that cannot show
/// what was asked): only the first is "cannot write".
fn is_write_error(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.is::<std::io::Error>())
        || e.downcast_ref::<serde_json::Error>()
            .is_some_and(|j| j.is_io())
}

/// A writer that drops everything once its reader has gone away.
struct UntilClosed<W: Write> {
    inner: W,
    closed: bool,
}

impl<W: Write> UntilClosed<W> {
    fn absorb_closed_pipe(&mut self, result: std::io::Result<()>) -> std::io::Result<()> {
        match result {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

impl<W: Write> Write for UntilClosed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.closed {
            let result = self.inner.write_all(buf);
            self.absorb_closed_pipe(result)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.absorb_closed_pipe(result)
    }
}

/// [`write_stdout`] for text, with a newline.
pub fn print_line(line: &str) -> Result<()> {
    write_stdout(format!("{line}\n").as_bytes())
}

/// Writes through a temporary file in the same folder and renames it into
/// place, so a failed run never leaves a truncated file behind.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically_with(path, |out| Ok(out.write_all(bytes)?))
}

/// [`write_atomically`] for output produced piece by piece: `write` streams
/// into a buffered temporary file, so a large report is never held whole in
/// memory. When `write` fails, the temporary file is removed and any existing
/// file at `path` is left as it was.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        anyhow::bail!(
            "cannot write {}: the folder {} does not exist; create it or write somewhere else",
            path.display(),
            dir.display()
        );
    }
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write {}", path.display()))?;
    {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        match write(&mut out).and_then(|()| Ok(out.flush()?)) {
            Err(e) if is_write_error(&e) => {
                return Err(e.context(format!("cannot write {}", path.display())));
            }
            other => other?,
        }
    }
    // Temporary files are private (0600); a report keeps the permissions of
    // the file it replaces, or gets the usual 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode());
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Refuses to print a binary report (a workbook) on a terminal, where it
/// would show as noise; a pipe or a file takes it.
pub fn refuse_binary_to_terminal(example: &str) -> Result<()> {
    anyhow::bail!(
        "an XLSX workbook is binary and standard output is a terminal; write it to a file with -o {example} (or pipe it)"
    )
}

/// The report format an output file's extension names, if any.
pub fn format_from_extension(path: &Path) -> Option<Format> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "json" => Some(Format::Json),
        "md" | "markdown" => Some(Format::Markdown),
        "csv" => Some(Format::Csv),
        "sarif" => Some(Format::Sarif),
        "xml" => Some(Format::Junit),
        "html" | "htm" => Some(Format::Html),
        "txt" => Some(Format::Table),
        "xlsx" => Some(Format::Xlsx),
        _ => None,
    }
}

/// A file a command reads, named by what it is to the user.
#[derive(Clone, Debug)]
pub struct Input<'a> {
    /// `the inventory`, `the --baseline file`, ...
    pub role: &'static str,
    pub path: &'a Path,
}

impl<'a> Input<'a> {
    pub fn new(role: &'static str, path: &'a Path) -> Input<'a> {
        Input { role, path }
    }
}

/// The path with `.`, `..` and symbolic links resolved. A file that does
/// not exist yet is resolved through its folder.
fn resolve(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Some(p);
    }
    let name = path.file_name()?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(dir).ok()?.join(name))
}

/// True when both paths name the same file (hard links included on Unix).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    match (resolve(a), resolve(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Refuses to write `output` (given with `flag`) when it is one of the
/// inputs, or a check definition inside a `--checks` folder: the run would
/// replace what it read. Nothing is written in that case.
pub fn refuse_overwriting_inputs(
    output: &Path,
    flag: &str,
    inputs: &[Input],
    checks_dirs: &[PathBuf],
) -> Result<()> {
    for input in inputs {
        if same_file(output, input.path) {
            anyhow::bail!(
                "refusing to write {flag} {}: it is {} ({}), which this run reads; nothing was written. Choose another file for {flag}",
                output.display(),
                input.role,
                input.path.display()
            );
        }
    }
    for dir in checks_dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let inside = resolve(output)
            .zip(std::fs::canonicalize(dir).ok())
            .is_some_and(|(out, dir)| out.parent() == Some(dir.as_path()));
        let is_definition = output.extension().is_some_and(|e| e == "toml");
        if (inside && is_definition)
            || entries
                .filter_map(|e| e.ok())
                .any(|e| same_file(output, &e.path()))
        {
            anyhow::bail!(
                "refusing to write {flag} {}: it is a check definition in the --checks folder {}, which this run reads; nothing was written. Choose another file for {flag}",
                output.display(),
                dir.display()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_file_is_recognised_through_dots_and_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let stack = dir.path().join("stack.toml");
        std::fs::write(&stack, "schema = 1\n").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let inputs = [Input::new("the inventory", &stack)];
        let dotted = dir.path().join("sub/../././stack.toml");
        let err = refuse_overwriting_inputs(&dotted, "--output", &inputs, &[]).unwrap_err();
        assert!(
            err.to_string().contains("it is the inventory (")
                && err.to_string().contains("nothing was written"),
            "{err}"
        );
        #[cfg(unix)]
        {
            let link = dir.path().join("link.toml");
            std::os::unix::fs::symlink(&stack, &link).unwrap();
            assert!(refuse_overwriting_inputs(&link, "--output", &inputs, &[]).is_err());
        }
        let other = dir.path().join("report.json");
        assert!(refuse_overwriting_inputs(&other, "--output", &inputs, &[]).is_ok());
        let checks = dir.path().join("sub");
        assert!(
            refuse_overwriting_inputs(
                &checks.join("new-check.toml"),
                "-o",
                &[],
                std::slice::from_ref(&checks)
            )
            .is_err()
        );
        assert!(refuse_overwriting_inputs(&checks.join("report.md"), "-o", &[], &[checks]).is_ok());
    }

    #[test]
    fn an_output_extension_names_its_format_in_any_case() {
        for (name, format) in [
            ("r.json", Some(Format::Json)),
            ("r.MD", Some(Format::Markdown)),
            ("r.markdown", Some(Format::Markdown)),
            ("r.csv", Some(Format::Csv)),
            ("r.Sarif", Some(Format::Sarif)),
            ("r.xml", Some(Format::Junit)),
            ("r.htm", Some(Format::Html)),
            ("r.txt", Some(Format::Table)),
            ("r.XLSX", Some(Format::Xlsx)),
            ("r.yaml", None),
            ("report", None),
        ] {
            assert_eq!(format_from_extension(Path::new(name)), format, "{name}");
        }
    }

    #[test]
    fn a_missing_folder_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_atomically(&dir.path().join("no/such/report.json"), b"{}").unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
}
