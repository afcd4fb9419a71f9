//! `stackaudit gate CANDIDATE`: may this tool join the stack, and what must
//! the vendor fix first?
//!
//! The candidate (one `[[tool]]`, status forced to `evaluating`) is audited
//! as part of the stack, so data it would receive through its integrations
//! is judged where it lands. The verdict: `reject` when the candidate, or
//! what it changes in the stack, has a high or critical finding; `approve
//! with conditions` when only medium or low ones remain; `approve` otherwise.

use std::fmt::Write as _;

use anyhow::Result;
use serde::Serialize;

use super::{AuditOptions, audit};
use crate::checks::stack::group_thousands;
use crate::checks::{Catalogue, Finding, Severity};
use crate::diagnostic::{Diagnostic, InputError};
use crate::inventory::dataflow::DataFlow;
use crate::inventory::model::{Status, Tool};
use crate::inventory::source::{Loc, Node, Value};
use crate::inventory::{self, Inventory, LoadOptions};
use crate::report::TextFormat;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approve,
    ApproveWithConditions,
    Reject,
}

impl Verdict {
    pub fn text(self) -> &'static str {
        match self {
            Verdict::Approve => "approve",
            Verdict::ApproveWithConditions => "approve with conditions",
            Verdict::Reject => "reject",
        }
    }
}

#[derive(Debug, Serialize)]
pub struct GateReport {
    pub schema_version: u32,
    pub candidate: String,
    pub candidate_name: String,
    pub verdict: Verdict,
    pub as_of: String,
    /// The candidate's own findings.
    pub findings: Vec<Finding>,
    /// What adopting it changes for the rest of the stack.
    pub stack_changes: Vec<String>,
    /// Findings on other tools or the stack that only appear with the candidate.
    pub new_stack_findings: Vec<Finding>,
    /// Questions to send the vendor, one per missing piece of evidence.
    pub vendor_questions: Vec<String>,
    /// For each vendor question, the checks whose findings raise it.
    #[serde(skip)]
    pub raised_by: Vec<Vec<String>>,
    /// Things the organisation must do itself before adopting it.
    pub internal_actions: Vec<String>,
}

/// Reads the candidate file: one `[[tool]]`, optionally with `schema = 1`.
pub fn read_candidate(
    path: &std::path::Path,
    load: &LoadOptions,
    stack: &Inventory,
) -> Result<Tool, InputError> {
    let one_tool = |tools: Option<&Node>, root: Loc| match tools {
        Some(Node {
            value: Value::Array(items),
            ..
        }) if items.len() == 1 => None,
        Some(n) => Some(Diagnostic::at(
            n.loc,
            format!(
                "a candidate file holds exactly one [[tool]], found {}",
                n.as_array().map_or(0, <[Node]>::len)
            ),
        )),
        None => Some(
            Diagnostic::at(root, "the candidate file has no [[tool]]")
                .help("describe the proposed tool in one [[tool]] table"),
        ),
    };
    let mut inv = inventory::load_fragment(path, load, "tool", "candidate file", stack, one_tool)?;
    let mut tool = inv.tools.remove(0);
    if let Some(existing) = stack.tool(&tool.id) {
        return Err(InputError::new(
            path.display().to_string(),
            vec![
                Diagnostic::at(
                    tool.loc_of("id"),
                    format!(
                        "the stack already has a tool with id `{}` ({})",
                        tool.id, existing.name
                    ),
                )
                .help("give the candidate its own id"),
            ],
        ));
    }
    tool.status = Status::Evaluating;
    Ok(tool)
}

