//! `dynamic-reference`: a flag read whose key cannot be known without running the code.

use super::{Context, Finding, Location, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "dynamic-reference",
    default_severity: Severity::Info,
    check,
    summary: "A flag is read with a key that cannot be resolved statically.",
    what: "Reports each SDK or wrapper call whose key is not a literal, a constant, an enum member or an object-map member flaglint can follow (a parameter, a computed template, a function's result).",
    why: "flaglint cannot tell which flag this reads, so it cannot tell whether that flag is stale, undefined or archived, and `unused-flag` can only say \"possibly used\".",
    example: "```ts\nflagsmith.getValue(`banner_copy_${variant}`)\n```",
    fix: "Pass a literal or a constant where you can, or list the possible keys in one object map. If the key is the parameter of your own flag helper (`function isOn(name) { return flagsmith.hasFeature(name) }`), declare the helper in `[[wrappers]]` (`pattern = \"isOn($KEY)\"`): each call of it is then a reference with its own key. Otherwise mark the line `// flaglint-ignore dynamic-reference`.",
};

fn check(context: &Context, findings: &mut Vec<Finding>) {
    for reference in context.references {
        let Some(dynamic) = &reference.dynamic else {
            continue;
        };
        let prefix = dynamic
            .prefix
            .as_ref()
            .map(|p| format!(" (starts with {p:?})"))
            .unwrap_or_default();
        findings.push(Finding {
            rule: RULE.id,
            severity: RULE.default_severity,
            flag: None,
            location: Some(Location::of(reference)),
            span_len: reference.span,
            message: format!(
                "flag key {} cannot be resolved statically{prefix}",
                code(&dynamic.expression)
            ),
            help: "use a literal or a constant key; if this is the parameter of your own flag helper, declare the helper in `[[wrappers]]` (pattern = \"isOn($KEY)\") to read each call's key; or mark the line `// flaglint-ignore dynamic-reference`".to_string(),
        });
    }
}

/// Code in backticks, unless it is a template literal that already wears them.
fn code(expression: &str) -> String {
    if expression.starts_with('`') {
        expression.to_string()
    } else {
        format!("`{expression}`")
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tests::*;

    #[test]
    fn fires_and_passes() {
        let flags = flag_set(vec![flag("a", &[])]);
        let refs = vec![
            reference("a", 1),
            dynamic("`exp_${name}`", Some("exp_"), 2),
            dynamic("key", None, 3),
        ];
        insta::assert_snapshot!(run("dynamic-reference", &refs, &flags).join("\n"), @r#"
        info  src/app.ts:2 | flag key `exp_${name}` cannot be resolved statically (starts with "exp_") | use a literal or a constant key; if this is the parameter of your own flag helper, declare the helper in `[[wrappers]]` (pattern = "isOn($KEY)") to read each call's key; or mark the line `// flaglint-ignore dynamic-reference`
        info  src/app.ts:3 | flag key `key` cannot be resolved statically | use a literal or a constant key; if this is the parameter of your own flag helper, declare the helper in `[[wrappers]]` (pattern = "isOn($KEY)") to read each call's key; or mark the line `// flaglint-ignore dynamic-reference`
        "#);
    }
}
