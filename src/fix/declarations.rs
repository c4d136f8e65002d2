//! Declarations: the flag's own entries in the app's flag registries, in any file.
//!
//! - a member of a union of flag keys (`type FlagKey = | 'a' | 'x'`);
//! - a property of a flags type or interface (`type UiFlags = { x?: boolean }`);
//! - an entry of a flags object (`const flags = { x: parseEnvVarBoolean(...) }`,
//!   `experimental: { flags: { x: true } }`), and the object's own entry when it is left
//!   empty;
//! - a constant, enum member or object-map entry holding the key (`NEW_CHECKOUT =
//!   'new_checkout'`), when no file uses its name any more.
//!
//! A registry is told from other types and objects by its name (it speaks of flags,
//! features, toggles or experiments) or by its other members (two or more are keys of
//! known flags).

use std::collections::BTreeSet;
use std::ops::Range;

use tree_sitter::Node;

use super::layout;
use crate::parse::{property_name, string_value, text};

/// What one file declares for the flag.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Declarations {
    /// Spans to cut: registry entries.
    pub cuts: Vec<Range<usize>>,
    /// Declarations that go only when no code uses them any more: a name holding the key
    /// (`NEW_CHECKOUT`), a flags type's property, a member of a key type only guessed to
    /// be one. Each with what a use looks like, and the span to cut.
    pub named: Vec<(Needle, Range<usize>)>,
    /// Gates: `{ flag: 'x' }` in the app's own config (routes, menus) with the flag off,
    /// to report: what it gates would go too, and that is for a person to decide.
    pub gates_left: Vec<usize>,
}

/// What a use of a declaration looks like in code (comments never count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Needle {
    /// The name as an identifier: a constant, an enum member, a map entry.
    Name(String),
    /// The name as a property: `flags.x`, `{ x: true }`, `const { x } = flags`.
    Property(String),
    /// The key as a string literal: `'x'`, which may be checked against a key type.
    Quoted(String),
}

impl Needle {
    pub fn text(&self) -> &str {
        match self {
            Needle::Name(t) | Needle::Property(t) | Needle::Quoted(t) => t,
        }
    }

    /// Whether `node` is a use of this kind.
    pub fn used_by(&self, node: Node, src: &[u8]) -> bool {
        match (self, node.kind()) {
            (
                Needle::Name(name),
                "identifier" | "shorthand_property_identifier" | "type_identifier",
            ) => text(node, src) == name,
            (Needle::Name(name) | Needle::Property(name), "property_identifier") => {
                text(node, src) == name
            }
            (
                Needle::Property(name),
                "shorthand_property_identifier" | "shorthand_property_identifier_pattern",
            ) => text(node, src) == name,
            (Needle::Quoted(key) | Needle::Property(key), "string") => {
                string_value(node, src).as_deref() == Some(key.as_str())
            }
            _ => false,
        }
    }
}

/// Property names by which the app's own config gates something on a flag.
const GATES: &[&str] = &["flag", "featureFlag", "flagName", "toggle", "feature_flag"];

