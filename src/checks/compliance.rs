//! Compliance evidence: SOC 2 / ISO certifications and data processing
//! agreements.

use jiff::civil::Date;

use super::{CheckDef, Context, Evaluator, Finding, add_days};
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

/// Whether a certification on file meets a name the policy accepts: the
/// same name, or a stronger report (SOC 2 Type II meets Type I).
pub fn satisfies(held: &str, accepted: &str) -> bool {
    held == accepted || (held == "soc2-type2" && accepted == "soc2-type1")
}

/// Why a SOC 2 report on file is no evidence at all, if it is not: a report
/// without `report_date` has no known age, and one dated after the audit
/// covers a period that has not ended.
fn unusable_soc2(cert: &Certification, as_of: Date) -> Option<String> {
    if cert.name != "soc2" {
        return None;
    }
    match cert.report_date {
        None => Some(format!(
            "its {} report has no `report_date`, so its age is unknown and it does not count",
            describe_cert(cert)
        )),
        Some(d) if d > as_of => Some(format!(
            "its {} report is dated {d}, after the audit date {as_of}, so it does not count",
            describe_cert(cert)
        )),
        Some(_) => None,
    }
}

fn compliance_cert_missing(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let accepted = &ctx.inventory.policy.accepted_certifications;
    let meets = |c: &Certification| {
        let name = c.policy_name();
        accepted.iter().any(|a| satisfies(&name, a))
    };
    for (i, tool) in ctx.tools_in_scope() {
        let personal = ctx.flow.effective[i].intersection_personal();
        if personal.is_empty() {
            continue;
        }
        if tool
            .certifications
            .iter()
            .any(|c| meets(c) && unusable_soc2(c, ctx.as_of).is_none())
        {
            continue;
        }
        let (origin, related) = ctx.data_origin(i, personal);
        let mut notes: Vec<String> = tool
            .certifications
            .iter()
            .filter(|c| meets(c))
            .filter_map(|c| unusable_soc2(c, ctx.as_of))
            .collect();
        if tool
            .certifications
            .iter()
            .any(|c| c.policy_name() == "soc2-type1" && !meets(c))
        {
            notes.push("its SOC 2 report is Type I, which covers control design at one point in time, not operation over a period".to_string());
        }
        let note: String = notes.iter().map(|n| format!("; {n}")).collect();
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
        f.related = related.into();
        out.push(f);
    }
}

/// When a piece of evidence stops being valid: a certificate's expiry; a
/// SOC 2 report `max_soc2_report_age_days` after its `report_date`, or the
/// end of its bridge letter when that is later. `None` when that cannot be
/// known (a SOC 2 report without `report_date`, or dated after `as_of`,
/// which `compliance-cert-missing` explains).
pub fn lapse_date(
    cert: &Certification,
    max_soc2_report_age_days: i64,
    as_of: Date,
) -> Option<Date> {
    if cert.name == "soc2" {
        let report_date = cert.report_date.filter(|d| *d <= as_of)?;
        let aged_out = add_days(report_date, max_soc2_report_age_days);
        return Some(
            cert.bridge_letter_until
                .map_or(aged_out, |b| aged_out.max(b)),
        );
    }
    cert.expires
}

fn describe_cert(cert: &Certification) -> String {
    match cert.soc2_type {
        Some(t) if cert.name == "soc2" => format!("SOC 2 Type {}", if t == 1 { "I" } else { "II" }),
        _ => cert.name.to_ascii_uppercase().replace("ISO", "ISO "),
    }
}

