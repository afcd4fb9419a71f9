//! Checks: a definition (data, in `checks/<id>.toml`) plus an evaluator.
//!
//! Built-in evaluators live in one module per family, named after the
//! definition's `family`; inside, each check is a function named after its id
//! (`backup-rpo-exceeded` → `backup::backup_rpo_exceeded`). User checks are
//! definitions with a `[rule]` table, evaluated by [`rule`].

pub mod access;
pub mod backup;
pub mod compliance;
pub mod contract;
pub mod data;
pub mod encryption;
pub mod idp;
pub mod integration;
pub mod message;
pub mod probe;
pub mod residency;
pub mod rule;
pub mod stack;
pub mod waiver;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use anyhow::{Context as _, Result, bail};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::inventory::Inventory;
use crate::inventory::dataflow::DataFlow;
use crate::inventory::model::Tool;
use crate::inventory::source::Loc;
use crate::shared_str::SharedStr;

include!(concat!(env!("OUT_DIR"), "/builtin_checks.rs"));

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Most severe first, for reports.
    pub const DESCENDING: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Self::DESCENDING.into_iter().find(|v| v.as_str() == s)
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A check definition, as written in `checks/<id>.toml`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CheckDef {
    pub id: String,
    pub title: String,
    pub family: String,
    pub severity: Severity,
    pub rationale: String,
    pub remediation: String,
    #[serde(default)]
    pub controls: Vec<String>,
    /// What to ask a vendor when this check fires on a proposed tool (`gate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_question: Option<String>,
    /// Parameters with their defaults and accepted values;
    /// `[checks.params.<id>]` overrides the values.
    #[serde(default)]
    pub params: BTreeMap<String, Param>,
    /// Which tools a rule check applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<rule::AppliesTo>,
    /// The condition of a user-written check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<rule::RuleDef>,
    /// Where the definition came from: `built-in` or a file path.
    #[serde(skip_deserializing, default)]
    pub source: String,
    /// The id, remediation and controls as every finding of this check
    /// shares them; made on first use.
    #[serde(skip)]
    shared: OnceLock<CheckRef>,
}

/// A finding's check: its id, remediation and controls, held once per
/// check and shared by its findings, one pointer wide (a large audit holds
/// hundreds of thousands of findings). Reads as the check's id.
#[derive(Clone, Debug)]
pub struct CheckRef(Arc<CheckParts>);

#[derive(Debug)]
struct CheckParts {
    id: SharedStr,
    guidance: Guidance,
}

impl CheckRef {
    pub fn new(id: &str, guidance: Guidance) -> CheckRef {
        CheckRef(Arc::new(CheckParts {
            id: id.into(),
            guidance,
        }))
    }

    pub fn as_str(&self) -> &str {
        &self.0.id
    }

    pub fn guidance(&self) -> &Guidance {
        &self.0.guidance
    }

    /// Whether both are one check's shared parts, not only the same id.
    pub fn same_parts(&self, other: &CheckRef) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for CheckRef {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0.id
    }
}

impl From<CheckRef> for String {
    fn from(check: CheckRef) -> String {
        check.as_str().to_string()
    }
}

impl From<&str> for CheckRef {
    fn from(id: &str) -> CheckRef {
        CheckRef::new(id, Guidance::default())
    }
}

// Findings compare and sort by their check's id; those of one check share
// their parts and are equal without reading them.
impl PartialEq for CheckRef {
    fn eq(&self, other: &Self) -> bool {
        self.same_parts(other) || self.0.id == other.0.id
    }
}

impl Eq for CheckRef {}

impl PartialEq<str> for CheckRef {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<String> for CheckRef {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<CheckRef> for String {
    fn eq(&self, other: &CheckRef) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<&str> for CheckRef {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Ord for CheckRef {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if self.same_parts(other) {
            return std::cmp::Ordering::Equal;
        }
        self.0.id.cmp(&other.0.id)
    }
}

impl PartialOrd for CheckRef {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for CheckRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CheckRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// What to do about a check's findings, shared by all of them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Guidance {
    pub remediation: String,
    /// The control ids the check maps to (SOC 2, ISO 27001, CSA CCM).
    pub controls: Vec<String>,
}

impl CheckDef {
    /// The check as its findings share it.
    pub fn shared(&self) -> &CheckRef {
        self.shared.get_or_init(|| {
            CheckRef::new(
                &self.id,
                Guidance {
                    remediation: self.remediation.trim().to_string(),
                    controls: self.controls.clone(),
                },
            )
        })
    }

    /// Remediation and controls as the check's findings share them.
    pub fn guidance(&self) -> &Guidance {
        self.shared().guidance()
    }

