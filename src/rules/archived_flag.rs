//! `archived-flag`: the code reads a flag that is archived in the service.

use super::{Context, Finding, Location, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "archived-flag",
    default_severity: Severity::Error,
    check,
    summary: "The code reads a flag that is archived in the flag service.",
    what: "Reports each reference to a flag the service marks archived.",
    why: "Archiving a flag says the team is done with it, but this code still branches on it; depending on the SDK it now sees the default or a frozen state.",
    example: "```ts\nflagsmith.hasFeature('old_search') // archived in Flagsmith\n```",
    fix: "Remove the read (keep the branch the flag last served), or restore the flag in the service if it is still needed.",
};

fn check(context: &Context, findings: &mut Vec<Finding>) {
    for (reference, flag) in context.keyed() {
        let Some(flag) = flag.filter(|f| f.archived) else {
            continue;
        };
        findings.push(Finding {
            rule: RULE.id,
            severity: RULE.default_severity,
            flag: Some(flag.key.clone()),
            location: Some(Location::of(reference)),
            span_len: reference.span,
            message: format!("`{}` is archived in {}", flag.key, context.settings.service),
            help: "remove this read and the branch the flag no longer serves, or restore the flag"
                .to_string(),
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::*;

    #[test]
    fn fires_and_passes() {
        let mut archived = flag("old_search", &[]);
        archived.archived = true;
        let flags = flag_set(vec![archived, flag("live", &[])]);
        let refs = vec![reference("old_search", 1), reference("live", 2)];
        insta::assert_snapshot!(run("archived-flag", &refs, &flags).join("\n"), @"error old_search src/app.ts:1 | `old_search` is archived in flagsmith | remove this read and the branch the flag no longer serves, or restore the flag");
    }
}
