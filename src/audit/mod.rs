//! One audit: run the enabled checks over an inventory and gather the
//! findings, scores and coverage that every report renders.

pub mod baseline;
pub mod diff;
pub mod gate;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::checks::message::ToolLabel;
use crate::checks::{self, Catalogue, CheckDef, Context, Finding, Severity};
use crate::diagnostic::{Diagnostic, InputError, did_you_mean};
use crate::inventory::Inventory;
use crate::inventory::dataflow::DataFlow;
use crate::inventory::model::{Tool, Waiver};
use crate::shared_str::SharedStr;

#[derive(Clone, Debug)]
pub struct AuditOptions {
    pub as_of: Date,
    /// Only report these tools (stack-level findings are kept).
    pub only_tools: Vec<String>,
    /// Findings at or above this severity fail the run; `None` never fails.
    pub fail_on: Option<Severity>,
    /// Known findings (a baseline, or the base inventory's audit): those
    /// still present at the same or a lower severity are left out of the
    /// result, which then holds only what is new.
    pub known: Option<baseline::KnownFindings>,
    /// Evidence from `stackaudit probe`; without it the probe checks find nothing.
    pub evidence: Option<crate::probe::evidence::Evidence>,
    /// Keep every inventory fact of each tool in the result (`ToolSummary::facts`),
    /// for the workbook; off saves memory on large stacks for other reports.
    pub tool_facts: bool,
    /// The identity provider's app list; without it the `idp` checks find nothing.
    pub idp: Option<crate::import::idp::IdpApps>,
}

impl AuditOptions {
    /// An audit as of `as_of`: every tool, failing at `high`, no baseline,
    /// no evidence. Change what differs with struct update syntax.
    pub fn new(as_of: Date) -> AuditOptions {
        AuditOptions {
            as_of,
            only_tools: Vec::new(),
            fail_on: Some(Severity::High),
            known: None,
            evidence: None,
            tool_facts: true,
            idp: None,
        }
    }
}

/// Everything a report needs; reporters are pure functions of this.
#[derive(Clone, Debug, Serialize)]
pub struct AuditResult {
    pub as_of: Date,
    pub stack_path: String,
    pub organization: Option<String>,
    pub system_of_record: Option<String>,
    pub fail_on: Option<Severity>,
    pub tools: Vec<ToolSummary>,
    /// The checks that ran, for reports that describe rules.
    pub checks: Vec<CheckDef>,
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Integrations between tools (by id), for graphs.
    pub edges: Vec<GraphEdge>,
    /// With `--baseline` or `--base`: how many known findings were left out
    /// and how many known ones are gone.
    pub baseline: Option<BaselineSummary>,
    /// Checks that ran but could not judge anything for lack of input, by
    /// id, with the reason: a pass from them would claim too much.
    pub not_run: BTreeMap<String, String>,
    /// The audit's data flow, which no report reads: freed with the result.
    #[serde(skip)]
    pub leftovers: Leftovers,
}

/// Tables the audit is done with, handed to its caller with the result so
/// that freeing them is not on the audit's path: at 10,000 tools they are
/// tens of thousands of small blocks, and freeing them on another core took
/// 15–20 ms from the audit's own work on two cores, a tenth of its time
/// after loading. A command that ends after its report never frees them
/// (BENCHMARKS.md, "Thirteenth round").
#[derive(Clone)]
pub struct Leftovers {
    _flow: Arc<DataFlow>,
}

