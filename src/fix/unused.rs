//! Unused: what folding left without a use goes too. Imports (named, default, whole
//! statements), local variables, functions and classes, hook calls whose only result
//! died, and private class fields nothing reads any more.
//!
//! Only names that had uses before and have none now are touched: code that was unused
//! already is someone else's business. A declaration goes only when dropping it has no
//! effect: its initializer is free of effects, or a hook or flag read (engineers treat
//! those as effect-free). Names are counted per file, whatever their scope, so a name
//! shadowed and used elsewhere in the file keeps its declaration.

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use super::edit::Pieces;
use super::layout;
use crate::parse::text;

/// What removing unused code did, for what other files may lose in turn.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Removed {
    /// Imports that lost names or went: the module specifier and the names it lost.
    pub imports: Vec<(String, Vec<String>)>,
}

/// A declaration that may go when its names lost every use.
struct Candidate<'t> {
    names: Vec<String>,
    /// Where the names are used: identifiers, or `this.x` reads for a private field.
    kind: CandidateKind,
    /// The spans to cut when it goes.
    cuts: Vec<Range<usize>>,
    /// The node removed, for the uses inside it that die with it.
    node: Node<'t>,
    /// A span that is still here as long as the candidate is (not cut already).
    anchor: Range<usize>,
    import_from: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum CandidateKind {
    Name,
    PrivateField,
}

/// Cuts what lost its last use from `pieces`. `reads`: the spans of flag reads in the
/// file (all flags), which count as effect-free calls.
pub fn remove_unused(
    source: &str,
    root: Node,
    pieces: &mut Pieces,
    reads: &[Range<usize>],
) -> Removed {
    let src = source.as_bytes();
    let mut uses: HashMap<String, Vec<Range<usize>>> = HashMap::new();
    let mut field_reads: HashMap<String, Vec<Range<usize>>> = HashMap::new();
    collect_uses(root, src, &mut uses, &mut field_reads);
    let mut candidates = Vec::new();
    collect_candidates(root, src, reads, &mut candidates);
    let mut removed = Removed::default();
    let mut done = vec![false; candidates.len()];
    loop {
        let mut progress = false;
        for (index, candidate) in candidates.iter().enumerate() {
            if done[index] {
                continue;
            }
            let table = match candidate.kind {
                CandidateKind::Name => &uses,
                CandidateKind::PrivateField => &field_reads,
            };
            let dead = candidate.names.iter().all(|name| {
                let used = table.get(name).map(Vec::as_slice).unwrap_or(&[]);
                !used.is_empty()
                    && !used
                        .iter()
                        .any(|u| pieces.keeps(u) && !within(u, candidate.node))
            });
            // Still present itself (not cut by folding already).
            let present = pieces.keeps(&candidate.anchor);
            if dead && present {
                for cut in &candidate.cuts {
                    pieces.cut(cut.clone());
                }
                if let Some(from) = &candidate.import_from {
                    removed
                        .imports
                        .push((from.clone(), candidate.names.clone()));
                }
                done[index] = true;
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }
    removed
}

fn within(range: &Range<usize>, node: Node) -> bool {
    node.start_byte() <= range.start && range.end <= node.end_byte()
}

/// Every use of a name (not its declaration) and every `this.x` read.
fn collect_uses(
    node: Node,
    src: &[u8],
    uses: &mut HashMap<String, Vec<Range<usize>>>,
    field_reads: &mut HashMap<String, Vec<Range<usize>>>,
) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "identifier" | "type_identifier" | "shorthand_property_identifier"
                if !is_declaration_site(node) =>
            {
                uses.entry(text(node, src).to_string())
                    .or_default()
                    .push(node.start_byte()..node.end_byte());
            }
            "member_expression" => {
                let object = node.child_by_field_name("object");
                let property = node.child_by_field_name("property");
                if let (Some(object), Some(property)) = (object, property) {
                    let assigned = node.parent().is_some_and(|p| {
                        p.kind() == "assignment_expression"
                            && p.child_by_field_name("left") == Some(node)
                    });
                    if object.kind() == "this" && !assigned {
                        field_reads
                            .entry(text(property, src).to_string())
                            .or_default()
                            .push(property.start_byte()..property.end_byte());
                    }
                }
            }
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
}

/// An identifier that declares its name rather than uses it.
fn is_declaration_site(node: Node) -> bool {
    let Some(parent) = node.parent() else {
        return false;
    };
    let field = |name: &str| parent.child_by_field_name(name) == Some(node);
    match parent.kind() {
        "variable_declarator" => field("name"),
        "function_declaration"
        | "class_declaration"
        | "abstract_class_declaration"
        | "generator_function_declaration"
        | "type_alias_declaration"
        | "interface_declaration"
        | "enum_declaration"
        | "function_expression"
        | "class" => field("name"),
        "import_specifier" => {
            parent.child_by_field_name("alias") == Some(node)
                || parent.child_by_field_name("alias").is_none()
        }
        "import_clause" | "namespace_import" => true,
        "type_parameter" => field("name"),
        "required_parameter" | "optional_parameter" => field("pattern"),
        "formal_parameters" | "array_pattern" | "rest_pattern" => true,
        "pair_pattern" => field("value"),
        "assignment_pattern" | "object_assignment_pattern" => field("left"),
        "arrow_function" => field("parameter"),
        "catch_clause" => field("parameter"),
        _ => false,
    }
}

fn collect_candidates<'t>(
    root: Node<'t>,
    src: &[u8],
    reads: &[Range<usize>],
    out: &mut Vec<Candidate<'t>>,
) {
    let source = std::str::from_utf8(src).unwrap_or("");
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "import_statement" => import_candidates(node, source, out),
            "lexical_declaration" | "variable_declaration"
                if !node.parent().is_some_and(|p| {
                    p.kind() == "export_statement" || p.kind().starts_with("for")
                }) =>
            {
                declarator_candidates(node, source, reads, out)
            }
            "function_declaration" | "class_declaration" | "generator_function_declaration"
                if node.parent().is_none_or(|p| p.kind() != "export_statement") =>
            {
                if let Some(name) = node.child_by_field_name("name") {
                    out.push(Candidate {
                        names: vec![text(name, src).to_string()],
                        kind: CandidateKind::Name,
                        cuts: vec![layout::statement_span(source, node)],
                        node,
                        anchor: node.start_byte()..node.end_byte(),
                        import_from: None,
                    });
                }
            }
            "class_body" => field_candidates(node, source, reads, out),
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
}