    /// A finding of this check with no tool, location or subject yet.
    pub fn finding(
        &self,
        message: impl Into<message::Message>,
        location: Option<Location>,
    ) -> Finding {
        Finding {
            check: self.shared().clone(),
            severity: self.severity,
            tool: None,
            related: Default::default(),
            subject: None,
            message: message.into(),
            location,
            fingerprint: Fingerprint::default(),
            waiver: None,
        }
    }

    /// An integer parameter's value. Validation guarantees built-in
    /// parameters hold integers within their declared range.
    pub fn param_i64(&self, name: &str) -> i64 {
        self.params
            .get(name)
            .and_then(|p| p.value.as_i64())
            .unwrap_or(0)
    }

    pub fn param_str(&self, name: &str) -> &str {
        self.params
            .get(name)
            .and_then(|p| p.value.as_str())
            .unwrap_or("")
    }

    /// A severity-valued parameter, when set to a severity.
    pub fn param_severity(&self, name: &str) -> Option<Severity> {
        Severity::parse(self.param_str(name))
    }
}

/// A check parameter as a definition declares it: its value (the default
/// until `[checks.params.<id>]` overrides it) and what it accepts.
///
/// Written either as a bare default (`days = 90`, any value of that type)
/// or as a table: `days = { default = 90, min = 0, max = 3650, doc = "…" }`;
/// `kind = "severity"` makes a string parameter accept severity names only.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Param {
    pub value: serde_json::Value,
    /// Smallest accepted integer, inclusive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Largest accepted integer, inclusive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// `severity`: one of the severity names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<ParamKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamKind {
    Severity,
}

impl Param {
    /// What values the parameter accepts, for `checks explain` and errors:
    /// "an integer from 0 to 3650", "one of critical, high, medium, low, info".
    pub fn accepts(&self) -> String {
        if self.kind == Some(ParamKind::Severity) {
            return format!(
                "one of {}",
                Severity::DESCENDING.map(Severity::as_str).join(", ")
            );
        }
        match (&self.value, self.min, self.max) {
            (serde_json::Value::Number(_), Some(lo), Some(hi)) => {
                format!("an integer from {lo} to {hi}")
            }
            (serde_json::Value::Number(_), Some(lo), None) => {
                format!("an integer of at least {lo}")
            }
            (serde_json::Value::Number(_), None, Some(hi)) => format!("an integer of at most {hi}"),
            (v, _, _) => crate::audit::json_kind(v).to_string(),
        }
    }
}

impl<'de> Deserialize<'de> for Param {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Spec {
            default: serde_json::Value,
            min: Option<i64>,
            max: Option<i64>,
            kind: Option<ParamKind>,
            doc: Option<String>,
        }
        let value = serde_json::Value::deserialize(d)?;
        let is_spec = value.as_object().is_some_and(|o| o.contains_key("default"));
        if !is_spec {
            return Ok(Param {
                value,
                min: None,
                max: None,
                kind: None,
                doc: None,
            });
        }
        let spec: Spec = serde_json::from_value(value).map_err(serde::de::Error::custom)?;
        if (spec.min.is_some() || spec.max.is_some()) && !spec.default.is_i64() {
            return Err(serde::de::Error::custom(
                "`min` and `max` apply to integer parameters only",
            ));
        }
        if spec.min.zip(spec.max).is_some_and(|(lo, hi)| lo > hi) {
            return Err(serde::de::Error::custom("`min` is larger than `max`"));
        }
        let param = Param {
            value: spec.default,
            min: spec.min,
            max: spec.max,
            kind: spec.kind,
            doc: spec.doc,
        };
        if let Err(why) = param.check(&param.value) {
            return Err(serde::de::Error::custom(format!(
                "the default does not fit the parameter: {why}"
            )));
        }
        Ok(param)
    }
}

impl Param {
    /// Whether `value` may replace the default; the error says what is
    /// wrong with it (the caller adds where and which parameter).
    pub fn check(&self, value: &serde_json::Value) -> Result<(), String> {
        use serde_json::Value as J;
        if self.kind == Some(ParamKind::Severity) {
            let Some(s) = value.as_str() else {
                return Err(format!(
                    "must be a severity name, found {}",
                    describe_json(value)
                ));
            };
            if Severity::parse(s).is_none() {
                let names = Severity::DESCENDING.map(Severity::as_str);
                let hint = crate::diagnostic::did_you_mean(&s.to_ascii_lowercase(), names)
                    .map(|m| format!("; did you mean `{m}`?"))
                    .unwrap_or_default();
                return Err(format!(
                    "must be a severity name, found \"{}\"{hint}",
                    crate::diagnostic::truncate_chars(s, 40),
                ));
            }
            return Ok(());
        }
        match (&self.value, value) {
            (J::Number(d), J::Number(n)) if d.is_i64() => {
                let out_of_range = || Err(format!("must be {}, found {n}", self.accepts()));
                let i = match n.as_i64().or_else(|| whole_f64(n)) {
                    Some(i) => i,
                    None if n.as_f64().is_some_and(|f| f.fract() != 0.0) => {
                        return Err(format!("must be a whole number, found {n}"));
                    }
                    // Whole, but past what an integer holds.
                    None => return out_of_range(),
                };
                if self.min.is_some_and(|lo| i < lo) || self.max.is_some_and(|hi| i > hi) {
                    return out_of_range();
                }
                Ok(())
            }
            (J::Number(_), J::Number(_)) => Ok(()),
            (d, v) if crate::audit::json_kind(d) == crate::audit::json_kind(v) => Ok(()),
            (d, v) => Err(format!(
                "must be {}, like its default {d}, found {}",
                crate::audit::json_kind(d),
                describe_json(v)
            )),
        }
    }

