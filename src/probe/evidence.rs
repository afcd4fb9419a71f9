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
        let evidence: Evidence = serde_json::from_str(text).map_err(|e| {
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
        if evidence.collected_on().is_none() {
            return Err(fail(Diagnostic::file(format!(
                "`collected_at` is not an RFC 3339 time: {:?}",
                evidence.collected_at
            ))));
        }
        Ok(evidence)
    }

    pub fn read(path: &std::path::Path, max_size: u64) -> Result<Evidence, InputError> {
        let name = path.display().to_string();
        let fail = |d: Diagnostic| InputError::single(name.clone(), d);
        let size = std::fs::metadata(path).map(|m| m.len()).map_err(|e| {
            fail(Diagnostic::file(format!(
                "cannot read the evidence file: {e}"
            )))
        })?;
        if size > max_size {
            return Err(fail(Diagnostic::file(format!(
                "the evidence file is {size} bytes, over the input size limit of {max_size}"
            ))));
        }
        let text = std::fs::read_to_string(path).map_err(|e| {
            fail(Diagnostic::file(format!(
                "cannot read the evidence file: {e}"
            )))
        })?;
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