impl std::fmt::Debug for Leftovers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Leftovers")
    }
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct BaselineSummary {
    /// Current findings that were already known, left out of this result.
    pub known: usize,
    /// Known findings that no longer occur.
    pub fixed: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct ToolSummary {
    /// Shared with the inventory, like the category and status names: a
    /// large stack has a summary per tool.
    pub id: SharedStr,
    pub name: SharedStr,
    pub vendor: Option<SharedStr>,
    pub category: &'static str,
    pub status: &'static str,
    pub owner: Option<SharedStr>,
    pub annual_cost: Option<f64>,
    pub currency: Option<String>,
    pub renewal: Option<Date>,
    pub url: Option<SharedStr>,
    /// Counts every current finding, known ones included.
    pub score: u32,
    /// Active or evaluating, and selected by `--tool` when given.
    pub audited: bool,
    /// Known findings of this tool that --baseline/--base left out.
    pub known: usize,
    /// Every fact the inventory records about the tool, for the workbook's
    /// Tools sheet (not in the JSON report, which stays as it is).
    #[serde(skip)]
    pub facts: Option<std::sync::Arc<ToolFacts>>,
}

/// What the inventory says about one tool beyond its summary.
#[derive(Clone, Debug, Default)]
pub struct ToolFacts {
    pub data: crate::inventory::model::DataSet,
    /// Classes the tool receives through integrations without declaring them.
    pub inherited: crate::inventory::model::DataSet,
    pub regions: Vec<String>,
    pub contract: Option<crate::inventory::model::Contract>,
    pub access: Option<crate::inventory::model::Access>,
    pub certifications: Vec<crate::inventory::model::Certification>,
    pub encryption: Option<crate::inventory::model::Encryption>,
    pub backup: Option<crate::inventory::model::Backup>,
}

#[derive(Clone, Debug, Serialize)]
pub struct GraphEdge {
    pub from: SharedStr,
    pub to: SharedStr,
    pub method: &'static str,
    pub direction: &'static str,
    pub data: Vec<&'static str>,
}

impl GraphEdge {
    /// The tools data flows from and to: `in` reverses the declared pair.
    pub fn source_and_target(&self) -> (&str, &str) {
        if self.direction == "in" {
            (&self.to, &self.from)
        } else {
            (&self.from, &self.to)
        }
    }
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub tools_audited: usize,
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
    /// Findings covered by a valid waiver (not counted above).
    pub waived: usize,
    /// 0 to 100; see [`score_penalty`].
    pub score: u32,
    /// Share (0 to 1) of tools holding personal or customer data that have a
    /// data-flow path to or from the system of record; `None` without one.
    pub integration_coverage: Option<f64>,
    pub coverage_eligible: usize,
    pub coverage_connected: usize,
}

impl Summary {
    pub fn count(&self, s: Severity) -> usize {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    pub fn total(&self) -> usize {
        Severity::DESCENDING.iter().map(|s| self.count(*s)).sum()
    }
}

impl AuditResult {
    /// True when a finding reaches the failure threshold.
    pub fn fails(&self) -> bool {
        self.failing_count() > 0
    }

    /// Unwaived findings at or above the failure threshold.
    pub fn failing_count(&self) -> usize {
        self.fail_on.map_or(0, |t| {
            self.findings
                .iter()
                .filter(|f| !f.is_waived() && f.severity >= t)
                .count()
        })
    }

    pub fn check(&self, id: &str) -> Option<&CheckDef> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// One tool's summary. A linear scan: callers that look up many tools
    /// use [`AuditResult::tools_by_id`] once instead.
    pub fn tool(&self, id: &str) -> Option<&ToolSummary> {
        self.tools.iter().find(|t| t.id == id)
    }

    /// Every tool's summary by id, for reporters that look up each finding's tool.
    pub fn tools_by_id(&self) -> HashMap<&str, &ToolSummary> {
        self.tools.iter().map(|t| (t.id.as_str(), t)).collect()
    }
}

/// Points a finding takes off its tool's score of 100.
pub fn score_penalty(s: Severity) -> u32 {
    match s {
        Severity::Critical => 40,
        Severity::High => 20,
        Severity::Medium => 8,
        Severity::Low => 3,
        Severity::Info => 0,
    }
}

/// Applies the inventory's `[checks]` table to the catalogue: which checks
/// run, with which parameters and severities. Unknown ids are errors.
pub fn configure(
    inv: &Inventory,
    catalogue: &Catalogue,
) -> Result<(Vec<CheckDef>, BTreeMap<String, Severity>), InputError> {
    let mut errors = Vec::new();
    let ids = || catalogue.checks.iter().map(|c| c.id.as_str());
    let unknown = |id: &str, loc, what: &str| {
        let hint = did_you_mean(id, ids()).map_or(
            "run `stackaudit checks list` for the ids".to_string(),
            |m| format!("did you mean `{m}`?"),
        );
        Diagnostic::at(loc, format!("{what} names an unknown check `{id}`")).help(hint)
    };
    let mut disabled = HashSet::new();
    for d in &inv.checks.disable {
        if catalogue.get(&d.value).is_none() {
            errors.push(unknown(&d.value, d.loc, "`checks.disable`"));
        }
        disabled.insert(d.value.as_str());
    }
    let mut severities = BTreeMap::new();
    for (id, sev) in &inv.checks.severity {
        if catalogue.get(&id.value).is_none() {
            errors.push(unknown(&id.value, id.loc, "`checks.severity`"));
        }
        if let Some(s) = Severity::parse(sev) {
            severities.insert(id.value.clone(), s);
        }
    }
    let mut defs: Vec<CheckDef> = catalogue
        .checks
        .iter()
        .filter(|c| !disabled.contains(c.id.as_str()))
        .cloned()
        .collect();
    for (id, params) in &inv.checks.params {
        let Some(def) = catalogue.get(id) else {
            errors.push(unknown(id, params.loc, "`checks.params`"));
            continue;
        };
        for (name, value) in &params.value {
            let Some(param) = def.params.get(name) else {
                errors.push(unknown_param(def, name, value.loc));
                continue;
            };
            if let Err(why) = param.check(&value.value) {
                errors.push(
                    Diagnostic::at(
                        value.loc,
                        format!("parameter `{name}` of check `{id}` {why}"),
                    )
                    .help(format!(
                        "`{name}` takes {}; its default is {}",
                        param.accepts(),
                        param.value
                    )),
                );
                continue;
            }
            if let Some(d) = defs.iter_mut().find(|d| &d.id == id)
                && let Some(p) = d.params.get_mut(name)
            {
                p.value = param.normalise(&value.value);
            }
        }
    }
    if errors.is_empty() {
        Ok((defs, severities))
    } else {
        errors.sort_by_key(|d| d.loc);
        Err(InputError::new(inv.path.clone(), errors))
    }
}

/// "check `x` has no parameter `y`", with the nearest name or the list.
fn unknown_param(def: &CheckDef, name: &str, loc: crate::inventory::source::Loc) -> Diagnostic {
    let d = Diagnostic::at(loc, format!("check `{}` has no parameter `{name}`", def.id));
    // The SOC 2 report age moved from two checks' parameters to the policy.
    if name == "soc2_max_age_days" {
        return d.help("the SOC 2 report age is a policy setting now: set `max_soc2_report_age_days` under [policy]");
    }
    if def.params.is_empty() {
        return d.help("this check takes no parameters");
    }
    match did_you_mean(name, def.params.keys().map(String::as_str)) {
        Some(m) => d.help(format!("did you mean `{m}`?")),
        None => d.help(format!(
            "its parameters: {}",
            def.params.keys().cloned().collect::<Vec<_>>().join(", ")
        )),
    }
}

/// A JSON value's kind, as messages name it.
pub fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Bool(_) => "true or false",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "a table",
        serde_json::Value::Null => "null",
    }
}

