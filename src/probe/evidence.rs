//! The evidence file: what `stackaudit probe` saw, when, for every tool.
//! `audit --evidence FILE` judges it offline, so a report is reproducible
//! and the evidence can be filed with it.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, InputError};
use crate::inventory::source::Loc;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub schema_version: u32,
    /// RFC 3339 time of collection.
    pub collected_at: String,
    pub tools: Vec<ToolEvidence>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolEvidence {
    pub tool: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<Fetch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_txt: Option<SecurityTxt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_page: Option<Fetch>,
}

/// One page fetch, after redirects.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fetch {
    pub url: String,
    #[serde(default)]
    pub final_url: Option<String>,
    #[serde(default)]
    pub status: Option<u16>,
    /// Every URL redirected through, in order.
    #[serde(default)]
    pub redirects: Vec<String>,
    /// False when a redirect left HTTPS.
    #[serde(default = "yes")]
    pub https_only: bool,
    /// The `Strict-Transport-Security` header as sent.
    #[serde(default)]
    pub hsts: Option<String>,
    #[serde(default)]
    pub hsts_max_age: Option<u64>,
    /// The server certificate's expiry (`notAfter`), `YYYY-MM-DD`.
    #[serde(default)]
    pub certificate_expires: Option<String>,
    /// Why the certificate could not be read, when the page was fetched
    /// but its certificate was not seen (through a proxy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_unavailable: Option<String>,
    #[serde(default)]
    pub body_truncated: bool,
    /// Why the fetch failed, when it did.
    #[serde(default)]
    pub error: Option<String>,
    /// The host could not be reached at all (name resolution, connection
    /// refused, timeout, proxy): the vendor cannot be judged by this fetch.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unreachable: bool,
}

fn yes() -> bool {
    true
}

fn is_false(b: &bool) -> bool {
    !b
}

impl Fetch {
    /// Reached over HTTPS end to end with a successful status.
    pub fn ok(&self) -> bool {
        self.error.is_none()
            && self.https_only
            && self.status.is_some_and(|s| (200..400).contains(&s))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityTxt {
    pub url: String,
    #[serde(default)]
    pub status: Option<u16>,
    pub present: bool,
    #[serde(default)]
    pub contact: Vec<String>,
    /// The `Expires` field as written.
    #[serde(default)]
    pub expires: Option<String>,
    #[serde(default)]
    pub truncated: bool,
    /// Problems with the file: malformed, too large, unreachable.
    #[serde(default)]
    pub error: Option<String>,
    /// As [`Fetch::unreachable`]: nothing is known about the file.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unreachable: bool,
}

/// How many probed tools had at least one host that answered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reach {
    /// Tools with a URL or trust page that was fetched.
    pub probed: usize,
    /// Of those, tools where some fetch reached a server.
    pub reached: usize,
}

impl Reach {
    pub fn of(evidence: &Evidence) -> Reach {
        let mut reach = Reach::default();
        for t in &evidence.tools {
            let fetches: Vec<&Fetch> = t.site.iter().chain(&t.trust_page).collect();
            if fetches.is_empty() {
                continue;
            }
            reach.probed += 1;
            if !t.could_not_be_judged() {
                reach.reached += 1;
            }
        }
        reach
    }
}

impl ToolEvidence {
    /// No server answered any request for this tool: nothing can be said
    /// about the vendor from this evidence.
    pub fn could_not_be_judged(&self) -> bool {
        let fetches: Vec<&Fetch> = self.site.iter().chain(&self.trust_page).collect();
        !fetches.is_empty()
            && fetches.iter().all(|f| f.unreachable)
            && self.security_txt.as_ref().is_none_or(|t| t.unreachable)
    }
}

/// The longest string kept from a server (or read from an evidence file):
/// a hostile server could otherwise fill the evidence, the table and the
/// findings with megabytes of text.
pub const TEXT_LIMIT: usize = 1024;

/// `s` cut to at most [`TEXT_LIMIT`] bytes, marker included, on a
/// character boundary.
pub fn cap_text(s: &mut String) {
    if s.len() <= TEXT_LIMIT {
        return;
    }
    let marker = format!("… [cut: {} bytes in all]", s.len());
    let mut end = TEXT_LIMIT - marker.len();
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s.push_str(&marker);
}

fn cap_all<'a>(strings: impl IntoIterator<Item = &'a mut String>) {
    strings.into_iter().for_each(cap_text);
}

