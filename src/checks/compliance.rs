//! Compliance evidence: SOC 2 / ISO certifications and data processing
//! agreements.

use jiff::civil::Date;

use super::{CheckDef, Context, Evaluator, Finding, Severity, add_days};
use crate::inventory::model::{Certification, Tool};

pub fn evaluator(id: &str) -> Option<Evaluator> {
    Some(match id {
        "compliance-cert-missing" => compliance_cert_missing,
        "compliance-cert-expired" => compliance_cert_expired,
        "compliance-cert-expiring" => compliance_cert_expiring,
        "compliance-dpa-missing" => compliance_dpa_missing,
        _ => return None,
    })
}

fn compliance_cert_missing(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let accepted = &ctx.inventory.policy.accepted_certifications;
    for (i, tool) in ctx.tools_in_scope() {
        let personal = ctx.flow.effective[i].intersection_personal();
        if personal.is_empty() {
            continue;
        }
        if tool
            .certifications
            .iter()
            .any(|c| accepted.contains(&c.policy_name()))
        {
            continue;
        }
        let (origin, related) = ctx.data_origin(i, personal);
        let type1 = tool
            .certifications
            .iter()
            .any(|c| c.policy_name() == "soc2-type1");
        let note = if type1 {
            "; its SOC 2 report is Type I, which covers control design at one point in time, not operation over a period"
        } else {
            ""
        };
        let mut f = ctx.tool_finding(
            def,
            tool,
            "certifications",
            format!(
                "{} holds personal data ({}){origin} but declares none of the accepted certifications ({}){note}",
                tool.name,
                personal.describe(),
                accepted.join(", ")
            ),
        );
        f.related = related;
        out.push(f);
    }
}

