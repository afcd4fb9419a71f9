//! Encryption at rest and in transit.

use super::{CheckDef, Context, Evaluator, Finding};
use crate::inventory::model::{DataClass, DataSet, Tls};

pub fn evaluator(id: &str) -> Option<Evaluator> {
    Some(match id {
        "encryption-unknown" => encryption_unknown,
        "encryption-at-rest-missing" => encryption_at_rest_missing,
        "encryption-at-rest-weak" => encryption_at_rest_weak,
        "encryption-in-transit-weak" => encryption_in_transit_weak,
        "encryption-cmk-missing" => encryption_cmk_missing,
        _ => return None,
    })
}

/// Personal, customer or financial data: what encryption must protect.
fn protected(data: DataSet) -> DataSet {
    let mut guarded = DataSet::PERSONAL;
    guarded.insert(DataClass::Customer);
    guarded.insert(DataClass::Financial);
    DataSet::of(
        &data
            .iter()
            .filter(|c| guarded.contains(*c))
            .collect::<Vec<_>>(),
    )
}

fn encryption_unknown(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (i, tool) in ctx.tools_in_scope() {
        let data = protected(ctx.flow.effective[i]);
        if data.is_empty() || tool.encryption.is_some() {
            continue;
        }
        let (origin, related) = ctx.data_origin(i, data);
        let mut f = ctx.tool_finding(
            def,
            tool,
            "id",
            format!(
                "{} holds {} data{origin} but its encryption is not recorded",
                tool.name,
                data.describe()
            ),
        );
        f.related = related;
        out.push(f);
    }
}

fn encryption_at_rest_missing(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (i, tool) in ctx.tools_in_scope() {
        let data = protected(ctx.flow.effective[i]);
        let at_rest = tool.encryption.as_ref().and_then(|e| e.at_rest.as_deref());
        if data.is_empty() || at_rest != Some("none") {
            continue;
        }
        out.push(ctx.tool_finding(
            def,
            tool,
            "encryption.at_rest",
            format!(
                "{} stores {} data unencrypted at rest",
                tool.name,
                data.describe()
            ),
        ));
    }
}

fn encryption_at_rest_weak(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (_, tool) in ctx.tools_in_scope() {
        let Some(at_rest) = tool.encryption.as_ref().and_then(|e| e.at_rest.as_deref()) else {
            continue;
        };
        if at_rest == "aes-256" || at_rest == "none" {
            continue;
        }
        let mut f = ctx.tool_finding(
            def,
            tool,
            "encryption.at_rest",
            format!(
                "{} encrypts data at rest with `{at_rest}`, not AES-256",
                tool.name
            ),
        );
        f.subject = Some(at_rest.to_string());
        out.push(f);
    }
}

fn encryption_in_transit_weak(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (_, tool) in ctx.tools_in_scope() {
        let Some(tls) = tool.encryption.as_ref().and_then(|e| e.in_transit) else {
            continue;
        };
        if matches!(tls, Tls::Tls13 | Tls::Tls12) {
            continue;
        }
        let what = if tls == Tls::None {
            "unencrypted connections".to_string()
        } else {
            format!("{tls}")
        };
        let mut f = ctx.tool_finding(
            def,
            tool,
            "encryption.in_transit",
            format!("{} accepts {what}; the minimum is TLS 1.2", tool.name),
        );
        f.subject = Some(tls.to_string());
        out.push(f);
    }
}

fn encryption_cmk_missing(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (i, tool) in ctx.tools_in_scope() {
        if !ctx.flow.effective[i].contains(DataClass::SensitivePii) {
            continue;
        }
        let cmk = tool
            .encryption
            .as_ref()
            .and_then(|e| e.customer_managed_keys);
        if cmk == Some(true) {
            continue;
        }
        let (origin, related) = ctx.data_origin(i, DataSet::of(&[DataClass::SensitivePii]));
        let mut f = ctx.tool_finding(
            def,
            tool,
            "encryption.customer_managed_keys",
            format!(
                "{} holds sensitive personal data{origin} without customer-managed keys",
                tool.name
            ),
        );
        f.related = related;
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{run, tool, tools};

    const AS_OF: &str = "2026-11-22";

    #[test]
    fn unknown_only_for_data_worth_protecting() {
        let body = [
            tool("fin", "bi", "data = [\"financial\"]"),
            tool("pub", "cms", "data = [\"public\"]"),
            tool(
                "known",
                "bi",
                "data = [\"pii\"]\n[tool.encryption]\nat_rest = \"aes-256\"",
            ),
        ]
        .concat();
        assert_eq!(tools(&run("encryption-unknown", &body, AS_OF)), ["fin"]);
    }

    #[test]
    fn at_rest_missing_and_weak() {
        let body = [
            tool(
                "none",
                "bi",
                "data = [\"customer\"]\n[tool.encryption]\nat_rest = \"none\"",
            ),
            tool(
                "none-public",
                "cms",
                "data = [\"public\"]\n[tool.encryption]\nat_rest = \"none\"",
            ),
            tool("aes128", "bi", "[tool.encryption]\nat_rest = \"aes-128\""),
            tool(
                "vendor-says",
                "bi",
                "[tool.encryption]\nat_rest = \"proprietary\"",
            ),
            tool("good", "bi", "[tool.encryption]\nat_rest = \"aes-256\""),
        ]
        .concat();
        assert_eq!(
            tools(&run("encryption-at-rest-missing", &body, AS_OF)),
            ["none"]
        );
        assert_eq!(
            tools(&run("encryption-at-rest-weak", &body, AS_OF)),
            ["aes128", "vendor-says"]
        );
    }

    #[test]
    fn in_transit_below_tls_1_2() {
        let body = [
            tool("t13", "bi", "[tool.encryption]\nin_transit = \"tls1.3\""),
            tool("t12", "bi", "[tool.encryption]\nin_transit = \"tls1.2\""),
            tool("t11", "bi", "[tool.encryption]\nin_transit = \"tls1.1\""),
            tool("plain", "bi", "[tool.encryption]\nin_transit = \"none\""),
        ]
        .concat();
        assert_eq!(
            tools(&run("encryption-in-transit-weak", &body, AS_OF)),
            ["t11", "plain"]
        );
    }

    #[test]
    fn cmk_for_sensitive_pii_including_inherited() {
        let body = [
            tool("hr", "other", "data = [\"sensitive-pii\"]\n[tool.encryption]\ncustomer_managed_keys = true\n[[tool.integration]]\nto = \"survey\""),
            tool("survey", "survey", ""),
        ]
        .concat();
        let findings = run("encryption-cmk-missing", &body, AS_OF);
        assert_eq!(tools(&findings), ["survey"]);
        assert_eq!(findings[0].related, ["hr"]);
    }
}
