//! Data residency: where personal data is stored.

use super::{CheckDef, Context, Evaluator, Finding};

pub fn evaluator(id: &str) -> Option<Evaluator> {
    Some(match id {
        "residency-region-not-allowed" => residency_region_not_allowed,
        "residency-region-unknown" => residency_region_unknown,
        _ => return None,
    })
}

fn residency_region_not_allowed(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let Some(allowed) = &ctx.inventory.policy.allowed_regions else {
        return;
    };
    let allowed_text = allowed
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    for (i, tool) in ctx.tools_in_scope() {
        let personal = ctx.flow.effective[i].intersection_personal();
        if personal.is_empty() {
            continue;
        }
        for region in tool.regions.iter().filter(|r| !r.is_allowed(allowed)) {
            let (origin, related) = ctx.data_origin(i, personal);
            let place = if region.to_string() == "global" {
                "`global` (anywhere)".to_string()
            } else {
                format!("`{region}`")
            };
            let mut f = ctx.tool_finding(
                def,
                tool,
                "regions",
                format!(
                    "{} stores personal data ({}){origin} in {place}, outside the allowed regions ({allowed_text})",
                    tool.name,
                    personal.describe()
                ),
            );
            f.subject = Some(region.to_string().into());
            f.related = related.into();
            out.push(f);
        }
    }
}

fn residency_region_unknown(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    // Without allowed regions residency is not judged, so an unknown
    // region is no gap either.
    if ctx.inventory.policy.allowed_regions.is_none() {
        return;
    }
    for (i, tool) in ctx.tools_in_scope() {
        let personal = ctx.flow.effective[i].intersection_personal();
        if personal.is_empty() || !tool.regions.is_empty() {
            continue;
        }
        let (origin, related) = ctx.data_origin(i, personal);
        let mut f = ctx.tool_finding(
            def,
            tool,
            "id",
            format!(
                "{} holds personal data ({}){origin} but declares no storage regions",
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
    use crate::checks::testing::{run, tool, tools};

    const AS_OF: &str = "2026-11-22";

    fn policy(regions: &str) -> String {
        format!("[policy]\nallowed_regions = {regions}\n")
    }

    #[test]
    fn countries_inside_an_allowed_group_pass() {
        let body = [
            policy("[\"eu\", \"uk\"]"),
            tool("ie", "chat", "data = [\"pii\"]\nregions = [\"ie\", \"de\"]"),
            tool("gb", "chat", "data = [\"pii\"]\nregions = [\"gb\"]"),
            tool("us", "chat", "data = [\"pii\"]\nregions = [\"eu\", \"us\"]"),
            tool("no", "chat", "data = [\"pii\"]\nregions = [\"no\"]"),
            tool(
                "us-public",
                "chat",
                "data = [\"public\"]\nregions = [\"us\"]",
            ),
        ]
        .concat();
        let findings = run("residency-region-not-allowed", &body, AS_OF);
        assert_eq!(tools(&findings), ["us", "no"]);
        assert_eq!(findings[0].subject.as_deref(), Some("us"));
    }

    #[test]
    fn global_is_allowed_only_by_global() {
        let body = [
            policy("[\"eu\", \"us\", \"apac\"]"),
            tool("g", "chat", "data = [\"pii\"]\nregions = [\"global\"]"),
        ]
        .concat();
        assert_eq!(
            tools(&run("residency-region-not-allowed", &body, AS_OF)),
            ["g"]
        );
        let body = [
            policy("[\"global\"]"),
            tool("g", "chat", "data = [\"pii\"]\nregions = [\"global\"]"),
        ]
        .concat();
        assert!(run("residency-region-not-allowed", &body, AS_OF).is_empty());
    }

    #[test]
    fn no_policy_regions_means_no_residency_judgement() {
        let body = tool("g", "chat", "data = [\"pii\"]\nregions = [\"us\"]");
        assert!(run("residency-region-not-allowed", &body, AS_OF).is_empty());
    }

    #[test]
    fn personal_data_pulled_from_the_crm_is_judged_where_it_lands() {
        let body = [
            policy("[\"eu\"]"),
            tool(
                "crm",
                "crm",
                "data = [\"pii\"]\nregions = [\"eu\"]\n[[tool.integration]]\nto = \"chat\"",
            ),
            tool("chat", "chat", "regions = [\"us\"]"),
        ]
        .concat();
        let findings = run("residency-region-not-allowed", &body, AS_OF);
        assert_eq!(tools(&findings), ["chat"]);
        assert!(
            findings[0]
                .message
                .text()
                .contains("pii from `crm` via crm → chat"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn unknown_region_needs_personal_data_and_a_policy() {
        let tools_text = [
            tool("a", "chat", "data = [\"behavioral\"]"),
            tool("b", "chat", "data = [\"customer\"]"),
        ]
        .concat();
        let body = format!("{}{tools_text}", policy("[\"eu\"]"));
        assert_eq!(tools(&run("residency-region-unknown", &body, AS_OF)), ["a"]);
        assert!(
            run("residency-region-unknown", &tools_text, AS_OF).is_empty(),
            "without allowed_regions residency is not judged"
        );
    }
}