/// The flag `key`'s declarations in one parsed file. `known`: keys of all known flags;
/// `on`: whether the flag is removed as on.
pub fn find(
    source: &str,
    root: Node,
    key: &str,
    on: bool,
    known: &BTreeSet<String>,
) -> Declarations {
    let src = source.as_bytes();
    let mut found = Declarations::default();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "literal_type" if string_value_of(node, src).as_deref() == Some(key) => {
                // A member of a type named for flag keys goes with the reads; one only
                // guessed to list flags stays while code still spells the key as a string,
                // which that type may be checking (`feature === 'x'`).
                if let Some((cut, named_for_flags)) = union_member(source, node, known) {
                    if named_for_flags {
                        found.cuts.push(cut);
                    } else {
                        found.named.push((Needle::Quoted(key.to_string()), cut));
                    }
                }
                continue;
            }
            "property_signature" => {
                let named_key = node
                    .child_by_field_name("name")
                    .is_some_and(|n| property_name(n, src) == key);
                // A flags type's property stays while code still reads it by name.
                if named_key && registry(node.parent(), src, key, known) {
                    let cut = layout::whole_lines(
                        source,
                        node.start_byte()..end_with_separator(source, node),
                    );
                    found.named.push((Needle::Property(key.to_string()), cut));
                }
                continue;
            }
            "pair" => {
                let named_key = node
                    .child_by_field_name("key")
                    .is_some_and(|k| property_name(k, src) == key);
                if named_key && registry(node.parent(), src, key, known) {
                    found.cuts.extend(entry_cuts(source, node));
                    continue;
                }
                if let (Some(name), Some(value)) = (
                    node.child_by_field_name("key"),
                    node.child_by_field_name("value"),
                ) {
                    if string_value(value, src).as_deref() == Some(key) {
                        let property = property_name(name, src);
                        if GATES.contains(&property.as_str()) {
                            // `{ path: '/x', flag: 'x' }`: the gate goes with the flag on.
                            if on {
                                found.cuts.push(object_entry_cut(source, node));
                            } else {
                                found.gates_left.push(node.start_byte());
                            }
                        } else {
                            found
                                .named
                                .push((Needle::Name(property), object_entry_cut(source, node)));
                        }
                    }
                }
            }
            // `flags: { x }`, the value from a variable of the same name.
            "shorthand_property_identifier"
                if text(node, src) == key
                    && node.parent().is_some_and(|o| o.kind() == "object")
                    && registry(node.parent(), src, key, known) =>
            {
                found.cuts.extend(entry_cuts(source, node));
                continue;
            }
            "enum_assignment" | "property_identifier"
                if node.parent().is_some_and(|p| p.kind() == "enum_body") =>
            {
                let name = node.child_by_field_name("name").unwrap_or(node);
                let value = node.child_by_field_name("value");
                let holds = text(name, src) == key
                    || value.and_then(|v| string_value(v, src)).as_deref() == Some(key);
                if holds {
                    let cut = layout::whole_lines(
                        source,
                        node.start_byte()..end_with_separator(source, node),
                    );
                    found
                        .named
                        .push((Needle::Name(text(name, src).to_string()), cut));
                }
                continue;
            }
            "variable_declarator" => {
                let holds = node
                    .child_by_field_name("value")
                    .and_then(|v| string_value(v, src))
                    .is_some_and(|v| v == key);
                let name = node
                    .child_by_field_name("name")
                    .filter(|n| n.kind() == "identifier");
                let declaration = node.parent();
                let module_level = declaration
                    .and_then(|d| d.parent())
                    .is_some_and(|p| p.kind() == "program" || p.kind() == "export_statement");
                let single = declaration.is_some_and(|d| {
                    let mut c = d.walk();
                    let count = d
                        .named_children(&mut c)
                        .filter(|x| x.kind() == "variable_declarator")
                        .count();
                    count == 1
                });
                if let (true, Some(name), true, true, Some(declaration)) =
                    (holds, name, module_level, single, declaration)
                {
                    let statement = match declaration.parent() {
                        Some(p) if p.kind() == "export_statement" => p,
                        _ => declaration,
                    };
                    found.named.push((
                        Needle::Name(text(name, src).to_string()),
                        layout::statement_span(source, statement),
                    ));
                }
            }
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    found
}

/// A member's end with the `;` or `,` that follows it.
fn end_with_separator(source: &str, node: Node) -> usize {
    let end = node.end_byte();
    match source[end..].chars().next() {
        Some(';' | ',') => end + 1,
        _ => end,
    }
}

fn string_value_of(literal_type: Node, src: &[u8]) -> Option<String> {
    string_value(literal_type.named_child(0)?, src)
}

/// The cut for one member of a union of keys, with its `|`, and whether the type's name
/// says it lists flag keys.
fn union_member(
    source: &str,
    member: Node,
    known: &BTreeSet<String>,
) -> Option<(Range<usize>, bool)> {
    let src = source.as_bytes();
    let union = member.parent().filter(|p| p.kind() == "union_type")?;
    // The whole union, through its nesting: `(a | b) | c`.
    let mut top = union;
    while let Some(parent) = top.parent().filter(|p| p.kind() == "union_type") {
        top = parent;
    }
    let alias = top
        .parent()
        .filter(|p| p.kind() == "type_alias_declaration")
        .and_then(|a| a.child_by_field_name("name"))
        .map(|n| text(n, src));
    let mut members = Vec::new();
    union_members(top, src, &mut members);
    let key = string_value_of(member, src).unwrap_or_default();
    let siblings_known = members
        .iter()
        .filter(|m| **m != key && known.contains(*m))
        .count()
        >= 2;
    let named_for_flags = alias.is_some_and(|a| names_flags(a, false));
    if !(alias.is_some_and(|a| names_flags(a, siblings_known))
        || siblings_known && members.len() > 3)
    {
        return None;
    }
    // The `|` before the member, or after it for the first member without a leading `|`.
    let bar_before = member.prev_sibling().filter(|s| s.kind() == "|");
    if let Some(bar) = bar_before {
        if layout::starts_line(source, bar.start_byte()) {
            let cut = layout::whole_lines(source, bar.start_byte()..member.end_byte());
            return Some((cut, named_for_flags));
        }
        let before = source[..bar.start_byte()]
            .trim_end_matches([' ', '\t'])
            .len();
        return Some((before..member.end_byte(), named_for_flags));
    }
    // The first member: `'x' | 'y'` loses `'x' | `.
    let bar = member.next_sibling().filter(|s| s.kind() == "|")?;
    let after = bar
        .next_sibling()
        .map_or(bar.end_byte(), |n| n.start_byte());
    Some((member.start_byte()..after, named_for_flags))
}

