//! Folding, as (before, after) pairs: every call `flag('x')`, `useFlag('x')` or
//! `client.isOn('x')` is a read of the flag `x`, which serves the value the list is for.

use tree_sitter::Node;

use super::fold;
use crate::fix::edit::{apply, Pieces};
use crate::fix::layout;
use crate::fix::reads::{Read, ReadAction};
use crate::fix::unused::remove_unused;
use crate::fix::value::FlagValue;
use crate::parse::{parse, text, Lang};

const READERS: &[&str] = &["flag", "useFlag", "client.isOn", "gb?.isOn"];

fn reads<'t>(node: Node<'t>, src: &str, value: &FlagValue, out: &mut Vec<Read<'t>>) {
    if node.kind() == "call_expression" {
        let callee = node
            .child_by_field_name("function")
            .map(|f| text(f, src.as_bytes()));
        let first = node
            .child_by_field_name("arguments")
            .and_then(|a| a.named_child(0))
            .map(|a| text(a, src.as_bytes()));
        if callee.is_some_and(|c| READERS.contains(&c)) && first == Some("'x'") {
            out.push(Read {
                node,
                action: ReadAction::Value(value.served()),
            });
        }
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        reads(child, src, value, out);
    }
}

/// `source` with the flag `x` removed as serving `value`.
pub(crate) fn fixed(source: &str, value: &str) -> String {
    fixed_with(source, value, &|_| None)
}

fn fixed_with(source: &str, value: &str, conditionals: &super::Conditionals) -> String {
    let value = FlagValue::parse(value).unwrap();
    let tree = parse(Lang::Tsx, source).unwrap();
    let root = tree.root_node();
    let mut found = Vec::new();
    reads(root, source, &value, &mut found);
    let spans: Vec<_> = found
        .iter()
        .map(|r| r.node.start_byte()..r.node.end_byte())
        .collect();
    let mut pieces: Pieces = fold(source, root, &found, conditionals);
    remove_unused(source, root, &mut pieces, &spans);
    layout::tidy_blank_lines(source, &mut pieces);
    let after = apply(source, &pieces.edits(source));
    let reparsed = parse(Lang::Tsx, &after).unwrap();
    assert!(
        !reparsed.root_node().has_error(),
        "does not parse:\n{after}"
    );
    after
}

