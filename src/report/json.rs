//! The JSON report: a stable interface for scripts (`schema_version` 1).

use std::io::{self, Write};

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;

use crate::audit::AuditResult;
use crate::checks::{CheckRef, Finding};

/// The report without its findings, which [`write`] serializes side by side
/// and appends as the last field.
#[derive(Serialize)]
struct Head<'a> {
    schema_version: u32,
    as_of: String,
    stack: Stack<'a>,
    summary: Summary,
}

#[derive(Serialize)]
struct Stack<'a> {
    path: &'a str,
    organization: Option<&'a str>,
    tools: usize,
}

#[derive(Serialize)]
struct Summary {
    tools_audited: usize,
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
    waived: usize,
    score: u32,
    integration_coverage: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<crate::audit::BaselineSummary>,
}

pub fn render(result: &AuditResult) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write(result, &mut out)?;
    Ok(out)
}

/// Everything in the report but its findings.
fn head(result: &AuditResult) -> Head<'_> {
    let s = &result.summary;
    Head {
        schema_version: 1,
        as_of: result.as_of.to_string(),
        stack: Stack {
            path: &result.stack_path,
            organization: result.organization.as_deref(),
            tools: result.tools.len(),
        },
        summary: Summary {
            tools_audited: s.tools_audited,
            critical: s.critical,
            high: s.high,
            medium: s.medium,
            low: s.low,
            info: s.info,
            waived: s.waived,
            score: s.score,
            integration_coverage: s
                .integration_coverage
                .map(|c| (c * 1000.0).round() / 1000.0),
            baseline: result.baseline,
        },
    }
}

/// A check's title, remediation and controls, as its findings write them.
struct CheckText<'a> {
    /// The guidance the check gives its findings: a finding made with
    /// other guidance writes its own.
    check: &'a CheckRef,
    title: Vec<u8>,
    remediation: Vec<u8>,
    controls: Vec<u8>,
}

/// A finding's fields sit three levels deep in the report.
const FINDING_FIELD_DEPTH: usize = 3;

/// A finding's field value as the report writes it, ready to copy.
fn written<T: ?Sized + Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    nested(&mut out, value)?;
    Ok(out)
}

/// Each check's shared texts, looked up once per finding.
type CheckTexts<'a> = foldhash::HashMap<&'a str, CheckText<'a>>;

/// What each check's findings write alike, by check id.
fn check_texts(result: &AuditResult) -> Result<CheckTexts<'_>> {
    result
        .checks
        .iter()
        .map(|c| {
            let check = c.shared();
            let guidance = check.guidance();
            Ok((
                c.id.as_str(),
                CheckText {
                    check,
                    title: written(c.title.as_str())?,
                    remediation: written(guidance.remediation.as_str())?,
                    controls: written(guidance.controls.as_slice())?,
                },
            ))
        })
        .collect()
}