/// When a piece of evidence stops being valid.
pub fn lapse_date(cert: &Certification, soc2_max_age_days: i64) -> Option<Date> {
    if cert.name == "soc2" {
        let report_valid_until = cert.report_date.map(|d| add_days(d, soc2_max_age_days));
        return match (report_valid_until, cert.bridge_letter_until) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    cert.expires
}

fn describe_cert(cert: &Certification) -> String {
    match cert.soc2_type {
        Some(t) if cert.name == "soc2" => format!("SOC 2 Type {}", if t == 1 { "I" } else { "II" }),
        _ => cert.name.to_ascii_uppercase().replace("ISO", "ISO "),
    }
}

fn lapse_message(tool: &Tool, cert: &Certification, lapse: Date, past: bool) -> String {
    let verb = if past { "lapsed" } else { "lapses" };
    if cert.name == "soc2" {
        let period = cert
            .report_date
            .map(|d| format!(" (report period ended {d}"));
        let bridge = match (cert.bridge_letter_until, &period) {
            (Some(b), Some(_)) => format!(", bridge letter until {b})"),
            (None, Some(_)) => ", no bridge letter)".to_string(),
            (Some(b), None) => format!(" (bridge letter until {b})"),
            (None, None) => String::new(),
        };
        format!(
            "{}'s {} report {verb} on {lapse}{}{bridge}",
            tool.name,
            describe_cert(cert),
            period.unwrap_or_default()
        )
    } else {
        format!(
            "{}'s {} certificate {verb} on {lapse}",
            tool.name,
            describe_cert(cert)
        )
    }
}

fn compliance_cert_expired(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let max_age = def.param_i64("soc2_max_age_days");
    let milder =
        Severity::parse(def.param_str("severity_without_personal_data")).unwrap_or(def.severity);
    for (i, tool) in ctx.tools_in_scope() {
        for cert in &tool.certifications {
            let Some(lapse) = lapse_date(cert, max_age) else {
                continue;
            };
            if lapse >= ctx.as_of {
                continue;
            }
            let mut f = ctx.tool_finding(
                def,
                tool,
                &format!("certifications.{}", cert.name),
                lapse_message(tool, cert, lapse, true),
            );
            if !ctx.flow.effective[i].has_personal() {
                f.severity = milder;
            }
            f.subject = Some(cert.name.clone());
            out.push(f);
        }
    }
}

fn compliance_cert_expiring(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let max_age = def.param_i64("soc2_max_age_days");
    let horizon = add_days(ctx.as_of, def.param_i64("days"));
    for (_, tool) in ctx.tools_in_scope() {
        for cert in &tool.certifications {
            let Some(lapse) = lapse_date(cert, max_age) else {
                continue;
            };
            if lapse < ctx.as_of || lapse > horizon {
                continue;
            }
            let days = super::days_between(ctx.as_of, lapse);
            let mut f = ctx.tool_finding(
                def,
                tool,
                &format!("certifications.{}", cert.name),
                format!(
                    "{} (in {days} days)",
                    lapse_message(tool, cert, lapse, false)
                ),
            );
            f.subject = Some(cert.name.clone());
            out.push(f);
        }
    }
}

fn compliance_dpa_missing(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (i, tool) in ctx.tools_in_scope() {
        let personal = ctx.flow.effective[i].intersection_personal();
        if personal.is_empty() || tool.contract.as_ref().and_then(|c| c.dpa) == Some(true) {
            continue;
        }
        let (origin, related) = ctx.data_origin(i, personal);
        let state = match tool.contract.as_ref().and_then(|c| c.dpa) {
            Some(false) => "no data processing agreement is signed",
            _ => "no data processing agreement is recorded",
        };
        let mut f = ctx.tool_finding(
            def,
            tool,
            "contract.dpa",
            format!(
                "{} processes personal data ({}){origin} but {state}",
                tool.name,
                personal.describe()
            ),
        );
        f.related = related;
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Severity;
    use crate::checks::testing::{run, tool, tools};

    const AS_OF: &str = "2026-11-22";

    #[test]
    fn cert_missing_distinguishes_type_one_from_type_two() {
        let body = [
            tool("t1", "chat", "data = [\"pii\"]\n[tool.certifications]\nsoc2 = { type = 1, report_date = 2026-06-30 }"),
            tool("t2", "chat", "data = [\"pii\"]\n[tool.certifications]\nsoc2 = { type = 2, report_date = 2026-06-30 }"),
            tool("iso", "chat", "data = [\"pii\"]\n[tool.certifications]\niso27001 = { expires = 2020-01-01 }"),
            tool("none", "chat", "data = [\"behavioral\"]"),
            tool("public", "chat", "data = [\"public\"]"),
        ]
        .concat();
        let findings = run("compliance-cert-missing", &body, AS_OF);
        assert_eq!(
            tools(&findings),
            ["t1", "none"],
            "an expired ISO certificate is the next check's business"
        );
        assert!(findings[0].message.contains("Type I"));
    }

    #[test]
    fn cert_missing_uses_inherited_personal_data_and_says_where_from() {
        let body = [
            tool("crm", "crm", "data = [\"pii\"]\n[tool.certifications]\niso27001 = { expires = 2030-01-01 }\n[[tool.integration]]\nto = \"ma\""),
            tool("ma", "marketing-automation", "[tool.certifications]\niso27701 = { expires = 2030-01-01 }\n[[tool.integration]]\nto = \"webinar\""),
            tool("webinar", "webinar", ""),
        ]
        .concat();
        let findings = run("compliance-cert-missing", &body, AS_OF);
        assert_eq!(tools(&findings), ["ma", "webinar"]);
        assert!(
            findings[1]
                .message
                .contains("pii from `crm` via crm → ma → webinar"),
            "{}",
            findings[1].message
        );
        assert_eq!(findings[1].related, ["crm", "ma"]);
    }

    #[test]
    fn soc2_report_ages_out_after_a_year_unless_bridged() {
        let body = [
            tool("fresh", "chat", "data = [\"pii\"]\n[tool.certifications]\nsoc2 = { type = 2, report_date = 2026-06-30 }"),
            tool("old", "chat", "data = [\"pii\"]\n[tool.certifications]\nsoc2 = { type = 2, report_date = 2025-09-30 }"),
            tool("bridged", "chat", "data = [\"pii\"]\n[tool.certifications]\nsoc2 = { type = 2, report_date = 2025-09-30, bridge_letter_until = 2026-12-31 }"),
            tool("bridge-over", "chat", "[tool.certifications]\nsoc2 = { type = 2, report_date = 2025-09-30, bridge_letter_until = 2026-10-31 }"),
            tool("iso", "chat", "[tool.certifications]\niso27001 = { expires = 2026-11-21 }"),
        ]
        .concat();
        let findings = run("compliance-cert-expired", &body, AS_OF);
        assert_eq!(tools(&findings), ["old", "bridge-over", "iso"]);
        assert_eq!(findings[0].severity, Severity::High);
        assert_eq!(
            findings[1].severity,
            Severity::Medium,
            "no personal data: milder"
        );
        assert_eq!(
            findings[0].message,
            "old's SOC 2 Type II report lapsed on 2026-09-30 (report period ended 2025-09-30, no bridge letter)"
        );
    }

    #[test]
    fn expiring_within_sixty_days() {
        let body = [
            tool("soon", "chat", "[tool.certifications]\niso27001 = { expires = 2027-01-20 }"),
            tool("later", "chat", "[tool.certifications]\niso27001 = { expires = 2027-01-22 }"),
            tool("today", "chat", "[tool.certifications]\niso27001 = { expires = 2026-11-22 }"),
            tool("gone", "chat", "[tool.certifications]\niso27001 = { expires = 2026-11-21 }"),
            tool("bridge", "chat", "[tool.certifications]\nsoc2 = { type = 2, report_date = 2025-06-30, bridge_letter_until = 2026-12-15 }"),
        ]
        .concat();
        let findings = run("compliance-cert-expiring", &body, AS_OF);
        assert_eq!(tools(&findings), ["soon", "today", "bridge"]);
        assert!(
            findings[0].message.ends_with("(in 59 days)"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn dpa_needed_for_personal_data_only() {
        let body = [
            tool(
                "signed",
                "chat",
                "data = [\"pii\"]\n[tool.contract]\ndpa = true",
            ),
            tool(
                "refused",
                "chat",
                "data = [\"pii\"]\n[tool.contract]\ndpa = false",
            ),
            tool("unknown", "chat", "data = [\"sensitive-pii\"]"),
            tool("public", "chat", "data = [\"customer\"]"),
        ]
        .concat();
        let findings = run("compliance-dpa-missing", &body, AS_OF);
        assert_eq!(tools(&findings), ["refused", "unknown"]);
        assert!(
            findings[0]
                .message
                .ends_with("no data processing agreement is signed")
        );
    }
}