/// Each pair: the code before, and after removing `x` serving `value`.
fn check(value: &str, cases: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (before, expected) in cases {
        let after = fixed(before, value);
        if after != *expected {
            failures.push(format!(
                "--- before\n{before}\n--- expected\n{expected}\n--- got\n{after}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n========\n"));
}

#[test]
fn logical_operators_and_negation() {
    check(
        "on",
        &[
            ("const a = flag('x');\nuse(a);\n", "use(true);\n"),
            ("use(!flag('x'));\n", "use(false);\n"),
            ("use(ready && flag('x'));\n", "use(ready);\n"),
            ("use(flag('x') && ready);\n", "use(ready);\n"),
            ("use(ready || flag('x'));\n", "use(true);\n"),
            ("use(!flag('x') || ready);\n", "use(ready);\n"),
            ("use(flag('x') ?? false);\n", "use(true);\n"),
            ("use(a && (b || !flag('x')));\n", "use(a && b);\n"),
            ("use(a && flag('x') && b);\n", "use(a && b);\n"),
        ],
    );
    check(
        "off",
        &[
            ("use(ready && flag('x'));\n", "use(false);\n"),
            ("use(ready || flag('x'));\n", "use(ready);\n"),
            ("use(!flag('x') && ready);\n", "use(ready);\n"),
        ],
    );
}

#[test]
fn a_side_effect_is_never_dropped() {
    check(
        "off",
        &[
            ("use(track() && flag('x'));\n", "use(track() && false);\n"),
            ("track() && flag('x');\n", "track();\n"),
        ],
    );
    check(
        "on",
        &[("use(save() || flag('x'));\n", "use(save() || true);\n")],
    );
}

#[test]
fn ternaries() {
    check(
        "on",
        &[
            (
                "const path = flag('x') ? '/new' : '/old';\n",
                "const path = '/new';\n",
            ),
            ("use(flag('x') ? (a + b) : c);\n", "use(a + b);\n"),
            ("use(flag('x') ? a : b ? c : d);\n", "use(a);\n"),
        ],
    );
    check(
        "off",
        &[("use(flag('x') ? a : b ? c : d);\n", "use(b ? c : d);\n")],
    );
}

#[test]
fn if_else_keeps_the_live_branch_at_its_new_depth() {
    check(
        "on",
        &[
            (
                "function f() {\n    if (flag('x')) {\n        a();\n        b();\n    } else {\n        c();\n    }\n    d();\n}\n",
                "function f() {\n    a();\n    b();\n    d();\n}\n",
            ),
            (
                "function f() {\n    if (flag('x') && ready) {\n        a();\n    }\n}\n",
                "function f() {\n    if (ready) {\n        a();\n    }\n}\n",
            ),
            (
                "if (\n  flag('x') &&\n  ready\n) {\n  a();\n}\n",
                "if (ready) {\n  a();\n}\n",
            ),
            (
                "const show =\n  isEdge && flag('x');\n",
                "const show = isEdge;\n",
            ),
            (
                "if (a) {\n  b();\n} else if (flag('x')) {\n  c();\n} else {\n  d();\n}\n",
                "if (a) {\n  b();\n} else {\n  c();\n}\n",
            ),
        ],
    );
    check(
        "off",
        &[
            (
                "function f() {\n    if (flag('x')) {\n        a();\n    } else {\n        c();\n    }\n}\n",
                "function f() {\n    c();\n}\n",
            ),
            (
                "if (a) {\n  b();\n} else if (flag('x')) {\n  c();\n}\nd();\n",
                "if (a) {\n  b();\n}\nd();\n",
            ),
        ],
    );
}

#[test]
fn early_returns_and_unreachable_code() {
    check(
        "on",
        &[
            (
                "function C() {\n  const on = useFlag('x');\n  if (!on) return null;\n  return <A />;\n}\n",
                "function C() {\n  return <A />;\n}\n",
            ),
            (
                "async function f() {\n    if (flag('x')) {\n        return store.remove();\n    }\n    return 0;\n}\n",
                "async function f() {\n    return store.remove();\n}\n",
            ),
            (
                "function f() {\n    if (flag('x')) {\n        const s = load();\n        use(s);\n        return;\n    }\n    const s = old();\n    use(s);\n}\n",
                "function f() {\n    const s = load();\n    use(s);\n}\n",
            ),
        ],
    );
}

#[test]
fn unwrapping_keeps_braces_when_names_would_clash() {
    check(
        "on",
        &[(
            "function f() {\n  const s = 1;\n  if (flag('x')) {\n    const s = 2;\n    use(s);\n  }\n  use(s);\n}\n",
            "function f() {\n  const s = 1;\n  {\n    const s = 2;\n    use(s);\n  }\n  use(s);\n}\n",
        )],
    );
}

#[test]
fn hook_results_become_the_value() {
    check(
        "on",
        &[
            (
                "import { useFlag } from './flags';\n\nexport function C() {\n  const on = useFlag('x');\n  return <div>{on && <New />}</div>;\n}\n",
                "export function C() {\n  return <div><New /></div>;\n}\n",
            ),
            (
                "import { useFlag } from './flags';\n\nexport function C() {\n  const on = useFlag('x');\n  const other = useFlag('y');\n  return <div>{on ? <New /> : other && <Old />}</div>;\n}\n",
                "export function C() {\n  return <div><New /></div>;\n}\n",
            ),
        ],
    );
}

#[test]
fn jsx_conditionals_unwrap_and_reindent() {
    check(
        "on",
        &[
            (
                "const v = (\n  <div>\n    {flag('x') && (\n      <p>\n        new\n      </p>\n    )}\n  </div>\n);\n",
                "const v = (\n  <div>\n    <p>\n      new\n    </p>\n  </div>\n);\n",
            ),
            (
                "const v = (\n  <div>\n    {flag('x') ? (\n      <New />\n    ) : (\n      <Old />\n    )}\n  </div>\n);\n",
                "const v = (\n  <div>\n    <New />\n  </div>\n);\n",
            ),
            (
                "const v = (\n  <div>\n    {flag('x') ? (\n      <>\n        <A />\n        <B />\n      </>\n    ) : null}\n  </div>\n);\n",
                "const v = (\n  <div>\n    <A />\n    <B />\n  </div>\n);\n",
            ),
            (
                "const v = <div>{!loading && flag('x') && <A />}</div>;\n",
                "const v = <div>{!loading && <A />}</div>;\n",
            ),
            (
                "const v = <B mt={flag('x') ? \"6\" : \"0\"} />;\n",
                "const v = <B mt=\"6\" />;\n",
            ),
        ],
    );
    check(
        "off",
        &[
            (
                "const v = (\n  <div>\n    <A />\n    {flag('x') && <B />}\n  </div>\n);\n",
                "const v = (\n  <div>\n    <A />\n  </div>\n);\n",
            ),
            (
                "const v = <B onView={flag('x') ? () => go() : undefined} other />;\n",
                "const v = <B other />;\n",
            ),
            (
                "const v = (\n  <>\n    <A />\n    {flag('x') && <B />}\n  </>\n);\n",
                "const v = <A />;\n",
            ),
        ],
    );
}

#[test]
fn a_variable_left_holding_a_stand_in_is_inlined() {
    check(
        "on",
        &[
            (
                "function f() {\n  const path = flag('x') ? `${base}/new` : `${base}/`;\n  go(path);\n}\n",
                "function f() {\n  go(`${base}/new`);\n}\n",
            ),
            (
                "function f() {\n  const edge = isEdge();\n  const show = edge && flag('x');\n  use(show);\n}\n",
                "function f() {\n  const show = isEdge();\n  use(show);\n}\n",
            ),
            (
                "function f() {\n  const bad = !value || (!flag('x') && value !== 'x');\n  if (split && bad) {\n    fix();\n  }\n}\n",
                "function f() {\n  if (split && !value) {\n    fix();\n  }\n}\n",
            ),
        ],
    );
    check(
        "on",
        &[
            (
                "function f() {\n  const path = flag('x') ? a : b;\n  go(path);\n  go(path);\n}\n",
                "function f() {\n  const path = a;\n  go(path);\n  go(path);\n}\n",
            ),
            (
                "function f() {\n  const path = flag('x') ? a() : b;\n  step();\n  go(path);\n}\n",
                "function f() {\n  const path = a();\n  step();\n  go(path);\n}\n",
            ),
            (
                "function f() {\n  const path = flag('x') ? a : b;\n  later(() => go(path));\n}\n",
                "function f() {\n  const path = a;\n  later(() => go(path));\n}\n",
            ),
            (
                "const C = () => (flag('x') ? <A /> : <B />);\nexport default C;\n",
                "const C = () => <A />;\nexport default C;\n",
            ),
        ],
    );
}

#[test]
fn spreads_of_folded_literals() {
    check(
        "off",
        &[
            (
                "const hidden = ['a', ...(flag('x') ? [] : ['b'])];\n",
                "const hidden = ['a', 'b'];\n",
            ),
            (
                "const q = { id, ...(meta && flag('x') ? { ai: 'true' } : {}) };\n",
                "const q = { id };\n",
            ),
        ],
    );
}

#[test]
fn dependency_arrays_filters_and_class_names() {
    check(
        "on",
        &[
            (
                "function C({ a }) {\n  const on = useFlag('x');\n  return useMemo(() => (on ? a : 0), [a, on]);\n}\n",
                "function C({ a }) {\n  return useMemo(() => a, [a]);\n}\n",
            ),
            (
                "const shown = items.filter((i) => i.ready || flag('x'));\n",
                "const shown = items;\n",
            ),
            (
                "const c = classNames('base', { active: flag('x') });\n",
                "const c = classNames('base', 'active');\n",
            ),
        ],
    );
    check(
        "off",
        &[(
            "const c = classNames('base', { active: flag('x'), big });\n",
            "const c = classNames('base', { big });\n",
        )],
    );
}

#[test]
fn shadowed_names_keep_their_own_meaning() {
    check(
        "on",
        &[(
            "function C() {\n  const on = useFlag('x');\n  const list = items.map((on) => on.id);\n  return on ? list : [];\n}\n",
            "function C() {\n  const list = items.map((on) => on.id);\n  return list;\n}\n",
        )],
    );
}

#[test]
fn a_flag_read_used_as_data_becomes_the_value() {
    check(
        "on",
        &[(
            "function C() {\n  const on = useFlag('x');\n  track({ on, page });\n  send(on);\n}\n",
            "function C() {\n  track({ on: true, page });\n  send(true);\n}\n",
        )],
    );
}

#[test]
fn comments_go_with_removed_code_and_stay_on_kept_lines() {
    check(
        "on",
        &[(
            "function C() {\n  // the old page, until x is everywhere\n  if (!flag('x')) {\n    return <Old />; // legacy\n  }\n  // the new page\n  return <New />;\n}\n",
            "function C() {\n  // the new page\n  return <New />;\n}\n",
        )],
    );
}

#[test]
fn unused_imports_and_hook_calls_go() {
    check(
        "on",
        &[
            (
                "import { useGrowthBook } from 'gb';\nimport type { AppFeatures } from './features';\nimport { other } from './other';\n\nfunction C() {\n  const gb = useGrowthBook<AppFeatures>();\n  const on = gb?.isOn('x');\n  return other(on);\n}\n",
                "import { other } from './other';\n\nfunction C() {\n  return other(true);\n}\n",
            ),
            (
                "import { a, useFlag, b } from './hooks';\n\nfunction C() {\n  const on = useFlag('x');\n  return a(b, on);\n}\n",
                "import { a, b } from './hooks';\n\nfunction C() {\n  return a(b, true);\n}\n",
            ),
        ],
    );
}

#[test]
fn already_unused_code_is_left_alone() {
    check(
        "on",
        &[(
            "import { unused } from './u';\nimport { useFlag } from './f';\n\nfunction C() {\n  const on = useFlag('x');\n  return on;\n}\n",
            "import { unused } from './u';\n\nfunction C() {\n  return true;\n}\n",
        )],
    );
}

#[test]
fn conditional_components_become_the_branch_they_render() {
    use crate::fix::conditional::ConditionalSpec;
    let specs = |name: &str| match name {
        "ConditionallyRender" => Some(ConditionalSpec {
            condition: "condition".into(),
            show: "show".into(),
            otherwise: Some("elseShow".into()),
        }),
        "When" => Some(ConditionalSpec {
            condition: "truthy".into(),
            show: "children".into(),
            otherwise: None,
        }),
        _ => None,
    };
    let cases: &[(&str, &str, &str)] = &[
        (
            "on",
            "const v = (\n  <div>\n    <ConditionallyRender\n      condition={flag('x')}\n      show={<New />}\n      elseShow={<Old />}\n    />\n  </div>\n);\n",
            "const v = (\n  <div>\n    <New />\n  </div>\n);\n",
        ),
        (
            "off",
            "const v = (\n  <div>\n    <ConditionallyRender\n      condition={flag('x') && ready}\n      show={<New />}\n      elseShow={() => <Old />}\n    />\n  </div>\n);\n",
            "const v = (\n  <div>\n    <Old />\n  </div>\n);\n",
        ),
        (
            "on",
            "const v = (\n  <Group>\n    <When truthy={flag('x')}>\n      <Pill name={name} />\n    </When>\n  </Group>\n);\n",
            "const v = (\n  <Group>\n    <Pill name={name} />\n  </Group>\n);\n",
        ),
        (
            "on",
            "const v = <When truthy={flag('x') && id !== undefined}><A /></When>;\n",
            "const v = <When truthy={id !== undefined}><A /></When>;\n",
        ),
    ];
    for (value, before, expected) in cases {
        assert_eq!(fixed_with(before, value, &specs), *expected, "{before}");
    }
}