/// The report streamed to `out`, without building it in memory first.
pub fn write(result: &AuditResult, out: &mut dyn std::io::Write) -> Result<()> {
    let head = serde_json::to_vec_pretty(&head(result))?;
    // `{ ... \n}`: the findings go in before the closing brace.
    let head = head
        .strip_suffix(b"\n}")
        .ok_or_else(|| anyhow::anyhow!("the report's head is not a pretty JSON object"))?;
    // serde writes a few bytes at a time: a concrete buffer keeps those
    // writes inlined instead of each going through `dyn Write`.
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    buffered.write_all(head)?;
    buffered.write_all(b",\n  \"findings\": [")?;
    if result.findings.is_empty() {
        buffered.write_all(b"]")?;
    } else {
        // Findings are serialized in chunks on all cores, then written in
        // order: for a large stack this is most of the report's cost. A few
        // chunks at a time, into the same buffers, so memory stays flat.
        let texts = check_texts(result)?;
        let slots = 2 * rayon::current_num_threads();
        let batch = FINDINGS_PER_CHUNK * slots;
        // While one batch is written here, the next is serialized: the
        // first `filled` buffers of `ready` hold the batch to write.
        let mut ready: Vec<Vec<u8>> = vec![Vec::new(); slots];
        let mut spare: Vec<Vec<u8>> = vec![Vec::new(); slots];
        let mut filled = 0;
        for (b, findings) in result.findings.chunks(batch).enumerate() {
            let mut serialized = Ok(());
            let written = rayon::in_place_scope(|scope| {
                scope.spawn(|_| {
                    serialized = findings
                        .par_chunks(FINDINGS_PER_CHUNK)
                        .zip(spare.par_iter_mut())
                        .enumerate()
                        .try_for_each(|(n, (chunk, buffer))| {
                            buffer.clear();
                            write_findings(&texts, chunk, b == 0 && n == 0, buffer)
                        });
                });
                ready[..filled]
                    .iter()
                    .try_for_each(|buffer| buffered.write_all(buffer))
            });
            written?;
            serialized?;
            filled = findings.len().div_ceil(FINDINGS_PER_CHUNK);
            std::mem::swap(&mut ready, &mut spare);
        }
        for buffer in &ready[..filled] {
            buffered.write_all(buffer)?;
        }
        buffered.write_all(b"\n  ]")?;
    }
    buffered.write_all(b"\n}\n")?;
    buffered.flush()?;
    Ok(())
}

const FINDINGS_PER_CHUNK: usize = 512;

/// Spaces for indentation, two per level.
const INDENT: &[u8; 32] = b"                                ";

/// The findings as elements of the report's `findings` list, appended to
/// `out`: each pretty-printed two levels deep, after a comma unless it is
/// the report's first.
fn write_findings(
    texts: &CheckTexts,
    chunk: &[Finding],
    first: bool,
    out: &mut Vec<u8>,
) -> Result<()> {
    for (i, f) in chunk.iter().enumerate() {
        if !(first && i == 0) {
            out.push(b',');
        }
        out.extend_from_slice(b"\n    ");
        write_finding(texts, f, out)?;
    }
    Ok(())
}

/// One finding, as serde_json pretty-prints it two levels deep, byte for
/// byte (the tests compare the two), but written field by field: serde_json
/// escapes a string a byte at a time, and the findings' strings (most of a
/// large report) are copied whole when, as nearly always, they need no
/// escape.
fn write_finding(texts: &CheckTexts, f: &Finding, out: &mut Vec<u8>) -> Result<()> {
    let text = texts.get(f.check.as_str());
    out.push(b'{');
    key(out, "check", true);
    string(out, &f.check)?;
    key(out, "title", false);
    match text {
        Some(t) => out.extend_from_slice(&t.title),
        None => string(out, "")?,
    }
    key(out, "severity", false);
    string(out, f.severity.as_str())?;
    key(out, "tool", false);
    optional_string(out, f.tool.as_deref())?;
    key(out, "related", false);
    if f.related.is_empty() {
        out.extend_from_slice(b"[]");
    } else {
        out.push(b'[');
        for (i, id) in f.related.iter().enumerate() {
            out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            out.extend_from_slice(&INDENT[..8]);
            string(out, id)?;
        }
        close(out, 6, b']');
    }
    key(out, "subject", false);
    optional_string(out, f.subject.as_deref())?;
    key(out, "message", false);
    message(out, &f.message)?;
    // Written ahead for the check, unless the finding has its own.
    let guidance = text.filter(|t| t.check.same_parts(&f.check));
    key(out, "remediation", false);
    match guidance {
        Some(t) => out.extend_from_slice(&t.remediation),
        None => string(out, f.remediation())?,
    }
    key(out, "controls", false);
    match guidance {
        Some(t) => out.extend_from_slice(&t.controls),
        None => nested(out, f.controls())?,
    }
    key(out, "location", false);
    match &f.location {
        None => out.extend_from_slice(b"null"),
        Some(location) => {
            out.push(b'{');
            key_at(out, "file", true, 8);
            string(out, &location.file)?;
            key_at(out, "line", false, 8);
            out.extend_from_slice(itoa::Buffer::new().format(location.line).as_bytes());
            key_at(out, "column", false, 8);
            out.extend_from_slice(itoa::Buffer::new().format(location.column).as_bytes());
            close(out, 6, b'}');
        }
    }
    key(out, "fingerprint", false);
    string(out, f.fingerprint.digits().as_str())?;
    key(out, "waiver", false);
    match &f.waiver {
        None => out.extend_from_slice(b"null"),
        Some(waiver) => nested(out, waiver)?,
    }
    close(out, 4, b'}');
    Ok(())
}

