//! `unused-flag`: a flag the service defines and no scanned code reads.

use super::{Context, Finding, Location, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "unused-flag",
    default_severity: Severity::Warning,
    check,
    summary: "The flag service defines a flag that no scanned code reads.",
    what: "Reports each flag that is not archived and has no reference in the scanned code. When a dynamic reference's known prefix matches the key (`exp_${name}` and `exp_checkout`), the flag is reported as possibly used, at info severity, pointing at that reference.",
    why: "A flag nobody reads is clutter in the service and a trap: someone may toggle it expecting an effect. With several repositories on one flag project, merge their `refs --format json` with `report --refs` before deleting.",
    example: "```text\nwarning[unused-flag]: `beta_dashboard` is defined in flagsmith but no scanned code reads it\n```",
    fix: "Delete or archive the flag in the service, after checking the other repositories that share the project.",
};

fn check(context: &Context, findings: &mut Vec<Finding>) {
    let referenced = context.referenced_flags();
    let dynamic: Vec<_> = context
        .references
        .iter()
        .filter_map(|r| {
            let prefix = r.dynamic.as_ref()?.prefix.as_deref()?;
            Some((prefix, r))
        })
        .collect();
    for flag in &context.flags.flags {
        if flag.archived || referenced.contains(flag.key.as_str()) {
            continue;
        }
        let possible = dynamic
            .iter()
            .filter(|(prefix, _)| flag.key.starts_with(prefix))
            .max_by_key(|(prefix, _)| prefix.len());
        let finding = match possible {
            Some((prefix, reference)) => Finding {
                rule: RULE.id,
                severity: Severity::Info,
                flag: Some(flag.key.clone()),
                location: Some(Location::of(reference)),
                span_len: reference.span,
                message: format!(
                    "`{}` is possibly used: no code reads it by name, but this dynamic key starts with {prefix:?}",
                    flag.key
                ),
                help: "check which keys this expression produces; write them out to make the reads visible".to_string(),
            },
            None => Finding {
                rule: RULE.id,
                severity: RULE.default_severity,
                flag: Some(flag.key.clone()),
                location: None,
                span_len: 0,
                message: format!(
                    "`{}` is defined in {} but no scanned code reads it",
                    flag.key, context.settings.service
                ),
                help: "delete or archive the flag in the service (check other repositories that share the project first)".to_string(),
            },
        };
        findings.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::*;

    #[test]
    fn fires_and_passes() {
        let mut archived = flag("archived", &[]);
        archived.archived = true;
        let flags = flag_set(vec![
            flag("read", &[]),
            flag("nobody", &[]),
            flag("exp_checkout", &[]),
            archived,
        ]);
        let refs = vec![
            reference("read", 1),
            dynamic("`exp_${name}`", Some("exp_"), 2),
        ];
        insta::assert_snapshot!(run("unused-flag", &refs, &flags).join("\n"), @r#"
        info exp_checkout src/app.ts:2 | `exp_checkout` is possibly used: no code reads it by name, but this dynamic key starts with "exp_" | check which keys this expression produces; write them out to make the reads visible
        warning nobody - | `nobody` is defined in flagsmith but no scanned code reads it | delete or archive the flag in the service (check other repositories that share the project first)
        "#);
    }
}