pub fn audit(
    inv: &Inventory,
    catalogue: &Catalogue,
    options: &AuditOptions,
) -> Result<AuditResult, InputError> {
    let (defs, severities) = configure(inv, catalogue)?;
    for id in &options.only_tools {
        if inv.tool(id).is_none() {
            let hint = did_you_mean(id, inv.tools.iter().map(|t| t.id.as_str()))
                .map_or("name the id of a tool in the inventory".to_string(), |m| {
                    format!("did you mean `{m}`?")
                });
            return Err(InputError::single(
                inv.path.clone(),
                Diagnostic::file(format!("--tool names no tool: `{id}`")).help(hint),
            ));
        }
    }
    let ids: Vec<&str> = catalogue.checks.iter().map(|c| c.id.as_str()).collect();
    check_waivers(inv, &ids, options.as_of)?;
    let flow = DataFlow::compute(inv);
    flow.prepare_provenance(inv);
    let labels = tool_labels(inv);
    let mut ctx = Context {
        inventory: inv,
        flow: &flow,
        as_of: options.as_of,
        waivers_used: &[],
        evidence: options.evidence.as_ref(),
        idp: options.idp.as_ref(),
        labels: &labels,
        wordings: Default::default(),
    };
    // Waiver checks judge the outcome of all others, so they run last.
    let (waiver_defs, other_defs): (Vec<&CheckDef>, Vec<&CheckDef>) =
        defs.iter().partition(|d| d.family == "waiver");
    // Checks run side by side, each into its own list and with its own
    // wordings; the lists are then joined in catalogue order, each freed as
    // soon as it is moved. The joined list's pages are touched as the lists
    // move in, and what the lists held stays with the allocator: joining
    // adds the joined list's size to resident memory (BENCHMARKS.md,
    // "Twelfth round").
    let per_check: Vec<Vec<Finding>> = other_defs
        .par_iter()
        .map(|def| {
            let own = Context {
                wordings: Default::default(),
                ..ctx
            };
            let mut found = Vec::new();
            evaluate(&own, def, &mut found);
            found
        })
        .collect();
    let mut findings = Vec::with_capacity(per_check.iter().map(Vec::len).sum());
    for found in per_check {
        findings.extend(found);
    }
    regrade(&mut findings, &severities);
    let used = checks::waiver::apply(&inv.waivers, options.as_of, &mut findings);
    // Escalation weighs the findings as they will be reported: re-graded,
    // and without the waived ones.
    if let Some(renewal) = defs.iter().find(|d| d.id == checks::contract::RENEWAL_DUE) {
        checks::contract::escalate_renewals(&mut findings, renewal);
    }
    ctx.waivers_used = &used;
    let before_waiver_checks = findings.len();
    for def in waiver_defs {
        evaluate(&ctx, def, &mut findings);
    }
    regrade(&mut findings[before_waiver_checks..], &severities);
    // Capped here, once every check and the escalation have written them.
    findings.par_iter_mut().for_each(|f| {
        if f.message.exceeds(crate::diagnostic::MAX_MESSAGE_CHARS) {
            let message = std::mem::take(&mut f.message).into_string();
            f.message = crate::diagnostic::cap_message(message).into();
        }
        f.fingerprint = checks::fingerprint(&f.check, f.tool.as_deref(), f.subject.as_deref());
    });
    let selected = |tool: Option<&str>| {
        tool.is_none_or(|t| {
            options.only_tools.is_empty() || options.only_tools.iter().any(|s| s == t)
        })
    };
    findings.retain(|f| selected(f.tool.as_deref()));
    sort_findings(&mut findings);
    // Scores count every current finding, known ones included. The graph's
    // edges are independent of them.
    let (mut tools, edges) = rayon::join(
        || summarise_tools(inv, &flow, &findings, options),
        || graph_edges(inv, &flow),
    );
    let score = stack_score(&tools, &findings);
    let baseline = options.known.as_ref().map(|known| {
        let current: HashSet<checks::Fingerprint> =
            findings.iter().map(|f| f.fingerprint).collect();
        // Only findings of the selected tools can have been fixed here.
        let fixed = known
            .iter()
            .filter(|(print, k)| selected(k.tool.as_deref()) && !current.contains(*print))
            .count();
        // Known findings leave the result, counted per tool.
        let mut known_by_tool: BTreeMap<String, usize> = BTreeMap::new();
        let mut total = 0;
        findings.retain(|f| {
            if !known.covers(f) {
                return true;
            }
            total += 1;
            if let Some(t) = &f.tool {
                *known_by_tool.entry(t.to_string()).or_default() += 1;
            }
            false
        });
        for t in &mut tools {
            t.known = known_by_tool.get(t.id.as_str()).copied().unwrap_or(0);
        }
        BaselineSummary {
            known: total,
            fixed,
        }
    });
    let summary = summarise(inv, &flow, &tools, &findings, score, options);
    Ok(AuditResult {
        as_of: options.as_of,
        stack_path: inv.path.to_string(),
        organization: inv.organization.clone(),
        system_of_record: inv.policy.system_of_record.clone(),
        fail_on: options.fail_on,
        tools,
        findings,
        summary,
        edges,
        baseline,
        not_run: not_run(inv, &defs, options),
        checks: defs,
        leftovers: Leftovers {
            _flow: Arc::new(flow),
        },
    })
}

/// Each tool's id and name, for the wordings findings share.
fn tool_labels(inv: &Inventory) -> Vec<Arc<ToolLabel>> {
    inv.tools
        .par_iter()
        .map(|t| {
            Arc::new(ToolLabel {
                id: t.id.clone(),
                name: t.name.clone(),
            })
        })
        .collect()
}

/// The known findings of an earlier version of the inventory, for
/// `audit --base`, with tools renamed since carried to their new ids. The
/// base is audited whole: `--tool` may name a tool only the new version has.
pub fn known_from_base(
    base: &Inventory,
    current: &Inventory,
    catalogue: &Catalogue,
    options: &AuditOptions,
) -> Result<baseline::KnownFindings, InputError> {
    let base_result = audit(
        base,
        catalogue,
        &AuditOptions {
            known: None,
            evidence: None,
            only_tools: Vec::new(),
            ..options.clone()
        },
    )?;
    let ids = |inv: &Inventory| -> Vec<(String, String)> {
        inv.tools
            .iter()
            .map(|t| (t.id.to_string(), t.name.to_string()))
            .collect()
    };
    let renames = diff::renamed_tools(&ids(base), &ids(current));
    Ok(baseline::KnownFindings::from_findings(
        &base_result.findings,
        &renames,
    ))
}

/// Checks that cannot judge this inventory, and why.
fn not_run(inv: &Inventory, defs: &[CheckDef], options: &AuditOptions) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for def in defs {
        let reason = match def.id.as_str() {
            "integration-no-path-to-sor" if inv.policy.system_of_record.is_none() => {
                "not run: the policy names no system_of_record to measure paths to"
            }
            "residency-region-not-allowed" | "residency-region-unknown"
                if inv.policy.allowed_regions.is_none() =>
            {
                "not run: the policy sets no allowed_regions, so residency is not judged"
            }
            _ if def.family == "probe" && options.evidence.is_none() => {
                "not run: no probe evidence was given (--evidence FILE or --online)"
            }
            _ if def.family == "idp" && options.idp.is_none() => {
                "not run: no identity-provider app list was given (--idp EXPORT)"
            }
            _ => continue,
        };
        out.insert(def.id.clone(), reason.to_string());
    }
    out
}

