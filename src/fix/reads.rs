//! Reads: each [`Reference`] found again as a node in a fresh parse of its file, and what
//! that node becomes: a value, a dropped list element or entry, a flag component's
//! children.
//!
//! The scan's references point at the key (or, for a wrapper with a fixed key, at the
//! call). From there the read is the call that takes the key, the property read that
//! spells it, or the element that carries it as a prop; for a read whose result is an
//! object (`useFeature("x").on`, `flags.x.enabled`) it is the property read on it. Any
//! SDK not built in (a declared `[[wrappers]]` entry or an inferred helper) is read the
//! way the app calls it: the call at the reference is the read.

use tree_sitter::Node;

use super::value::{FlagValue, JsValue};
use crate::parse::text;
use crate::reference::{RefKind, Reference};

/// What a read becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum ReadAction {
    /// The node evaluates to this value.
    Value(JsValue),
    /// A key listed in a hook's array (`useFlags(["x", "y"])`): the element goes.
    DropListed,
    /// `const { x } = useFlags()`: the property leaves the pattern and `x` is this value.
    Destructured(JsValue),
    /// A flag component (`<IfFeatureEnabled feature="x">`): its children when on, else
    /// its `fallback` prop or nothing.
    Component { on: bool },
    /// A default declared for the flag (`defaultFlags: { x: ... }`): the entry goes.
    DropEntry,
}

#[derive(Debug, Clone)]
pub struct Read<'t> {
    pub node: Node<'t>,
    pub action: ReadAction,
}

/// How an SDK call's result relates to the flag.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Served {
    /// Whether the flag is on: `hasFeature`, `isOn`.
    State,
    /// Whether it is off: `isOff`.
    NotState,
    /// The value it serves (the state for a flag without a value): `variation`.
    Value,
    /// Flagsmith's value, null when none is set: `getValue`.
    ValueOrNull,
    /// An object read further: `.on` / `.enabled`, `.off`, `.value`.
    Record,
}

/// What each built-in SDK's reads return, by method or hook name. Anything else is left
/// for a person, with the reason.
fn served_by(sdk: &str, name: &str) -> Option<Served> {
    use Served::*;
    Some(match (sdk, name) {
        (_, "isOff") => NotState,
        ("flagsmith", "hasFeature" | "isFeatureEnabled") => State,
        ("flagsmith", "getValue" | "getFeatureValue") => ValueOrNull,
        ("flagsmith", "getFlag") => Record,
        ("growthbook", "isOn" | "useFeatureIsOn") => State,
        ("growthbook", "getFeatureValue" | "useFeatureValue") => Value,
        ("growthbook", "useFeature" | "evalFeature" | "feature") => Record,
        ("unleash", "isEnabled" | "useFlag" | "flag") => State,
        ("launchdarkly", name)
            if name == "variation"
                || (name.ends_with("Variation") && name != "migrationVariation") =>
        {
            Value
        }
        ("launchdarkly", "getFlagValue") => Value,
        ("launchdarkly", name) if name.ends_with("Detail") => Record,
        ("openfeature", name)
            if name.starts_with("get") && name.ends_with("Value")
                || name.ends_with("FlagValue") =>
        {
            Value
        }
        ("openfeature", name) if name.ends_with("Details") || name == "useFlag" => Record,
        ("posthog", "isFeatureEnabled" | "useFeatureFlagEnabled") => State,
        ("posthog", "getFeatureFlag" | "useFeatureFlagVariantKey") => Value,
        ("statsig", "checkGate" | "useGateValue") => State,
        ("statsig", "useGate" | "useFeatureGate") => Record,
        ("devcycle", "variableValue" | "useVariableValue") => Value,
        ("devcycle", "variable" | "useVariable" | "useDVCVariable") => Record,
        ("configcat", "getValue" | "getValueAsync") => Value,
        ("configcat", "useFeatureFlag" | "getValueDetails" | "getValueDetailsAsync") => Record,
        _ => return None,
    })
}

/// The built-in SDKs: any other `sdk` is a wrapper or helper of the app.
pub const BUILTIN_SDKS: &[&str] = &[
    "flagsmith",
    "launchdarkly",
    "unleash",
    "openfeature",
    "growthbook",
    "posthog",
    "statsig",
    "devcycle",
    "configcat",
    "split",
    "vercel",
];