fn import_candidates<'t>(import: Node<'t>, source: &str, out: &mut Vec<Candidate<'t>>) {
    let src = source.as_bytes();
    let Some(clause) = crate::parse::named_child_of_kind(import, "import_clause") else {
        return;
    };
    let from = import
        .child_by_field_name("source")
        .and_then(|s| crate::parse::string_value(s, src));
    // Every local name with the node that binds it and what is cut when it goes alone.
    let mut bindings: Vec<(String, Node<'t>)> = Vec::new();
    let mut named_imports = None;
    let mut cursor = clause.walk();
    for part in clause.named_children(&mut cursor) {
        match part.kind() {
            "identifier" => bindings.push((text(part, src).to_string(), part)),
            "namespace_import" => {
                if let Some(name) = part.named_child(0) {
                    bindings.push((text(name, src).to_string(), part));
                }
            }
            "named_imports" => {
                named_imports = Some(part);
                let mut inner = part.walk();
                for specifier in part.named_children(&mut inner) {
                    if specifier.kind() != "import_specifier" {
                        continue;
                    }
                    let local = specifier
                        .child_by_field_name("alias")
                        .or(specifier.child_by_field_name("name"));
                    if let Some(local) = local {
                        bindings.push((text(local, src).to_string(), specifier));
                    }
                }
            }
            _ => {}
        }
    }
    if bindings.is_empty() {
        return;
    }
    // The whole statement, when every name goes.
    out.push(Candidate {
        names: bindings.iter().map(|(n, _)| n.clone()).collect(),
        kind: CandidateKind::Name,
        cuts: vec![layout::statement_span(source, import)],
        node: import,
        anchor: import
            .child_by_field_name("source")
            .map_or(import.start_byte()..import.end_byte(), |s| {
                s.start_byte()..s.end_byte()
            }),
        import_from: from.clone(),
    });
    if bindings.len() == 1 {
        return;
    }
    // Each name on its own.
    let specifiers: Vec<Node> = named_imports
        .map(|n| {
            let mut c = n.walk();
            n.named_children(&mut c)
                .filter(|s| s.kind() == "import_specifier")
                .collect()
        })
        .unwrap_or_default();
    for (name, node) in &bindings {
        let cuts = if node.kind() == "import_specifier" {
            let gone: Vec<bool> = specifiers.iter().map(|s| s == node).collect();
            let mut cuts = layout::list_cuts(source, &specifiers, &gone);
            // The last named import going, with a default import left: `A, { b }` is `A`.
            if specifiers.len() == 1 {
                if let Some(named_imports) = named_imports {
                    let start = named_imports
                        .prev_sibling()
                        .filter(|p| p.kind() == ",")
                        .map_or(named_imports.start_byte(), |p| p.start_byte());
                    cuts = std::iter::once(start..named_imports.end_byte()).collect();
                }
            }
            cuts
        } else {
            // A default or namespace import beside named ones: `A, { b }` is `{ b }`.
            let end = node
                .next_sibling()
                .filter(|n| n.kind() == ",")
                .and_then(|comma| comma.next_sibling())
                .map_or(node.end_byte(), |n| n.start_byte());
            std::iter::once(node.start_byte()..end).collect()
        };
        out.push(Candidate {
            names: vec![name.clone()],
            kind: CandidateKind::Name,
            cuts,
            node: *node,
            anchor: node.start_byte()..node.end_byte(),
            import_from: from.clone(),
        });
    }
}

