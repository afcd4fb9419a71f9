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

/// What an `at_rest` value says, however the vendor spelled it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AtRest {
    /// AES with 256-bit keys: `aes-256`, `AES256`, `aes-256-gcm`, `AES 256`,
    /// `256-bit AES`.
    Aes256,
    /// No encryption: `none`, `unencrypted`, `no`, `false`, `plaintext`,
    /// `no encryption`.
    Unencrypted,
    /// Anything else (`aes-128`, `aes-2560`, `proprietary`…): encrypted, not
    /// with AES-256.
    Other,
}

/// Reads an `at_rest` value as words, case-insensitively: anything but a
/// letter or digit separates them (`AES-256, GCM`, `AES-256 (KMS)`), so the
/// spellings vendors use in questionnaires all count, while `AES-2560` or
/// `AES-256x` are not AES-256.
pub fn classify_at_rest(text: &str) -> AtRest {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    const UNENCRYPTED: &[&str] = &[
        "none",
        "unencrypted",
        "notencrypted",
        "noencryption",
        "no",
        "false",
        "off",
        "plaintext",
        "cleartext",
    ];
    if UNENCRYPTED.contains(&words.concat().as_str()) {
        return AtRest::Unencrypted;
    }
    // The key size, as a word of its own or run into "bit".
    let is_256 = |w: &str| matches!(w, "256" | "256bit" | "256bits");
    let aes_256 = match words.as_slice() {
        // AES-256, AES 256, AES-256-GCM, AES 256-bit.
        ["aes", size, ..] => is_256(size),
        // AES256, AES256-GCM, AES256GCM, AES256bit.
        [first, ..] if first.starts_with("aes256") => is_mode(&first["aes256".len()..]),
        // 256-bit AES, 256 bit AES, 256 bits AES.
        [size, "aes", ..] => is_256(size),
        [size, "bit" | "bits", "aes", ..] => is_256(size),
        _ => false,
    };
    if aes_256 {
        AtRest::Aes256
    } else {
        AtRest::Other
    }
}

/// What may follow "aes256" in one word: nothing, "bit", or a block
/// cipher mode.
fn is_mode(rest: &str) -> bool {
    matches!(
        rest,
        "" | "bit"
            | "bits"
            | "gcm"
            | "cbc"
            | "ctr"
            | "xts"
            | "ccm"
            | "siv"
            | "ocb"
            | "cfb"
            | "ofb"
            | "gcmsiv"
    )
}

fn at_rest(tool: &crate::inventory::model::Tool) -> Option<&str> {
    tool.encryption.as_ref().and_then(|e| e.at_rest.as_deref())
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
        f.related = related.into();
        out.push(f);
    }
}

fn encryption_at_rest_missing(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (i, tool) in ctx.tools_in_scope() {
        let data = protected(ctx.flow.effective[i]);
        if data.is_empty() || at_rest(tool).map(classify_at_rest) != Some(AtRest::Unencrypted) {
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
        let Some(at_rest) = at_rest(tool) else {
            continue;
        };
        if classify_at_rest(at_rest) != AtRest::Other {
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
        f.subject = Some(at_rest.to_string().into());
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
        f.subject = Some(tls.to_string().into());
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
        f.related = related.into();
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
    fn at_rest_spellings_vendors_use() {
        use super::{AtRest, classify_at_rest};
        for strong in [
            "AES-256",
            "AES256",
            "aes-256-gcm",
            "AES 256",
            "aes_256",
            "Aes-256-CBC",
            "AES256-GCM",
            "aes256gcm",
            "AES 256-bit",
            "AES-256 bit",
            "256-bit AES",
            "256 AES",
            "256 bit AES-GCM",
            "aes-256-gcm (AWS KMS)",
            "AES-256, GCM",
            "AES256, AWS KMS",
            "AES-256(GCM)",
            "AES-256;",
            "AES-256\t",
            "\nAES-256\n",
            "AES256bit",
            "256 bits AES",
            "AES-256/GCM",
            "aes_256_gcm",
        ] {
            assert_eq!(classify_at_rest(strong), AtRest::Aes256, "{strong}");
        }
        for none in [
            "None",
            "unencrypted",
            "no",
            "false",
            "plaintext",
            "NONE",
            "Not encrypted",
            "no encryption",
            "Plain text",
            "clear-text",
        ] {
            assert_eq!(classify_at_rest(none), AtRest::Unencrypted, "{none}");
        }
        for other in [
            "aes-128",
            "AES128",
            "proprietary",
            "aes",
            "3des",
            // Near misses of AES-256 are not AES-256.
            "AES-2560",
            "aes-256x",
            "aes256x",
            "aes2561",
            "aes-25",
            "2560-bit AES",
            "aes-128-256",
            "not aes-256",
        ] {
            assert_eq!(classify_at_rest(other), AtRest::Other, "{other}");
        }
        let body = [
            tool(
                "upper",
                "bi",
                "data = [\"pii\"]\n[tool.encryption]\nat_rest = \"AES-256\"",
            ),
            tool(
                "gcm",
                "bi",
                "data = [\"pii\"]\n[tool.encryption]\nat_rest = \"aes-256-gcm\"",
            ),
            tool(
                "plain",
                "bi",
                "data = [\"pii\"]\n[tool.encryption]\nat_rest = \"plaintext\"",
            ),
            tool(
                "cap-none",
                "bi",
                "data = [\"pii\"]\n[tool.encryption]\nat_rest = \"None\"",
            ),
        ]
        .concat();
        assert!(run("encryption-at-rest-weak", &body, AS_OF).is_empty());
        let missing = run("encryption-at-rest-missing", &body, AS_OF);
        assert_eq!(tools(&missing), ["plain", "cap-none"]);
        assert_eq!(missing[0].severity, crate::checks::Severity::High);
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
        assert_eq!(&*findings[0].related, ["hr"]);
    }
}