/// The byte offset of a 1-based line and character column.
pub fn offset_of(source: &str, line: usize, column: usize) -> Option<usize> {
    let mut start = 0;
    for _ in 1..line {
        start += source[start..].find('\n')? + 1;
    }
    let line_text = &source[start..super::layout::line_end(source, start)];
    let within = match line_text.char_indices().nth(column.checked_sub(1)?) {
        Some((i, _)) => i,
        None if line_text.chars().count() + 1 == column => line_text.len(),
        None => return None,
    };
    Some(start + within)
}

/// The read at `reference`, or why it is left alone.
pub fn locate<'t>(
    root: Node<'t>,
    source: &str,
    reference: &Reference,
    value: &FlagValue,
) -> Result<Read<'t>, String> {
    let offset = offset_of(source, reference.line, reference.column)
        .ok_or_else(|| "the file changed since the scan".to_string())?;
    let mut node = root
        .named_descendant_for_byte_range(offset, offset)
        .ok_or_else(|| "the file changed since the scan".to_string())?;
    // The key expression: the largest node starting here that is still part of the key
    // (`FLAGS.NEW` starts where `FLAGS` does).
    while let Some(parent) = node.parent() {
        let same_start = parent.start_byte() == offset;
        let part_of_key = matches!(
            parent.kind(),
            "member_expression" | "subscript_expression" | "string" | "template_string"
        ) && parent.child_by_field_name("arguments").is_none();
        if same_start && part_of_key {
            node = parent;
        } else {
            break;
        }
    }
    // An inferred helper's call site names the SDK it reads through, and the helper in `via`.
    let helper = !reference.via.is_empty() || !BUILTIN_SDKS.contains(&reference.sdk.as_str());
    let src = source.as_bytes();
    match reference.kind {
        RefKind::Jsx => component(node, src, value),
        RefKind::Default => {
            let pair = ancestor(node, &["pair"], 3).ok_or("a default not in an object entry")?;
            Ok(Read {
                node: pair,
                action: ReadAction::DropEntry,
            })
        }
        RefKind::Declaration => {
            Err("a flag declared in code: remove its declaration by hand".to_string())
        }
        RefKind::Member => member(node, src, reference, value, helper),
        RefKind::Call | RefKind::Hook => call(node, src, reference, value, helper),
    }
}

fn ancestor<'t>(mut node: Node<'t>, kinds: &[&str], max_depth: usize) -> Option<Node<'t>> {
    for _ in 0..=max_depth {
        if kinds.contains(&node.kind()) {
            return Some(node);
        }
        node = node.parent()?;
    }
    None
}

/// The call that takes the key as an argument (or is called through it, for a wrapper
/// with a fixed key).
fn call<'t>(
    key: Node<'t>,
    src: &[u8],
    reference: &Reference,
    value: &FlagValue,
    helper: bool,
) -> Result<Read<'t>, String> {
    let mut node = key;
    let call = loop {
        let parent = node
            .parent()
            .ok_or_else(|| format!("no call around {}", reference.shape))?;
        if parent.kind() == "call_expression" || parent.kind() == "new_expression" {
            break parent;
        }
        // A call that is the key itself: a wrapper with a fixed key points at its call.
        if node.kind() == "call_expression" && node.start_byte() == key.start_byte() {
            break node;
        }
        node = parent;
    };
    if key.parent().is_some_and(|p| p.kind() == "array") {
        // `const { x } = useFlags(["x"])`: the reads of `x` are not references, so the key
        // cannot leave the list while they stay.
        let pattern = call
            .parent()
            .filter(|p| p.kind() == "variable_declarator")
            .and_then(|d| d.child_by_field_name("name"))
            .filter(|n| n.kind() == "object_pattern");
        if let (Some(pattern), Some(listed)) = (pattern, crate::parse::string_value(key, src)) {
            if text(pattern, src).contains(listed.as_str()) {
                return Err(format!(
                    "{} is destructured from its result; fix it by hand",
                    reference.shape
                ));
            }
        }
        return Ok(Read {
            node: key,
            action: ReadAction::DropListed,
        });
    }
    if helper {
        return Ok(Read {
            node: call,
            action: ReadAction::Value(value.served()),
        });
    }
    let callee = call
        .child_by_field_name("function")
        .map(|f| match f.kind() {
            "member_expression" => f
                .child_by_field_name("property")
                .map_or("", |p| text(p, src)),
            _ => text(f, src),
        })
        .unwrap_or("");
    let served = served_by(&reference.sdk, callee).ok_or_else(|| {
        format!(
            "{} reads more than the flag's value; fix it by hand",
            reference.shape
        )
    })?;
    settle(call, served, src, reference, value)
}