/// `[checks.severity]` overrides.
fn regrade(findings: &mut [Finding], severities: &BTreeMap<String, Severity>) {
    for f in findings {
        if let Some(s) = severities.get(f.check.as_str()) {
            f.severity = *s;
        }
    }
}

pub use crate::diagnostic::MAX_MESSAGE_CHARS;

fn evaluate(ctx: &Context, def: &CheckDef, findings: &mut Vec<Finding>) {
    match &def.rule {
        Some(rule) => checks::rule::evaluate(ctx, def, rule, findings),
        None => {
            if let Some(evaluate) = checks::builtin_evaluator(&def.family, &def.id) {
                evaluate(ctx, def, findings);
            }
        }
    }
}

/// Waivers must name real checks, stay within `policy.max_waiver_days` and
/// not repeat one another.
pub fn check_waivers(inv: &Inventory, ids: &[&str], as_of: Date) -> Result<(), InputError> {
    let earlier = earlier_waivers_for_the_same_findings(&inv.waivers);
    // Waivers may come from the inventory or from a `--waivers` file; errors
    // are reported against the file each waiver was written in.
    let mut files: Vec<Option<&str>> = inv.waivers.iter().map(|w| w.file.as_deref()).collect();
    files.dedup();
    for file in files {
        let waivers: Vec<(&Waiver, Option<&Waiver>)> = inv
            .waivers
            .iter()
            .zip(&earlier)
            .filter(|(w, _)| w.file.as_deref() == file)
            .map(|(w, first)| (w, *first))
            .collect();
        check_waiver_list(
            &waivers,
            inv.policy.max_waiver_days,
            (file.unwrap_or(&inv.path), &inv.path),
            ids,
            as_of,
        )?;
    }
    Ok(())
}

/// An earlier version of the inventory, as the base of `audit --base` or
/// `diff`, without the waivers that repeat an earlier one for the same
/// check and tool: they are an error now, and a pull request that removes
/// them must still be compared with the base that has them.
pub fn without_repeated_waivers(mut base: Inventory) -> Inventory {
    let repeated: Vec<bool> = earlier_waivers_for_the_same_findings(&base.waivers)
        .iter()
        .map(Option::is_some)
        .collect();
    let mut repeated = repeated.into_iter();
    base.waivers.retain(|_| !repeated.next().unwrap_or(false));
    base
}

/// For each waiver, the first waiver before it that covers the same check
/// and tool, if any. Two such waivers would make two `waiver-unused` or
/// `waiver-expired` findings with one fingerprint, and which of them
/// applies would depend on their order.
fn earlier_waivers_for_the_same_findings(waivers: &[Waiver]) -> Vec<Option<&Waiver>> {
    let mut first: HashMap<(&str, Option<&str>), &Waiver> = HashMap::new();
    waivers
        .iter()
        .map(|w| {
            let key = (w.check.as_str(), w.tool.as_deref());
            match first.get(&key) {
                Some(earlier) => Some(*earlier),
                None => {
                    first.insert(key, w);
                    None
                }
            }
        })
        .collect()
}

/// The waivers written in one file, each with the earlier waiver it
/// repeats, reported against `file` (the inventory is `inventory_file`).
fn check_waiver_list(
    waivers: &[(&Waiver, Option<&Waiver>)],
    max_waiver_days: Option<i64>,
    (file, inventory_file): (&str, &str),
    ids: &[&str],
    as_of: Date,
) -> Result<(), InputError> {
    let mut errors = Vec::new();
    for &(w, earlier) in waivers {
        if let Some(first) = earlier {
            let first_file = first.file.as_deref().unwrap_or(inventory_file);
            let place = if first_file == file {
                format!("line {}, column {}", first.loc.line, first.loc.column)
            } else {
                format!("{first_file}:{}:{}", first.loc.line, first.loc.column)
            };
            let tool = w
                .tool
                .as_deref()
                .map_or("the stack".to_string(), |t| format!("`{t}`"));
            let check = if w.check == "*" {
                "every check (`*`)".to_string()
            } else {
                format!("`{}`", w.check)
            };
            errors.push(
                Diagnostic::at(w.loc, format!("a second waiver for {check} on {tool}")).help(
                    format!("a waiver for the same check and tool is already at {place}; keep one"),
                ),
            );
        }
        if w.check != "*" && !ids.contains(&w.check.as_str()) {
            let hint = did_you_mean(&w.check, ids.iter().copied()).map_or(
                "name a check id from `stackaudit checks list`, or \"*\"".to_string(),
                |m| format!("did you mean `{m}`?"),
            );
            errors.push(
                Diagnostic::at(
                    w.loc,
                    format!("waiver names an unknown check `{}`", w.check),
                )
                .help(hint),
            );
        }
        if let Some(max) = max_waiver_days {
            let days = checks::days_between(as_of, w.expires);
            if days > max {
                errors.push(
                    Diagnostic::at(w.loc, format!("waiver for `{}` runs until {}, {days} days after {as_of}; the policy allows at most {max} days", w.check, w.expires))
                        .help(format!("set `expires` to {} or earlier", checks::add_days(as_of, max))),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(InputError::new(file, errors))
    }
}

/// Most severe first; then stack-level before tools, by id, check and subject.
/// No two findings share check, tool and subject (their fingerprint), so the
/// order is total and an unstable sort, which needs no scratch copy of a
/// large audit, gives the same result as a stable one.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.par_sort_unstable_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.tool.cmp(&b.tool))
            .then_with(|| a.check.cmp(&b.check))
            .then_with(|| a.subject.cmp(&b.subject))
            .then_with(|| a.message.cmp(&b.message))
    });
}