/// The closing bracket of a list or object, on its own line.
fn close(out: &mut Vec<u8>, indent: usize, bracket: u8) {
    out.push(b'\n');
    out.extend_from_slice(&INDENT[..indent]);
    out.push(bracket);
}

/// A finding's field name, on its own line after the previous field.
fn key(out: &mut Vec<u8>, name: &str, first: bool) {
    key_at(out, name, first, 6);
}

/// A field name (never one that needs escaping) indented by `indent`.
fn key_at(out: &mut Vec<u8>, name: &str, first: bool, indent: usize) {
    out.extend_from_slice(if first { b"\n" } else { b",\n" });
    out.extend_from_slice(&INDENT[..indent]);
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\": ");
}

/// `value` as a JSON string, as serde_json writes it.
fn string(out: &mut Vec<u8>, value: &str) -> Result<()> {
    if needs_escape(value) {
        serde_json::to_writer(&mut *out, value)?;
    } else {
        out.push(b'"');
        out.extend_from_slice(value.as_bytes());
        out.push(b'"');
    }
    Ok(())
}

fn optional_string(out: &mut Vec<u8>, value: Option<&str>) -> Result<()> {
    match value {
        None => out.extend_from_slice(b"null"),
        Some(value) => string(out, value)?,
    }
    Ok(())
}

/// A message as one JSON string, its pieces copied one after another.
fn message(out: &mut Vec<u8>, message: &crate::checks::message::Message) -> Result<()> {
    if message.pieces().any(needs_escape) {
        return Ok(serde_json::to_writer(&mut *out, message)?);
    }
    out.push(b'"');
    for piece in message.pieces() {
        out.extend_from_slice(piece.as_bytes());
    }
    out.push(b'"');
    Ok(())
}

/// A value serialized by serde_json as it sits in a finding's field: a
/// check's texts, written ahead, and the rarer values (a waiver, guidance of
/// a finding's own).
fn nested<T: ?Sized + Serialize>(out: &mut Vec<u8>, value: &T) -> Result<()> {
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut *out, Nested::at(FINDING_FIELD_DEPTH));
    Ok(value.serialize(&mut serializer)?)
}

/// Whether serde_json escapes any byte of `text`: a control character, a
/// quote or a backslash. Read in blocks without stopping early, which the
/// compiler turns into vector instructions; a large report's strings are
/// tens of megabytes.
fn needs_escape(text: &str) -> bool {
    let escaped = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    let mut blocks = text.as_bytes().chunks_exact(32);
    let rest = blocks.remainder();
    blocks.any(|block| block.iter().fold(false, |any, &b| any | escaped(b)))
        || rest.iter().any(|&b| escaped(b))
}