/// A property read that spells the key: `flags.x` (LaunchDarkly: the value),
/// `flags.x.enabled` (Flagsmith), a wrapper's `config.toggles.x`, or a property
/// destructured from the hook.
fn member<'t>(
    key: Node<'t>,
    src: &[u8],
    reference: &Reference,
    value: &FlagValue,
    helper: bool,
) -> Result<Read<'t>, String> {
    let served = if helper || reference.sdk == "launchdarkly" {
        Served::Value
    } else {
        Served::Record
    };
    let destructured = match key.kind() {
        "shorthand_property_identifier_pattern" => Some(key),
        _ => key
            .parent()
            .filter(|p| p.kind() == "pair_pattern" || p.kind() == "object_assignment_pattern"),
    };
    if let Some(property) = destructured {
        if served != Served::Value {
            return Err(format!(
                "{} destructures the flag's object; fix it by hand",
                reference.shape
            ));
        }
        return Ok(Read {
            node: property,
            action: ReadAction::Destructured(value.served()),
        });
    }
    let read = key
        .parent()
        .filter(|p| matches!(p.kind(), "member_expression" | "subscript_expression"))
        .ok_or_else(|| format!("{} is not a property read", reference.shape))?;
    settle(read, served, src, reference, value)
}

/// The read node and its value, looking through a property read on an object result.
fn settle<'t>(
    node: Node<'t>,
    served: Served,
    src: &[u8],
    reference: &Reference,
    value: &FlagValue,
) -> Result<Read<'t>, String> {
    let (node, result) = match served {
        Served::State => (node, value.state()),
        Served::NotState => (node, JsValue::Bool(!value.enabled)),
        Served::Value => (node, value.served()),
        Served::ValueOrNull => (node, value.value_or_null()),
        Served::Record => {
            let parent = node
                .parent()
                .filter(|p| p.kind() == "member_expression")
                .filter(|p| p.child_by_field_name("object") == Some(node));
            let property = parent
                .and_then(|p| p.child_by_field_name("property"))
                .map(|p| text(p, src));
            let result = match property {
                Some("on" | "enabled" | "isEnabled") => value.state(),
                Some("off") => JsValue::Bool(!value.enabled),
                Some("value") => match reference.sdk.as_str() {
                    "flagsmith" => value.value_or_null(),
                    _ => value.served(),
                },
                _ => {
                    return Err(format!(
                        "{}: its result is used whole, not as .on or .value; fix it by hand",
                        reference.shape
                    ))
                }
            };
            (parent.unwrap_or(node), result)
        }
    };
    Ok(Read {
        node,
        action: ReadAction::Value(result),
    })
}