fn declarator_candidates<'t>(
    declaration: Node<'t>,
    source: &str,
    reads: &[Range<usize>],
    out: &mut Vec<Candidate<'t>>,
) {
    let src = source.as_bytes();
    let mut cursor = declaration.walk();
    let declarators: Vec<Node<'t>> = declaration
        .named_children(&mut cursor)
        .filter(|d| d.kind() == "variable_declarator")
        .collect();
    for (index, declarator) in declarators.iter().enumerate() {
        let Some(name) = declarator.child_by_field_name("name") else {
            continue;
        };
        let value = declarator.child_by_field_name("value");
        if value.is_some_and(|v| !droppable(v, src, reads)) {
            continue;
        }
        let whole = if declarators.len() == 1 {
            vec![layout::statement_span(source, declaration)]
        } else {
            let gone: Vec<bool> = (0..declarators.len()).map(|i| i == index).collect();
            layout::list_cuts(source, &declarators, &gone)
        };
        match name.kind() {
            "identifier" => out.push(Candidate {
                names: vec![text(name, src).to_string()],
                kind: CandidateKind::Name,
                cuts: whole,
                node: *declarator,
                anchor: declarator.start_byte()..declarator.end_byte(),
                import_from: None,
            }),
            "object_pattern" => {
                let mut inner = name.walk();
                let properties: Vec<Node<'t>> = name
                    .named_children(&mut inner)
                    .filter(|p| p.kind() != "comment")
                    .collect();
                // `...rest` holds the properties not named: dropping one would add it there.
                if properties.iter().any(|p| p.kind() == "rest_pattern") {
                    continue;
                }
                let mut names = Vec::new();
                for (i, property) in properties.iter().enumerate() {
                    let mut bound = Vec::new();
                    bound_names(*property, src, &mut bound);
                    if bound.is_empty() {
                        names.clear();
                        break;
                    }
                    names.extend(bound.iter().cloned());
                    let gone: Vec<bool> = (0..properties.len()).map(|j| j == i).collect();
                    out.push(Candidate {
                        names: bound,
                        kind: CandidateKind::Name,
                        cuts: layout::list_cuts(source, &properties, &gone),
                        node: *property,
                        anchor: property.start_byte()..property.end_byte(),
                        import_from: None,
                    });
                }
                if !names.is_empty() {
                    // Every property going: the declaration goes, call and all.
                    out.push(Candidate {
                        names,
                        kind: CandidateKind::Name,
                        cuts: whole,
                        node: *declarator,
                        anchor: value.map_or(name.start_byte()..name.end_byte(), |v| {
                            v.start_byte()..v.end_byte()
                        }),
                        import_from: None,
                    });
                }
            }
            _ => {}
        }
    }
}

/// The names a destructuring pattern binds: `a`, `{ b: c }` binds c, `{ d: { e } }` binds e.
fn bound_names(pattern: Node, src: &[u8], out: &mut Vec<String>) {
    match pattern.kind() {
        "shorthand_property_identifier_pattern" | "identifier" => {
            out.push(text(pattern, src).to_string())
        }
        "pair_pattern" => {
            if let Some(value) = pattern.child_by_field_name("value") {
                bound_names(value, src, out);
            }
        }
        "object_assignment_pattern" | "assignment_pattern" => {
            if let Some(left) = pattern.child_by_field_name("left") {
                bound_names(left, src, out);
            }
        }
        "object_pattern" | "array_pattern" | "rest_pattern" => {
            let mut cursor = pattern.walk();
            let children: Vec<Node> = pattern.named_children(&mut cursor).collect();
            for child in children {
                bound_names(child, src, out);
            }
        }
        _ => {}
    }
}

