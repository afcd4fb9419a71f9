//! Evidence from vendors' public endpoints (`stackaudit probe`), judged
//! offline: these checks run only when the audit is given evidence.

use super::{CheckDef, Context, Evaluator, Finding, add_days, days_between};
use crate::inventory::model::Tool;
use crate::probe::evidence::ToolEvidence;

pub fn evaluator(id: &str) -> Option<Evaluator> {
    Some(match id {
        "probe-https-failed" => probe_https_failed,
        "probe-certificate-expiring" => probe_certificate_expiring,
        "probe-hsts-missing" => probe_hsts_missing,
        "probe-security-txt-missing" => probe_security_txt_missing,
        "probe-security-txt-expired" => probe_security_txt_expired,
        "probe-trust-page-unreachable" => probe_trust_page_unreachable,
        "probe-evidence-stale" => probe_evidence_stale,
        _ => return None,
    })
}

/// Tools in scope with their evidence.
fn with_evidence<'a>(ctx: &'a Context) -> impl Iterator<Item = (&'a Tool, &'a ToolEvidence)> {
    ctx.tools_in_scope()
        .filter_map(|(_, t)| ctx.evidence.and_then(|e| e.for_tool(&t.id)).map(|e| (t, e)))
}

fn probe_https_failed(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (tool, ev) in with_evidence(ctx) {
        let Some(site) = &ev.site else { continue };
        if site.ok() {
            continue;
        }
        let why = site
            .error
            .clone()
            .unwrap_or_else(|| format!("HTTP status {}", site.status.unwrap_or(0)));
        out.push(ctx.tool_finding(
            def,
            tool,
            "url",
            format!("{} ({}) failed over HTTPS: {why}", tool.name, site.url),
        ));
    }
}

fn probe_certificate_expiring(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let horizon = add_days(ctx.as_of, def.param_i64("days"));
    for (tool, ev) in with_evidence(ctx) {
        let Some(expires) = ev
            .site
            .as_ref()
            .and_then(|s| s.certificate_expires.as_deref())
        else {
            continue;
        };
        let Ok(date) = crate::inventory::validate::parse_date(expires) else {
            continue;
        };
        if date <= horizon {
            let days = days_between(ctx.as_of, date);
            let when = if days < 0 {
                format!("expired on {date}")
            } else {
                format!("expires on {date}, in {days} days")
            };
            out.push(ctx.tool_finding(
                def,
                tool,
                "url",
                format!("{}'s TLS certificate {when}", tool.name),
            ));
        }
    }
}

fn probe_hsts_missing(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let min = def.param_i64("min_max_age_seconds").max(0) as u64;
    for (tool, ev) in with_evidence(ctx) {
        let Some(site) = ev.site.as_ref().filter(|s| s.ok()) else {
            continue;
        };
        let message = match (&site.hsts, site.hsts_max_age) {
            (None, _) => format!("{} sends no Strict-Transport-Security header", tool.name),
            (Some(_), Some(age)) if age >= min => continue,
            (Some(_), Some(age)) => format!(
                "{}'s Strict-Transport-Security max-age is {age} seconds, under {min}",
                tool.name
            ),
            (Some(h), None) => format!(
                "{}'s Strict-Transport-Security header has no max-age: {h:?}",
                tool.name
            ),
        };
        out.push(ctx.tool_finding(def, tool, "url", message));
    }
}

fn probe_security_txt_missing(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (tool, ev) in with_evidence(ctx) {
        let Some(txt) = &ev.security_txt else {
            continue;
        };
        let message = match (txt.present, &txt.error) {
            (true, None) => continue,
            (true, Some(e)) => format!("{}'s security.txt is unusable: {e}", tool.name),
            (false, Some(e)) => format!(
                "{} publishes no security.txt at {} ({e})",
                tool.name, txt.url
            ),
            (false, None) => format!("{} publishes no security.txt at {}", tool.name, txt.url),
        };
        out.push(ctx.tool_finding(def, tool, "url", message));
    }
}

fn probe_security_txt_expired(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (tool, ev) in with_evidence(ctx) {
        let Some(expires) = ev
            .security_txt
            .as_ref()
            .filter(|t| t.present)
            .and_then(|t| t.expires.as_deref())
        else {
            continue;
        };
        let Ok(ts) = expires.parse::<jiff::Timestamp>() else {
            continue;
        };
        let date = ts.to_zoned(jiff::tz::TimeZone::UTC).date();
        if date < ctx.as_of {
            out.push(ctx.tool_finding(
                def,
                tool,
                "url",
                format!("{}'s security.txt expired on {date}", tool.name),
            ));
        }
    }
}

fn probe_trust_page_unreachable(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (tool, ev) in with_evidence(ctx) {
        let Some(page) = &ev.trust_page else { continue };
        if page.ok() {
            continue;
        }
        let why = page
            .error
            .clone()
            .unwrap_or_else(|| format!("HTTP status {}", page.status.unwrap_or(0)));
        out.push(ctx.tool_finding(
            def,
            tool,
            "trust_url",
            format!(
                "{}'s trust page {} is unreachable: {why}",
                tool.name, page.url
            ),
        ));
    }
}

fn probe_evidence_stale(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let Some(collected) = ctx.evidence.and_then(|e| e.collected_on()) else {
        return;
    };
    let age = days_between(collected, ctx.as_of);
    if age > def.param_i64("max_age_days") {
        out.push(ctx.stack_finding(
            def,
            None,
            format!(
                "the probe evidence was collected on {collected}, {age} days before the audit date"
            ),
        ));
    }
}