    /// The value to store for an accepted override: whole floats such as
    /// `90.0` become the integer 90, so checks never read them as 0.
    pub fn normalise(&self, value: &serde_json::Value) -> serde_json::Value {
        match value {
            serde_json::Value::Number(n) if self.value.is_i64() && !n.is_i64() => {
                whole_f64(n).map_or_else(|| value.clone(), serde_json::Value::from)
            }
            _ => value.clone(),
        }
    }
}

/// A float that is a whole number inside the i64 range, as an integer.
fn whole_f64(n: &serde_json::Number) -> Option<i64> {
    let f = n.as_f64()?;
    // -2^63 and 2^63 are exact as floats; i64 holds [-2^63, 2^63).
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    (f.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&f)).then_some(f as i64)
}

fn describe_json(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => {
            format!(
                "the string \"{}\"",
                crate::diagnostic::truncate_chars(s, 40)
            )
        }
        serde_json::Value::Number(n) => format!("the number {n}"),
        serde_json::Value::Bool(b) => format!("`{b}`"),
        other => crate::audit::json_kind(other).to_string(),
    }
}

/// A gap found by a check.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The check's id (as which it is written), with its remediation and
    /// controls.
    pub check: CheckRef,
    pub severity: Severity,
    /// The tool the finding is about; `None` for stack-level findings.
    pub tool: Option<SharedStr>,
    /// Other tools involved (the source of inherited data, redundant peers...).
    /// One pointer wide, and no allocation when empty (most findings).
    pub related: thin_vec::ThinVec<SharedStr>,
    /// What specifically is wrong (a region, a certification, a category), so
    /// the finding keeps its identity when messages are reworded.
    pub subject: Option<SharedStr>,
    /// Capped at [`crate::diagnostic::MAX_MESSAGE_CHARS`] characters by the
    /// audit once all checks have run. Its wording is shared by the
    /// findings of one check where they differ only in the tool they name.
    pub message: message::Message,
    pub location: Option<Location>,
    /// Identity across runs: a hash of check, tool and subject (not of the
    /// message or the line), used by baselines and SARIF.
    pub fingerprint: Fingerprint,
    /// The waiver that covers this finding, if any (boxed: most findings
    /// have none, and a large audit holds many findings).
    pub waiver: Option<Box<AppliedWaiver>>,
}

// As a map, the check's guidance written in its place among the fields.
impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let guidance = self.check.guidance();
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("check", &self.check)?;
        map.serialize_entry("severity", &self.severity)?;
        map.serialize_entry("tool", &self.tool)?;
        map.serialize_entry("related", self.related.as_slice())?;
        map.serialize_entry("subject", &self.subject)?;
        map.serialize_entry("message", &self.message)?;
        map.serialize_entry("remediation", &guidance.remediation)?;
        map.serialize_entry("controls", &guidance.controls)?;
        map.serialize_entry("location", &self.location)?;
        map.serialize_entry("fingerprint", &self.fingerprint)?;
        map.serialize_entry("waiver", &self.waiver)?;
        map.end()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AppliedWaiver {
    pub reason: String,
    pub approved_by: String,
    pub expires: Date,
    pub ticket: Option<String>,
}

impl Finding {
    pub fn is_waived(&self) -> bool {
        self.waiver.is_some()
    }

    pub fn remediation(&self) -> &str {
        &self.check.guidance().remediation
    }

    pub fn controls(&self) -> &[String] {
        &self.check.guidance().controls
    }
}

/// A finding's stable identity: check, tool and subject, hashed.
pub fn fingerprint(check: &str, tool: Option<&str>, subject: Option<&str>) -> Fingerprint {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [check, tool.unwrap_or(""), subject.unwrap_or("")] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    let mut first = [0u8; 8];
    first.copy_from_slice(&h.finalize()[..8]);
    Fingerprint::from_u64(u64::from_be_bytes(first))
}

/// A finding's identity as a number; reports and baselines write it as 16
/// lowercase hex digits (a large audit holds hundreds of thousands). The
/// numbers order as their digits do.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(u64);

