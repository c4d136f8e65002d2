//! `permanent-flag`: a flag serving one result everywhere, changed recently: stale soon.

use super::{date, days_between, describe, Context, Finding, Location, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "permanent-flag",
    default_severity: Severity::Info,
    check,
    summary: "The code reads a flag that serves one result in every environment, changed less than `stale_after_days` ago.",
    what: "Reports each reference to a flag that serves one result everywhere (as `stale-flag` defines it) but changed more recently than `stale_after_days`.",
    why: "A flag that is fully on or fully off everywhere is no longer branching anything: either the rollout has just finished and the flag is about to become debt, or it is meant to stay and should say so.",
    example: "```ts\nflagsmith.hasFeature('search_v2') // on in all 3 environments since 2026-11-10 (15 days)\n```",
    fix: "If the rollout is done, plan the flag's removal. If it is meant to stay, tag it `permanent` (or a tag in `exempt_tags`).",
};

fn check(context: &Context, findings: &mut Vec<Finding>) {
    for (reference, flag, uniform) in context.uniform_reads() {
        let threshold = i64::from(context.settings.stale_after_days);
        let days = uniform
            .since
            .map(|since| days_between(since, context.settings.now));
        if days.is_some_and(|d| d >= threshold) {
            continue;
        }
        let since = match (uniform.since, days) {
            (Some(since), Some(days)) => format!(
                "since {} ({days} days; stale after {threshold})",
                date(since)
            ),
            _ => "for an unknown time (the service gives no change date)".to_string(),
        };
        findings.push(Finding {
            rule: RULE.id,
            severity: RULE.default_severity,
            flag: Some(flag.key.clone()),
            location: Some(Location::of(reference)),
            span_len: reference.span,
            message: format!("`{}` is {} {since}", flag.key, describe(&uniform)),
            help: format!(
                "if the rollout is done, plan the removal of `{}`; if it is meant to stay, tag it `permanent`",
                flag.key
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::*;

    #[test]
    fn fires_and_passes() {
        let flags = flag_set(vec![
            flag(
                "recent",
                &[
                    ("development", state(true, "2026-11-20")),
                    ("production", state(true, "2026-08-01")),
                ],
            ),
            flag(
                "old",
                &[
                    ("development", state(true, "2026-01-20")),
                    ("production", state(true, "2026-01-01")),
                ],
            ),
            flag(
                "undated",
                &[
                    ("development", state(false, "")),
                    ("production", state(false, "")),
                ],
            ),
            flag(
                "mixed",
                &[
                    ("development", state(true, "2026-11-20")),
                    ("production", state(false, "2026-11-20")),
                ],
            ),
        ]);
        let refs = vec![
            reference("recent", 1),
            reference("old", 2),
            reference("undated", 3),
            reference("mixed", 4),
        ];
        insta::assert_snapshot!(run("permanent-flag", &refs, &flags).join("\n"), @r"
        info recent src/app.ts:1 | `recent` is on in both environments since 2026-11-20 (5 days; stale after 30) | if the rollout is done, plan the removal of `recent`; if it is meant to stay, tag it `permanent`
        info undated src/app.ts:3 | `undated` is off in both environments for an unknown time (the service gives no change date) | if the rollout is done, plan the removal of `undated`; if it is meant to stay, tag it `permanent`
        ");
    }
}