/// "old's SOC 2 Type II report lapsed on 2026-09-30 (365 days after its
/// period ended on 2025-09-30; no bridge letter)": the date and the rule
/// that gives it, worded as `checks explain` and the README state it.
fn lapse_message(
    tool: &Tool,
    cert: &Certification,
    lapse: Date,
    past: bool,
    max_age: i64,
) -> String {
    let verb = if past { "lapsed" } else { "lapses" };
    let Some(report_date) = cert.report_date.filter(|_| cert.name == "soc2") else {
        return format!(
            "{}'s {} certificate {verb} on {lapse}",
            tool.name,
            describe_cert(cert)
        );
    };
    let aged_out = add_days(report_date, max_age);
    let basis = match cert.bridge_letter_until {
        Some(b) if b > aged_out => {
            format!("the end of its bridge letter; its period ended on {report_date}")
        }
        Some(b) => format!(
            "{max_age} days after its period ended on {report_date}; its bridge letter ends earlier, on {b}"
        ),
        None => format!("{max_age} days after its period ended on {report_date}; no bridge letter"),
    };
    format!(
        "{}'s {} report {verb} on {lapse} ({basis})",
        tool.name,
        describe_cert(cert)
    )
}

fn compliance_cert_expired(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let max_age = ctx.inventory.policy.max_soc2_report_age_days;
    let milder = def
        .param_severity("severity_without_personal_data")
        .unwrap_or(def.severity);
    for (i, tool) in ctx.tools_in_scope() {
        for cert in &tool.certifications {
            let Some(lapse) = lapse_date(cert, max_age, ctx.as_of) else {
                continue;
            };
            if lapse >= ctx.as_of {
                continue;
            }
            let mut f = ctx.tool_finding(
                def,
                tool,
                &format!("certifications.{}", cert.name),
                lapse_message(tool, cert, lapse, true, max_age),
            );
            if !ctx.flow.effective[i].has_personal() {
                f.severity = milder;
            }
            f.subject = Some(cert.name.clone().into());
            out.push(f);
        }
    }
}

