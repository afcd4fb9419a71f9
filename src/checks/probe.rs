//! Evidence from vendors' public endpoints (`stackaudit probe`), judged
//! offline: these checks run only when the audit is given evidence.
//!
//! A fetch that never reached a server (no name resolution, connection
//! refused, timeout, proxy failure) is not the vendor's fault: it is left
//! out of the vendor checks, and one stack-level finding names the tools
//! that could not be judged.

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
        "probe-evidence-not-collected" => probe_evidence_not_collected,
        "probe-evidence-missing" => probe_evidence_missing,
        _ => return None,
    })
}

/// Tools in scope with their evidence, when it was collected for the URLs
/// the inventory names (evidence for other URLs says nothing about them).
fn with_evidence<'a>(ctx: &'a Context) -> impl Iterator<Item = (&'a Tool, &'a ToolEvidence)> {
    ctx.tools_in_scope()
        .filter_map(|(_, t)| ctx.evidence.and_then(|e| e.for_tool(&t.id)).map(|e| (t, e)))
        .filter(|(t, e)| url_mismatch(t, e).is_none())
}

/// The first URL whose evidence was collected for another URL:
/// (field, the inventory's URL, the evidence's URL).
fn url_mismatch(tool: &Tool, ev: &ToolEvidence) -> Option<(&'static str, String, String)> {
    fetch_urls(tool, ev).find_map(|(field, wanted, found)| {
        let (wanted, found) = (wanted?, found?);
        (wanted != found).then_some((field, wanted, found))
    })
}

/// The first URL the inventory names that the evidence has no fetch for.
fn url_not_probed(tool: &Tool, ev: &ToolEvidence) -> Option<(&'static str, String)> {
    fetch_urls(tool, ev).find_map(|(field, wanted, found)| match (wanted, found) {
        (Some(wanted), None) => Some((field, wanted)),
        _ => None,
    })
}