impl Fingerprint {
    pub fn from_u64(value: u64) -> Fingerprint {
        Fingerprint(value)
    }

    /// The 16 hex digits, `0000000000000000` until the audit computes it.
    pub fn digits(&self) -> FingerprintDigits {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut digits = [0u8; 16];
        for (i, d) in digits.iter_mut().enumerate() {
            *d = HEX[((self.0 >> (60 - 4 * i)) & 0xf) as usize];
        }
        FingerprintDigits(digits)
    }
}

/// A fingerprint written out.
pub struct FingerprintDigits([u8; 16]);

impl FingerprintDigits {
    pub fn as_str(&self) -> &str {
        // Always ASCII hex digits.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.digits().as_str())
    }
}

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.digits().as_str(), f)
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.digits().as_str())
    }
}

impl PartialEq<str> for Fingerprint {
    fn eq(&self, other: &str) -> bool {
        self.digits().as_str() == other
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: SharedStr,
    pub line: u32,
    pub column: u32,
}

/// What an evaluator sees.
pub struct Context<'a> {
    pub inventory: &'a Inventory,
    pub flow: &'a DataFlow,
    pub as_of: Date,
    /// Per waiver, whether it covered a finding (filled in before the
    /// waiver checks run, empty before).
    pub waivers_used: &'a [bool],
    /// Evidence from `stackaudit probe`, when the audit was given some.
    pub evidence: Option<&'a crate::probe::evidence::Evidence>,
    /// The identity provider's app list (`audit --idp`), when given.
    pub idp: Option<&'a crate::import::idp::IdpApps>,
    /// Each tool's id and name, in inventory order, for the wording its
    /// findings share with the check's others; empty, every message is kept
    /// whole.
    pub labels: &'a [Arc<message::ToolLabel>],
    /// The wordings of the check being evaluated: one context per check.
    pub wordings: std::sync::Mutex<foldhash::HashSet<SharedStr>>,
}

impl<'a> Context<'a> {
    /// Tools that checks judge: status active or evaluating.
    pub fn tools_in_scope(&self) -> impl Iterator<Item = (usize, &'a Tool)> {
        self.inventory
            .tools
            .iter()
            .enumerate()
            .filter(|(_, t)| t.is_in_scope())
    }

    pub fn location(&self, loc: Loc) -> Location {
        Location {
            file: self.inventory.path.clone(),
            line: loc.line,
            column: loc.column,
        }
    }

    /// A finding about a tool, located at one of its fields.
    pub fn tool_finding(
        &self,
        def: &CheckDef,
        tool: &Tool,
        field: &str,
        message: String,
    ) -> Finding {
        Finding {
            tool: Some(tool.id.clone()),
            ..def.finding(
                self.shared_wording(tool, message),
                Some(self.location(tool.loc_of(field))),
            )
        }
    }

    /// A message about `tool` as a wording shared with the check's other
    /// findings, where it names the tool (BENCHMARKS.md, "Twelfth round").
    /// Made here, the whole text is freed at once instead of being held
    /// until the check is done.
    fn shared_wording(&self, tool: &Tool, message: String) -> message::Message {
        let label = self
            .flow
            .index
            .get(&tool.id)
            .and_then(|&i| self.labels.get(i));
        let Some(label) = label else {
            return message.into();
        };
        let mut wordings = self
            .wordings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        message::Message::with_label(&message, label, &mut wordings)
            .unwrap_or_else(|| message.into())
    }

    /// A finding about the whole stack, located at a policy key when given.
    pub fn stack_finding(
        &self,
        def: &CheckDef,
        policy_key: Option<&str>,
        message: String,
    ) -> Finding {
        let loc = policy_key
            .and_then(|k| self.inventory.policy.spans.get(k))
            .copied();
        def.finding(message, loc.map(|l| self.location(l)))
    }

    /// " (inherited: pii from `crm` via crm → ma)" for messages, and the
    /// tools on those paths (sorted by id, without the tool itself).
    pub fn data_origin(
        &self,
        tool: usize,
        classes: crate::inventory::model::DataSet,
    ) -> (DataOrigin<'a>, Vec<SharedStr>) {
        let tools = &self.inventory.tools;
        let mut related: Vec<usize> = Vec::new();
        let mut parts = Vec::new();
        for class in classes.iter() {
            if let Some(part) = self.flow.provenance_text(self.inventory, tool, class) {
                related.extend(&part.related);
                parts.push(part);
            }
        }
        self.flow.sort_by_id(&mut related);
        related.dedup();
        (
            DataOrigin { parts },
            related.into_iter().map(|i| tools[i].id.clone()).collect(),
        )
    }
}

