//! `undefined-flag`: the code reads a key the service does not know.

use super::{Context, Finding, Location, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "undefined-flag",
    default_severity: Severity::Error,
    check,
    summary: "The code reads a flag key that the flag service does not define.",
    what: "Reports each reference whose key is not a flag of the project (after the reference's case transform, if any).",
    why: "A typo, or a flag deleted in the service while the code still reads it: either way the code only ever sees the SDK's default, whatever anyone toggles.",
    example: "```ts\nflags.isFeatureEnabled('chekout_v3') // the service has `checkout_v3`\n```",
    fix: "Fix the key, or create the flag in the service, or remove the read if the flag is gone for good.",
};

/// Suggestions closer than this (Jaro-Winkler) are offered as "did you mean".
const SIMILARITY: f64 = 0.85;

fn check(context: &Context, findings: &mut Vec<Finding>) {
    for (reference, flag) in context.keyed() {
        if flag.is_some() {
            continue;
        }
        let Some(key) = reference.key.as_deref() else {
            continue;
        };
        let suggestion = context
            .flags
            .flags
            .iter()
            .map(|f| (strsim::jaro_winkler(key, &f.key), &f.key))
            .filter(|(score, _)| *score >= SIMILARITY)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, k)| format!(" (did you mean `{k}`?)"))
            .unwrap_or_default();
        let project = context
            .flags
            .project
            .as_deref()
            .map(|p| format!(" project {p:?}"))
            .unwrap_or_default();
        let spelled = match &reference.case {
            Some(case) => format!(" (read as {case}Case by {})", reference.sdk),
            None => String::new(),
        };
        findings.push(Finding {
            rule: RULE.id,
            severity: RULE.default_severity,
            flag: Some(key.to_string()),
            location: Some(Location::of(reference)),
            span_len: reference.span,
            message: format!(
                "`{key}`{spelled} is not defined in {}{project}",
                context.settings.service
            ),
            help: format!(
                "fix the key{suggestion} or create the flag; until then the code only sees the default"
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::*;

    #[test]
    fn fires_and_passes() {
        let flags = flag_set(vec![flag("checkout_v3", &[]), flag("dark_mode", &[])]);
        let refs = vec![
            reference("chekout_v3", 1),
            reference("dark_mode", 2),
            reference("zzz", 3),
        ];
        insta::assert_snapshot!(run("undefined-flag", &refs, &flags).join("\n"), @r"
        error chekout_v3 src/app.ts:1 | `chekout_v3` is not defined in flagsmith | fix the key (did you mean `checkout_v3`?) or create the flag; until then the code only sees the default
        error zzz src/app.ts:3 | `zzz` is not defined in flagsmith | fix the key or create the flag; until then the code only sees the default
        ");
    }
}