fn summarise_tools(
    inv: &Inventory,
    flow: &DataFlow,
    findings: &[Finding],
    options: &AuditOptions,
) -> Vec<ToolSummary> {
    let mut penalty = vec![0u32; inv.tools.len()];
    for f in findings.iter().filter(|f| !f.is_waived()) {
        if let Some(&i) = f.tool.as_deref().and_then(|t| flow.index.get(t)) {
            penalty[i] = penalty[i].saturating_add(score_penalty(f.severity));
        }
    }
    let mut tools: Vec<ToolSummary> = inv
        .tools
        .iter()
        .enumerate()
        .map(|(i, t): (usize, &Tool)| ToolSummary {
            id: t.id.clone(),
            name: t.name.clone(),
            vendor: t.vendor.clone(),
            category: t.category.as_str(),
            status: t.status.as_str(),
            owner: t.owner.clone(),
            annual_cost: t.contract.as_ref().and_then(|c| c.annual_cost),
            currency: t.contract.as_ref().and_then(|c| c.currency.clone()),
            renewal: t.contract.as_ref().and_then(|c| c.renewal),
            url: t.url.clone(),
            score: 100u32.saturating_sub(penalty[i]),
            audited: t.is_in_scope()
                && (options.only_tools.is_empty() || options.only_tools.iter().any(|s| *s == t.id)),
            known: 0,
            facts: options.tool_facts.then(|| {
                std::sync::Arc::new(ToolFacts {
                    data: t.data,
                    inherited: flow.inherited(inv, i),
                    regions: t.regions.iter().map(ToString::to_string).collect(),
                    contract: t.contract.as_deref().cloned(),
                    access: t.access.clone(),
                    certifications: t.certifications.clone(),
                    encryption: t.encryption.as_deref().cloned(),
                    backup: t.backup.as_deref().cloned(),
                })
            }),
        })
        .collect();
    // By id, so that no report (JUnit's suites, the workbook's rows) shows
    // the order of the file.
    tools.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    tools
}

fn summarise(
    inv: &Inventory,
    flow: &DataFlow,
    tools: &[ToolSummary],
    findings: &[Finding],
    score: u32,
    options: &AuditOptions,
) -> Summary {
    let mut s = Summary {
        score,
        ..Summary::default()
    };
    for f in findings {
        if f.is_waived() {
            s.waived += 1;
            continue;
        }
        match f.severity {
            Severity::Critical => s.critical += 1,
            Severity::High => s.high += 1,
            Severity::Medium => s.medium += 1,
            Severity::Low => s.low += 1,
            Severity::Info => s.info += 1,
        }
    }
    s.tools_audited = tools.iter().filter(|t| t.audited).count();

    if let (Some(connected), Some(sor)) = (&flow.connected_to_sor, &inv.policy.system_of_record) {
        for (i, t) in inv.tools.iter().enumerate() {
            if !t.is_in_scope() || &t.id == sor || !flow.effective[i].has_personal_or_customer() {
                continue;
            }
            if !options.only_tools.is_empty() && !options.only_tools.iter().any(|s| *s == t.id) {
                continue;
            }
            s.coverage_eligible += 1;
            if connected[i] {
                s.coverage_connected += 1;
            }
        }
        s.integration_coverage = Some(if s.coverage_eligible == 0 {
            1.0
        } else {
            s.coverage_connected as f64 / s.coverage_eligible as f64
        });
    }
    s
}

/// The mean score of the audited tools, less the stack-level findings' penalties.
fn stack_score(tools: &[ToolSummary], findings: &[Finding]) -> u32 {
    let audited: Vec<&ToolSummary> = tools.iter().filter(|t| t.audited).collect();
    let mean = if audited.is_empty() {
        100.0
    } else {
        audited.iter().map(|t| f64::from(t.score)).sum::<f64>() / audited.len() as f64
    };
    let stack_penalty: u32 = findings
        .iter()
        .filter(|f| f.tool.is_none() && !f.is_waived())
        .map(|f| score_penalty(f.severity))
        .sum();
    (mean.round() as u32).saturating_sub(stack_penalty)
}

/// Every integration as declared, ordered by the ids it joins (as the
/// inventory writes them), so no report shows the order of the file.
fn graph_edges(inv: &Inventory, flow: &DataFlow) -> Vec<GraphEdge> {
    let mut edges: Vec<GraphEdge> = inv
        .tools
        .iter()
        .flat_map(|t| {
            t.integrations.iter().map(move |g| GraphEdge {
                from: t.id.clone(),
                // The target tool's own id, shared, when there is one.
                to: flow
                    .index
                    .get_key_value(g.to.as_str())
                    .map_or_else(|| SharedStr::from(g.to.as_str()), |(id, _)| id.clone()),
                method: g.method.as_str(),
                direction: g.direction.as_str(),
                data: g
                    .data
                    .map(|d| d.iter().map(|c| c.as_str()).collect())
                    .unwrap_or_default(),
            })
        })
        .collect();
    // Stable: a tool's integrations with one target keep their order.
    edges.sort_by(|a, b| a.from.cmp(&b.from).then_with(|| a.to.cmp(&b.to)));
    edges
}

/// For tests across the crate: a TOML inventory audited with the built-in
/// checks as of 2026-11-22.
#[cfg(test)]
pub(crate) fn audit_text(text: &str) -> AuditResult {
    use crate::inventory::{load_str, source::Format};
    let inv = load_str(text, Format::Toml, "stack.toml").unwrap();
    audit(
        &inv,
        &Catalogue::builtin(),
        &AuditOptions::new("2026-11-22".parse().unwrap()),
    )
    .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{load_str, source::Format};

    const TOOLS: &str = r#"
[policy]
required_categories = ["cdp"]

[[tool]]
id = "hootsuite"
name = "Hootsuite"
category = "social"
owner = "social@x.example"
data = ["pii"]
regions = ["eu"]
[tool.contract]
dpa = true
[tool.access]
sso = true
scim = true

[[tool]]
id = "buffer"
name = "Buffer"
category = "social"
owner = "social@x.example"
data = ["pii"]
regions = ["eu"]
[tool.contract]
dpa = true
[tool.access]
sso = true
scim = true
"#;

    fn run(extra: &str, as_of: &str) -> Result<AuditResult, InputError> {
        let inv = load_str(
            &format!("schema = 1\n{TOOLS}\n{extra}"),
            Format::Toml,
            "stack.toml",
        )
        .unwrap();
        let options = AuditOptions::new(as_of.parse().unwrap());
        audit(&inv, &Catalogue::builtin(), &options)
    }

    fn of<'a>(r: &'a AuditResult, check: &str) -> Vec<&'a Finding> {
        r.findings.iter().filter(|f| f.check == check).collect()
    }

    const WAIVER: &str = r#"
