//! Integration coverage: is each tool connected to the stack, and to the
//! system of record?

use super::{CheckDef, Context, Evaluator, Finding};
use crate::inventory::model::{Method, Status};
use crate::shared_str::SharedStr;

pub fn evaluator(id: &str) -> Option<Evaluator> {
    Some(match id {
        "integration-orphan" => integration_orphan,
        "integration-no-path-to-sor" => integration_no_path_to_sor,
        "integration-manual-only" => integration_manual_only,
        "lifecycle-retiring-still-integrated" => lifecycle_retiring_still_integrated,
        _ => return None,
    })
}

fn integration_orphan(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (i, tool) in ctx.tools_in_scope() {
        if ctx.flow.links[i].is_empty() {
            out.push(ctx.tool_finding(
                def,
                tool,
                "id",
                format!("{} has no integration in or out", tool.name),
            ));
        }
    }
}

fn integration_no_path_to_sor(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let (Some(connected), Some(sor)) = (
        &ctx.flow.connected_to_sor,
        &ctx.inventory.policy.system_of_record,
    ) else {
        return;
    };
    for (i, tool) in ctx.tools_in_scope() {
        if &tool.id == sor
            || ctx.flow.links[i].is_empty()
            || connected[i]
            || !ctx.flow.effective[i].has_personal_or_customer()
        {
            continue;
        }
        let mut f = ctx.tool_finding(
            def,
            tool,
            "integration",
            format!(
                "{} holds {} data but no integration path connects it with the system of record `{sor}`",
                tool.name,
                ctx.flow.effective[i].describe()
            ),
        );
        f.related = vec![sor.as_str().into()].into();
        out.push(f);
    }
}

fn integration_manual_only(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (i, tool) in ctx.tools_in_scope() {
        if ctx.flow.links[i].is_empty() {
            continue;
        }
        let links = &ctx.flow.links[i];
        if links
            .iter()
            .all(|(_, m)| matches!(m, Method::File | Method::Manual))
        {
            out.push(ctx.tool_finding(
                def,
                tool,
                "integration",
                format!(
                    "every integration of {} is a file transfer or manual step",
                    tool.name
                ),
            ));
        }
    }
}

fn lifecycle_retiring_still_integrated(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let tools = &ctx.inventory.tools;
    for (i, tool) in tools.iter().enumerate() {
        if tool.status != Status::Retiring || ctx.flow.links[i].is_empty() {
            continue;
        }
        let mut partners: Vec<SharedStr> = ctx.flow.links[i]
            .iter()
            .map(|&(j, _)| &tools[j])
            .filter(|t| t.status == Status::Active)
            .map(|t| t.id.clone())
            .collect();
        partners.sort();
        partners.dedup();
        if partners.is_empty() {
            continue;
        }
        let mut f = ctx.tool_finding(
            def,
            tool,
            "status",
            format!(
                "{} is retiring but still integrates with active tools: {}",
                tool.name,
                partners.join(", ")
            ),
        );
        f.related = partners.into();
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{run, tool, tools};

    const AS_OF: &str = "2026-11-22";

    #[test]
    fn orphan_fires_only_for_unconnected_tools_in_scope() {
        let body = [
            tool("a", "crm", "[[tool.integration]]\nto = \"b\""),
            tool("b", "analytics", ""),
            tool("c", "chat", ""),
            tool("d", "chat", "status = \"retiring\""),
        ]
        .concat();
        assert_eq!(tools(&run("integration-orphan", &body, AS_OF)), ["c"]);
    }

    #[test]
    fn path_to_sor_follows_directions_through_several_tools() {
        let policy = "[policy]\nsystem_of_record = \"crm\"\n";
        let body = [
            policy.to_string(),
            tool("crm", "crm", "data = [\"pii\"]"),
            // ma → crm (towards the SoR): connected
            tool(
                "ma",
                "marketing-automation",
                "data = [\"pii\"]\n[[tool.integration]]\nto = \"crm\"",
            ),
            // webinar → ma → crm: connected through two hops
            tool(
                "webinar",
                "webinar",
                "data = [\"pii\"]\n[[tool.integration]]\nto = \"ma\"",
            ),
            // chat → survey only: both hold pii (survey inherits it), neither reaches the CRM
            tool(
                "chat",
                "chat",
                "data = [\"pii\"]\n[[tool.integration]]\nto = \"survey\"",
            ),
            tool("survey", "survey", "data = [\"public\"]"),
        ]
        .concat();
        let findings = run("integration-no-path-to-sor", &body, AS_OF);
        assert_eq!(tools(&findings), ["chat", "survey"]);
        assert_eq!(&*findings[0].related, ["crm"]);
    }

    #[test]
    fn path_to_sor_counts_flows_from_the_sor_and_skips_orphans() {
        let policy = "[policy]\nsystem_of_record = \"crm\"\n";
        let body = [
            policy.to_string(),
            tool(
                "crm",
                "crm",
                "data = [\"pii\"]\n[[tool.integration]]\nto = \"bi\"",
            ),
            tool("bi", "bi", ""),
            tool("lonely", "chat", "data = [\"pii\"]"),
        ]
        .concat();
        assert!(run("integration-no-path-to-sor", &body, AS_OF).is_empty());
    }

    #[test]
    fn manual_only_looks_at_integrations_declared_on_both_sides() {
        let body = [
            tool(
                "a",
                "crm",
                "[[tool.integration]]\nto = \"b\"\nmethod = \"file\"",
            ),
            tool("b", "bi", ""),
            tool(
                "c",
                "chat",
                "[[tool.integration]]\nto = \"a\"\nmethod = \"manual\"",
            ),
        ]
        .concat();
        assert_eq!(
            tools(&run("integration-manual-only", &body, AS_OF)),
            ["a", "b", "c"]
        );
        let mixed = body.replace(
            "[[tool.integration]]\nto = \"a\"\nmethod = \"manual\"",
            "[[tool.integration]]\nto = \"a\"\nmethod = \"api\"",
        );
        assert_eq!(tools(&run("integration-manual-only", &mixed, AS_OF)), ["b"]);
    }

    #[test]
    fn retiring_tool_still_wired_to_active_tools() {
        let body = [
            tool(
                "old",
                "marketing-automation",
                "status = \"retiring\"\n[[tool.integration]]\nto = \"crm\"",
            ),
            tool("crm", "crm", ""),
            tool("gone", "chat", "status = \"retiring\""),
        ]
        .concat();
        let findings = run("lifecycle-retiring-still-integrated", &body, AS_OF);
        assert_eq!(tools(&findings), ["old"]);
        assert_eq!(&*findings[0].related, ["crm"]);
    }
}