/// `serde_json`'s pretty format (two spaces per level) for a value that
/// sits `depth` levels deep in the document, so that pieces serialized
/// apart read exactly as the whole document would.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn at(depth: usize) -> Nested {
        Nested {
            depth,
            has_value: false,
        }
    }

    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.new_line(writer, false)?;
        }
        writer.write_all(bracket)
    }

    fn new_line<W: ?Sized + Write>(&self, writer: &mut W, comma: bool) -> io::Result<()> {
        writer.write_all(if comma { b",\n" } else { b"\n" })?;
        // One write per line, not one per level: the report has millions.
        let mut indent = 2 * self.depth;
        while indent > 0 {
            let piece = indent.min(INDENT.len());
            writer.write_all(&INDENT[..piece])?;
            indent -= piece;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.new_line(writer, !first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.new_line(writer, !first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{AuditOptions, audit};
    use crate::checks::Catalogue;
    use crate::checks::Guidance;
    use crate::inventory::{load_str, source::Format};
    use crate::shared_str::SharedStr;

    /// The report as one document: what [`write`] must produce byte for byte.
    #[derive(Serialize)]
    struct Whole<'a> {
        #[serde(flatten)]
        head: Head<'a>,
        findings: Vec<JsonFinding<'a>>,
    }

    /// A finding as serde_json writes it: what [`write_finding`] must write
    /// byte for byte.
    #[derive(Serialize)]
    struct JsonFinding<'a> {
        check: &'a str,
        title: &'a str,
        severity: &'a str,
        tool: Option<&'a str>,
        related: &'a [SharedStr],
        subject: Option<&'a str>,
        message: &'a crate::checks::message::Message,
        remediation: &'a str,
        controls: &'a [String],
        location: Option<&'a crate::checks::Location>,
        fingerprint: crate::checks::Fingerprint,
        waiver: Option<&'a crate::checks::AppliedWaiver>,
    }

    fn plain<'a>(result: &'a AuditResult, f: &'a Finding) -> JsonFinding<'a> {
        JsonFinding {
            check: &f.check,
            title: result.check(&f.check).map_or("", |c| c.title.as_str()),
            severity: f.severity.as_str(),
            tool: f.tool.as_deref(),
            related: &f.related,
            subject: f.subject.as_deref(),
            message: &f.message,
            remediation: f.remediation(),
            controls: f.controls(),
            location: f.location.as_ref(),
            fingerprint: f.fingerprint,
            waiver: f.waiver.as_deref(),
        }
    }

    fn whole(result: &AuditResult) -> Vec<u8> {
        let doc = Whole {
            head: head(result),
            findings: result.findings.iter().map(|f| plain(result, f)).collect(),
        };
        let mut out = serde_json::to_vec_pretty(&doc).unwrap();
        out.push(b'\n');
        out
    }

    fn result_of(tools: usize) -> AuditResult {
        let mut text = String::from("schema = 1\n[policy]\nallowed_regions = [\"eu\"]\n");
        for i in 0..tools {
            // Names that need escaping, and characters of every width.
            text += &format!(
                "[[tool]]\nid = \"t{i}\"\nname = \"T{i} \\\"q\\\" \\\\ \\t \\u0007 \\n é → 𝄞\"\ncategory = \"other\"\nregions = [\"us\"]\ndata = [\"pii\"]\n"
            );
            if i > 0 {
                text += &format!("[[tool.integration]]\nto = \"t{}\"\n", i - 1);
            }
        }
        let inv = load_str(&text, Format::Toml, "s.toml").unwrap();
        let as_of = jiff::civil::date(2026, 11, 22);
        audit(&inv, &Catalogue::builtin(), &AuditOptions::new(as_of)).unwrap()
    }

    #[test]
    fn findings_written_in_parallel_read_as_one_document() {
        // Enough findings for several batches of chunks, whatever the cores.
        let result = result_of(1500);
        assert!(result.findings.len() > 4 * FINDINGS_PER_CHUNK * rayon::current_num_threads());
        let written = render(&result).unwrap();
        assert!(
            written == whole(&result),
            "the report differs from the whole document"
        );
        let parsed: serde_json::Value = serde_json::from_slice(&written).unwrap();
        assert_eq!(
            parsed["findings"].as_array().unwrap().len(),
            result.findings.len()
        );
    }

    #[test]
    fn a_report_without_findings_reads_as_one_document() {
        let mut result = result_of(2);
        result.findings.clear();
        assert_eq!(render(&result).unwrap(), whole(&result));
        let mut one = result_of(1);
        one.findings.truncate(1);
        assert_eq!(render(&one).unwrap(), whole(&one));
    }

    #[test]
    fn check_texts_written_ahead_read_as_written_in_place() {
        let mut result = result_of(3);
        assert!(result.findings.len() >= 3);
        let check = result.findings[0].check.clone();
        for c in result.checks.iter_mut().filter(|c| c.id == *check) {
            c.title = "T \"q\" \\ \t \u{7} \n é → 𝄞".into();
        }
        // Findings whose guidance is not their check's write their own.
        let own = |f: &Finding, guidance| CheckRef::new(&f.check, guidance);
        result.findings[1].check = own(
            &result.findings[1],
            Guidance {
                remediation: "own \"fix\"\n".into(),
                controls: Vec::new(),
            },
        );
        result.findings[2].check = own(
            &result.findings[2],
            Guidance {
                remediation: String::new(),
                controls: vec!["A \"1\"".into(), "B\\2".into()],
            },
        );
        let written = render(&result).unwrap();
        assert!(
            written == whole(&result),
            "the report differs from the whole document"
        );
        let parsed: serde_json::Value = serde_json::from_slice(&written).unwrap();
        let findings = &parsed["findings"];
        assert_eq!(findings[0]["title"], "T \"q\" \\ \t \u{7} \n é → 𝄞");
        assert_eq!(findings[1]["remediation"], "own \"fix\"\n");
        assert_eq!(findings[1]["controls"], serde_json::json!([]));
        assert_eq!(
            findings[2]["controls"],
            serde_json::json!(["A \"1\"", "B\\2"])
        );
        assert_eq!(
            findings[0]["controls"],
            serde_json::json!(result.findings[0].controls())
        );
    }

    #[test]
    fn every_field_of_a_finding_reads_as_serde_writes_it() {
        let mut result = result_of(4);
        assert!(result.findings.len() >= 4);
        let hostile = "q \" b \\ \t \u{1} \u{1f} é → 𝄞";
        let f = &mut result.findings[0];
        f.subject = Some(hostile.into());
        f.tool = Some(hostile.into());
        f.related = [hostile, "plain"]
            .into_iter()
            .map(SharedStr::from)
            .collect();
        f.message = hostile.into();
        f.location = None;
        f.waiver = Some(Box::new(crate::checks::AppliedWaiver {
            reason: hostile.into(),
            approved_by: "sec".into(),
            expires: jiff::civil::date(2027, 1, 31),
            ticket: None,
        }));
        // A check the result does not list: no title, its own guidance.
        result.findings[1].check = CheckRef::from("not-a-check");
        result.findings[2].related = Default::default();
        result.findings[2].subject = None;
        result.findings[3].location.as_mut().unwrap().file = hostile.into();
        let written = render(&result).unwrap();
        assert!(
            written == whole(&result),
            "the report differs from the whole document:\n{}",
            String::from_utf8_lossy(&written)
        );
        let parsed: serde_json::Value = serde_json::from_slice(&written).unwrap();
        let first = &parsed["findings"][0];
        assert_eq!(first["message"], hostile);
        assert_eq!(first["related"], serde_json::json!([hostile, "plain"]));
        assert_eq!(first["waiver"]["reason"], hostile);
        assert_eq!(parsed["findings"][1]["title"], "");
    }

    #[test]
    fn a_string_needs_escaping_for_any_control_quote_or_backslash_anywhere() {
        assert!(!needs_escape(""));
        assert!(!needs_escape("plain ASCII, é → 𝄞 and \u{7f}"));
        assert!(!needs_escape(&"x".repeat(100)));
        for special in ['"', '\\', '\u{0}', '\n', '\u{1f}'] {
            // In the first block, at its end, in a later block, in the rest.
            for at in [0, 31, 32, 63, 64, 70] {
                let mut text: Vec<char> = "x".repeat(71).chars().collect();
                text[at] = special;
                let text: String = text.into_iter().collect();
                assert!(needs_escape(&text), "{special:?} at {at}");
            }
        }
        // Two in one block count as much as one.
        assert!(needs_escape(&format!(
            "{}\"\\{}",
            "x".repeat(30),
            "x".repeat(8)
        )));
        assert!(!needs_escape(" !#[]~"), "the bytes around the special ones");
    }
}
