//! Matching: one compiled query run over one parsed file, its predicates checked by the
//! resolver, and each match turned into [`Reference`]s with resolved keys.

use tree_sitter::{Node, QueryCursor, StreamingIterator};

use super::{CompiledQuery, Matcher, Predicate};
use crate::parse::{property_name, string_value, text};
use crate::prefilter::in_set;
use crate::reference::{Dynamic, RefKind, Reference};
use crate::resolve::{Key, Module, Origin, ParamKey, Project};

/// A dynamic expression is shown up to this many characters.
const MAX_EXPRESSION_CHARS: usize = 120;

/// A read whose key is a parameter of the function around it: the seed of a flag helper.
#[derive(Debug, Clone)]
pub struct Seed {
    pub param: ParamKey,
    /// The SDK (index into the matcher's SDKs) the read goes to in the end.
    pub sdk: usize,
    pub case: Option<String>,
    /// The helpers between this read and the SDK, outermost first.
    pub via: Vec<String>,
    /// The dynamic reference the read is when the function around it is no helper.
    pub fallback: Reference,
}

/// What the SDK queries found in one file: references, and the reads whose key is a
/// parameter of the function around them (the seeds of flag helpers).
#[derive(Default)]
pub struct Found {
    pub references: Vec<Reference>,
    pub seeds: Vec<Seed>,
}

/// The app's names for SDK functions: `useFlags` -> `useAllFlags` for a hook that returns
/// `useFlags()`. A file that calls the app's name reads the SDK's results without spelling
/// the SDK's.
pub type Aliases = std::collections::HashMap<String, Vec<String>>;

/// Every reference in one parsed file.
/// `sdks`: the SDKs whose trigger words the file holds; other SDKs' patterns are passed over.
#[allow(clippy::too_many_arguments)]
pub fn find_references(
    matcher: &Matcher,
    compiled: &CompiledQuery,
    sdks: u64,
    project: &Project,
    cursor: &mut QueryCursor,
    module: &Module,
    file: &str,
    aliases: &Aliases,
) -> Found {
    let source = module.source.as_bytes();
    let mut references = Vec::new();
    let mut seeds = Vec::new();
    let mut mentions = Mentions {
        aliases,
        seen: Default::default(),
    };
    let mut matches = cursor.matches(&compiled.query, module.tree.root_node(), source);
    while let Some(found) = matches.next() {
        let Some(info) = compiled.patterns.get(found.pattern_index) else {
            continue;
        };
        if !in_set(sdks, info.sdk) {
            continue;
        }
        let Some(sdk) = matcher.sdks.get(info.sdk) else {
            continue;
        };
        let node_of = |capture: u32| {
            found
                .captures
                .iter()
                .find(|c| c.index == capture)
                .map(|c| c.node)
        };
        let mut origin: Option<Origin> = None;
        let holds = info.predicates.iter().all(|predicate| match predicate {
            // A name the code never spells cannot be bound, imported or called here:
            // checking the text first spares resolving every member expression of the file.
            Predicate::Sdk { names, .. } | Predicate::SdkFrom { names, .. }
                if !names.is_empty() && !mentions.any(source, names) =>
            {
                false
            }
            Predicate::Sdk { capture, names } => node_of(*capture)
                .and_then(|n| project.sdk_origin(module, n, &sdk.packages))
                .is_some_and(|o| {
                    names.is_empty() || o.name.as_ref().is_some_and(|n| names.contains(n))
                }),
            Predicate::SdkFrom { capture, names } => {
                origin = node_of(*capture)
                    .and_then(|n| project.sdk_origin(module, n, &sdk.packages))
                    .filter(|o| o.called.as_ref().is_some_and(|c| names.contains(c)));
                origin.is_some()
            }
            Predicate::ListedInOriginArg { key, argument } => {
                let listed = origin
                    .as_ref()
                    .and_then(|o| o.listed.get(*argument).cloned())
                    .flatten();
                match (listed, node_of(*key)) {
                    (Some(listed), Some(key)) => listed.contains(&property_name(key, source)),
                    (None, _) => true,
                    (Some(_), None) => false,
                }
            }
            Predicate::Imports { names } => project.imports_any(module, &sdk.packages, names),
            Predicate::FromCall { capture, callee } => {
                node_of(*capture).is_some_and(|n| module.holds_result_of(n, callee))
            }
        });
        if !holds {
            continue;
        }
        let Some(reference_node) = node_of(info.reference_capture) else {
            continue;
        };
        let shape = shape_of(reference_node, source);
        let reference_at = |node: Node, key: Option<String>, dynamic: Option<Dynamic>| {
            let (line, column) = position(node, source);
            Reference {
                file: file.to_string(),
                line,
                column,
                key,
                dynamic,
                sdk: sdk.name.clone(),
                kind: info.kind,
                case: info.case.clone(),
                span: first_line_chars(node, source),
                shape: shape.clone(),
                via: Vec::new(),
            }
        };
        let key_nodes = found
            .captures
            .iter()
            .filter(|c| Some(c.index) == compiled.key_capture)
            .map(|c| c.node)
            .filter(|n| n.kind() != "comment");
        for key_node in key_nodes {
            // `all.hasOwnProperty(k)`, `flags.get(k)`: a method of the map, not a flag.
            if info.kind == RefKind::Member && is_called_method(key_node) {
                continue;
            }
            // An inline array gives one reference per element, each at its own place;
            // a named one (`useFlags(FEATURE_FLAGS)`) gives them all at the argument.
            let keyed: Vec<(Node, Key)> = if key_node.kind() == "array" {
                let mut cursor = key_node.walk();
                let elements: Vec<Node> = key_node
                    .named_children(&mut cursor)
                    .filter(|e| e.kind() != "comment")
                    .collect();
                elements
                    .into_iter()
                    .map(|e| (e, key_of(project, module, e)))
                    .collect()
            } else {
                match key_of(project, module, key_node) {
                    Key::List(keys) => keys.into_iter().map(|k| (key_node, k)).collect(),
                    key => vec![(key_node, key)],
                }
            };
            for (key_node, key) in keyed {
                let key = match &sdk.wrapper {
                    Some(wrapper) => wrapper.service_key(key),
                    None => key,
                };
                let dynamic = |prefix| Dynamic {
                    expression: expression_text(key_node, source),
                    prefix,
                };
                match key {
                    Key::Known(key) => references.push(reference_at(key_node, Some(key), None)),
                    // A declared wrapper's own key is never a helper's parameter.
                    Key::Param(param) if sdk.wrapper.is_none() => seeds.push(Seed {
                        fallback: reference_at(key_node, None, Some(dynamic(key_prefix(&param)))),
                        param,
                        sdk: info.sdk,
                        case: info.case.clone(),
                        via: Vec::new(),
                    }),
                    unknown => references.push(reference_at(
                        key_node,
                        None,
                        Some(dynamic(unknown.known_prefix())),
                    )),
                }
            }
        }
        if let Some(fixed) = &info.fixed_key {
            references.push(reference_at(reference_node, Some(fixed.clone()), None));
        }
    }
    Found { references, seeds }
}

