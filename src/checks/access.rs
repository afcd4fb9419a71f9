//! Access: single sign-on, MFA, provisioning and ownership.

use super::{CheckDef, Context, Evaluator, Finding};

pub fn evaluator(id: &str) -> Option<Evaluator> {
    Some(match id {
        "access-sso-missing" => access_sso_missing,
        "access-mfa-missing" => access_mfa_missing,
        "access-scim-missing" => access_scim_missing,
        "ownership-owner-missing" => ownership_owner_missing,
        _ => return None,
    })
}

fn flag(
    tool: &crate::inventory::model::Tool,
    get: fn(&crate::inventory::model::Access) -> Option<bool>,
) -> Option<bool> {
    tool.access.as_ref().and_then(get)
}

fn access_sso_missing(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (_, tool) in ctx.tools_in_scope() {
        let message = match flag(tool, |a| a.sso) {
            Some(true) => continue,
            Some(false) => format!("{} does not use single sign-on", tool.name),
            None => format!("{} has no single sign-on recorded", tool.name),
        };
        out.push(ctx.tool_finding(def, tool, "access.sso", message));
    }
}

fn access_mfa_missing(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (_, tool) in ctx.tools_in_scope() {
        if flag(tool, |a| a.sso) == Some(true) || flag(tool, |a| a.mfa) == Some(true) {
            continue;
        }
        out.push(ctx.tool_finding(
            def,
            tool,
            "access.mfa",
            format!(
                "{} is protected by passwords alone: neither SSO nor MFA is in place",
                tool.name
            ),
        ));
    }
}

fn access_scim_missing(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (_, tool) in ctx.tools_in_scope() {
        if flag(tool, |a| a.sso) == Some(true) && flag(tool, |a| a.scim) != Some(true) {
            out.push(ctx.tool_finding(
                def,
                tool,
                "access.scim",
                format!(
                    "{} uses SSO but accounts are not provisioned by SCIM",
                    tool.name
                ),
            ));
        }
    }
}

fn ownership_owner_missing(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (_, tool) in ctx.tools_in_scope() {
        if tool.owner.as_deref().is_none_or(|o| o.trim().is_empty()) {
            out.push(ctx.tool_finding(def, tool, "owner", format!("{} has no owner", tool.name)));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{run, tool, tools};

    const AS_OF: &str = "2026-11-22";

    fn body() -> String {
        [
            tool(
                "full",
                "bi",
                "owner = \"a@x.example\"\n[tool.access]\nsso = true\nmfa = true\nscim = true",
            ),
            tool("sso-only", "bi", "[tool.access]\nsso = true"),
            tool("mfa-only", "bi", "[tool.access]\nsso = false\nmfa = true"),
            tool("nothing", "bi", "owner = \" \""),
            tool("retired", "bi", "status = \"retiring\""),
        ]
        .concat()
    }

    #[test]
    fn sso_mfa_scim() {
        assert_eq!(
            tools(&run("access-sso-missing", &body(), AS_OF)),
            ["mfa-only", "nothing"]
        );
        assert_eq!(
            tools(&run("access-mfa-missing", &body(), AS_OF)),
            ["nothing"]
        );
        assert_eq!(
            tools(&run("access-scim-missing", &body(), AS_OF)),
            ["sso-only"]
        );
    }

    #[test]
    fn owner() {
        assert_eq!(
            tools(&run("ownership-owner-missing", &body(), AS_OF)),
            ["sso-only", "mfa-only", "nothing"]
        );
    }
}
