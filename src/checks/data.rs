//! Data lineage: classes a tool holds that its own `data` list does not say,
//! received through integrations or sent on them as their origin.

use super::{CheckDef, Context, Evaluator, Finding};

pub fn evaluator(id: &str) -> Option<Evaluator> {
    Some(match id {
        "data-undeclared-inflow" => data_undeclared_inflow,
        "data-undeclared-outflow" => data_undeclared_outflow,
        _ => return None,
    })
}

fn data_undeclared_inflow(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (i, tool) in ctx.tools_in_scope() {
        let received = ctx.flow.received_undeclared(ctx.inventory, i);
        if received.is_empty() {
            continue;
        }
        let (origin, related) = ctx.data_origin(i, received);
        let mut f = ctx.tool_finding(
            def,
            tool,
            "data",
            format!(
                "integrations carry {} into {}, which does not declare it{origin}",
                received.describe(),
                tool.name
            ),
        );
        f.subject = Some(received.describe().into());
        f.related = related.into();
        out.push(f);
    }
}

/// At most this many receivers are named in one message.
const RECEIVERS_NAMED: usize = 5;

fn data_undeclared_outflow(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let tools = &ctx.inventory.tools;
    for (i, tool) in ctx.tools_in_scope() {
        let sent = ctx.flow.undeclared_outflow(i);
        if sent.is_empty() {
            continue;
        }
        let mut related: Vec<crate::shared_str::SharedStr> = Vec::new();
        let parts: Vec<String> = sent
            .iter()
            .map(|class| {
                let to = ctx.flow.explicit_receivers(ctx.inventory, i, class);
                let mut names: Vec<String> = to
                    .iter()
                    .take(RECEIVERS_NAMED)
                    .map(|&j| format!("`{}`", tools[j].id))
                    .collect();
                if to.len() > RECEIVERS_NAMED {
                    names.push(format!("{} more", to.len() - RECEIVERS_NAMED));
                }
                related.extend(
                    to.iter()
                        .take(RECEIVERS_NAMED)
                        .map(|&j| tools[j].id.clone()),
                );
                // "`a`", "`a` and `b`", "`a`, `b` and 3 more".
                format!("{class} to {}", super::and_list(names))
            })
            .collect();
        related.sort();
        related.dedup();
        let mut f = ctx.tool_finding(
            def,
            tool,
            "data",
            format!(
                "`{}` sends {} but does not declare it",
                tool.id,
                parts.join("; ")
            ),
        );
        f.subject = Some(sent.describe().into());
        f.related = related.into();
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{run, tool, tools};

    const AS_OF: &str = "2026-11-22";

    #[test]
    fn undeclared_inflow_names_the_classes() {
        let body = [
            tool("crm", "crm", "data = [\"pii\", \"financial\"]\n[[tool.integration]]\nto = \"bi\"\ndata = [\"financial\"]"),
            tool("bi", "bi", "data = [\"customer\"]"),
            tool("ok", "bi", "data = [\"pii\"]\n[[tool.integration]]\nto = \"crm\"\ndirection = \"in\"\ndata = [\"pii\"]"),
        ]
        .concat();
        let findings = run("data-undeclared-inflow", &body, AS_OF);
        assert_eq!(tools(&findings), ["bi"]);
        assert_eq!(findings[0].subject.as_deref(), Some("financial"));
    }

    #[test]
    fn a_form_sending_pii_it_does_not_declare_is_reported() {
        let body = [
            tool(
                "form",
                "survey",
                "regions = [\"us\"]\n[[tool.integration]]\nto = \"crm\"\ndata = [\"pii\"]",
            ),
            tool("crm", "crm", "data = [\"pii\"]"),
        ]
        .concat();
        let findings = run("data-undeclared-outflow", &body, AS_OF);
        assert_eq!(tools(&findings), ["form"]);
        assert_eq!(
            &*findings[0].message.text(),
            "`form` sends pii to `crm` but does not declare it"
        );
        assert_eq!(&*findings[0].related, ["crm"]);
        // It is no inflow: nothing carries pii into the form.
        assert!(run("data-undeclared-inflow", &body, AS_OF).is_empty());
    }

    #[test]
    fn an_outflow_to_many_names_five_receivers_and_counts_the_rest() {
        let sends_to = |receivers: &[&str]| {
            let mut body = tool(
                "form",
                "survey",
                &receivers
                    .iter()
                    .map(|r| format!("[[tool.integration]]\nto = \"{r}\"\ndata = [\"pii\"]\n"))
                    .collect::<String>(),
            );
            for r in receivers {
                body.push_str(&tool(r, "crm", "data = [\"pii\"]"));
            }
            let findings = run("data-undeclared-outflow", &body, AS_OF);
            assert_eq!(findings.len(), 1);
            (
                findings[0].message.text().to_string(),
                findings[0].related.len(),
            )
        };
        assert_eq!(
            sends_to(&["b", "a"]),
            (
                "`form` sends pii to `a` and `b` but does not declare it".into(),
                2
            )
        );
        assert_eq!(
            sends_to(&["g", "f", "e", "d", "c", "b", "a"]),
            (
                "`form` sends pii to `a`, `b`, `c`, `d`, `e` and 2 more but does not declare it"
                    .into(),
                5
            )
        );
    }

    #[test]
    fn sending_what_it_receives_or_declares_is_not_outflow() {
        let body = [
            tool("crm", "crm", "data = [\"pii\"]\n[[tool.integration]]\nto = \"ma\""),
            tool("ma", "marketing-automation", "data = [\"behavioral\"]\n[[tool.integration]]\nto = \"ads\"\ndata = [\"pii\", \"behavioral\"]"),
            tool("ads", "advertising", "data = [\"pii\", \"behavioral\"]"),
        ]
        .concat();
        assert!(run("data-undeclared-outflow", &body, AS_OF).is_empty());
    }

    #[test]
    fn both_sides_of_an_undeclared_exchange_are_origins() {
        let body = [
            tool(
                "a",
                "chat",
                "[[tool.integration]]\nto = \"b\"\ndirection = \"both\"\ndata = [\"pii\"]",
            ),
            tool("b", "chat", ""),
            tool(
                "c",
                "bi",
                "[[tool.integration]]\nto = \"b\"\ndirection = \"in\"",
            ),
        ]
        .concat();
        let out = run("data-undeclared-outflow", &body, AS_OF);
        assert_eq!(tools(&out), ["a", "b"]);
        let inflow = run("data-undeclared-inflow", &body, AS_OF);
        let texts: Vec<String> = inflow.iter().map(|f| f.message.to_string()).collect();
        let messages: Vec<(&str, &str, Vec<String>)> = inflow
            .iter()
            .zip(&texts)
            .map(|(f, text)| {
                (
                    f.tool.as_deref().unwrap(),
                    text.as_str(),
                    f.related.iter().map(|r| r.to_string()).collect(),
                )
            })
            .collect();
        assert_eq!(
            messages,
            [
                (
                    "a",
                    "integrations carry pii into a, which does not declare it (inherited: pii from `b` via b → a)",
                    vec!["b".to_string()]
                ),
                (
                    "b",
                    "integrations carry pii into b, which does not declare it (inherited: pii from `a` via a → b)",
                    vec!["a".to_string()]
                ),
                (
                    "c",
                    "integrations carry pii into c, which does not declare it (inherited: pii from `b` via b → c)",
                    vec!["b".to_string()]
                ),
            ]
        );
    }

    #[test]
    fn two_nearest_origins_are_both_named_and_related() {
        let body = [
            tool(
                "y",
                "crm",
                "data = [\"pii\"]\n[[tool.integration]]\nto = \"dw\"",
            ),
            tool(
                "x",
                "cdp",
                "data = [\"pii\"]\n[[tool.integration]]\nto = \"dw\"",
            ),
            tool("dw", "bi", ""),
        ]
        .concat();
        let f = &run("data-undeclared-inflow", &body, AS_OF)[0];
        assert!(
            f.message
                .text()
                .ends_with("(inherited: pii from `x` via x → dw and from `y` via y → dw)"),
            "{}",
            f.message
        );
        assert_eq!(&*f.related, ["x", "y"]);
    }

    #[test]
    fn an_ipaas_hub_gives_the_shortest_path_and_its_tools() {
        let body = [
            tool(
                "crm",
                "crm",
                "data = [\"pii\"]\n[[tool.integration]]\nto = \"ipaas\"\ndirection = \"both\"",
            ),
            tool(
                "ipaas",
                "ipaas",
                "[[tool.integration]]\nto = \"chat\"\ndirection = \"both\"\ndata = [\"pii\"]",
            ),
            tool("chat", "chat", ""),
        ]
        .concat();
        let findings = run("data-undeclared-inflow", &body, AS_OF);
        let chat = findings
            .iter()
            .find(|f| f.tool.as_deref() == Some("chat"))
            .unwrap();
        assert!(
            chat.message
                .text()
                .ends_with("(inherited: pii from `crm` via crm → ipaas → chat)")
        );
        assert_eq!(&*chat.related, ["crm", "ipaas"]);
    }
}