/// Whether a property name is the method of a call: `all.hasOwnProperty` in
/// `all.hasOwnProperty(k)`.
fn is_called_method(key: Node) -> bool {
    key.kind() == "property_identifier"
        && key.parent().is_some_and(|member| {
            member.kind() == "member_expression"
                && member.parent().is_some_and(|call| {
                    call.kind() == "call_expression"
                        && call
                            .child_by_field_name("function")
                            .is_some_and(|f| f.id() == member.id())
                })
        })
}

fn key_prefix(param: &ParamKey) -> Option<String> {
    Some(param.prefix.clone()).filter(|p| !p.is_empty())
}

/// Which SDK names a file's text contains (or an app name standing for one), looked up
/// once per name.
struct Mentions<'a> {
    aliases: &'a Aliases,
    seen: std::collections::HashMap<String, bool>,
}

impl Mentions<'_> {
    fn any(&mut self, source: &[u8], names: &[String]) -> bool {
        names.iter().any(|name| match self.seen.get(name.as_str()) {
            Some(&seen) => seen,
            None => {
                let spelled = |word: &str| memchr::memmem::find(source, word.as_bytes()).is_some();
                let seen = spelled(name)
                    || self
                        .aliases
                        .get(name)
                        .is_some_and(|names| names.iter().any(|n| spelled(n)));
                self.seen.insert(name.clone(), seen);
                seen
            }
        })
    }
}

/// A key node: an expression to follow, or a property name that is the key itself.
pub(super) fn key_of(project: &Project, module: &Module, node: Node) -> Key {
    let source = module.source.as_bytes();
    match node.kind() {
        "property_identifier" | "shorthand_property_identifier_pattern" => {
            Key::Known(text(node, source).to_string())
        }
        "string" => string_value(node, source).map_or(Key::Dynamic { prefix: None }, Key::Known),
        "computed_property_name" => match node.named_child(0) {
            Some(inner) => project.key(module, inner),
            None => Key::Dynamic { prefix: None },
        },
        _ => project.key(module, node),
    }
}

/// 1-based line and column in characters.
pub(super) fn position(node: Node, source: &[u8]) -> (usize, usize) {
    let point = node.start_position();
    let line_start = node.start_byte() - point.column;
    let column = std::str::from_utf8(&source[line_start..node.start_byte()])
        .map(|s| s.chars().count())
        .unwrap_or(point.column);
    (point.row + 1, column + 1)
}

/// How many characters of a node stand on its first line.
pub(super) fn first_line_chars(node: Node, source: &[u8]) -> usize {
    text(node, source)
        .lines()
        .next()
        .map_or(1, |line| line.chars().count())
}

pub(super) fn expression_text(node: Node, source: &[u8]) -> String {
    let collapsed = text(node, source)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if collapsed.chars().count() <= MAX_EXPRESSION_CHARS {
        return collapsed;
    }
    let mut cut: String = collapsed.chars().take(MAX_EXPRESSION_CHARS).collect();
    cut.push('…');
    cut
}

/// How the code reads the flag, for people: `flagsmith.hasFeature()`, `flags.<key>`.
pub(super) fn shape_of(node: Node, source: &[u8]) -> String {
    // Line breaks inside a chained call go; spaces between words (`await x`) stay.
    let collapse = |n: Node| {
        text(n, source)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace(" .", ".")
            .replace(" ?.", "?.")
    };
    match node.kind() {
        "call_expression" => node
            .child_by_field_name("function")
            .map(|f| format!("{}()", collapse(f)))
            .unwrap_or_default(),
        "member_expression" | "subscript_expression" => node
            .child_by_field_name("object")
            .map(|o| format!("{}.<key>", collapse(o)))
            .unwrap_or_default(),
        "jsx_opening_element" | "jsx_self_closing_element" => node
            .child_by_field_name("name")
            .map(|n| format!("<{}>", collapse(n)))
            .unwrap_or_default(),
        _ => expression_text(node, source),
    }
}
