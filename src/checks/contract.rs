//! Contracts: renewals coming up or already passed.

use std::collections::HashSet;

use crate::shared_str::SharedStr;

use super::{
    CheckDef, Context, Evaluator, Finding, Severity, add_days, days_between, relative_days,
};
use crate::inventory::model::Status;

pub const RENEWAL_DUE: &str = "contract-renewal-due";

pub fn evaluator(id: &str) -> Option<Evaluator> {
    Some(match id {
        RENEWAL_DUE => contract_renewal_due,
        "contract-renewal-lapsed" => contract_renewal_lapsed,
        _ => return None,
    })
}

fn contract_renewal_due(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let horizon = add_days(ctx.as_of, def.param_i64("days"));
    // Retiring tools too: their renewal is the date to cancel by.
    for tool in &ctx.inventory.tools {
        let Some(renewal) = tool.contract.as_ref().and_then(|c| c.renewal) else {
            continue;
        };
        if renewal < ctx.as_of || renewal > horizon {
            continue;
        }
        let when = relative_days(days_between(ctx.as_of, renewal));
        let message = if tool.status == Status::Retiring {
            format!(
                "{}'s contract renews on {renewal}, {when}; the tool is retiring, so cancel before then",
                tool.name
            )
        } else {
            format!("{}'s contract renews on {renewal}, {when}", tool.name)
        };
        out.push(ctx.tool_finding(def, tool, "contract.renewal", message));
    }
}

fn contract_renewal_lapsed(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (_, tool) in ctx.tools_in_scope() {
        let Some(renewal) = tool.contract.as_ref().and_then(|c| c.renewal) else {
            continue;
        };
        if renewal < ctx.as_of {
            out.push(ctx.tool_finding(
                def,
                tool,
                "contract.renewal",
                format!("{}'s renewal date {renewal} has passed", tool.name),
            ));
        }
    }
}

/// A renewal is leverage: raise it when the tool has high or critical
/// findings. Runs after every other check.
pub fn escalate_renewals(findings: &mut [Finding], def: &CheckDef) {
    let Some(raised) = def.param_severity("escalated_severity") else {
        return;
    };
    let serious: HashSet<SharedStr> = findings
        .iter()
        .filter(|f| f.check != RENEWAL_DUE && !f.is_waived() && f.severity >= Severity::High)
        .filter_map(|f| f.tool.clone())
        .collect();
    for f in findings.iter_mut().filter(|f| f.check == RENEWAL_DUE) {
        if f.tool.as_ref().is_some_and(|t| serious.contains(t)) && f.severity < raised {
            f.severity = raised;
            f.message = format!(
                "{}; the tool has high-severity findings to raise with the vendor first",
                f.message
            )
            .into();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Catalogue;
    use crate::checks::testing::{run, tool, tools};

    const AS_OF: &str = "2026-11-22";

    fn body() -> String {
        [
            tool("soon", "bi", "[tool.contract]\nrenewal = 2027-02-20"),
            tool("later", "bi", "[tool.contract]\nrenewal = 2027-02-21"),
            tool("past", "bi", "[tool.contract]\nrenewal = 2026-11-21"),
            tool("none", "bi", ""),
            tool(
                "leaving",
                "bi",
                "status = \"retiring\"\n[tool.contract]\nrenewal = 2026-11-23",
            ),
            tool(
                "today",
                "bi",
                "status = \"evaluating\"\n[tool.contract]\nrenewal = 2026-11-22",
            ),
        ]
        .concat()
    }

    #[test]
    fn due_within_ninety_days_and_lapsed() {
        let due = run(RENEWAL_DUE, &body(), AS_OF);
        assert_eq!(tools(&due), ["soon", "leaving", "today"]);
        assert_eq!(due[0].severity, Severity::Info);
        assert_eq!(
            &*due[0].message.text(),
            "soon's contract renews on 2027-02-20, in 90 days"
        );
        assert_eq!(
            &*due[1].message.text(),
            "leaving's contract renews on 2026-11-23, in 1 day; the tool is retiring, so cancel before then"
        );
        assert_eq!(
            &*due[2].message.text(),
            "today's contract renews on 2026-11-22, today"
        );
        assert_eq!(
            tools(&run("contract-renewal-lapsed", &body(), AS_OF)),
            ["past"]
        );
    }

    #[test]
    fn renewal_is_raised_when_the_tool_has_high_findings() {
        let mut findings = run(RENEWAL_DUE, &body(), AS_OF);
        let mut high = findings[0].clone();
        high.check = "access-mfa-missing".into();
        high.severity = Severity::High;
        findings.push(high);
        let catalogue = Catalogue::builtin();
        escalate_renewals(&mut findings, catalogue.get(RENEWAL_DUE).unwrap());
        assert_eq!(findings[0].severity, Severity::Medium);
        assert_eq!(
            &*findings[0].message.text(),
            "soon's contract renews on 2027-02-20, in 90 days; the tool has high-severity findings to raise with the vendor first"
        );
    }
}