impl Fetch {
    fn cap_text(&mut self) {
        cap_all(
            [&mut self.url]
                .into_iter()
                .chain(self.final_url.as_mut())
                .chain(self.redirects.iter_mut())
                .chain(self.hsts.as_mut())
                .chain(self.certificate_expires.as_mut())
                .chain(self.certificate_unavailable.as_mut())
                .chain(self.error.as_mut()),
        );
    }
}

impl ToolEvidence {
    /// Caps every string to [`TEXT_LIMIT`].
    pub fn cap_text(&mut self) {
        cap_text(&mut self.tool);
        for f in self.site.iter_mut().chain(self.trust_page.iter_mut()) {
            f.cap_text();
        }
        if let Some(t) = &mut self.security_txt {
            cap_all(
                [&mut t.url]
                    .into_iter()
                    .chain(t.contact.iter_mut())
                    .chain(t.expires.as_mut())
                    .chain(t.error.as_mut()),
            );
        }
    }
}

/// Line and column (1-based) of byte `offset` in `text`.
fn loc_of(text: &str, offset: usize) -> Loc {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.len(), |n| before.len() - n - 1)
        + 1;
    Loc::new(line as u32, column as u32)
}

/// Where the JSON string `value` of `key` first appears after `from`, or
/// the file's start.
fn find_value(text: &str, key: &str, value: &str, from: usize) -> (Loc, usize) {
    let quoted = serde_json::to_string(value).unwrap_or_default();
    let mut at = from;
    while let Some(k) = text.get(at..).and_then(|t| t.find(&format!("\"{key}\""))) {
        let k = at + k;
        let rest = &text[k + key.len() + 2..];
        let skipped = rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n', ':']).len();
        if rest[skipped..].starts_with(&quoted) {
            let offset = k + key.len() + 2 + skipped;
            return (loc_of(text, offset), offset);
        }
        at = k + 1;
    }
    (Loc::new(1, 1), from)
}

impl Evidence {
    pub fn for_tool(&self, id: &str) -> Option<&ToolEvidence> {
        self.tools.iter().find(|t| t.tool == id)
    }

    /// The collection day (UTC).
    pub fn collected_on(&self) -> Option<jiff::civil::Date> {
        self.collected_at
            .parse::<jiff::Timestamp>()
            .ok()
            .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
    }