pub fn evaluate(
    stack: &Inventory,
    candidate: Tool,
    candidate_path: &str,
    catalogue: &Catalogue,
    as_of: jiff::civil::Date,
) -> Result<GateReport, InputError> {
    let options = AuditOptions::new(as_of);
    let before = audit(stack, catalogue, &options)?;
    let mut merged = stack.clone();
    let id = candidate.id.clone();
    let name = candidate.name.to_string();
    merged.tools.push(candidate);
    let mut after = audit(&merged, catalogue, &options)?;
    for f in after
        .findings
        .iter_mut()
        .filter(|f| f.tool.as_deref() == Some(id.as_str()))
    {
        if let Some(l) = &mut f.location {
            l.file = candidate_path.into();
        }
    }
    // A stack finding whose severity the candidate raises is new at its new severity.
    let known = super::baseline::KnownFindings::from_findings(&before.findings, &[]);
    let (own, others): (Vec<Finding>, Vec<Finding>) = after
        .findings
        .drain(..)
        .partition(|f| f.tool.as_deref() == Some(id.as_str()));
    let new_stack_findings: Vec<Finding> =
        others.into_iter().filter(|f| !known.covers(f)).collect();

    let stack_changes = changes(&merged, &id);
    let worst = own
        .iter()
        .chain(&new_stack_findings)
        .filter(|f| !f.is_waived())
        .map(|f| f.severity)
        .max();
    let verdict = match worst {
        Some(s) if s >= Severity::High => Verdict::Reject,
        Some(s) if s >= Severity::Low => Verdict::ApproveWithConditions,
        _ => Verdict::Approve,
    };
    let (asked, internal_actions) = questions_for(own.iter(), |check| {
        catalogue.get(check).and_then(|c| c.vendor_question.clone())
    });
    let (vendor_questions, raised_by) = asked.into_iter().unzip();
    Ok(GateReport {
        schema_version: 1,
        candidate: id.to_string(),
        candidate_name: name,
        verdict,
        as_of: as_of.to_string(),
        findings: own,
        stack_changes,
        new_stack_findings,
        vendor_questions,
        raised_by,
        internal_actions,
    })
}

/// The questions for a vendor that a tool's findings raise, each with the
/// checks that raise it, and the actions left to the organisation: every
/// unwaived finding above info asks its check's `vendor_question` (once),
/// or, without one, adds its remediation as an internal action.
pub fn questions_for<'a>(
    findings: impl Iterator<Item = &'a Finding>,
    question: impl Fn(&str) -> Option<String>,
) -> (Vec<(String, Vec<String>)>, Vec<String>) {
    let mut asked: Vec<(String, Vec<String>)> = Vec::new();
    let mut internal_actions = Vec::new();
    for f in findings.filter(|f| !f.is_waived() && f.severity > Severity::Info) {
        match question(&f.check) {
            Some(q) => match asked.iter_mut().find(|(known, _)| *known == q) {
                Some((_, checks)) => {
                    if !checks.iter().any(|c| *c == f.check) {
                        checks.push(f.check.to_string());
                    }
                }
                None => asked.push((q, vec![f.check.to_string()])),
            },
            None => internal_actions.push(format!("{} ({})", f.remediation(), f.check)),
        }
    }
    (asked, internal_actions)
}

