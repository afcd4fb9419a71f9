//! The stack as a whole: required categories covered, exclusive ones not
//! doubled up.

use super::{CheckDef, Context, Evaluator, Finding};
use crate::inventory::model::Status;
use crate::shared_str::SharedStr;

pub fn evaluator(id: &str) -> Option<Evaluator> {
    Some(match id {
        "stack-missing-category" => stack_missing_category,
        "stack-redundant-category" => stack_redundant_category,
        _ => return None,
    })
}

fn stack_missing_category(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let inv = ctx.inventory;
    for category in &inv.policy.required_categories {
        let covered = inv
            .tools
            .iter()
            .any(|t| t.status == Status::Active && t.category == *category);
        if !covered {
            let mut f = ctx.stack_finding(
                def,
                Some("required_categories"),
                format!(
                    "the policy requires the category `{category}`, but no active tool covers it"
                ),
            );
            f.subject = Some(category.to_string().into());
            let candidates: Vec<SharedStr> = inv
                .tools
                .iter()
                .filter(|t| t.category == *category)
                .map(|t| t.id.clone())
                .collect();
            f.related = candidates.into();
            out.push(f);
        }
    }
}

fn stack_redundant_category(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let inv = ctx.inventory;
    for category in &inv.policy.exclusive_categories {
        let mut tools: Vec<_> = inv
            .tools
            .iter()
            .filter(|t| t.status == Status::Active && t.category == *category)
            .collect();
        // By id, so the order of the file never changes the finding.
        tools.sort_by(|a, b| a.id.cmp(&b.id));
        if tools.len() < 2 {
            continue;
        }
        let names: Vec<SharedStr> = tools.iter().map(|t| t.id.clone()).collect();
        let cost = combined_cost(&tools);
        // The message names a few; `related` lists them all.
        const NAMED: usize = 10;
        let mut listed = names
            .iter()
            .take(NAMED)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if names.len() > NAMED {
            listed.push_str(&format!(" and {} more", names.len() - NAMED));
        }
        let mut f = ctx.stack_finding(
            def,
            Some("exclusive_categories"),
            crate::diagnostic::cap_message(format!(
                "{} active `{category}` tools: {listed}{cost}",
                tools.len()
            )),
        );
        f.subject = Some(category.to_string().into());
        f.related = names.into();
        out.push(f);
    }
}

/// ", costing 120,000 EUR a year together" (per currency when they differ;
/// a cost without a currency says so rather than pass for another's).
fn combined_cost(tools: &[&crate::inventory::model::Tool]) -> String {
    let mut by_currency: std::collections::BTreeMap<String, f64> = Default::default();
    for t in tools {
        if let Some(c) = &t.contract
            && let Some(cost) = c.annual_cost
        {
            *by_currency
                .entry(c.currency.clone().unwrap_or_default())
                .or_default() += cost;
        }
    }
    if by_currency.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = by_currency
        .iter()
        .map(|(cur, sum)| {
            let currency = if cur.is_empty() {
                "(currency not recorded)"
            } else {
                cur.as_str()
            };
            format!("{} {currency}", group_thousands(*sum))
        })
        .collect();
    format!(", costing {} a year together", parts.join(" + "))
}

/// The largest amount shown exactly; sums beyond it are said to exceed it.
const LARGEST_SHOWN: f64 = 9_007_199_254_740_992.0; // 2^53: f64 is exact below

/// "120,000"; amounts too large for a float to hold exactly read
/// "more than 9,007,199,254,740,992" instead of a rounded or clamped figure.
pub fn group_thousands(amount: f64) -> String {
    if !amount.is_finite() || amount.abs() > LARGEST_SHOWN {
        let sign = if amount < 0.0 { "-" } else { "" };
        return format!("more than {sign}{}", group_thousands(LARGEST_SHOWN));
    }
    let whole = amount.round() as i64;
    let digits = whole.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if whole < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{run, tool};

    const AS_OF: &str = "2026-11-22";

    #[test]
    fn missing_category_counts_only_active_tools() {
        let body = [
            "[policy]\nrequired_categories = [\"crm\", \"analytics\", \"cdp\"]\n".to_string(),
            tool("crm", "crm", ""),
            tool("ga", "analytics", "status = \"evaluating\""),
        ]
        .concat();
        let findings = run("stack-missing-category", &body, AS_OF);
        let subjects: Vec<_> = findings
            .iter()
            .map(|f| f.subject.as_deref().unwrap())
            .collect();
        assert_eq!(subjects, ["analytics", "cdp"]);
        assert_eq!(&*findings[0].related, ["ga"]);
        assert!(findings[0].tool.is_none());
        assert_eq!(findings[0].location.as_ref().unwrap().line, 3);
    }

    #[test]
    fn redundant_category_names_tools_and_cost() {
        let body = [
            tool(
                "a",
                "marketing-automation",
                "[tool.contract]\nannual_cost = 50000\ncurrency = \"EUR\"",
            ),
            tool(
                "b",
                "marketing-automation",
                "[tool.contract]\nannual_cost = 70000\ncurrency = \"EUR\"",
            ),
            tool("c", "marketing-automation", "status = \"retiring\""),
            tool("d", "analytics", ""),
            tool("e", "analytics", ""),
        ]
        .concat();
        let findings = run("stack-redundant-category", &body, AS_OF);
        assert_eq!(findings.len(), 1, "analytics is not exclusive by default");
        assert_eq!(
            &*findings[0].message.text(),
            "2 active `marketing-automation` tools: a, b, costing 120,000 EUR a year together"
        );
        assert_eq!(&*findings[0].related, ["a", "b"]);
    }

    #[test]
    fn every_figure_of_a_cost_carries_its_currency_and_sums_are_never_clamped() {
        let body = [
            tool(
                "a",
                "crm",
                "[tool.contract]\nannual_cost = 50000\ncurrency = \"EUR\"",
            ),
            tool("b", "crm", "[tool.contract]\nannual_cost = 30000"),
            tool(
                "c",
                "crm",
                "[tool.contract]\nannual_cost = 1000\ncurrency = \"USD\"",
            ),
        ]
        .concat();
        let findings = run("stack-redundant-category", &body, AS_OF);
        assert_eq!(
            &*findings[0].message.text(),
            "3 active `crm` tools: a, b, c, costing 30,000 (currency not recorded) + 50,000 EUR + 1,000 USD a year together"
        );
        let huge = [
            tool(
                "a",
                "cdp",
                "[tool.contract]\nannual_cost = 9223372036854775807\ncurrency = \"EUR\"",
            ),
            tool(
                "b",
                "cdp",
                "[tool.contract]\nannual_cost = 9223372036854775807\ncurrency = \"EUR\"",
            ),
        ]
        .concat();
        let findings = run("stack-redundant-category", &huge, AS_OF);
        assert!(
            findings[0]
                .message
                .text()
                .ends_with("costing more than 9,007,199,254,740,992 EUR a year together"),
            "{}",
            findings[0].message
        );
        assert_eq!(super::group_thousands(1234567.4), "1,234,567");
        assert_eq!(
            super::group_thousands(f64::INFINITY),
            "more than 9,007,199,254,740,992"
        );
    }

    #[test]
    fn exclusive_categories_come_from_policy() {
        let body = [
            "[policy]\nexclusive_categories = [\"analytics\"]\n".to_string(),
            tool("d", "analytics", ""),
            tool("e", "analytics", ""),
            tool("a", "crm", ""),
            tool("b", "crm", ""),
        ]
        .concat();
        let findings = run("stack-redundant-category", &body, AS_OF);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].subject.as_deref(), Some("analytics"));
    }
}