fn union_members(node: Node, src: &[u8], out: &mut Vec<String>) {
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "union_type" => union_members(child, src, out),
            "literal_type" => {
                if let Some(value) = string_value_of(child, src) {
                    out.push(value);
                }
            }
            _ => {}
        }
    }
}

/// Whether a type body or object is a flag registry: its name says so, or two or more of
/// its other members are keys of known flags.
fn registry(container: Option<Node>, src: &[u8], key: &str, known: &BTreeSet<String>) -> bool {
    let Some(container) = container else {
        return false;
    };
    let mut cursor = container.walk();
    let members: Vec<String> = container
        .named_children(&mut cursor)
        .filter_map(|m| {
            m.child_by_field_name("name")
                .or(m.child_by_field_name("key"))
                .map(|n| property_name(n, src))
        })
        .collect();
    let siblings_known = members
        .iter()
        .filter(|name| *name != key && known.contains(*name))
        .count()
        >= 2;
    match container_name(container, src) {
        Some(name) => names_flags(name, siblings_known),
        None => siblings_known && members.len() > 3,
    }
}

/// The name a type body or object literal is declared under.
fn container_name<'s>(container: Node, src: &'s [u8]) -> Option<&'s str> {
    let parent = container.parent()?;
    let named = match parent.kind() {
        "interface_declaration" | "type_alias_declaration" | "variable_declarator" => {
            parent.child_by_field_name("name")
        }
        "pair" => parent.child_by_field_name("key"),
        "type_annotation" => {
            // `flags: { x?: boolean }` inside another type.
            return parent
                .parent()
                .and_then(|p| p.child_by_field_name("name"))
                .map(|n| text(n, src));
        }
        "extends_type_clause" | "interface_body" => None,
        _ => None,
    }?;
    Some(text(named, src))
}

/// Whether a type's or object's name says it lists flags: "flag" and "toggle" say so;
/// "feature" and "experiment" (`AppFeatures`, but also `CommercialFeature`) only with
/// other members that are flags too.
fn names_flags(name: &str, siblings_known: bool) -> bool {
    let lower = name.to_ascii_lowercase();
    let strong = ["flag", "toggle"].iter().any(|word| lower.contains(word));
    let weak = ["feature", "experiment"]
        .iter()
        .any(|word| lower.contains(word));
    strong || weak && siblings_known
}

fn flaggy(name: &str) -> bool {
    names_flags(name, false) || name.to_ascii_lowercase().contains("experiment")
}

/// The cut for a registry entry; when it is the object's only entry and the object is
/// itself a flaggy entry (`flags: { x: true }`), that entry goes instead.
fn entry_cuts(source: &str, pair: Node) -> Vec<Range<usize>> {
    let src = source.as_bytes();
    let Some(object) = pair.parent() else {
        return Vec::new();
    };
    let mut cursor = object.walk();
    let entries: Vec<Node> = object
        .named_children(&mut cursor)
        .filter(|e| e.kind() != "comment")
        .collect();
    if entries.len() == 1 {
        if let Some(outer) = object.parent().filter(|p| p.kind() == "pair") {
            let outer_flaggy = outer
                .child_by_field_name("key")
                .is_some_and(|k| flaggy(&property_name(k, src)));
            if outer_flaggy {
                return entry_cuts(source, outer);
            }
        }
    }
    vec![object_entry_cut(source, pair)]
}

/// One object entry with its comma.
fn object_entry_cut(source: &str, pair: Node) -> Range<usize> {
    let Some(object) = pair.parent() else {
        return pair.start_byte()..pair.end_byte();
    };
    let mut cursor = object.walk();
    let entries: Vec<Node> = object
        .named_children(&mut cursor)
        .filter(|e| e.kind() != "comment")
        .collect();
    let gone: Vec<bool> = entries.iter().map(|e| *e == pair).collect();
    layout::list_cuts(source, &entries, &gone)
        .into_iter()
        .next()
        .unwrap_or(pair.start_byte()..pair.end_byte())
}

/// Whether `name` occurs in `text` as a whole word outside `except`.
pub fn mentions(text: &str, name: &str, except: &Range<usize>) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let end = at + name.len();
        whole_word(text, at, end) && !(except.start <= at && end <= except.end)
    })
}

