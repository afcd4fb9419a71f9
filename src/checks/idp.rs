//! The identity provider's app list against the inventory (`audit --idp`):
//! apps people sign into that nobody listed, single sign-on that the
//! identity provider does not know of, and retiring tools still assigned.
//! Without an export these checks judge nothing and are reported as not run.

use super::{CheckDef, Context, Evaluator, Finding};
use crate::import::idp::{IdpApp, app_is_tool};
use crate::inventory::model::{Status, Tool};

/// The one stack-level check of the family: its findings are about apps, not tools.
pub const UNLISTED_APP: &str = "inventory-unlisted-app";

pub fn evaluator(id: &str) -> Option<Evaluator> {
    Some(match id {
        UNLISTED_APP => inventory_unlisted_app,
        "access-sso-unverified" => access_sso_unverified,
        "lifecycle-retiring-still-assigned" => lifecycle_retiring_still_assigned,
        _ => return None,
    })
}

/// The apps that could be tools: active and not the provider's own.
fn tool_apps<'a>(ctx: &Context<'a>) -> impl Iterator<Item = &'a IdpApp> {
    ctx.idp
        .into_iter()
        .flat_map(|idp| idp.apps.iter())
        .filter(|a| a.is_tool())
}

fn users(app: &IdpApp) -> String {
    match app.assigned {
        Some(1) => " (1 user assigned)".to_string(),
        Some(n) => format!(" ({n} users assigned)"),
        None => String::new(),
    }
}

fn inventory_unlisted_app(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let Some(idp) = ctx.idp else { return };
    let mut seen = std::collections::HashSet::new();
    for app in tool_apps(ctx) {
        if app.assigned == Some(0) {
            continue;
        }
        if ctx.inventory.tools.iter().any(|t| app_is_tool(app, t)) {
            continue;
        }
        let key = crate::import::columns::normalise(&app.name);
        if !seen.insert(key.clone()) {
            continue;
        }
        let mut f = ctx.stack_finding(
            def,
            None,
            format!(
                "\"{}\" is an app people sign into through {}{} but the inventory does not list it: add a [[tool]] for it, or set idp_app = \"{}\" on the tool it is",
                app.name,
                idp.provider.name(),
                users(app),
                app.name.replace('"', "'")
            ),
        );
        f.subject = Some(key.into());
        out.push(f);
    }
}

fn has_app(ctx: &Context, tool: &Tool) -> bool {
    tool_apps(ctx).any(|a| app_is_tool(a, tool))
}

fn access_sso_unverified(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let Some(idp) = ctx.idp else { return };
    for (_, tool) in ctx.tools_in_scope() {
        if tool.access.as_ref().and_then(|a| a.sso) != Some(true) || has_app(ctx, tool) {
            continue;
        }
        let hint = match &tool.idp_app {
            Some(name) => format!("no active app named \"{name}\" (its idp_app)"),
            None => "no active app of that name or web address".to_string(),
        };
        out.push(ctx.tool_finding(
            def,
            tool,
            "access.sso",
            format!(
                "{} is recorded as using single sign-on, but {} has {hint}",
                tool.name,
                idp.provider.name()
            ),
        ));
    }
}

fn lifecycle_retiring_still_assigned(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let Some(idp) = ctx.idp else { return };
    for tool in ctx
        .inventory
        .tools
        .iter()
        .filter(|t| t.status == Status::Retiring)
    {
        let Some(app) = tool_apps(ctx).find(|a| a.assigned != Some(0) && app_is_tool(a, tool))
        else {
            continue;
        };
        out.push(ctx.tool_finding(
            def,
            tool,
            "status",
            format!(
                "{} is retiring, but {} still assigns its app \"{}\"{}",
                tool.name,
                idp.provider.name(),
                app.name,
                users(app)
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::tool;
    use crate::checks::{Catalogue, Context, builtin_evaluator};
    use crate::import::idp::{IdpApp, IdpApps, Provider};
    use crate::inventory::dataflow::DataFlow;
    use crate::inventory::{load_str, source::Format};

    fn app(name: &str, url: Option<&str>) -> IdpApp {
        IdpApp {
            name: name.into(),
            urls: url.into_iter().map(str::to_string).collect(),
            active: true,
            builtin: false,
            assigned: None,
        }
    }

    fn run(id: &str, body: &str, apps: Vec<IdpApp>) -> Vec<String> {
        let inv = load_str(&format!("schema = 1\n{body}"), Format::Toml, "stack.toml").unwrap();
        let catalogue = Catalogue::builtin();
        let def = catalogue.get(id).unwrap();
        let flow = DataFlow::compute(&inv);
        let idp = IdpApps {
            provider: Provider::Okta,
            apps,
        };
        let ctx = Context {
            inventory: &inv,
            flow: &flow,
            as_of: "2026-12-01".parse().unwrap(),
            waivers_used: &[],
            evidence: None,
            idp: Some(&idp),
            labels: &[],
            wordings: Default::default(),
        };
        let mut out = Vec::new();
        builtin_evaluator(&def.family, id).unwrap()(&ctx, def, &mut out);
        out.into_iter()
            .map(|f| {
                f.tool
                    .map(String::from)
                    .or(f.subject.map(String::from))
                    .unwrap_or_default()
            })
            .collect()
    }

    #[test]
    fn unlisted_apps_are_found_by_name_domain_and_idp_app() {
        let stack = [
            tool("zoom", "webinar", ""),
            tool("sfdc", "crm", "url = \"https://www.salesforce.com\""),
            tool("aem", "cms", "idp_app = \"AEM Author (Prod)\""),
        ]
        .concat()
        .replace("name = \"zoom\"", "name = \"Zoom Webinars\"");
        let apps = vec![
            app("Zoom", None),
            app("SFDC Production", Some("https://login.salesforce.com")),
            app("AEM Author (Prod)", None),
            app("Gong", Some("https://app.gong.io")),
            IdpApp {
                builtin: true,
                ..app("Okta Dashboard", None)
            },
            IdpApp {
                active: false,
                ..app("Old Wiki", None)
            },
        ];
        assert_eq!(run("inventory-unlisted-app", &stack, apps), ["gong"]);
    }

    #[test]
    fn sso_without_an_app_and_retiring_tools_still_assigned() {
        let stack = [
            tool("hotjar", "analytics", "[tool.access]\nsso = true"),
            tool("gong", "other", "[tool.access]\nsso = true"),
            tool("drift", "chat", "status = \"retiring\""),
            tool("old", "chat", "status = \"retiring\""),
        ]
        .concat();
        let apps = || vec![app("gong", None), app("drift", None)];
        assert_eq!(run("access-sso-unverified", &stack, apps()), ["hotjar"]);
        assert_eq!(
            run("lifecycle-retiring-still-assigned", &stack, apps()),
            ["drift"]
        );
        let unassigned = vec![IdpApp {
            assigned: Some(0),
            ..app("drift", None)
        }];
        assert!(run("lifecycle-retiring-still-assigned", &stack, unassigned).is_empty());
    }
}