/// Where a tool's data came from, as a message says it: " (inherited: pii
/// from `crm` via crm → ma; customer from …)", or nothing. Written straight
/// into the message, and only as far as a message can show it: past
/// [`MAX_MESSAGE_CHARS`] characters the message is cut anyway, and one
/// character more keeps it cut at the same place.
///
/// [`MAX_MESSAGE_CHARS`]: crate::diagnostic::MAX_MESSAGE_CHARS
pub struct DataOrigin<'a> {
    parts: Vec<&'a crate::inventory::dataflow::ProvenanceText>,
}

impl std::fmt::Display for DataOrigin<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.parts.is_empty() {
            return Ok(());
        }
        let mut room = crate::diagnostic::MAX_MESSAGE_CHARS + 1;
        for (i, part) in self.parts.iter().enumerate() {
            // ASCII: bytes are characters.
            let joint = if i == 0 { " (inherited: " } else { "; " };
            if joint.len() >= room {
                return f.write_str(&joint[..room]);
            }
            f.write_str(joint)?;
            room -= joint.len();
            if part.chars >= room {
                let end = part
                    .text
                    .char_indices()
                    .nth(room)
                    .map_or(part.text.len(), |(e, _)| e);
                return f.write_str(&part.text[..end]);
            }
            f.write_str(&part.text)?;
            room -= part.chars;
        }
        f.write_str(")")
    }
}

pub type Evaluator = fn(&Context, &CheckDef, &mut Vec<Finding>);

/// The built-in evaluator for a check id, looked up in its family's module.
pub fn builtin_evaluator(family: &str, id: &str) -> Option<Evaluator> {
    match family {
        "integration" => integration::evaluator(id),
        "stack" => stack::evaluator(id),
        "compliance" => compliance::evaluator(id),
        "residency" => residency::evaluator(id),
        "encryption" => encryption::evaluator(id),
        "backup" => backup::evaluator(id),
        "access" => access::evaluator(id),
        "contract" => contract::evaluator(id),
        "data" => data::evaluator(id),
        "waiver" => waiver::evaluator(id),
        "probe" => probe::evaluator(id),
        "idp" => idp::evaluator(id),
        _ => None,
    }
}

/// Every check available to a run: the built-ins plus user packs.
#[derive(Clone, Debug)]
pub struct Catalogue {
    pub checks: Vec<CheckDef>,
}

impl Catalogue {
    pub fn builtin() -> Catalogue {
        let checks = BUILTIN_DEFINITIONS
            .iter()
            .map(|(name, text)| {
                let mut def: CheckDef = toml::from_str(text)
                    .unwrap_or_else(|e| panic!("built-in check {name} is invalid: {e}"));
                def.source = "built-in".into();
                def
            })
            .collect();
        Catalogue { checks }
    }