/// `private x: T` fields (and `#x`) whose reads all died: the field and the statements
/// assigning it go.
fn field_candidates<'t>(
    body: Node<'t>,
    source: &str,
    reads: &[Range<usize>],
    out: &mut Vec<Candidate<'t>>,
) {
    let src = source.as_bytes();
    let mut cursor = body.walk();
    let members: Vec<Node<'t>> = body.named_children(&mut cursor).collect();
    for member in members {
        if member.kind() != "public_field_definition" {
            continue;
        }
        let Some(name) = member.child_by_field_name("name") else {
            continue;
        };
        let private = name.kind() == "private_property_identifier"
            || (0..member.child_count())
                .filter_map(|i| member.child(i))
                .any(|c| c.kind() == "accessibility_modifier" && text(c, src) == "private");
        if !private {
            continue;
        }
        if member
            .child_by_field_name("value")
            .is_some_and(|v| !droppable(v, src, reads))
        {
            continue;
        }
        let field = text(name, src).to_string();
        let mut cuts = vec![layout::statement_span(source, member)];
        let mut assignments = Vec::new();
        find_field_assignments(body, src, &field, reads, &mut assignments);
        let Some(assignments) = assignments.into_iter().collect::<Option<Vec<_>>>() else {
            // Assigned from something with effects: keep it all.
            continue;
        };
        cuts.extend(
            assignments
                .iter()
                .map(|a| layout::statement_span(source, *a)),
        );
        out.push(Candidate {
            names: vec![field],
            kind: CandidateKind::PrivateField,
            cuts,
            node: member,
            anchor: name.start_byte()..name.end_byte(),
            import_from: None,
        });
    }
}

/// Statements `this.field = value;` in `node`: Some(statement) when the value can be
/// dropped, None when it cannot.
fn find_field_assignments<'t>(
    node: Node<'t>,
    src: &[u8],
    field: &str,
    reads: &[Range<usize>],
    out: &mut Vec<Option<Node<'t>>>,
) {
    let mut cursor = node.walk();
    let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
    for child in children {
        if child.kind() == "assignment_expression" {
            let left = child.child_by_field_name("left");
            let is_field = left.is_some_and(|l| {
                l.kind() == "member_expression"
                    && l.child_by_field_name("object")
                        .is_some_and(|o| o.kind() == "this")
                    && l.child_by_field_name("property")
                        .is_some_and(|p| text(p, src) == field)
            });
            if is_field {
                let statement = child
                    .parent()
                    .filter(|p| p.kind() == "expression_statement");
                let value_ok = child
                    .child_by_field_name("right")
                    .is_some_and(|r| droppable(r, src, reads));
                out.push(statement.filter(|_| value_ok));
                continue;
            }
        }
        find_field_assignments(child, src, field, reads, out);
    }
}

/// An expression whose evaluation can be dropped: free of effects, a hook call
/// (`useX(...)`), or a flag read.
fn droppable(node: Node, src: &[u8], reads: &[Range<usize>]) -> bool {
    if reads
        .iter()
        .any(|r| r.start == node.start_byte() && r.end == node.end_byte())
    {
        return true;
    }
    match node.kind() {
        "identifier"
        | "this"
        | "true"
        | "false"
        | "null"
        | "undefined"
        | "number"
        | "string"
        | "regex"
        | "arrow_function"
        | "function_expression"
        | "function"
        | "class"
        | "property_identifier"
        | "type_arguments"
        | "private_property_identifier" => true,
        "call_expression" => {
            let callee = node.child_by_field_name("function");
            let name = callee.map_or("", |c| match c.kind() {
                "member_expression" => c
                    .child_by_field_name("property")
                    .map_or("", |p| text(p, src)),
                _ => text(c, src),
            });
            let hook = name.len() > 3
                && name.starts_with("use")
                && name[3..].starts_with(|c: char| c.is_ascii_uppercase());
            let arguments_ok = node
                .child_by_field_name("arguments")
                .is_some_and(|a| children_droppable(a, src, reads));
            hook && arguments_ok
        }
        "member_expression"
        | "subscript_expression"
        | "parenthesized_expression"
        | "unary_expression"
        | "binary_expression"
        | "ternary_expression"
        | "template_string"
        | "template_substitution"
        | "array"
        | "object"
        | "pair"
        | "as_expression"
        | "non_null_expression"
        | "satisfies_expression"
        | "shorthand_property_identifier"
        | "computed_property_name"
        | "spread_element"
        | "await_expression"
        | "arguments" => children_droppable(node, src, reads),
        _ => false,
    }
}

fn children_droppable(node: Node, src: &[u8], reads: &[Range<usize>]) -> bool {
    let mut cursor = node.walk();
    let children: Vec<Node> = node.named_children(&mut cursor).collect();
    children
        .into_iter()
        .all(|c| c.kind() == "comment" || droppable(c, src, reads))
}