/// A flag component carrying the key as a prop.
fn component<'t>(key: Node<'t>, src: &[u8], value: &FlagValue) -> Result<Read<'t>, String> {
    let opening = ancestor(key, &["jsx_opening_element", "jsx_self_closing_element"], 4)
        .ok_or("a component prop outside an element")?;
    let name = opening
        .child_by_field_name("name")
        .map_or("", |n| text(n, src));
    if name.ends_with("FeatureString") {
        return Err(format!("<{name}> renders the flag's value; fix it by hand"));
    }
    let element = match opening.kind() {
        "jsx_opening_element" => opening.parent().ok_or("an element without a parent")?,
        _ => opening,
    };
    Ok(Read {
        node: element,
        action: ReadAction::Component { on: value.enabled },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, Lang};

    fn reference(sdk: &str, kind: RefKind, line: usize, column: usize) -> Reference {
        Reference {
            file: "a.tsx".into(),
            line,
            column,
            key: Some("x".into()),
            dynamic: None,
            sdk: sdk.into(),
            kind,
            case: None,
            span: 3,
            shape: "shape()".into(),
            via: Vec::new(),
        }
    }

    /// The read's text and action for a reference at the first `'x'` (or `x`) of `source`.
    fn read_at(
        source: &str,
        needle: &str,
        sdk: &str,
        kind: RefKind,
        value: &str,
    ) -> Result<(String, ReadAction), String> {
        let tree = parse(Lang::Tsx, source).unwrap();
        let offset = source.find(needle).unwrap();
        let line = source[..offset].matches('\n').count() + 1;
        let column = offset - super::super::layout::line_start(source, offset) + 1;
        let value = FlagValue::parse(value).unwrap();
        locate(
            tree.root_node(),
            source,
            &reference(sdk, kind, line, column),
            &value,
        )
        .map(|r| (text(r.node, source.as_bytes()).to_string(), r.action))
    }

    #[test]
    fn sdk_calls_become_their_state_or_value() {
        let on = ReadAction::Value(JsValue::Bool(true));
        assert_eq!(
            read_at(
                "if (flagsmith.hasFeature('x')) {}",
                "'x'",
                "flagsmith",
                RefKind::Call,
                "on"
            ),
            Ok(("flagsmith.hasFeature('x')".into(), on.clone()))
        );
        assert_eq!(
            read_at("gb.isOff('x')", "'x'", "growthbook", RefKind::Call, "on"),
            Ok((
                "gb.isOff('x')".into(),
                ReadAction::Value(JsValue::Bool(false))
            ))
        );
        assert_eq!(
            read_at(
                "flagsmith.getValue('x')",
                "'x'",
                "flagsmith",
                RefKind::Call,
                "\"blue\""
            ),
            Ok((
                "flagsmith.getValue('x')".into(),
                ReadAction::Value(JsValue::String("blue".into()))
            ))
        );
        assert_eq!(
            read_at(
                "useFeature('x').on",
                "'x'",
                "growthbook",
                RefKind::Hook,
                "on"
            ),
            Ok(("useFeature('x').on".into(), on.clone()))
        );
        assert_eq!(
            read_at("flags.x.enabled", "x.", "flagsmith", RefKind::Member, "off"),
            Ok((
                "flags.x.enabled".into(),
                ReadAction::Value(JsValue::Bool(false))
            ))
        );
    }

    #[test]
    fn a_wrapper_call_is_the_read() {
        assert_eq!(
            read_at(
                "const a = useUiFlag(FLAGS.X);",
                "FLAGS",
                "custom",
                RefKind::Call,
                "on"
            ),
            Ok((
                "useUiFlag(FLAGS.X)".into(),
                ReadAction::Value(JsValue::Bool(true))
            ))
        );
        assert_eq!(
            read_at(
                "this.flagResolver.isEnabled('x', ctx)",
                "'x'",
                "server",
                RefKind::Call,
                "off"
            ),
            Ok((
                "this.flagResolver.isEnabled('x', ctx)".into(),
                ReadAction::Value(JsValue::Bool(false))
            ))
        );
    }

    #[test]
    fn an_inferred_helper_call_is_the_read() {
        let tree_source = "const a = isOn(FLAGS.X) && other;";
        let tree = parse(Lang::Tsx, tree_source).unwrap();
        let mut through_helper = reference("flagsmith", RefKind::Call, 1, 16);
        through_helper.via = vec!["isOn".into()];
        let read = locate(
            tree.root_node(),
            tree_source,
            &through_helper,
            &FlagValue::parse("off").unwrap(),
        )
        .unwrap();
        assert_eq!(text(read.node, tree_source.as_bytes()), "isOn(FLAGS.X)");
        assert_eq!(read.action, ReadAction::Value(JsValue::Bool(false)));
    }

    #[test]
    fn lists_components_and_destructuring() {
        assert_eq!(
            read_at(
                "useFlags(['x', 'y'])",
                "'x'",
                "flagsmith",
                RefKind::Hook,
                "on"
            ),
            Ok(("'x'".into(), ReadAction::DropListed))
        );
        assert_eq!(
            read_at(
                "<IfFeatureEnabled feature=\"x\"><A /></IfFeatureEnabled>",
                "\"x\"",
                "growthbook",
                RefKind::Jsx,
                "off"
            ),
            Ok((
                "<IfFeatureEnabled feature=\"x\"><A /></IfFeatureEnabled>".into(),
                ReadAction::Component { on: false }
            ))
        );
        assert_eq!(
            read_at(
                "const { x, y } = useFlags();",
                "x,",
                "launchdarkly",
                RefKind::Member,
                "on"
            ),
            Ok(("x".into(), ReadAction::Destructured(JsValue::Bool(true))))
        );
    }

    #[test]
    fn reads_that_are_more_than_a_value_are_left_with_a_reason() {
        let err = read_at(
            "const f = useFeature('x');",
            "'x'",
            "growthbook",
            RefKind::Hook,
            "on",
        )
        .unwrap_err();
        assert!(err.contains("used whole"), "{err}");
        let err = read_at(
            "client.getVariant('x')",
            "'x'",
            "unleash",
            RefKind::Call,
            "on",
        )
        .unwrap_err();
        assert!(err.contains("by hand"), "{err}");
    }

    #[test]
    fn offsets_count_characters() {
        assert_eq!(offset_of("é = 1;\nab", 1, 2), Some(2));
        assert_eq!(offset_of("é = 1;\nab", 2, 2), Some(9));
        assert_eq!(offset_of("a", 3, 1), None);
    }
}