    /// Built-ins plus every `*.toml` definition in the given folders.
    pub fn load(dirs: &[PathBuf]) -> Result<Catalogue> {
        let mut catalogue = Catalogue::builtin();
        for dir in dirs {
            let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
                .with_context(|| format!("cannot read the checks folder {}", dir.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            files.sort();
            for file in files {
                let def = load_definition(&file)?;
                if catalogue.get(&def.id).is_some() {
                    bail!(
                        "{}: a check with id `{}` already exists; ids must be unique",
                        file.display(),
                        def.id
                    );
                }
                catalogue.checks.push(def);
            }
        }
        Ok(catalogue)
    }

    pub fn get(&self, id: &str) -> Option<&CheckDef> {
        self.checks.iter().find(|c| c.id == id)
    }
}

fn load_definition(file: &Path) -> Result<CheckDef> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut def: CheckDef = toml::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}: invalid check definition: {e}", file.display()))?;
    def.source = file.display().to_string();
    if !crate::inventory::validate::is_slug(&def.id) {
        bail!(
            "{}: check id `{}` must use lower-case letters, digits and dashes",
            file.display(),
            def.id
        );
    }
    if let Some(scope) = &def.applies_to {
        scope
            .validate()
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    }
    match &def.rule {
        Some(rule) => rule
            .validate()
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?,
        None if builtin_evaluator(&def.family, &def.id).is_none() => bail!(
            "{}: check `{}` has no [rule] table and is not a built-in check; add a [rule] with a `require` condition",
            file.display(),
            def.id
        ),
        None => {}
    }
    Ok(def)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn and_list_reads_as_a_sentence() {
        let list = |items: &[&str]| and_list(items.iter().map(ToString::to_string).collect());
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["a"]), "a");
        assert_eq!(list(&["a", "b"]), "a and b");
        assert_eq!(list(&["a", "b", "c"]), "a, b and c");
    }

    /// A large audit holds hundreds of thousands of findings: what every
    /// finding of a check shares is one pointer, shared texts are one
    /// pointer each, and the fingerprint is a number.
    #[test]
    fn a_finding_stays_small() {
        assert_eq!(std::mem::size_of::<Fingerprint>(), 8);
        assert_eq!(std::mem::size_of::<message::Message>(), 16);
        let size = std::mem::size_of::<Finding>();
        assert!(size <= 88, "a finding takes {size} bytes");
    }

    #[test]
    fn a_fingerprint_prints_and_compares_as_its_digits() {
        let print = Fingerprint::from_u64(0x0123_4567_89ab_cdef);
        assert_eq!(print.to_string(), "0123456789abcdef");
        assert_eq!(format!("{print:?}"), "\"0123456789abcdef\"");
        assert!(print == *"0123456789abcdef");
        assert!(print != *"0123456789abcdee");
    }

    #[test]
    fn a_check_shares_its_own_guidance_and_reads_as_its_id() {
        let catalogue = Catalogue::builtin();
        let def = catalogue
            .get("ownership-owner-missing")
            .expect("a built-in check");
        assert_eq!(def.guidance().remediation, def.remediation.trim());
        assert_eq!(def.guidance().controls, def.controls);
        assert!(!def.guidance().remediation.is_empty());
        let finding = def.finding("x".to_string(), None);
        assert!(finding.check.same_parts(def.shared()));
        assert_eq!(finding.remediation(), def.guidance().remediation);

        // The check reads, compares and sorts as its id.
        let shared = def.shared().clone();
        // Another check's parts with the same id: equal, but not the same.
        let other = CheckRef::new("ownership-owner-missing", Guidance::default());
        assert_eq!(shared, other);
        assert!(!shared.same_parts(&other));
        assert!(shared.same_parts(def.shared()));
        assert_eq!(shared.cmp(&other), std::cmp::Ordering::Equal);
        let earlier = CheckRef::from("access-mfa-missing");
        assert_eq!(earlier.cmp(&shared), std::cmp::Ordering::Less);
        assert!(earlier < shared);
        assert_eq!(shared.cmp(&earlier), std::cmp::Ordering::Greater);
        assert_ne!(earlier, shared);
        assert_eq!(shared, "ownership-owner-missing");
        assert_ne!(shared, "access-mfa-missing");
        assert!(shared == *"ownership-owner-missing" && shared != *"access-mfa-missing");
        let other_id = String::from("x");
        assert!(shared == def.id && shared != other_id);
        assert!(def.id == shared && other_id != shared);
        assert_eq!(shared.to_string(), "ownership-owner-missing");
        assert_eq!(String::from(shared.clone()), "ownership-owner-missing");
        assert_eq!(
            serde_json::to_string(&shared).unwrap(),
            "\"ownership-owner-missing\""
        );
        // A finding writes its check's guidance among its fields.
        let finding = serde_json::to_value(def.finding("x".to_string(), None)).unwrap();
        assert_eq!(finding["check"], "ownership-owner-missing");
        assert_eq!(finding["remediation"], def.remediation.trim());
        assert_eq!(finding["controls"], serde_json::json!(def.controls));
    }

    #[test]
    fn fingerprints_read_as_sixteen_hex_digits() {
        assert_eq!(
            Fingerprint::from_u64(0xfedc_ba98_7654_3210)
                .digits()
                .as_str(),
            "fedcba9876543210"
        );
        assert_eq!(Fingerprint::from_u64(1).to_string(), "0000000000000001");
        assert_eq!(Fingerprint::default().to_string(), "0000000000000000");
        // Numbers order as their digits: reports sorted by fingerprint agree.
        let (low, high) = (Fingerprint::from_u64(0x0f), Fingerprint::from_u64(0xf0));
        assert!(low < high && low.to_string() < high.to_string());
        // The first eight bytes of SHA-256("c\x1ft\x1f\x1f"), as baselines hold them.
        assert_eq!(
            fingerprint("c", Some("t"), None).to_string(),
            "819422a26439abf9"
        );
    }

    /// What a data origin says before any cutting.
    fn uncut(parts: &[&str]) -> String {
        if parts.is_empty() {
            String::new()
        } else {
            format!(" (inherited: {})", parts.join("; "))
        }
    }

    #[test]
    fn a_data_origin_cut_short_leaves_every_message_as_it_would_be() {
        use crate::diagnostic::{MAX_MESSAGE_CHARS, cap_message};
        use crate::inventory::dataflow::ProvenanceText;
        let text = |s: String| ProvenanceText {
            chars: s.chars().count(),
            text: s,
            related: Vec::new(),
        };
        // Around every boundary: the joints, the cap, one past it, in
        // characters of one, two and four bytes.
        let mut lengths: Vec<usize> = (0..20).collect();
        for edge in [
            MAX_MESSAGE_CHARS - 13,
            MAX_MESSAGE_CHARS,
            MAX_MESSAGE_CHARS + 1,
        ] {
            lengths.extend(edge.saturating_sub(4)..edge + 4);
        }
        for unit in ["a", "é", "𝄞"] {
            for &n in &lengths {
                for parts in [1, 2, 3] {
                    let owned: Vec<ProvenanceText> =
                        (0..parts).map(|p| text(unit.repeat(n + p))).collect();
                    let origin = DataOrigin {
                        parts: owned.iter().collect(),
                    };
                    let strs: Vec<&str> = owned.iter().map(|p| p.text.as_str()).collect();
                    let full = uncut(&strs);
                    let shown = origin.to_string();
                    assert!(shown.chars().count() <= MAX_MESSAGE_CHARS + 1);
                    assert!(full.starts_with(&shown));
                    for (prefix, suffix) in [("", ""), ("Tool holds pii", " but no DPA"), ("x", "")]
                    {
                        assert_eq!(
                            cap_message(format!("{prefix}{shown}{suffix}")),
                            cap_message(format!("{prefix}{full}{suffix}")),
                            "{unit} × {n}, {parts} parts, prefix {prefix:?}"
                        );
                    }
                }
            }
        }
        assert_eq!(DataOrigin { parts: Vec::new() }.to_string(), "");
    }

    #[test]
    fn every_builtin_definition_has_an_evaluator_and_a_matching_file_name() {
        let catalogue = Catalogue::builtin();
        assert!(catalogue.checks.len() >= 30);
        for (name, _) in BUILTIN_DEFINITIONS {
            let def = catalogue
                .checks
                .iter()
                .find(|c| format!("{}.toml", c.id) == *name);
            assert!(
                def.is_some(),
                "{name} does not define a check of the same id"
            );
        }
        for def in &catalogue.checks {
            assert!(
                builtin_evaluator(&def.family, &def.id).is_some(),
                "{} has no evaluator",
                def.id
            );
            assert!(
                def.rule.is_none(),
                "{} is built in and needs no rule",
                def.id
            );
            assert!(!def.rationale.trim().is_empty() && !def.remediation.trim().is_empty());
        }
    }

    #[test]
    fn check_ids_are_unique() {
        let catalogue = Catalogue::builtin();
        let mut ids: Vec<&str> = catalogue.checks.iter().map(|c| c.id.as_str()).collect();
        ids.sort();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len());
    }
}