/// Plain statements of what the candidate changes: categories, redundancy, data it would receive.
fn changes(merged: &Inventory, id: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Some(candidate) = merged.tool(id) else {
        return out;
    };
    let category = candidate.category;
    let mut active_peers: Vec<&Tool> = merged
        .tools
        .iter()
        .filter(|t| t.id != id && t.status == Status::Active && t.category == category)
        .collect();
    // By id, so the order of the file does not show.
    active_peers.sort_by(|a, b| a.id.cmp(&b.id));
    if merged.policy.required_categories.contains(&category) && active_peers.is_empty() {
        out.push(format!(
            "Fills the required category `{category}`, which no active tool covers today."
        ));
    }
    if merged.policy.exclusive_categories.contains(&category) && !active_peers.is_empty() {
        let mut cost = 0.0;
        for t in &active_peers {
            cost += t
                .contract
                .as_ref()
                .and_then(|c| c.annual_cost)
                .unwrap_or(0.0);
        }
        let names: Vec<String> = active_peers.iter().map(|t| format!("`{}`", t.id)).collect();
        let spend = if cost > 0.0 {
            format!(" (which cost {} a year)", group_thousands(cost))
        } else {
            String::new()
        };
        out.push(format!(
            "Adds a second tool to the exclusive category `{category}`, beside {}{spend}: once active, it is reported as redundant unless one of them is retired.",
            crate::checks::and_list(names)
        ));
    }
    let flow = DataFlow::compute(merged);
    let i = flow.index[id];
    let inherited = flow.inherited(merged, i);
    for class in inherited.iter() {
        let Some(p) = flow.provenance(merged, i, class) else {
            continue;
        };
        let sources: Vec<String> = p
            .paths
            .iter()
            .map(|path| {
                format!(
                    "`{}` (via {})",
                    merged.tools[path.origin()].id,
                    crate::inventory::dataflow::describe_path(merged, path)
                )
            })
            .collect();
        out.push(format!("Receives `{class}` data from {}, which it does not declare: it must meet the stack's requirements for that data.", crate::checks::and_list(sources)));
    }
    for class in flow.undeclared_outflow(i).iter() {
        let to: Vec<String> = flow
            .explicit_receivers(merged, i, class)
            .into_iter()
            .map(|j| format!("`{}`", merged.tools[j].id))
            .collect();
        out.push(format!(
            "Sends `{class}` data to {} without declaring it: it is treated as holding that data.",
            crate::checks::and_list(to)
        ));
    }
    if let Some(sor) = &merged.policy.system_of_record {
        if flow.connected_to_sor.as_ref().is_some_and(|c| c[i]) {
            out.push(format!("Exchanges data with the system of record `{sor}`."));
        } else if flow.links[i].is_empty() {
            out.push("Has no integrations with the stack.".to_string());
        }
    }
    out
}

