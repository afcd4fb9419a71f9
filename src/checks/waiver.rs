//! Waivers: accepted risks with an owner, a reason and an expiry.
//!
//! A waiver that is still valid marks the findings it covers (they stay in
//! every report but do not fail the audit or lower the score). The two
//! checks here report waivers that have expired or cover nothing; they run
//! after every other check, once waivers have been applied.

use super::{AppliedWaiver, CheckDef, Context, Evaluator, Finding};
use crate::inventory::model::Waiver;
use crate::shared_str::SharedStr;

pub fn evaluator(id: &str) -> Option<Evaluator> {
    Some(match id {
        "waiver-expired" => waiver_expired,
        "waiver-unused" => waiver_unused,
        _ => return None,
    })
}

fn matches(w: &Waiver, f: &Finding) -> bool {
    (w.check == "*" || w.check == f.check) && w.tool.as_deref() == f.tool.as_deref()
}

/// Marks the findings covered by valid waivers; returns, per waiver, whether
/// it covered anything.
///
/// A waiver naming the finding's check applies before a `*` waiver for the
/// same tool (its reason and expiry are the specific ones); every valid
/// waiver that matches counts as used, so neither is reported unused.
pub fn apply(waivers: &[Waiver], as_of: jiff::civil::Date, findings: &mut [Finding]) -> Vec<bool> {
    let mut used = vec![false; waivers.len()];
    for f in findings.iter_mut() {
        let mut specific = None;
        let mut wildcard = None;
        for (i, w) in waivers.iter().enumerate() {
            if w.expires < as_of || !matches(w, f) {
                continue;
            }
            used[i] = true;
            let slot = if w.check == "*" {
                &mut wildcard
            } else {
                &mut specific
            };
            slot.get_or_insert(i);
        }
        let Some(i) = specific.or(wildcard) else {
            continue;
        };
        let w = &waivers[i];
        f.waiver = Some(Box::new(AppliedWaiver {
            reason: w.reason.clone(),
            approved_by: w.approved_by.clone(),
            expires: w.expires,
            ticket: w.ticket.clone(),
        }));
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
    f.tool = w.tool.as_deref().map(SharedStr::from);
    f.subject = Some(format!("{}@{}", w.check, w.tool.as_deref().unwrap_or("")).into());
    let mut location = ctx.location(w.loc);
    if let Some(file) = &w.file {
        location.file = file.as_str().into();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Severity;

    fn waiver(check: &str, reason: &str) -> Waiver {
        Waiver {
            check: check.into(),
            tool: Some("chat".into()),
            reason: reason.into(),
            approved_by: "ciso@x.example".into(),
            expires: "2027-01-01".parse().unwrap(),
            ticket: None,
            loc: Default::default(),
            file: None,
        }
    }

    fn finding(check: &str) -> Finding {
        Finding {
            check: check.into(),
            severity: Severity::High,
            tool: Some("chat".into()),
            related: Default::default(),
            subject: None,
            message: Default::default(),
            location: None,
            fingerprint: Default::default(),
            waiver: None,
        }
    }

    #[test]
    fn a_specific_waiver_wins_over_a_wildcard_and_both_count_as_used() {
        for waivers in [
            vec![
                waiver("*", "blanket"),
                waiver("access-mfa-missing", "specific"),
            ],
            vec![
                waiver("access-mfa-missing", "specific"),
                waiver("*", "blanket"),
            ],
        ] {
            let mut findings = vec![finding("access-mfa-missing")];
            let used = apply(&waivers, "2026-11-22".parse().unwrap(), &mut findings);
            assert_eq!(findings[0].waiver.as_ref().unwrap().reason, "specific");
            assert_eq!(used, [true, true]);
        }
    }

    #[test]
    fn an_expired_specific_waiver_leaves_the_wildcard_to_apply() {
        let mut expired = waiver("access-mfa-missing", "specific");
        expired.expires = "2026-01-01".parse().unwrap();
        let waivers = vec![expired, waiver("*", "blanket")];
        let mut findings = vec![finding("access-mfa-missing"), finding("backup-missing")];
        let used = apply(&waivers, "2026-11-22".parse().unwrap(), &mut findings);
        assert_eq!(findings[0].waiver.as_ref().unwrap().reason, "blanket");
        assert_eq!(findings[1].waiver.as_ref().unwrap().reason, "blanket");
        assert_eq!(used, [false, true]);
    }
}