/// Helpers for the family modules' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::inventory::{load_str, source::Format};

    /// Runs one built-in check on an inventory (the `schema = 1` line is added).
    pub fn run(id: &str, body: &str, as_of: &str) -> Vec<Finding> {
        let inv = load_str(&format!("schema = 1\n{body}"), Format::Toml, "stack.toml")
            .unwrap_or_else(|e| panic!("test inventory is invalid:\n{e}"));
        let catalogue = Catalogue::builtin();
        let def = catalogue.get(id).expect("known check");
        let flow = DataFlow::compute(&inv);
        let ctx = Context {
            inventory: &inv,
            flow: &flow,
            as_of: as_of.parse().unwrap(),
            waivers_used: &[],
            evidence: None,
            idp: None,
            labels: &[],
            wordings: Default::default(),
        };
        let mut out = Vec::new();
        builtin_evaluator(&def.family, id).unwrap()(&ctx, def, &mut out);
        out
    }

    /// The tools a check reported, in order.
    pub fn tools(findings: &[Finding]) -> Vec<&str> {
        findings
            .iter()
            .map(|f| f.tool.as_deref().unwrap_or("<stack>"))
            .collect()
    }

    /// A minimal tool table.
    pub fn tool(id: &str, category: &str, extra: &str) -> String {
        format!("[[tool]]\nid = \"{id}\"\nname = \"{id}\"\ncategory = \"{category}\"\n{extra}\n")
    }
}

/// Items as a sentence lists them: "a", "a and b", "a, b and c".
pub fn and_list(mut items: Vec<String>) -> String {
    let Some(last) = items.pop() else {
        return String::new();
    };
    if items.is_empty() {
        last
    } else {
        format!("{} and {last}", items.join(", "))
    }
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    // Every pair of civil dates is under 7.3 million days apart, inside
    // what a span can express; the fallback is never reached.
    to.since(from).map_or(0, |span| i64::from(span.get_days()))
}

/// "today", "in 1 day", "in 12 days"; "1 day ago", "12 days ago".
pub fn relative_days(days: i64) -> String {
    match days {
        0 => "today".to_string(),
        1 => "in 1 day".to_string(),
        -1 => "1 day ago".to_string(),
        d if d < 0 => format!("{} days ago", d.unsigned_abs()),
        d => format!("in {d} days"),
    }
}

/// `date` moved by `days`, saturating at the calendar's ends
/// (-9999-01-01 and 9999-12-31) whatever the number of days.
pub fn add_days(date: Date, days: i64) -> Date {
    let saturated = if days < 0 { Date::MIN } else { Date::MAX };
    // `Span` holds at most about 7.3 million days; anything beyond that
    // leaves the calendar from any date.
    match jiff::Span::new().try_days(days) {
        Ok(span) => date.checked_add(span).unwrap_or(saturated),
        Err(_) => saturated,
    }
}