fn render_text(r: &GateReport, markdown: bool) -> String {
    let esc = |s: &str| {
        if markdown {
            crate::report::markdown::escape(s)
        } else {
            crate::report::sanitize::owned(s)
        }
    };
    let h = |t: &str| {
        if markdown {
            format!("\n## {t}\n\n")
        } else {
            format!("\n{t}\n")
        }
    };
    let bullet = if markdown { "- " } else { "  - " };
    let mut out = String::new();
    let title = format!(
        "Gate: {} (`{}`) — {}",
        esc(&r.candidate_name),
        crate::report::sanitize::text(&r.candidate),
        r.verdict.text().to_uppercase()
    );
    if markdown {
        let _ = writeln!(out, "# {title}");
    } else {
        let _ = writeln!(out, "{title}");
    }
    let _ = writeln!(out, "{}as of {}", if markdown { "\n" } else { "" }, r.as_of);
    out.push_str(&h(&format!(
        "Findings for the candidate ({})",
        r.findings.len()
    )));
    if r.findings.is_empty() {
        let _ = writeln!(out, "{bullet}none");
    }
    for f in &r.findings {
        let waived = if f.is_waived() { " (waived)" } else { "" };
        let _ = writeln!(
            out,
            "{bullet}[{}]{waived} {}: {}",
            f.severity,
            esc(&f.check),
            esc(&f.message.text())
        );
    }
    out.push_str(&h("What it changes for the stack"));
    if r.stack_changes.is_empty() && r.new_stack_findings.is_empty() {
        let _ = writeln!(out, "{bullet}nothing beyond its own findings");
    }
    for c in &r.stack_changes {
        let _ = writeln!(out, "{bullet}{}", esc(c));
    }
    for f in &r.new_stack_findings {
        let tool = f
            .tool
            .as_deref()
            .map(|t| format!(" on `{}`", crate::report::sanitize::text(t)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{bullet}New finding{tool}: [{}] {}: {}",
            f.severity,
            esc(&f.check),
            esc(&f.message.text())
        );
    }
    if !r.vendor_questions.is_empty() {
        out.push_str(&h("Questions for the vendor"));
        for q in &r.vendor_questions {
            let _ = writeln!(
                out,
                "{}{}",
                if markdown { "- [ ] " } else { "  [ ] " },
                esc(q)
            );
        }
    }
    if !r.internal_actions.is_empty() {
        out.push_str(&h("Before adoption, internally"));
        for a in &r.internal_actions {
            let _ = writeln!(
                out,
                "{}{}",
                if markdown { "- [ ] " } else { "  [ ] " },
                esc(a)
            );
        }
    }
    out
}

impl GateReport {
    /// The report in `format`: text (plain or Markdown), or pretty JSON with
    /// a final newline.
    pub fn render(&self, format: TextFormat) -> anyhow::Result<Vec<u8>> {
        Ok(match format {
            TextFormat::Table => render_text(self, false).into_bytes(),
            TextFormat::Markdown => render_text(self, true).into_bytes(),
            TextFormat::Json => {
                let mut v = serde_json::to_vec_pretty(self)?;
                v.push(b'\n');
                v
            }
            TextFormat::Xlsx => crate::report::xlsx::render_gate(self)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{AppliedWaiver, Catalogue};

    #[test]
    fn stack_changes_name_tools_by_id_whatever_the_file_order() {
        let tool = |id: &str, extra: &str| {
            format!("[[tool]]\nid = \"{id}\"\nname = \"{id}\"\ncategory = \"crm\"\n{extra}\n")
        };
        let candidate = tool(
            "cand",
            "[[tool.integration]]\nto = \"zeta\"\ndata = [\"behavioral\"]\n[[tool.integration]]\nto = \"alpha\"\ndata = [\"behavioral\"]",
        );
        let changes_with = |peers: [&str; 2]| {
            let text = format!(
                "schema = 1\n[policy]\nexclusive_categories = [\"crm\"]\n{}{}{candidate}",
                tool(peers[0], ""),
                tool(peers[1], "")
            );
            let inv =
                crate::inventory::load_str(&text, crate::inventory::source::Format::Toml, "s.toml")
                    .unwrap();
            changes(&inv, "cand")
        };
        let forward = changes_with(["zeta", "alpha"]);
        assert_eq!(forward, changes_with(["alpha", "zeta"]));
        assert!(
            forward[0].contains("beside `alpha` and `zeta`:"),
            "{forward:?}"
        );
        assert!(
            forward
                .iter()
                .any(|c| c.starts_with("Sends `behavioral` data to `alpha` and `zeta` without")),
            "{forward:?}"
        );
    }

    fn finding(check: &str, severity: Severity) -> Finding {
        let catalogue = Catalogue::builtin();
        let def = catalogue.get(check).expect("a built-in check");
        Finding {
            severity,
            ..def.finding(format!("{check} fired"), None)
        }
    }

    #[test]
    fn each_question_is_asked_once_with_every_check_that_raises_it() {
        let mut waived = finding("backup-unknown", Severity::High);
        waived.waiver = Some(Box::new(AppliedWaiver {
            reason: "Restore tested in October".to_string(),
            approved_by: "it@x.example".to_string(),
            expires: "2027-01-31".parse().unwrap(),
            ticket: None,
        }));
        let findings = [
            finding("access-sso-missing", Severity::Medium),
            finding("access-mfa-missing", Severity::High),
            finding("access-sso-missing", Severity::Medium),
            finding("ownership-owner-missing", Severity::Medium),
            finding("encryption-unknown", Severity::Info),
            waived,
        ];
        let (asked, internal) = questions_for(findings.iter(), |check| match check {
            "access-sso-missing" | "access-mfa-missing" => Some("How do people log in?".into()),
            "ownership-owner-missing" => None,
            other => Some(format!("About {other}?")),
        });
        assert_eq!(
            asked,
            [(
                "How do people log in?".to_string(),
                vec![
                    "access-sso-missing".to_string(),
                    "access-mfa-missing".to_string()
                ]
            )],
            "info and waived findings ask nothing"
        );
        assert_eq!(internal.len(), 1);
        assert!(internal[0].ends_with(" (ownership-owner-missing)"));
        assert!(internal[0].starts_with(findings[3].remediation()));
    }
}
