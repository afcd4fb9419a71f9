//! Waivers: accepted risks with an owner, a reason and an expiry.
//!
//! A waiver that is still valid marks the findings it covers (they stay in
//! every report but do not fail the audit or lower the score). The two
//! checks here report waivers that have expired or cover nothing; they run
//! after every other check, once waivers have been applied.

use super::{AppliedWaiver, CheckDef, Context, Evaluator, Finding};
use crate::inventory::model::Waiver;

pub fn evaluator(id: &str) -> Option<Evaluator> {
    Some(match id {
        "waiver-expired" => waiver_expired,
        "waiver-unused" => waiver_unused,
        _ => return None,
    })
}

fn matches(w: &Waiver, f: &Finding) -> bool {
    (w.check == "*" || w.check == f.check) && w.tool == f.tool
}

/// Marks the findings covered by valid waivers; returns, per waiver, whether
/// it covered anything.
pub fn apply(waivers: &[Waiver], as_of: jiff::civil::Date, findings: &mut [Finding]) -> Vec<bool> {
    let mut used = vec![false; waivers.len()];
    for f in findings.iter_mut() {
        let Some(i) = waivers
            .iter()
            .position(|w| w.expires >= as_of && matches(w, f))
        else {
            continue;
        };
        used[i] = true;
        let w = &waivers[i];
        f.waiver = Some(AppliedWaiver {
            reason: w.reason.clone(),
            approved_by: w.approved_by.clone(),
            expires: w.expires,
            ticket: w.ticket.clone(),
        });
    }
    used
}

fn describe(w: &Waiver) -> String {
    match &w.tool {
        Some(t) => format!("waiver for `{}` on tool `{t}`", w.check),
        None => format!("waiver for `{}` (stack level)", w.check),
    }
}

fn waiver_finding(ctx: &Context, def: &CheckDef, w: &Waiver, message: String) -> Finding {
    let mut f = ctx.stack_finding(def, None, message);
    f.tool = w.tool.clone();
    f.subject = Some(format!("{}@{}", w.check, w.tool.as_deref().unwrap_or("")));
    let mut location = ctx.location(w.loc);
    if let Some(file) = &w.file {
        location.file = file.clone();
    }
    f.location = Some(location);
    f
}

fn waiver_expired(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for w in ctx
        .inventory
        .waivers
        .iter()
        .filter(|w| w.expires < ctx.as_of)
    {
        let ticket = w
            .ticket
            .as_deref()
            .map(|t| format!(", ticket {t}"))
            .unwrap_or_default();
        out.push(waiver_finding(
            ctx,
            def,
            w,
            format!(
                "the {} expired on {} (approved by {}{ticket}); its findings count again",
                describe(w),
                w.expires,
                w.approved_by
            ),
        ));
    }
}

fn waiver_unused(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (w, used) in ctx.inventory.waivers.iter().zip(ctx.waivers_used) {
        if !used && w.expires >= ctx.as_of {
            out.push(waiver_finding(
                ctx,
                def,
                w,
                format!("the {} matches no finding", describe(w)),
            ));
        }
    }
}