/// (field, the URL as the probe records it, the URL the evidence holds).
fn fetch_urls<'a>(
    tool: &'a Tool,
    ev: &'a ToolEvidence,
) -> impl Iterator<Item = (&'static str, Option<String>, Option<String>)> + 'a {
    [
        ("url", tool.url.as_deref(), ev.site.as_ref()),
        (
            "trust_url",
            tool.trust_url.as_deref(),
            ev.trust_page.as_ref(),
        ),
    ]
    .into_iter()
    .map(|(field, wanted, fetch)| {
        (
            field,
            wanted.map(crate::probe::evidence_url),
            // Both sides normalised: evidence written by hand may spell the
            // same URL without its trailing slash or in upper case.
            fetch.map(|f| crate::probe::evidence_url(&f.url)),
        )
    })
}

fn probe_https_failed(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (tool, ev) in with_evidence(ctx) {
        let Some(site) = &ev.site else { continue };
        if site.ok() || site.unreachable {
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
        let site = ev.site.as_ref();
        // Not a pass: say that the certificate could not be judged.
        if let Some(why) = site
            .filter(|s| s.ok())
            .and_then(|s| s.certificate_unavailable.as_deref())
        {
            let mut f = ctx.tool_finding(
                def,
                tool,
                "url",
                format!("{}'s TLS certificate could not be judged: {why}", tool.name),
            );
            f.severity = super::Severity::Info;
            out.push(f);
            continue;
        }
        let Some(expires) = site.and_then(|s| s.certificate_expires.as_deref()) else {
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
        let Some(txt) = ev.security_txt.as_ref().filter(|t| !t.unreachable) else {
            continue;
        };
        // Without an answer from the site itself, a missing file says nothing.
        if ev.site.as_ref().is_some_and(|s| s.unreachable) && !txt.present {
            continue;
        }
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
        if page.ok() || page.unreachable {
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

fn probe_evidence_not_collected(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let tools: Vec<&str> = with_evidence(ctx)
        .filter(|(_, ev)| {
            ev.could_not_be_judged()
                || [&ev.site, &ev.trust_page]
                    .iter()
                    .any(|f| f.as_ref().is_some_and(|f| f.unreachable))
        })
        .map(|(t, _)| t.id.as_str())
        .collect();
    if tools.is_empty() {
        return;
    }
    let mut f = ctx.stack_finding(
        def,
        None,
        format!(
            "evidence could not be collected for {} tool{}: {} (host not reached: name resolution, connection refused, timeout or proxy); the probe checks do not judge {}",
            tools.len(),
            if tools.len() == 1 { "" } else { "s" },
            tools.join(", "),
            if tools.len() == 1 { "it" } else { "them" }
        ),
    );
    f.related = tools.iter().map(|&t| t.into()).collect();
    out.push(f);
}

fn probe_evidence_missing(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let Some(evidence) = ctx.evidence else { return };
    for (_, tool) in ctx.tools_in_scope() {
        if tool.url.is_none() && tool.trust_url.is_none() {
            continue;
        }
        let (field, message) = match evidence.for_tool(&tool.id) {
            None => (
                if tool.url.is_some() {
                    "url"
                } else {
                    "trust_url"
                },
                format!(
                    "{} has no entry in the evidence file: the probe checks do not judge it",
                    tool.name
                ),
            ),
            Some(ev) => match (url_mismatch(tool, ev), url_not_probed(tool, ev)) {
                (Some((field, wanted, found)), _) => (
                    field,
                    format!(
                        "the evidence for {} was collected for {found}, not for its `{field}` {wanted}: it is not applied",
                        tool.name
                    ),
                ),
                (None, Some((field, wanted))) => (
                    field,
                    format!(
                        "the evidence for {} holds nothing for its `{field}` {wanted}",
                        tool.name
                    ),
                ),
                (None, None) => continue,
            },
        };
        out.push(ctx.tool_finding(def, tool, field, message));
    }
}

#[cfg(test)]
mod tests {
    use crate::audit::{AuditOptions, audit};
    use crate::checks::Catalogue;
    use crate::inventory::{load_str, source::Format};
    use crate::probe::evidence::{Evidence, Fetch, SecurityTxt, ToolEvidence};

    fn unreachable(url: &str, error: &str) -> Fetch {
        Fetch {
            url: url.to_string(),
            error: Some(error.to_string()),
            unreachable: true,
            ..Default::default()
        }
    }

    fn judged(evidence: Vec<ToolEvidence>) -> Vec<(String, Option<String>, String)> {
        let mut text = String::from("schema = 1\n");
        for id in ["a", "b", "c"] {
            text.push_str(&format!(
                "[[tool]]\nid = \"{id}\"\nname = \"{id}\"\ncategory = \"other\"\nurl = \"https://{id}.example\"\n"
            ));
        }
        let inv = load_str(&text, Format::Toml, "stack.toml").unwrap();
        let options = AuditOptions {
            fail_on: None,
            evidence: Some(Evidence {
                schema_version: 1,
                collected_at: "2026-11-22T00:00:00Z".into(),
                tools: evidence,
            }),
            ..AuditOptions::new("2026-11-22".parse().unwrap())
        };
        audit(&inv, &Catalogue::builtin(), &options)
            .unwrap()
            .findings
            .into_iter()
            .filter(|f| f.check.starts_with("probe-"))
            .map(|f| {
                (
                    f.check.into(),
                    f.tool.map(String::from),
                    f.message.into_string(),
                )
            })
            .collect()
    }

    #[test]
    fn unreachable_hosts_are_not_judged_against_the_vendor() {
        let offline = |id: &str| ToolEvidence {
            tool: id.into(),
            site: Some(unreachable(
                &format!("https://{id}.example/"),
                "dns error: failed to lookup address information",
            )),
            security_txt: Some(SecurityTxt {
                url: format!("https://{id}.example/.well-known/security.txt"),
                error: Some("dns error".into()),
                unreachable: true,
                ..Default::default()
            }),
            trust_page: None,
        };
        let found: Vec<_> = judged(vec![offline("a"), offline("b")])
            .into_iter()
            .filter(|f| f.0 != "probe-evidence-missing")
            .collect();
        assert_eq!(found.len(), 1, "{found:#?}");
        let (check, tool, message) = &found[0];
        assert_eq!(check, "probe-evidence-not-collected");
        assert_eq!(tool, &None);
        assert!(
            message.starts_with("evidence could not be collected for 2 tools: a, b"),
            "{message}"
        );
    }

    #[test]
    fn evidence_that_is_missing_or_for_another_url_is_reported_not_applied() {
        let failed = |id: &str, url: &str| ToolEvidence {
            tool: id.into(),
            site: Some(Fetch {
                url: url.into(),
                status: Some(500),
                ..Default::default()
            }),
            ..Default::default()
        };
        // "a" matches (http→https and the trailing slash as the probe records
        // them), "b" is for another host, "c" has no entry.
        let found = judged(vec![
            failed("a", "https://a.example/"),
            failed("b", "https://elsewhere.example/"),
        ]);
        let checks: Vec<(&str, &str)> = found
            .iter()
            .map(|(c, t, _)| (c.as_str(), t.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            checks,
            [
                ("probe-https-failed", "a"),
                ("probe-evidence-missing", "b"),
                ("probe-evidence-missing", "c"),
            ],
            "{found:#?}"
        );
        assert!(
            found[1].2.contains(
                "collected for https://elsewhere.example/, not for its `url` https://b.example/"
            ),
            "{}",
            found[1].2
        );
        assert!(
            found[2].2.contains("no entry in the evidence file"),
            "{}",
            found[2].2
        );
    }

    #[test]
    fn a_certificate_not_seen_through_a_proxy_is_not_judged_and_says_so() {
        let proxied = ToolEvidence {
            tool: "a".into(),
            site: Some(Fetch {
                url: "https://a.example/".into(),
                status: Some(200),
                https_only: true,
                hsts: Some("max-age=31536000".into()),
                hsts_max_age: Some(31_536_000),
                certificate_unavailable: Some("not visible through --proxy".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let found: Vec<_> = judged(vec![proxied])
            .into_iter()
            .filter(|f| f.0 == "probe-certificate-expiring")
            .collect();
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0]
                .2
                .contains("could not be judged: not visible through --proxy")
        );
    }

    #[test]
    fn a_reachable_host_that_fails_is_still_the_vendors_failure() {
        let tls = ToolEvidence {
            tool: "c".into(),
            site: Some(Fetch {
                url: "https://c.example/".into(),
                error: Some("invalid peer certificate: Expired".into()),
                ..Default::default()
            }),
            security_txt: Some(SecurityTxt {
                url: "https://c.example/.well-known/security.txt".into(),
                status: Some(404),
                error: Some("HTTP status 404".into()),
                ..Default::default()
            }),
            trust_page: None,
        };
        let checks: Vec<String> = judged(vec![tls])
            .into_iter()
            .map(|f| f.0)
            .filter(|c| c != "probe-evidence-missing")
            .collect();
        assert_eq!(
            checks,
            ["probe-https-failed", "probe-security-txt-missing"],
            "TLS errors and a 404 from a reachable host are the vendor's"
        );
    }
}