#[cfg(test)]
mod param_tests {
    use super::*;

    #[test]
    fn every_builtin_parameter_declares_what_it_accepts() {
        for def in Catalogue::builtin().checks {
            for (name, p) in &def.params {
                assert!(p.doc.is_some(), "{}.{name} has no doc", def.id);
                match &p.value {
                    serde_json::Value::Number(_) => assert!(
                        p.min.is_some() && p.max.is_some(),
                        "{}.{name} declares no range",
                        def.id
                    ),
                    serde_json::Value::String(_) => assert_eq!(
                        p.kind,
                        Some(ParamKind::Severity),
                        "{}.{name} accepts any string",
                        def.id
                    ),
                    other => panic!("{}.{name}: unexpected default {other}", def.id),
                }
            }
        }
    }

    fn days() -> Param {
        toml::from_str::<BTreeMap<String, Param>>(
            "days = { default = 90, min = 0, max = 36525, doc = \"d\" }",
        )
        .unwrap()
        .remove("days")
        .unwrap()
    }

    #[test]
    fn integer_parameters_take_whole_numbers_within_their_range() {
        let p = days();
        assert_eq!(p.check(&serde_json::json!(90.0)), Ok(()));
        assert_eq!(p.normalise(&serde_json::json!(90.0)), serde_json::json!(90));
        assert_eq!(
            p.check(&serde_json::json!(90.5)),
            Err("must be a whole number, found 90.5".to_string())
        );
        assert_eq!(
            p.check(&serde_json::json!(7_304_485)),
            Err("must be an integer from 0 to 36525, found 7304485".to_string())
        );
        assert_eq!(
            p.check(&serde_json::json!(i64::MIN)),
            Err("must be an integer from 0 to 36525, found -9223372036854775808".to_string())
        );
        assert_eq!(
            p.check(&serde_json::json!(1e300)),
            Err("must be an integer from 0 to 36525, found 1e+300".to_string())
        );
        assert!(
            p.check(&serde_json::json!("90"))
                .unwrap_err()
                .contains("must be a number")
        );
    }

    #[test]
    fn severity_parameters_suggest_the_name_meant() {
        let p: BTreeMap<String, Param> =
            toml::from_str("s = { default = \"medium\", kind = \"severity\" }").unwrap();
        let p = &p["s"];
        assert_eq!(p.check(&serde_json::json!("high")), Ok(()));
        assert_eq!(
            p.check(&serde_json::json!("hihg")),
            Err("must be a severity name, found \"hihg\"; did you mean `high`?".to_string())
        );
        assert!(p.check(&serde_json::json!(3)).is_err());
    }

    #[test]
    fn definitions_with_an_inconsistent_parameter_are_refused() {
        for bad in [
            "p = { default = 5, min = 10 }",
            "p = { default = 5, min = 3, max = 1 }",
            "p = { default = \"x\", kind = \"severity\" }",
            "p = { default = \"x\", min = 1 }",
            "p = { default = 1, maximum = 3 }",
        ] {
            assert!(
                toml::from_str::<BTreeMap<String, Param>>(bad).is_err(),
                "{bad}"
            );
        }
        let plain: BTreeMap<String, Param> = toml::from_str("p = 5").unwrap();
        assert_eq!(plain["p"].value, serde_json::json!(5));
    }
}

#[cfg(test)]
mod date_arithmetic_tests {
    use super::*;

    #[test]
    fn adding_any_number_of_days_saturates_instead_of_panicking() {
        let d: Date = "2026-11-22".parse().unwrap();
        assert_eq!(add_days(d, 7_304_485), Date::MAX);
        assert_eq!(add_days(d, i64::MAX), Date::MAX);
        assert_eq!(add_days(d, i64::MIN), Date::MIN);
        assert_eq!(add_days(Date::MAX, 1), Date::MAX);
        assert_eq!(add_days(d, 9), "2026-12-01".parse::<Date>().unwrap());
    }

    #[test]
    fn days_between_the_ends_of_the_calendar() {
        let first: Date = "0000-01-01".parse().unwrap();
        let last: Date = "9999-12-31".parse().unwrap();
        assert_eq!(days_between(first, last), 3_652_424);
        assert_eq!(days_between(Date::MIN, Date::MAX), 7_304_483);
        assert_eq!(days_between(Date::MAX, Date::MIN), -7_304_483);
    }

    #[test]
    fn relative_days_in_words() {
        assert_eq!(relative_days(0), "today");
        assert_eq!(relative_days(1), "in 1 day");
        assert_eq!(relative_days(2), "in 2 days");
        assert_eq!(relative_days(-1), "1 day ago");
        assert_eq!(relative_days(-30), "30 days ago");
    }
}
