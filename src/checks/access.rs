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
        // Only a recorded "no" to both says passwords are all there is.
        let message =
            if flag(tool, |a| a.sso) == Some(false) && flag(tool, |a| a.mfa) == Some(false) {
                format!(
                    "{} is protected by passwords alone: neither SSO nor MFA is in place",
                    tool.name
                )
            } else if tool.access.is_none() {
                format!(
                    "{} has no [tool.access] table: neither SSO nor MFA is recorded",
                    tool.name
                )
            } else {
                format!("{} has neither SSO nor MFA recorded", tool.name)
            };
        out.push(ctx.tool_finding(def, tool, "access.mfa", message));
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
            tool("refused", "bi", "[tool.access]\nsso = false\nmfa = false"),
        ]
        .concat()
    }

    #[test]
    fn mfa_message_says_what_is_known() {
        let findings = run("access-mfa-missing", &body(), AS_OF);
        assert_eq!(tools(&findings), ["nothing", "refused"]);
        assert_eq!(
            &*findings[0].message.text(),
            "nothing has no [tool.access] table: neither SSO nor MFA is recorded"
        );
        assert_eq!(
            &*findings[1].message.text(),
            "refused is protected by passwords alone: neither SSO nor MFA is in place"
        );
    }

    #[test]
    fn sso_mfa_scim() {
        assert_eq!(
            tools(&run("access-sso-missing", &body(), AS_OF)),
            ["mfa-only", "nothing", "refused"]
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
            ["sso-only", "mfa-only", "nothing", "refused"]
        );
    }
}