    pub fn parse(text: &str, name: &str) -> Result<Evidence, InputError> {
        let fail = |d: Diagnostic| InputError::single(name.to_string(), d);
        // Editors on Windows may save JSON with a byte order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut evidence: Evidence = serde_json::from_str(text).map_err(|e| {
            fail(
                Diagnostic::at(
                    Loc::new((e.line() as u32).max(1), (e.column() as u32).max(1)),
                    format!(
                        "invalid evidence file: {}",
                        crate::audit::baseline::json_message(&e)
                    ),
                )
                .help("collect evidence with `stackaudit probe --output evidence.json`"),
            )
        })?;
        if evidence.schema_version != 1 {
            return Err(fail(Diagnostic::file(format!(
                "unsupported evidence schema_version {}",
                evidence.schema_version
            ))));
        }
        let Some(collected) = evidence.collected_at.parse::<jiff::Timestamp>().ok() else {
            let (loc, _) = find_value(text, "collected_at", &evidence.collected_at, 0);
            return Err(fail(
                Diagnostic::at(
                    loc,
                    format!(
                        "`collected_at` is not an RFC 3339 time: {:?}",
                        crate::report::sanitize::owned(&evidence.collected_at)
                    ),
                )
                .help("write it as 2026-11-22T09:30:00Z"),
            ));
        };
        // A day of slack for clocks that disagree; later than that, the
        // file would stay "fresh" forever.
        let now = jiff::Timestamp::now();
        if collected > now + jiff::SignedDuration::from_hours(24) {
            let (loc, _) = find_value(text, "collected_at", &evidence.collected_at, 0);
            return Err(fail(
                Diagnostic::at(
                    loc,
                    format!(
                        "`collected_at` {} is in the future: evidence cannot have been collected after today",
                        evidence.collected_at
                    ),
                )
                .help("collect fresh evidence with `stackaudit probe --output evidence.json`"),
            ));
        }
        let mut seen = std::collections::HashMap::new();
        let mut search_from = 0;
        for tool in &evidence.tools {
            let (loc, offset) = find_value(text, "tool", &tool.tool, search_from);
            search_from = offset;
            if let Some(first) = seen.insert(tool.tool.clone(), loc) {
                return Err(fail(
                    Diagnostic::at(
                        loc,
                        format!(
                            "tool {:?} has more than one evidence entry (the first is at {}:{})",
                            crate::report::sanitize::owned(&tool.tool),
                            first.line,
                            first.column
                        ),
                    )
                    .help("keep one entry per tool, as `stackaudit probe` writes them"),
                ));
            }
            let site = tool.site.iter().chain(&tool.trust_page);
            for expires in site.filter_map(|f| f.certificate_expires.as_deref()) {
                if crate::inventory::validate::parse_date(expires).is_err() {
                    let (loc, _) = find_value(text, "certificate_expires", expires, offset);
                    return Err(fail(
                        Diagnostic::at(
                            loc,
                            format!(
                                "`certificate_expires` of tool {:?} is not a date: {:?}",
                                crate::report::sanitize::owned(&tool.tool),
                                crate::report::sanitize::owned(expires)
                            ),
                        )
                        .help("expected YYYY-MM-DD, as `stackaudit probe` writes it"),
                    ));
                }
            }
        }
        for tool in &mut evidence.tools {
            tool.cap_text();
        }
        Ok(evidence)
    }

    /// Reads at most `max_size` bytes through the one bounded reader of
    /// input files, so devices and FIFOs are refused.
    pub fn read(path: &std::path::Path, max_size: u64) -> Result<Evidence, InputError> {
        let name = path.display().to_string();
        let text = crate::inventory::read_bounded_text(path, max_size, "the evidence file")
            .map_err(|d| InputError::single(name.clone(), d))?;
        Self::parse(&text, &name)
    }
}

/// Parses an RFC 9116 security.txt: `Contact` (one or more) and `Expires`.
/// Returns an error message when the file is malformed.
pub fn parse_security_txt(text: &str) -> (Vec<String>, Option<String>, Option<String>) {
    let mut contact = Vec::new();
    let mut expires = None;
    let mut problems = Vec::new();
    // A signed file wraps the fields in an OpenPGP block; the fields are still lines.
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("-----") {
            continue;
        }
        let Some((field, value)) = line.split_once(':') else {
            if !line.starts_with("Hash:") {
                problems.push(format!("line without a field name: {:?}", truncate(line)));
            }
            continue;
        };
        let value = value.trim().to_string();
        match field.trim().to_ascii_lowercase().as_str() {
            "contact" => contact.push(value),
            "expires" => {
                if expires.is_some() {
                    problems.push("more than one Expires field".to_string());
                }
                if value.parse::<jiff::Timestamp>().is_err() {
                    problems.push(format!(
                        "Expires is not an RFC 3339 date-time: {:?}",
                        truncate(&value)
                    ));
                }
                expires = Some(value);
            }
            _ => {}
        }
    }
    if contact.is_empty() {
        problems.push("no Contact field".to_string());
    }
    if expires.is_none() {
        problems.push("no Expires field".to_string());
    }
    let error =
        (!problems.is_empty()).then(|| format!("malformed security.txt: {}", problems.join("; ")));
    (contact, expires, error)
}

fn truncate(s: &str) -> String {
    s.chars().take(60).collect()
}