fn compliance_cert_expiring(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let max_age = ctx.inventory.policy.max_soc2_report_age_days;
    let horizon = add_days(ctx.as_of, def.param_i64("days"));
    for (_, tool) in ctx.tools_in_scope() {
        for cert in &tool.certifications {
            let Some(lapse) = lapse_date(cert, max_age, ctx.as_of) else {
                continue;
            };
            if lapse < ctx.as_of || lapse > horizon {
                continue;
            }
            let when = super::relative_days(super::days_between(ctx.as_of, lapse));
            let mut f = ctx.tool_finding(
                def,
                tool,
                &format!("certifications.{}", cert.name),
                format!(
                    "{} ({when})",
                    lapse_message(tool, cert, lapse, false, max_age)
                ),
            );
            f.subject = Some(cert.name.clone().into());
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
        f.related = related.into();
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
        assert!(findings[0].message.text().contains("Type I"));
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
                .text()
                .contains("pii from `crm` via crm → ma → webinar"),
            "{}",
            findings[1].message
        );
        assert_eq!(&*findings[1].related, ["crm", "ma"]);
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
            &*findings[0].message.text(),
            "old's SOC 2 Type II report lapsed on 2026-09-30 (365 days after its period ended on 2025-09-30; no bridge letter)"
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
            findings[0].message.text().ends_with("(in 59 days)"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn an_undated_or_future_soc2_report_is_no_evidence() {
        let body = [
            tool("undated", "chat", "data = [\"pii\"]\n[tool.certifications]\nsoc2 = { type = 2 }"),
            tool("bridged-only", "chat", "data = [\"pii\"]\n[tool.certifications]\nsoc2 = { type = 2, bridge_letter_until = 2027-06-30 }"),
            tool("future", "chat", "data = [\"pii\"]\n[tool.certifications]\nsoc2 = { type = 2, report_date = 2026-12-31 }"),
            tool("dated", "chat", "data = [\"pii\"]\n[tool.certifications]\nsoc2 = { type = 2, report_date = 2026-11-22 }"),
        ]
        .concat();
        let missing = run("compliance-cert-missing", &body, AS_OF);
        assert_eq!(tools(&missing), ["undated", "bridged-only", "future"]);
        assert!(
            missing[0].message.text().ends_with(
                "; its SOC 2 Type II report has no `report_date`, so its age is unknown and it does not count"
            ),
            "{}",
            missing[0].message
        );
        assert!(
            missing[2].message.text().ends_with(
                "; its SOC 2 Type II report is dated 2026-12-31, after the audit date 2026-11-22, so it does not count"
            ),
            "{}",
            missing[2].message
        );
        // Neither check about lapsing claims to know when an undated report
        // lapses (by 2030 the other two are simply old).
        assert_eq!(
            tools(&run("compliance-cert-expired", &body, "2030-01-01")),
            ["future", "dated"]
        );
        assert!(run("compliance-cert-expiring", &body, AS_OF).is_empty());
    }

    #[test]
    fn a_stronger_report_meets_a_weaker_requirement() {
        let policy = "[policy]\naccepted_certifications = [\"soc2-type1\"]\n";
        let body = [
            policy.to_string(),
            tool("t2", "chat", "data = [\"pii\"]\n[tool.certifications]\nsoc2 = { type = 2, report_date = 2026-06-30 }"),
            tool("t1", "chat", "data = [\"pii\"]\n[tool.certifications]\nsoc2 = { type = 1, report_date = 2026-06-30 }"),
            tool("iso", "chat", "data = [\"pii\"]\n[tool.certifications]\niso27001 = { expires = 2030-01-01 }"),
        ]
        .concat();
        assert_eq!(
            tools(&run("compliance-cert-missing", &body, AS_OF)),
            ["iso"]
        );
        assert!(super::satisfies("soc2-type2", "soc2-type1"));
        assert!(!super::satisfies("soc2-type1", "soc2-type2"));
    }

    #[test]
    fn one_policy_setting_ages_soc2_reports_for_both_checks() {
        let report = "data = [\"pii\"]\n[tool.certifications]\nsoc2 = { type = 2, report_date = 2026-06-30 }";
        let short = format!(
            "[policy]\nmax_soc2_report_age_days = 150\n{}",
            tool("a", "chat", report)
        );
        // 2026-06-30 + 150 days = 2026-11-27: five days after the audit date.
        let expiring = run("compliance-cert-expiring", &short, AS_OF);
        assert_eq!(
            &*expiring[0].message.text(),
            "a's SOC 2 Type II report lapses on 2026-11-27 (150 days after its period ended on 2026-06-30; no bridge letter) (in 5 days)"
        );
        assert!(run("compliance-cert-expired", &short, AS_OF).is_empty());
        let expired = run("compliance-cert-expired", &short, "2026-11-28");
        assert_eq!(tools(&expired), ["a"]);
        assert!(run("compliance-cert-expiring", &short, "2026-11-28").is_empty());
        let default = tool("a", "chat", report);
        assert!(run("compliance-cert-expiring", &default, AS_OF).is_empty());
        assert!(run("compliance-cert-expired", &default, "2027-06-30").is_empty());
        assert_eq!(
            tools(&run("compliance-cert-expired", &default, "2027-07-01")),
            ["a"]
        );
    }

    #[test]
    fn a_lapse_today_or_tomorrow_is_worded_as_such() {
        let body = [
            tool(
                "today",
                "chat",
                "[tool.certifications]\niso27001 = { expires = 2026-11-22 }",
            ),
            tool(
                "tomorrow",
                "chat",
                "[tool.certifications]\niso27001 = { expires = 2026-11-23 }",
            ),
        ]
        .concat();
        let findings = run("compliance-cert-expiring", &body, AS_OF);
        assert_eq!(
            &*findings[0].message.text(),
            "today's ISO 27001 certificate lapses on 2026-11-22 (today)"
        );
        assert_eq!(
            &*findings[1].message.text(),
            "tomorrow's ISO 27001 certificate lapses on 2026-11-23 (in 1 day)"
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
                .text()
                .ends_with("no data processing agreement is signed")
        );
    }
}
