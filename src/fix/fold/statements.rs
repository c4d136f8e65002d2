//! Statements: `if`/`else` keeps its live branch, unwrapped and re-indented to its new
//! depth; an early return on a known condition goes and the code after it stays; code a
//! kept `return` leaves unreachable goes; a statement that is only a known value goes.

use tree_sitter::Node;

use super::expressions::{first_named, named};
use super::{Folder, Mark, Out};
use crate::fix::edit::Pieces;
use crate::fix::layout;
use crate::resolve::scope;

const FUNCTIONS: &[&str] = &[
    "function_declaration",
    "function_expression",
    "function",
    "arrow_function",
    "method_definition",
    "generator_function_declaration",
    "generator_function",
];

impl<'t> Folder<'t, '_, '_> {
    pub(super) fn if_statement(&mut self, node: Node<'t>) -> Out<'t> {
        let condition = node.child_by_field_name("condition");
        let Some(Out::Value(known)) = condition.map(|c| self.fold(c)) else {
            return self.rebuild(node);
        };
        let live = if known.truthy() {
            node.child_by_field_name("consequence")
        } else {
            node.child_by_field_name("alternative")
                .and_then(first_named)
        };
        match live {
            None => Out::Gone,
            Some(body) => match self.fold(body) {
                Out::Gone => Out::Gone,
                _ if is_empty_block(body) => Out::Gone,
                _ => Out::Unwrap(body),
            },
        }
    }

    pub(super) fn else_clause(&mut self, node: Node<'t>) -> Out<'t> {
        match first_named(node).map(|body| self.fold(body)) {
            Some(Out::Gone) => Out::Gone,
            _ => self.rebuild(node),
        }
    }

    pub(super) fn expression_statement(&mut self, node: Node<'t>) -> Out<'t> {
        let Some(expression) = first_named(node) else {
            return Out::Same;
        };
        if let Out::Value(_) = self.fold(expression) {
            return Out::Gone;
        }
        // `track() && on;`: nothing reads the result, so only the call's effect counts.
        if expression.kind() == "binary_expression" {
            let operator = expression.child_by_field_name("operator").map(|o| o.kind());
            let (left, right) = (
                expression.child_by_field_name("left"),
                expression.child_by_field_name("right"),
            );
            if let (Some("&&" | "||" | "??"), Some(left), Some(right)) = (operator, left, right) {
                if let Out::Value(_) = self.fold(right) {
                    let mut pieces = Pieces::kept(node.start_byte()..left.start_byte());
                    let left_pieces = self.render(left);
                    pieces.append(left_pieces);
                    pieces.keep(expression.end_byte()..node.end_byte());
                    return Out::Text { pieces, node };
                }
            }
        }
        self.rebuild(node)
    }

    /// `const { x } = useFlags()` with every property bound to a value: the declarator
    /// (and with it the hook call whose only results died) goes.
    pub(super) fn declarator(&mut self, node: Node<'t>) -> Out<'t> {
        // `const a =\n    b && on` folded to one line is `const a = b`.
        if let (Some(name), Some(value)) = (
            node.child_by_field_name("name"),
            node.child_by_field_name("value"),
        ) {
            if let Out::Text { pieces, .. } = self.fold(value) {
                let gap = &self.src[name.end_byte()..value.start_byte()];
                if gap.contains('\n') && !pieces.render(self.src).contains('\n') {
                    let equals = name.end_byte() + gap.find('=').unwrap_or(0);
                    let mut joined = Pieces::kept(node.start_byte()..equals + 1);
                    joined.add(equals + 1, " ");
                    joined.append(pieces);
                    joined.keep(value.end_byte()..node.end_byte());
                    return Out::Text {
                        pieces: joined,
                        node,
                    };
                }
            }
        }
        if let Some(pattern) = node
            .child_by_field_name("name")
            .filter(|n| n.kind() == "object_pattern")
        {
            let properties = named(pattern);
            if !properties.is_empty()
                && properties
                    .iter()
                    .all(|p| matches!(self.fold(*p), Out::Gone))
            {
                return Out::Gone;
            }
        }
        self.rebuild(node)
    }

    /// A list of statements: each changed statement placed, unwrapped bodies re-indented,
    /// gone statements cut with their lines, and statements after an unwrapped `return`
    /// (unreachable now) cut too.
    pub(super) fn statements(&mut self, node: Node<'t>) -> Out<'t> {
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
        self.inline_single_uses(node, &children);
        let mut pieces = Pieces::default();
        let mut position = node.start_byte();
        let mut changed = false;
        let mut unreachable = false;
        for (index, &child) in children.iter().enumerate() {
            if unreachable {
                // Function declarations are hoisted: code above may still call them.
                if child.kind() != "function_declaration" {
                    let span = layout::statement_span(self.src, child);
                    pieces.keep(position..span.start.max(position));
                    position = position.max(span.end);
                    changed = true;
                }
                continue;
            }
            if !self.marked_within(child) {
                continue;
            }
            match self.fold(child) {
                Out::Same => {}
                Out::Gone | Out::Value(_) => {
                    let span = layout::statement_span(self.src, child);
                    pieces.keep(position..span.start.max(position));
                    position = position.max(span.end);
                    changed = true;
                }
                Out::Unwrap(body) => {
                    let later = &children[index + 1..];
                    let (body_pieces, exits) =
                        self.unwrapped(node, child, body, &children[..index], later);
                    pieces.keep(position..child.start_byte());
                    pieces.append(body_pieces);
                    position = child.end_byte();
                    changed = true;
                    unreachable = exits;
                }
                out => {
                    pieces.keep(position..child.start_byte());
                    let child_pieces = self.pieces_of(child, out);
                    pieces.append(child_pieces);
                    position = child.end_byte();
                    changed = true;
                }
            }
        }
        if !changed {
            return Out::Same;
        }
        pieces.keep(position..node.end_byte());
        Out::Text { pieces, node }
    }

    /// The live body of `statement` (an `if`), to stand where the statement stood: a
    /// block's statements without its braces, moved to the statement's depth. The braces
    /// stay when a name it declares is declared beside it too. Also says whether the body
    /// always leaves (`return`, `throw`): then what follows it is unreachable.
    fn unwrapped(
        &mut self,
        container: Node<'t>,
        statement: Node<'t>,
        body: Node<'t>,
        before: &[Node<'t>],
        after: &[Node<'t>],
    ) -> (Pieces, bool) {
        let target = self.column(statement.start_byte());
        if body.kind() != "statement_block" {
            let exits = is_exit(body);
            let rendered = self.render(body);
            let shift = self.column(body.start_byte()) as isize - target as isize;
            return (self.reindent(&rendered, shift), exits);
        }
        let statements: Vec<Node<'t>> = {
            let mut cursor = body.walk();
            body.named_children(&mut cursor)
                .filter(|s| !matches!(self.fold(*s), Out::Gone))
                .collect()
        };
        let exits = statements
            .iter()
            .rev()
            .find(|s| s.kind() != "comment")
            .is_some_and(|s| is_exit(*s));
        let neighbours: Vec<Node<'t>> = if exits {
            before.to_vec()
        } else {
            before.iter().chain(after).copied().collect()
        };
        let mut rendered = self.render(body);
        if self.collides(body, &neighbours) {
            return (rendered, false);
        }
        let (Some(first), Some(last)) = (statements.first(), statements.last()) else {
            return (Pieces::default(), false);
        };
        rendered.cut(body.start_byte()..first.start_byte());
        rendered.cut(last.end_byte()..body.end_byte());
        // `if (on) { ...; return; }` ending a function: the bare `return` is redundant.
        let ends_function = container
            .parent()
            .is_some_and(|p| FUNCTIONS.contains(&p.kind()))
            && after
                .iter()
                .all(|s| s.kind() == "function_declaration" || exits);
        if ends_function && last.kind() == "return_statement" && first_named(*last).is_none() {
            match statements.len() {
                1 => return (Pieces::default(), true),
                n => rendered.cut(statements[n - 2].end_byte()..last.end_byte()),
            }
        }
        let shift = self.column(first.start_byte()) as isize - target as isize;
        (self.reindent(&rendered, shift), exits)
    }

    /// A `const` that folding left holding a mere stand-in, used once, in the very next
    /// statement, goes there, as a person would write it:
    ///
    /// - its initializer changed and is free of effects:
    ///   `const path = on ? a : b; go(path);` is `go(a);`
    /// - the next statement's initializer folded to it alone:
    ///   `const edge = isEdge(); const show = edge && on;` is `const show = isEdge();`
    ///
    /// Not into a function nested in that statement, which may run later or again.
    fn inline_single_uses(&mut self, container: Node<'t>, children: &[Node<'t>]) {
        for pair in children.windows(2) {
            let (declaration, next) = (pair[0], pair[1]);
            if declaration.kind() != "lexical_declaration"
                || declaration.child(0).is_none_or(|k| k.kind() != "const")
            {
                continue;
            }
            let declarators = named(declaration);
            let [declarator] = declarators.as_slice() else {
                continue;
            };
            if !self.inlined.insert(declarator.id()) {
                continue;
            }
            let (Some(name), Some(init)) = (
                declarator.child_by_field_name("name"),
                declarator.child_by_field_name("value"),
            ) else {
                continue;
            };
            if name.kind() != "identifier" {
                continue;
            }
            let text = self.text(name).to_string();
            let uses = self.uses_in(container, &text, name);
            let [used] = uses.as_slice() else {
                continue;
            };
            let used = *used;
            let inside_next =
                next.start_byte() <= used.start_byte() && used.end_byte() <= next.end_byte();
            if !inside_next || within_function(used, next) || used.kind() != "identifier" {
                continue;
            }
            // Folding cut the initializer down to a part of it (`on ? a : b` to `a`), not
            // just changed something inside it (a function's body).
            let init_changed = self.marked_within(init)
                && matches!(self.fold(init), Out::Text { node, .. } if node != init)
                && self.pure(init);
            let alias_left = next.kind() == "lexical_declaration"
                && named(next).iter().any(|d| {
                    d.child_by_field_name("value").is_some_and(|v| {
                        self.marked_within(v)
                            && matches!(self.fold(v), Out::Text { node, .. } if node == used)
                    })
                });
            if init_changed || alias_left {
                self.mark(*declarator, Mark::Gone);
                self.mark(used, Mark::Inline(init));
            }
        }
    }

    pub(super) fn reindent(&self, pieces: &Pieces, shift: isize) -> Pieces {
        layout::reindent(self.src, pieces, shift, &self.protected, self.unit)
    }

    /// Whether `block` declares a name that one of `neighbours` declares too: unwrapped,
    /// the two would clash.
    fn collides(&self, block: Node<'t>, neighbours: &[Node<'t>]) -> bool {
        let src = self.src.as_bytes();
        let declared = declared_names(block, src);
        declared.iter().any(|name| {
            neighbours.iter().any(|n| {
                let names = declared_names_of_statement(*n, src);
                names.contains(name)
            })
        }) || {
            // A parameter of the enclosing function of the same name.
            let mut scope = block.parent().and_then(|p| p.parent());
            let mut clash = false;
            while let Some(s) = scope {
                if FUNCTIONS.contains(&s.kind()) {
                    clash = declared.iter().any(|name| scope::declares(s, name, src));
                    break;
                }
                scope = s.parent();
            }
            clash
        }
    }
}

/// Whether `node` is inside a function that is itself inside `statement`.
fn within_function(node: Node, statement: Node) -> bool {
    let mut current = node.parent();
    while let Some(n) = current {
        if n == statement {
            return false;
        }
        if FUNCTIONS.contains(&n.kind()) {
            return true;
        }
        current = n.parent();
    }
    false
}

fn is_exit(statement: Node) -> bool {
    matches!(
        statement.kind(),
        "return_statement" | "throw_statement" | "continue_statement" | "break_statement"
    )
}

fn is_empty_block(node: Node) -> bool {
    node.kind() == "statement_block" && named(node).is_empty()
}

/// Names a block declares at its top level.
fn declared_names(block: Node, src: &[u8]) -> Vec<String> {
    let mut cursor = block.walk();
    let statements: Vec<Node> = block.named_children(&mut cursor).collect();
    statements
        .into_iter()
        .flat_map(|s| declared_names_of_statement(s, src))
        .collect()
}

fn declared_names_of_statement(statement: Node, src: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    match statement.kind() {
        "lexical_declaration" | "variable_declaration" => {
            let mut cursor = statement.walk();
            for declarator in statement.named_children(&mut cursor) {
                if let Some(name) = declarator.child_by_field_name("name") {
                    collect_pattern_names(name, src, &mut names);
                }
            }
        }
        "function_declaration" | "class_declaration" | "generator_function_declaration" => {
            if let Some(name) = statement.child_by_field_name("name") {
                names.push(crate::parse::text(name, src).to_string());
            }
        }
        "export_statement" => {
            if let Some(declaration) = statement.child_by_field_name("declaration") {
                names.extend(declared_names_of_statement(declaration, src));
            }
        }
        _ => {}
    }
    names
}

fn collect_pattern_names(pattern: Node, src: &[u8], names: &mut Vec<String>) {
    match pattern.kind() {
        "identifier" | "shorthand_property_identifier_pattern" => {
            names.push(crate::parse::text(pattern, src).to_string())
        }
        _ => {
            let mut cursor = pattern.walk();
            let children: Vec<Node> = pattern.named_children(&mut cursor).collect();
            for child in children {
                // `{ a: b }` binds b, not a.
                if pattern.kind() == "pair_pattern"
                    && Some(child) == pattern.child_by_field_name("key")
                {
                    continue;
                }
                collect_pattern_names(child, src, names);
            }
        }
    }
}
