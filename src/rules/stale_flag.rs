//! `stale-flag`: the code branches on a flag that has served one result everywhere for weeks.

use super::{date, days_between, describe, Context, Finding, Location, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "stale-flag",
    default_severity: Severity::Error,
    check,
    summary: "The code reads a flag that has served one result in every environment for longer than `stale_after_days`.",
    what: "Reports each reference to a flag that is enabled everywhere or disabled everywhere, with one value, no segment or identity overrides and no percentage split, in every checked environment, and unchanged for `stale_after_days` (default 30; Flagsmith's `stale_flags_limit_days` when Flagsmith is the source).",
    why: "The rollout is over: one side of every branch on this flag is dead code, and the flag is debt that every reader of the code pays for. A stale kill switch is fine, which is why tags like `permanent` and `kill-switch` exempt a flag.",
    example: "```ts\nif (flagsmith.hasFeature('new_checkout')) { // on in all 3 environments since 2026-08-14\n  return <NewCheckout />;\n}\nreturn <OldCheckout />;\n```",
    fix: "Remove the flag from the code (keep the branch it serves, delete the other), then delete the flag in the service. If the flag is meant to stay, tag it `permanent` or `kill-switch`.",
};

fn check(context: &Context, findings: &mut Vec<Finding>) {
    for (reference, flag, uniform) in context.uniform_reads() {
        let Some(since) = uniform.since else { continue };
        let days = days_between(since, context.settings.now);
        if days < i64::from(context.settings.stale_after_days) {
            continue;
        }
        let help = if uniform.enabled {
            format!(
                "remove the flag: keep the code it enables, then delete `{}` in {}",
                flag.key, context.settings.service
            )
        } else {
            format!(
                "remove the flag and the code it guards, then delete `{}` in {}",
                flag.key, context.settings.service
            )
        };
        findings.push(Finding {
            rule: RULE.id,
            severity: RULE.default_severity,
            flag: Some(flag.key.clone()),
            location: Some(Location::of(reference)),
            span_len: reference.span,
            message: format!(
                "`{}` is {}, unchanged since {} ({days} days){}",
                flag.key,
                describe(&uniform),
                date(since),
                context.service_note(flag)
            ),
            help,
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::*;

    #[test]
    fn fires_and_passes() {
        let old = |on| {
            [
                ("development", state(on, "2026-08-14")),
                ("production", state(on, "2026-08-01")),
            ]
        };
        let mut tagged = flag("tagged", &old(true));
        tagged.tags = vec!["Kill-Switch".into()];
        let mut permanent = flag("service_permanent", &old(true));
        permanent.permanent = true;
        let mut service_stale = flag("service_stale", &old(true));
        service_stale.service_stale = true;
        let mut overridden = flag("overridden", &old(true));
        overridden
            .environments
            .get_mut("development")
            .unwrap()
            .segment_overrides = 1;
        let mut archived = flag("archived", &old(true));
        archived.archived = true;
        let flags = flag_set(vec![
            flag("on_everywhere", &old(true)),
            flag("off_everywhere", &old(false)),
            flag(
                "recent",
                &[
                    ("development", state(true, "2026-11-20")),
                    ("production", state(true, "2026-08-01")),
                ],
            ),
            flag(
                "mixed",
                &[
                    ("development", state(true, "2026-01-01")),
                    ("production", state(false, "2026-01-01")),
                ],
            ),
            tagged,
            permanent,
            service_stale,
            overridden,
            archived,
        ]);
        let refs: Vec<_> = [
            "on_everywhere",
            "off_everywhere",
            "recent",
            "mixed",
            "tagged",
            "service_permanent",
            "service_stale",
            "overridden",
            "archived",
        ]
        .iter()
        .enumerate()
        .map(|(i, k)| reference(k, i + 1))
        .collect();
        insta::assert_snapshot!(run("stale-flag", &refs, &flags).join("\n"), @r"
        error off_everywhere src/app.ts:2 | `off_everywhere` is off in both environments, unchanged since 2026-08-14 (103 days) | remove the flag and the code it guards, then delete `off_everywhere` in flagsmith
        error on_everywhere src/app.ts:1 | `on_everywhere` is on in both environments, unchanged since 2026-08-14 (103 days) | remove the flag: keep the code it enables, then delete `on_everywhere` in flagsmith
        error service_stale src/app.ts:7 | `service_stale` is on in both environments, unchanged since 2026-08-14 (103 days); flagsmith marks it stale too | remove the flag: keep the code it enables, then delete `service_stale` in flagsmith
        ");
    }
}
