//! `dynamic-reference`: a flag read whose key cannot be known without running the code.

use super::{Context, Finding, Location, Rule, Severity};

pub const RULE: Rule = Rule {
    id: "dynamic-reference",
    default_severity: Severity::Info,
    check,
    summary: "A flag is read with a key that cannot be resolved statically.",
    what: "Reports each SDK, wrapper or flag-helper call whose key is not a literal, a constant, an enum member or an object-map member flaglint can follow (a computed template, a function's result). A key that is a parameter makes the function a flag helper instead: its call sites are the references.",
    why: "flaglint cannot tell which flag this reads, so it cannot tell whether that flag is stale, undefined or archived, and `unused-flag` can only say \"possibly used\".",
    example: "```ts\nflagsmith.getValue(`banner_copy_${variant}`)\n```",
    fix: "Pass a literal or a constant where you can, or list the possible keys in one object map. flaglint finds the app's own flag helpers by itself (`function isOn(name) { return flagsmith.hasFeature(name) }`: each call of `isOn` is a reference with its own key); one it cannot find, declare in `[[wrappers]]` (`pattern = \"isOn($KEY)\"`). Otherwise mark the line `// flaglint-ignore dynamic-reference`.",
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
        let through = match reference.via.first() {
            Some(helper) => format!(" passed to `{helper}`"),
            None => String::new(),
        };
        findings.push(Finding {
            rule: RULE.id,
            severity: RULE.default_severity,
            flag: None,
            location: Some(Location::of(reference)),
            span_len: reference.span,
            message: format!(
                "flag key {}{through} cannot be resolved statically{prefix}",
                code(&dynamic.expression)
            ),
            help: "use a literal or a constant key; if this reads through a flag helper flaglint did not find, declare it in `[[wrappers]]` (pattern = \"isOn($KEY)\") to read each call's key; or mark the line `// flaglint-ignore dynamic-reference`".to_string(),
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
        info  src/app.ts:2 | flag key `exp_${name}` cannot be resolved statically (starts with "exp_") | use a literal or a constant key; if this reads through a flag helper flaglint did not find, declare it in `[[wrappers]]` (pattern = "isOn($KEY)") to read each call's key; or mark the line `// flaglint-ignore dynamic-reference`
        info  src/app.ts:3 | flag key `key` cannot be resolved statically | use a literal or a constant key; if this reads through a flag helper flaglint did not find, declare it in `[[wrappers]]` (pattern = "isOn($KEY)") to read each call's key; or mark the line `// flaglint-ignore dynamic-reference`
        "#);
    }
}