[[waiver]]
check = "compliance-cert-missing"
tool = "hootsuite"
reason = "Vendor audit scheduled for 2027-Q1"
approved_by = "security@x.example"
expires = 2027-02-01
ticket = "SEC-1234"
"#;

    /// A tool renewing in 30 days with one high finding (no certification
    /// while holding pii), audited with `extra` appended.
    fn renewal_audit(extra: &str) -> AuditResult {
        renewal_audit_named("CRM", extra)
    }

    fn renewal_audit_named(name: &str, extra: &str) -> AuditResult {
        let text = format!(
            r#"schema = 1
[[tool]]
id = "crm"
name = "{name}"
category = "crm"
owner = "revops@x.example"
data = ["pii"]
regions = ["eu"]
[tool.contract]
renewal = 2026-12-22
dpa = true
[tool.access]
sso = true
mfa = true
scim = true
{extra}"#
        );
        audit_text(&text)
    }

    fn renewal_severity(r: &AuditResult) -> Severity {
        of(r, checks::contract::RENEWAL_DUE)[0].severity
    }

    #[test]
    fn renewal_escalation_weighs_findings_as_reported() {
        let plain = renewal_audit("");
        assert!(of(&plain, "compliance-cert-missing")[0].severity >= Severity::High);
        assert_eq!(
            renewal_severity(&plain),
            Severity::Medium,
            "a high finding escalates"
        );
        let waived = renewal_audit(
            "[[waiver]]\ncheck = \"compliance-cert-missing\"\ntool = \"crm\"\nreason = \"Report due in January\"\napproved_by = \"security@x.example\"\nexpires = 2027-01-31\n",
        );
        assert_eq!(
            renewal_severity(&waived),
            Severity::Info,
            "a waived finding does not"
        );
        let low = renewal_audit("[checks.severity]\n\"compliance-cert-missing\" = \"low\"\n");
        assert_eq!(
            renewal_severity(&low),
            Severity::Info,
            "a finding re-graded to low does not"
        );
        let critical =
            renewal_audit("[checks.severity]\n\"compliance-cert-missing\" = \"critical\"\n");
        assert_eq!(
            renewal_severity(&critical),
            Severity::Medium,
            "one re-graded to critical does"
        );
        // Without findings of its own the tool's renewal stays informational.
        let fixed = renewal_audit("[checks]\ndisable = [\"compliance-cert-missing\"]\n");
        assert_eq!(renewal_severity(&fixed), Severity::Info);
    }

    #[test]
    fn renewal_escalation_follows_the_renewals_own_grade_and_parameter() {
        let regraded = |severity: &str, escalated: &str| {
            renewal_severity(&renewal_audit(&format!(
                "[checks.severity]\n\"contract-renewal-due\" = \"{severity}\"\n[checks.params.contract-renewal-due]\nescalated_severity = \"{escalated}\"\n"
            )))
        };
        // Re-graded, a renewal is still raised; never lowered.
        assert_eq!(regraded("low", "medium"), Severity::Medium);
        assert_eq!(regraded("high", "medium"), Severity::High);
        assert_eq!(regraded("low", "critical"), Severity::Critical);
        // The parameter set to the renewal's own grade turns it off.
        assert_eq!(regraded("low", "low"), Severity::Low);
    }

    #[test]
    fn a_raised_renewals_message_is_capped_like_every_other() {
        use crate::diagnostic::MAX_MESSAGE_CHARS;
        // A long name: the renewal's message fits, the escalation's words do not.
        let name = "é".repeat(MAX_MESSAGE_CHARS - 50);
        let unraised =
            renewal_audit_named(&name, "[checks]\ndisable = [\"compliance-cert-missing\"]\n");
        let message = &of(&unraised, checks::contract::RENEWAL_DUE)[0].message;
        assert!(message.char_count() < MAX_MESSAGE_CHARS, "{message}");
        let raised = renewal_audit_named(&name, "");
        let renewal = of(&raised, checks::contract::RENEWAL_DUE)[0];
        assert_eq!(renewal.severity, Severity::Medium);
        assert_eq!(renewal.message.char_count(), MAX_MESSAGE_CHARS);
        assert!(renewal.message.text().ends_with('…'));
    }

    /// Two tools without an owner, `name` the first one's name.
    fn ownerless_audit(name: &str) -> AuditResult {
        let text = format!(
            "schema = 1\n[[tool]]\nid = \"tool-a\"\nname = \"{name}\"\ncategory = \"crm\"\n\
             [[tool]]\nid = \"tool-b\"\nname = \"Tool B\"\ncategory = \"chat\"\n"
        );
        audit_text(&text)
    }

    #[test]
    fn findings_of_one_check_share_a_wording_and_read_whole() {
        let result = ownerless_audit("Tool A");
        let owners = of(&result, "ownership-owner-missing");
        let texts: Vec<String> = owners.iter().map(|f| f.message.to_string()).collect();
        assert!(texts[0].starts_with("Tool A "), "{}", texts[0]);
        assert!(texts[1].starts_with("Tool B "), "{}", texts[1]);
        assert_eq!(texts[0].replace("Tool A", "Tool B"), texts[1]);
        assert!(owners[0].message.shares_wording(&owners[1].message));
    }

    #[test]
    fn a_message_naming_its_tool_is_capped_whole() {
        use crate::diagnostic::MAX_MESSAGE_CHARS;
        let name = "é".repeat(MAX_MESSAGE_CHARS - 5);
        let result = ownerless_audit(&name);
        let owner = of(&result, "ownership-owner-missing")[0];
        assert_eq!(owner.tool.as_deref(), Some("tool-a"));
        assert_eq!(owner.message.char_count(), MAX_MESSAGE_CHARS);
        assert!(owner.message.text().ends_with('…'));
        assert!(owner.message.text().starts_with(&name[..40]));
    }

    #[test]
    fn a_waiver_suppresses_exactly_its_finding() {
        let plain = run("", "2026-11-22").unwrap();
        assert!(plain.fails());
        let r = run(WAIVER, "2026-11-22").unwrap();
        let certs = of(&r, "compliance-cert-missing");
        assert_eq!(certs.len(), 2, "waived findings stay in the report");
        let hoot = certs
            .iter()
            .find(|f| f.tool.as_deref() == Some("hootsuite"))
            .unwrap();
        let buffer = certs
            .iter()
            .find(|f| f.tool.as_deref() == Some("buffer"))
            .unwrap();
        assert_eq!(
            hoot.waiver.as_ref().unwrap().ticket.as_deref(),
            Some("SEC-1234")
        );
        assert!(buffer.waiver.is_none());
        assert_eq!(r.summary.waived, 1);
        assert_eq!(r.summary.high, plain.summary.high - 1);
        assert!(r.tool("hootsuite").unwrap().score > r.tool("buffer").unwrap().score);
        assert!(of(&r, "waiver-unused").is_empty());
        assert!(of(&r, "waiver-expired").is_empty());
    }

    #[test]
    fn an_expired_waiver_no_longer_suppresses_and_is_reported() {
        let r = run(WAIVER, "2027-02-02").unwrap();
        assert!(
            of(&r, "compliance-cert-missing")
                .iter()
                .all(|f| f.waiver.is_none())
        );
        let expired = of(&r, "waiver-expired");
        assert_eq!(expired.len(), 1);
        assert_eq!(expired[0].severity, Severity::Medium);
        let text = format!("schema = 1\n{TOOLS}\n{WAIVER}");
        let line = expired[0].location.as_ref().unwrap().line as usize;
        assert_eq!(text.lines().nth(line - 1), Some("[[waiver]]"));
        assert!(
            of(&r, "waiver-unused").is_empty(),
            "expired is not also unused"
        );
    }

    #[test]
    fn an_unused_waiver_is_reported() {
        let r = run(
            &WAIVER.replace("compliance-cert-missing", "backup-missing"),
            "2026-11-22",
        )
        .unwrap();
        let unused = of(&r, "waiver-unused");
        assert_eq!(unused.len(), 1);
        assert_eq!(unused[0].severity, Severity::Low);
        assert_eq!(unused[0].tool.as_deref(), Some("hootsuite"));
    }

    #[test]
    fn a_waiver_without_tool_covers_stack_level_findings_only() {
        let waiver = "[[waiver]]\ncheck = \"stack-missing-category\"\nreason = \"CDP selection in progress\"\napproved_by = \"cmo@x.example\"\nexpires = 2027-06-30\n";
        let r = run(waiver, "2026-11-22").unwrap();
        assert!(of(&r, "stack-missing-category")[0].waiver.is_some());
        let r = run(&waiver.replace("stack-missing-category", "*"), "2026-11-22").unwrap();
        assert!(of(&r, "stack-missing-category")[0].waiver.is_some());
        assert!(
            of(&r, "compliance-cert-missing")
                .iter()
                .all(|f| f.waiver.is_none()),
            "no tool: stack findings only"
        );
    }

    #[test]
    fn waivers_longer_than_policy_allows_are_invalid() {
        let extra = format!("{WAIVER}\n").replace("[policy]", "[policy]\nmax_waiver_days = 30");
        let inv = load_str(
            &format!(
                "schema = 1\n{}\n{extra}",
                TOOLS.replace("[policy]", "[policy]\nmax_waiver_days = 30")
            ),
            Format::Toml,
            "stack.toml",
        )
        .unwrap();
        let options = AuditOptions {
            fail_on: None,
            ..AuditOptions::new("2026-11-22".parse().unwrap())
        };
        let err = audit(&inv, &Catalogue::builtin(), &options).unwrap_err();
        assert!(
            err.to_string().contains(
                "runs until 2027-02-01, 71 days after 2026-11-22; the policy allows at most 30 days"
            ),
            "{err}"
        );
    }

    #[test]
    fn waivers_must_name_known_checks() {
        let err = run(
            &WAIVER.replace("compliance-cert-missing", "compliance-cert-mising"),
            "2026-11-22",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("did you mean `compliance-cert-missing`?"),
            "{err}"
        );
    }

    #[test]
    fn a_second_waiver_for_the_same_check_and_tool_is_invalid() {
        // Both would be reported unused or expired under one fingerprint.
        let renewed = WAIVER.replace("2027-02-01", "2027-03-01");
        let err = run(&format!("{WAIVER}\n{renewed}"), "2026-11-22").unwrap_err();
        assert_eq!(err.diagnostics.len(), 1, "{err}");
        assert!(
            err.to_string()
                .contains("a second waiver for `compliance-cert-missing` on `hootsuite`"),
            "{err}"
        );
        // Another tool, another check, or every check is no repeat.
        for other in [
            WAIVER.replace("hootsuite", "buffer"),
            WAIVER.replace("compliance-cert-missing", "backup-missing"),
            WAIVER.replace("compliance-cert-missing", "*"),
        ] {
            run(&format!("{WAIVER}\n{other}"), "2026-11-22").unwrap();
        }
    }

    #[test]
    fn a_base_is_read_with_the_first_of_each_repeated_waiver() {
        let renewed = WAIVER.replace("2027-02-01", "2027-03-01");
        let other = WAIVER.replace("hootsuite", "buffer");
        let inv = load_str(
            &format!("schema = 1\n{TOOLS}\n{WAIVER}\n{renewed}\n{other}\n{renewed}"),
            Format::Toml,
            "stack.toml",
        )
        .unwrap();
        let base = without_repeated_waivers(inv);
        let kept: Vec<(&str, String)> = base
            .waivers
            .iter()
            .map(|w| (w.tool.as_deref().unwrap_or(""), w.expires.to_string()))
            .collect();
        assert_eq!(
            kept,
            [
                ("hootsuite", "2027-02-01".to_string()),
                ("buffer", "2027-02-01".to_string())
            ]
        );
    }

    #[test]
    fn fingerprints_ignore_messages_and_lines() {
        let a = run("", "2026-11-22").unwrap();
        let b = run("", "2026-11-23").unwrap();
        let fa: Vec<_> = a.findings.iter().map(|f| &f.fingerprint).collect();
        let fb: Vec<_> = b.findings.iter().map(|f| &f.fingerprint).collect();
        assert_eq!(fa, fb);
        let mut unique = fa.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            fa.len(),
            "fingerprints are unique within a run"
        );
    }

    #[test]
    fn disabled_and_regraded_checks() {
        let r = run("[checks]\ndisable = [\"compliance-cert-missing\"]\n[checks.severity]\nstack-missing-category = \"critical\"\n", "2026-11-22").unwrap();
        assert!(of(&r, "compliance-cert-missing").is_empty());
        assert_eq!(
            of(&r, "stack-missing-category")[0].severity,
            Severity::Critical
        );
        assert!(r.checks.iter().all(|c| c.id != "compliance-cert-missing"));
    }

    #[test]
    fn check_parameters_can_be_overridden() {
        let body = "[checks.params.compliance-cert-expiring]\ndays = 400\n";
        let extra = "[[tool]]\nid = \"z\"\nname = \"Z\"\ncategory = \"other\"\n[tool.certifications]\niso27001 = { expires = 2027-10-01 }\n";
        let r = run(&format!("{body}\n{extra}"), "2026-11-22").unwrap();
        assert_eq!(of(&r, "compliance-cert-expiring").len(), 1);
        let r = run(extra, "2026-11-22").unwrap();
        assert!(of(&r, "compliance-cert-expiring").is_empty());
    }

    /// Three tools: `crm` (the system of record) sends pii to `ma`; `wiki`
    /// holds no personal data; `old` is retiring; `ads` holds pii and is
    /// connected to nothing.
    const COVERAGE: &str = r#"schema = 1