/// Whether `text[at..end]` is not part of a longer name.
pub fn whole_word(text: &str, at: usize, end: usize) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    !(text[..at].chars().next_back().is_some_and(word)
        || text[end..].chars().next().is_some_and(word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, Lang};

    fn cut(source: &str, key: &str) -> (String, Vec<String>) {
        let tree = parse(Lang::Tsx, source).unwrap();
        let known: BTreeSet<String> = ["a", "b", "c", "x"].iter().map(|s| s.to_string()).collect();
        let found = find(source, tree.root_node(), key, true, &known);
        let mut cuts = found.cuts.clone();
        cuts.sort_by_key(|c| std::cmp::Reverse(c.start));
        let mut out = source.to_string();
        for c in cuts {
            out.replace_range(c, "");
        }
        (
            out,
            found
                .named
                .iter()
                .map(|(n, _)| n.text().to_string())
                .collect(),
        )
    }

    #[test]
    fn union_members_of_a_flag_key_type() {
        let union_cut = |source: &str| {
            let tree = parse(Lang::Tsx, source).unwrap();
            let known: BTreeSet<String> = ["a", "b", "sso"].iter().map(|s| s.to_string()).collect();
            let found = find(source, tree.root_node(), "x", true, &known);
            let mut cuts = found.cuts.clone();
            for (needle, cut) in found.named {
                assert_eq!(
                    needle,
                    Needle::Quoted("x".into()),
                    "a guessed registry waits"
                );
                cuts.push(cut);
            }
            let mut out = source.to_string();
            for cut in cuts {
                out.replace_range(cut, "");
            }
            out
        };
        let source = "export type IFlagKey =\n    | 'a'\n    | 'x'\n    | 'b';\n";
        assert_eq!(
            union_cut(source),
            "export type IFlagKey =\n    | 'a'\n    | 'b';\n"
        );
        let source = "type FlagKey = 'x' | 'a';\n";
        assert_eq!(union_cut(source), "type FlagKey = 'a';\n");
        let source = "type Size = 'x' | 'l';\n";
        assert_eq!(union_cut(source), source, "not a registry");
        let source = "type CommercialFeature = 'x' | 'sso' | 'audit';\n";
        assert_eq!(union_cut(source), source, "features that are not flags");
        let source = "type AppFeatures = 'x' | 'a' | 'b';\n";
        assert_eq!(
            union_cut(source),
            "type AppFeatures = 'a' | 'b';\n",
            "features that are flags"
        );
    }

    #[test]
    fn gates_in_the_apps_config_go_with_the_flag_on() {
        let source = "const routes = [\n    {\n        path: '/a',\n        flag: 'x',\n        menu: {},\n    },\n];\n";
        assert_eq!(
            cut(source, "x").0,
            "const routes = [\n    {\n        path: '/a',\n        menu: {},\n    },\n];\n"
        );
        let tree = parse(Lang::Tsx, source).unwrap();
        let off = find(source, tree.root_node(), "x", false, &BTreeSet::new());
        assert!(off.cuts.is_empty());
        assert_eq!(off.gates_left.len(), 1);
    }

    #[test]
    fn properties_and_entries_of_registries() {
        let source = "export type UiFlags = {\n    a?: boolean;\n    x?: boolean;\n};\n";
        let tree = parse(Lang::Tsx, source).unwrap();
        let found = find(source, tree.root_node(), "x", true, &BTreeSet::new());
        let (needle, property) = &found.named[0];
        assert_eq!(
            needle,
            &Needle::Property("x".into()),
            "waits for the property's readers"
        );
        assert_eq!(&source[property.clone()], "    x?: boolean;\n");
        let source = "const flags = {\n    a: false,\n    x: parse(\n        env.X,\n    ),\n    b: true,\n};\n";
        assert_eq!(
            cut(source, "x").0,
            "const flags = {\n    a: false,\n    b: true,\n};\n"
        );
        let source = "setup({\n    version: 1,\n    flags: {\n        x: true,\n    },\n});\n";
        assert_eq!(cut(source, "x").0, "setup({\n    version: 1,\n});\n");
        let source = "setup({\n    version: 1,\n    experimental: { flags: { x: true } },\n});\n";
        assert_eq!(cut(source, "x").0, "setup({\n    version: 1,\n});\n");
        let source = "setup({\n    version: 1,\n    experimental: { flags: { x } },\n});\n";
        assert_eq!(cut(source, "x").0, "setup({\n    version: 1,\n});\n");
        let source = "const sizes = { x: 1, l: 2 };\n";
        assert_eq!(cut(source, "x").0, source, "not a registry");
    }

    #[test]
    fn names_holding_the_key_wait_for_every_file() {
        let source =
            "export const NEW = 'x';\nenum Flags { X = 'x', A = 'a' }\nconst FLAGS = { N: 'x' };\n";
        let (_, named) = cut(source, "x");
        assert_eq!(
            named,
            vec!["N".to_string(), "X".to_string(), "NEW".to_string()]
        );
    }

    #[test]
    fn mentions_are_whole_words() {
        assert!(mentions("use(NEW)", "NEW", &(0..0)));
        assert!(!mentions("use(NEWER)", "NEW", &(0..0)));
        assert!(!mentions("const NEW = 1", "NEW", &(0..13)));
    }
}
