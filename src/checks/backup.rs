//! Backup and recovery: do backups exist, meet the policy's RPO/RTO, and
//! has a restore ever been tried?

use super::{CheckDef, Context, Evaluator, Finding, days_between, relative_days};
use crate::inventory::model::{Backup, Tool};

pub fn evaluator(id: &str) -> Option<Evaluator> {
    Some(match id {
        "backup-unknown" => backup_unknown,
        "backup-missing" => backup_missing,
        "backup-rpo-exceeded" => backup_rpo_exceeded,
        "backup-rto-exceeded" => backup_rto_exceeded,
        "backup-restore-untested" => backup_restore_untested,
        "backup-no-export" => backup_no_export,
        _ => return None,
    })
}

/// Tools in scope whose backups are on (or not said to be off).
fn with_backups<'a>(ctx: &'a Context) -> impl Iterator<Item = (&'a Tool, &'a Backup)> {
    ctx.tools_in_scope()
        .filter_map(|(_, t)| t.backup.as_deref().map(|b| (t, b)))
        .filter(|(_, b)| b.enabled != Some(false))
}

fn backup_unknown(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (i, tool) in ctx.tools_in_scope() {
        let data = ctx.flow.effective[i];
        if tool.backup.is_some() || !data.has_personal_or_customer() {
            continue;
        }
        out.push(ctx.tool_finding(
            def,
            tool,
            "id",
            format!(
                "{} holds {} data but its backup and recovery are not recorded",
                tool.name,
                data.describe()
            ),
        ));
    }
}

/// Like `backup-unknown`, judged by the data held: a tool without personal
/// or customer data loses nothing that backups must cover.
fn backup_missing(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (i, tool) in ctx.tools_in_scope() {
        let data = ctx.flow.effective[i];
        if tool.backup.as_ref().and_then(|b| b.enabled) != Some(false)
            || !data.has_personal_or_customer()
        {
            continue;
        }
        out.push(ctx.tool_finding(
            def,
            tool,
            "backup.enabled",
            format!(
                "{} holds {} data but is not backed up",
                tool.name,
                data.describe()
            ),
        ));
    }
}

fn hours(h: f64) -> String {
    if h.fract() == 0.0 {
        format!("{h:.0}")
    } else {
        format!("{h}")
    }
}

fn backup_rpo_exceeded(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let max = ctx.inventory.policy.max_rpo_hours;
    for (tool, backup) in with_backups(ctx) {
        if let Some(rpo) = backup.rpo_hours.filter(|rpo| *rpo > max) {
            out.push(ctx.tool_finding(
                def,
                tool,
                "backup.rpo_hours",
                format!(
                    "{}'s recovery point objective is {} hours; the policy allows {}",
                    tool.name,
                    hours(rpo),
                    hours(max)
                ),
            ));
        }
    }
}

fn backup_rto_exceeded(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let max = ctx.inventory.policy.max_rto_hours;
    for (tool, backup) in with_backups(ctx) {
        if let Some(rto) = backup.rto_hours.filter(|rto| *rto > max) {
            out.push(ctx.tool_finding(
                def,
                tool,
                "backup.rto_hours",
                format!(
                    "{}'s recovery time objective is {} hours; the policy allows {}",
                    tool.name,
                    hours(rto),
                    hours(max)
                ),
            ));
        }
    }
}

fn backup_restore_untested(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    let max_age = def.param_i64("max_age_days");
    for (tool, backup) in with_backups(ctx) {
        let message = match backup.last_restore_test {
            None => format!("{} has no recorded restore test", tool.name),
            Some(d) if d > ctx.as_of => format!(
                "{}'s last restore test is dated {d}, after the audit date {}; a test that has not happened yet is no evidence",
                tool.name, ctx.as_of
            ),
            Some(d) if days_between(d, ctx.as_of) > max_age => {
                format!(
                    "{}'s last restore test was on {d}, {}",
                    tool.name,
                    relative_days(days_between(ctx.as_of, d))
                )
            }
            Some(_) => continue,
        };
        out.push(ctx.tool_finding(def, tool, "backup.last_restore_test", message));
    }
}

fn backup_no_export(ctx: &Context, def: &CheckDef, out: &mut Vec<Finding>) {
    for (tool, backup) in with_backups(ctx) {
        if backup.export == Some(false) {
            out.push(ctx.tool_finding(
                def,
                tool,
                "backup.export",
                format!(
                    "{} offers no full export of the organisation's data",
                    tool.name
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{run, tool, tools};

    const AS_OF: &str = "2026-11-22";

    fn with_backup(id: &str, backup: &str) -> String {
        tool(
            id,
            "bi",
            &format!("data = [\"customer\"]\n[tool.backup]\n{backup}"),
        )
    }

    #[test]
    fn unknown_and_missing() {
        let body = [
            tool("silent", "bi", "data = [\"customer\"]"),
            tool("public", "cms", "data = [\"public\"]"),
            with_backup("off", "enabled = false"),
            with_backup("on", "enabled = true"),
            tool(
                "off-public",
                "cms",
                "data = [\"public\"]\n[tool.backup]\nenabled = false",
            ),
        ]
        .concat();
        assert_eq!(tools(&run("backup-unknown", &body, AS_OF)), ["silent"]);
        let missing = run("backup-missing", &body, AS_OF);
        assert_eq!(
            tools(&missing),
            ["off"],
            "graded by the data, like backup-unknown"
        );
        assert_eq!(
            &*missing[0].message.text(),
            "off holds customer data but is not backed up"
        );
    }

    #[test]
    fn rpo_and_rto_only_where_given_and_enabled() {
        let body = [
            "[policy]\nmax_rpo_hours = 12\n".to_string(),
            with_backup("slow", "enabled = true\nrpo_hours = 24\nrto_hours = 96"),
            with_backup("ok", "enabled = true\nrpo_hours = 12\nrto_hours = 72"),
            with_backup("unsaid", "enabled = true"),
            with_backup("off", "enabled = false\nrpo_hours = 48\nrto_hours = 200"),
        ]
        .concat();
        let rpo = run("backup-rpo-exceeded", &body, AS_OF);
        assert_eq!(tools(&rpo), ["slow"]);
        assert_eq!(
            &*rpo[0].message.text(),
            "slow's recovery point objective is 24 hours; the policy allows 12"
        );
        assert_eq!(tools(&run("backup-rto-exceeded", &body, AS_OF)), ["slow"]);
    }

    #[test]
    fn restore_tests_older_than_a_year() {
        let body = [
            with_backup("never", "enabled = true"),
            with_backup("recent", "last_restore_test = 2026-05-10"),
            with_backup("edge", "last_restore_test = 2025-11-22"),
            with_backup("stale", "last_restore_test = 2025-11-21"),
            with_backup("off", "enabled = false"),
            with_backup("future", "last_restore_test = 2026-11-23"),
        ]
        .concat();
        let findings = run("backup-restore-untested", &body, AS_OF);
        assert_eq!(tools(&findings), ["never", "stale", "future"]);
        assert_eq!(
            &*findings[1].message.text(),
            "stale's last restore test was on 2025-11-21, 366 days ago"
        );
        assert!(
            findings[2]
                .message
                .text()
                .contains("after the audit date 2026-11-22"),
            "{}",
            findings[2].message
        );
    }

    #[test]
    fn no_export() {
        let body = [
            with_backup("locked", "export = false"),
            with_backup("free", "export = true"),
        ]
        .concat();
        assert_eq!(tools(&run("backup-no-export", &body, AS_OF)), ["locked"]);
    }
}