[policy]
system_of_record = "crm"
[[tool]]
id = "crm"
name = "CRM"
category = "crm"
data = ["pii"]
[[tool.integration]]
to = "ma"
[[tool]]
id = "ma"
name = "MA"
category = "marketing-automation"
[[tool.integration]]
to = "wiki"
direction = "in"
data = ["public"]
[[tool]]
id = "wiki"
name = "Wiki"
category = "other"
[[tool]]
id = "old"
name = "Old"
category = "other"
status = "retiring"
data = ["pii"]
[[tool]]
id = "ads"
name = "Ads"
category = "advertising"
data = ["pii"]
"#;

    fn coverage_audit(only_tools: &[&str]) -> AuditResult {
        let inv = load_str(COVERAGE, Format::Toml, "stack.toml").unwrap();
        let options = AuditOptions {
            only_tools: only_tools.iter().map(ToString::to_string).collect(),
            ..AuditOptions::new("2026-11-22".parse().unwrap())
        };
        audit(&inv, &Catalogue::builtin(), &options).unwrap()
    }

    fn audited(r: &AuditResult) -> Vec<&str> {
        r.tools
            .iter()
            .filter(|t| t.audited)
            .map(|t| t.id.as_str())
            .collect()
    }

    #[test]
    fn coverage_counts_in_scope_tools_with_personal_data_but_the_system_of_record() {
        let r = coverage_audit(&[]);
        // ma (connected) and ads (not); not crm itself, wiki (no personal
        // data) or old (retiring).
        assert_eq!(
            (r.summary.coverage_eligible, r.summary.coverage_connected),
            (2, 1)
        );
        assert_eq!(r.summary.integration_coverage, Some(0.5));
        assert_eq!(audited(&r), ["ads", "crm", "ma", "wiki"], "by id");
        assert_eq!(r.summary.tools_audited, 4);
    }

    #[test]
    fn tool_selection_narrows_coverage_and_the_audited_tools() {
        let r = coverage_audit(&["ma"]);
        assert_eq!(
            (r.summary.coverage_eligible, r.summary.coverage_connected),
            (1, 1)
        );
        assert_eq!(audited(&r), ["ma"]);
        let r = coverage_audit(&["ads", "old"]);
        assert_eq!(
            (r.summary.coverage_eligible, r.summary.coverage_connected),
            (1, 0)
        );
        assert_eq!(audited(&r), ["ads"], "a retiring tool is not audited");
    }

    #[test]
    fn an_audit_hands_its_data_flow_to_the_caller() {
        let r = coverage_audit(&[]);
        assert_eq!(r.leftovers._flow.index.len(), r.tools.len());
        assert_eq!(format!("{:?}", r.leftovers), "Leftovers");
    }

    #[test]
    fn graph_edges_keep_each_integration_as_declared() {
        let r = coverage_audit(&[]);
        let edges: Vec<(&str, &str, &str, Vec<&str>)> = r
            .edges
            .iter()
            .map(|e| (&*e.from, &*e.to, e.direction, e.data.clone()))
            .collect();
        assert_eq!(
            edges,
            [
                ("crm", "ma", "out", vec![]),
                ("ma", "wiki", "in", vec!["public"])
            ]
        );
        // Data flows against an `in` integration's declared pair.
        assert_eq!(r.edges[0].source_and_target(), ("crm", "ma"));
        assert_eq!(r.edges[1].source_and_target(), ("wiki", "ma"));
    }

    #[test]
    fn known_findings_leave_the_result_counted_per_tool() {
        let inv = load_str(COVERAGE, Format::Toml, "stack.toml").unwrap();
        let catalogue = Catalogue::builtin();
        let options = AuditOptions::new("2026-11-22".parse().unwrap());
        let full = audit(&inv, &catalogue, &options).unwrap();
        let count = |id: &str| {
            full.findings
                .iter()
                .filter(|f| f.tool.as_deref() == Some(id))
                .count()
        };
        assert!(count("ma") > 1 && count("ads") > 1);
        let known = known_from_base(&inv, &inv, &catalogue, &options).unwrap();
        let again = audit(
            &inv,
            &catalogue,
            &AuditOptions {
                known: Some(known),
                ..options
            },
        )
        .unwrap();
        assert!(again.findings.is_empty());
        let baseline = again.baseline.expect("a baseline summary");
        assert_eq!((baseline.known, baseline.fixed), (full.findings.len(), 0));
        let known_of = |id: &str| again.tools.iter().find(|t| t.id == id).unwrap().known;
        assert_eq!(known_of("ma"), count("ma"));
        assert_eq!(known_of("ads"), count("ads"));
    }
}