/// The `max-age` of a Strict-Transport-Security header.
pub fn hsts_max_age(header: &str) -> Option<u64> {
    header.split(';').find_map(|part| {
        let (k, v) = part.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("max-age"))
            .then(|| v.trim().trim_matches('"').parse().ok())
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_txt_fields() {
        let (c, e, err) = parse_security_txt(
            "# hi\nContact: mailto:security@x.example\nContact: https://x.example/sec\nExpires: 2027-01-01T00:00:00Z\n",
        );
        assert_eq!(c.len(), 2);
        assert_eq!(e.as_deref(), Some("2027-01-01T00:00:00Z"));
        assert!(err.is_none());
        let (_, _, err) = parse_security_txt("Expires: soon\n");
        let err = err.unwrap();
        assert!(
            err.contains("no Contact field") && err.contains("not an RFC 3339"),
            "{err}"
        );
    }

    #[test]
    fn long_text_is_capped_with_a_marker() {
        let mut s = "é".repeat(300 * 1024);
        cap_text(&mut s);
        assert!(s.len() <= TEXT_LIMIT, "{}", s.len());
        assert!(s.ends_with("… [cut: 614400 bytes in all]"), "{s}");
        let mut short = "short".to_string();
        cap_text(&mut short);
        assert_eq!(short, "short");
    }

    fn evidence_json(collected_at: &str, tools: &str) -> String {
        format!(r#"{{"schema_version": 1, "collected_at": "{collected_at}", "tools": [{tools}]}}"#)
    }

    fn parse_error(text: &str) -> String {
        let e = Evidence::parse(text, "e.json").unwrap_err();
        format!("{e:?}")
    }

    #[test]
    fn evidence_from_the_future_is_refused() {
        let err = parse_error(&evidence_json("2099-01-01T00:00:00Z", ""));
        assert!(err.contains("is in the future"), "{err}");
        assert!(Evidence::parse(&evidence_json("2026-01-01T00:00:00Z", ""), "e.json").is_ok());
    }

    #[test]
    fn evidence_dates_are_checked_with_their_location() {
        let text = evidence_json(
            "2026-01-01T00:00:00Z",
            "\n{\"tool\": \"a\", \"site\": {\"url\": \"https://a.example/\",\n \"certificate_expires\": \"garbage\"}}",
        );
        let err = Evidence::parse(&text, "e.json").unwrap_err();
        let d = &err.diagnostics[0];
        assert!(d.message.contains("is not a date"), "{}", d.message);
        assert_eq!(d.loc.map(|l| (l.line, l.column)), Some((3, 25)));
        let err = parse_error(&evidence_json("9999-12-31T23:59:60Z", ""));
        assert!(err.contains("not an RFC 3339 time"), "{err}");
    }

    #[test]
    fn duplicate_tool_entries_are_refused() {
        let text = evidence_json(
            "2026-01-01T00:00:00Z",
            "{\"tool\": \"a\"},\n{\"tool\": \"a\"}",
        );
        let err = parse_error(&text);
        assert!(err.contains("more than one evidence entry"), "{err}");
    }

    #[test]
    fn a_byte_order_mark_is_accepted_and_strings_are_capped() {
        let long = "x".repeat(5000);
        let text = format!(
            "\u{feff}{}",
            evidence_json(
                "2026-01-01T00:00:00Z",
                &format!(
                    "{{\"tool\": \"a\", \"site\": {{\"url\": \"https://a.example/\", \"error\": \"{long}\"}}}}"
                )
            )
        );
        let e = Evidence::parse(&text, "e.json").unwrap();
        let error = e.tools[0].site.as_ref().unwrap().error.as_ref().unwrap();
        assert!(error.len() <= TEXT_LIMIT);
    }

    #[test]
    fn devices_are_refused_without_reading_them() {
        let err = Evidence::read(std::path::Path::new("/dev/zero"), 1024).unwrap_err();
        assert!(format!("{err:?}").contains("not a regular file"), "{err:?}");
    }

    #[test]
    fn hsts_max_age_is_read() {
        assert_eq!(
            hsts_max_age("max-age=31536000; includeSubDomains"),
            Some(31_536_000)
        );
        assert_eq!(
            hsts_max_age("includeSubDomains; MAX-AGE=\"300\""),
            Some(300)
        );
        assert_eq!(hsts_max_age("includeSubDomains"), None);
    }
}
