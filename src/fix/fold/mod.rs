//! Folding: every read becomes its value, and the code that value makes dead is
//! simplified away, the way a careful engineer would.
//!
//! The folder walks one parsed file, bottom-up, and only into nodes that hold a read (or
//! a use of a name bound to one). Each node folds to an [`Out`]: unchanged, a known
//! value, new text (as [`Pieces`] of the original), gone, or a body for its container to
//! unwrap. Containers (statement lists, JSX children, comma lists) place what their
//! children became: unwrapped and re-indented, cut with their lines and commas.
//!
//! - [`expressions`]: `!`, `&&`, `||`, `??`, comparisons, ternaries, parentheses;
//!   an operand with side effects is never dropped.
//! - [`statements`]: `if`/`else`, early returns, code left unreachable, blocks.
//! - [`jsx`]: `{on && <X/>}`, JSX ternaries, flag and conditional components, fragments.
//! - [`calls`]: `Boolean()`, `.filter()`, `classNames()`, hook dependency arrays.
//! - [`bindings`]: names bound to a value (`const on = useFlag("x")`): uses become the
//!   value, the declaration goes.

mod bindings;
mod calls;
mod expressions;
mod jsx;
mod statements;

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use super::conditional::ConditionalSpec;
use super::edit::Pieces;
use super::layout;
use super::reads::{Read, ReadAction};
use super::value::{preferred_quote, JsValue};
use crate::parse::text;

/// What the folder knows about a node before folding it.
#[derive(Debug, Clone)]
enum Mark<'t> {
    Read(ReadAction),
    /// A use of a name bound to a value.
    Use(JsValue),
    /// A declarator or destructured property whose name became a value: it goes.
    Gone,
    /// The one use of a variable that only held what folding left: it becomes the
    /// variable's initializer (see `statements::inline_single_uses`).
    Inline(Node<'t>),
}

/// What a node folds to.
#[derive(Debug, Clone)]
enum Out<'t> {
    Same,
    Value(JsValue),
    /// New text standing for `node` (the node itself changed, or a part of it that is
    /// all that is left: `a && b` folds to the text of `b`).
    Text {
        pieces: Pieces,
        node: Node<'t>,
    },
    Gone,
    /// A statement replaced by the body of its live branch, for the container to unwrap.
    Unwrap(Node<'t>),
    /// JSX children to splice into the parent element; `column` is where their first
    /// line stood.
    Splice {
        pieces: Pieces,
        column: usize,
    },
}

/// Looks up a component's conditional-rendering props by its name in this file.
pub type Conditionals<'a> = dyn Fn(&str) -> Option<ConditionalSpec> + 'a;

pub struct Folder<'t, 's, 'c> {
    src: &'s str,
    root: Node<'t>,
    quote: char,
    jsx_quote: char,
    /// One level of indentation's character: a space or a tab.
    unit: &'static str,
    /// Template literals spanning lines: re-indenting never touches their lines.
    protected: Vec<Range<usize>>,
    marks: HashMap<usize, Mark<'t>>,
    /// Declarators already looked at for inlining.
    inlined: std::collections::HashSet<usize>,
    /// Marked nodes' spans, sorted, to tell quickly whether a node holds any.
    spans: Vec<(usize, usize)>,
    memo: HashMap<usize, Out<'t>>,
    conditionals: &'c Conditionals<'c>,
}

/// Folds `reads` (all in the file parsed into `root`) into the pieces of the new file.
pub fn fold<'t>(
    source: &str,
    root: Node<'t>,
    reads: &[Read<'t>],
    conditionals: &Conditionals,
) -> Pieces {
    let mut folder = Folder::new(source, root, conditionals);
    for read in reads {
        folder.mark(read.node, Mark::Read(read.action.clone()));
    }
    folder.bind_names();
    match folder.fold(root) {
        Out::Same => Pieces::kept(0..source.len()),
        out => folder.pieces_of(root, out),
    }
}

impl<'t, 's, 'c> Folder<'t, 's, 'c> {
    fn new(src: &'s str, root: Node<'t>, conditionals: &'c Conditionals<'c>) -> Self {
        let mut protected = Vec::new();
        let mut cursor = root.walk();
        collect_templates(&mut cursor, &mut protected);
        let tabs = src.lines().filter(|l| l.starts_with('\t')).count();
        let spaces = src.lines().filter(|l| l.starts_with("  ")).count();
        Folder {
            src,
            root,
            quote: preferred_quote(src),
            jsx_quote: if src.matches("='").count() > src.matches("=\"").count() {
                '\''
            } else {
                '"'
            },
            unit: if tabs > spaces { "\t" } else { " " },
            protected,
            marks: HashMap::new(),
            inlined: std::collections::HashSet::new(),
            spans: Vec::new(),
            memo: HashMap::new(),
            conditionals,
        }
    }

    fn mark(&mut self, node: Node<'t>, mark: Mark<'t>) {
        if self.marks.insert(node.id(), mark).is_none() {
            let span = (node.start_byte(), node.end_byte());
            let at = self.spans.partition_point(|s| *s < span);
            self.spans.insert(at, span);
        }
        self.memo.clear();
    }

    /// Whether `node` holds a marked node (or is one).
    fn marked_within(&self, node: Node) -> bool {
        let (start, end) = (node.start_byte(), node.end_byte());
        let first = self.spans.partition_point(|s| s.0 < start);
        self.spans[first..]
            .iter()
            .take_while(|s| s.0 < end || (s.0 == end && s.1 == end))
            .any(|s| s.1 <= end)
    }

    fn text(&self, node: Node) -> &'s str {
        text(node, self.src.as_bytes())
    }

    fn column(&self, position: usize) -> usize {
        layout::column(self.src, position)
    }

    fn fold(&mut self, node: Node<'t>) -> Out<'t> {
        if !self.marked_within(node) {
            return Out::Same;
        }
        if let Some(out) = self.memo.get(&node.id()) {
            return out.clone();
        }
        let out = match self.marks.get(&node.id()).cloned() {
            Some(mark) => self.fold_mark(node, mark),
            None => self.fold_kind(node),
        };
        self.memo.insert(node.id(), out.clone());
        out
    }

    fn fold_mark(&mut self, node: Node<'t>, mark: Mark<'t>) -> Out<'t> {
        match mark {
            Mark::Read(ReadAction::Value(value)) => Out::Value(value),
            Mark::Read(ReadAction::Component { on }) => self.flag_component(node, on),
            Mark::Read(
                ReadAction::DropListed | ReadAction::DropEntry | ReadAction::Destructured(_),
            )
            | Mark::Gone => Out::Gone,
            Mark::Use(value) if node.kind() == "shorthand_property_identifier" => Out::Text {
                pieces: Pieces::added(
                    node.start_byte(),
                    format!("{}: {}", self.text(node), value.to_js(self.quote)),
                ),
                node,
            },
            Mark::Use(value) => Out::Value(value),
            Mark::Inline(init) => {
                let pieces = self.render(init).moved_to(node.start_byte());
                let top = match self.fold(init) {
                    Out::Text { node: top, .. } => top,
                    _ => init,
                };
                if binds_tightly(top.kind()) || expressions::takes_any_expression(node) {
                    Out::Text { pieces, node: top }
                } else {
                    let mut wrapped = Pieces::added(node.start_byte(), "(");
                    wrapped.append(pieces);
                    wrapped.add(node.end_byte(), ")");
                    Out::Text {
                        pieces: wrapped,
                        node,
                    }
                }
            }
        }
    }

    fn fold_kind(&mut self, node: Node<'t>) -> Out<'t> {
        match node.kind() {
            "parenthesized_expression" => self.parenthesized(node),
            "unary_expression" => self.unary(node),
            "binary_expression" => self.binary(node),
            "ternary_expression" => self.ternary(node),
            "await_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion" => self.transparent(node),
            "call_expression" => self.call(node),
            "spread_element" => self.spread(node),
            "array" if self.is_dependency_array(node) => self.dependency_array(node),
            "object" if self.is_class_names_argument(node) => self.class_names_object(node),
            "jsx_expression" => self.jsx_expression(node),
            "jsx_element" | "jsx_self_closing_element" => self.jsx_element(node),
            "jsx_attribute" => self.jsx_attribute(node),
            "if_statement" => self.if_statement(node),
            "else_clause" => self.else_clause(node),
            "expression_statement" => self.expression_statement(node),
            "variable_declarator" => self.declarator(node),
            "program" | "statement_block" | "switch_case" | "switch_default"
            | "class_static_block" => self.statements(node),
            _ => self.rebuild(node),
        }
    }

    /// The text an [`Out`] stands for, in a context that takes any expression.
    fn pieces_of(&mut self, node: Node<'t>, out: Out<'t>) -> Pieces {
        match out {
            Out::Same => Pieces::kept(node.start_byte()..node.end_byte()),
            Out::Value(value) => Pieces::added(node.start_byte(), value.to_js(self.quote)),
            Out::Text { pieces, .. } | Out::Splice { pieces, .. } => pieces,
            Out::Gone => Pieces::default(),
            Out::Unwrap(body) => {
                let out = self.fold(body);
                self.pieces_of(body, out)
            }
        }
    }

    /// `node`'s own text, folded.
    fn render(&mut self, node: Node<'t>) -> Pieces {
        let out = self.fold(node);
        self.pieces_of(node, out)
    }

    /// `node` as all that is left of its parent: its folded text, standing for itself.
    fn as_node(&mut self, node: Node<'t>) -> Out<'t> {
        match self.fold(node) {
            Out::Same => Out::Text {
                pieces: Pieces::kept(node.start_byte()..node.end_byte()),
                node,
            },
            out => out,
        }
    }

    /// The node rebuilt from its children's folds. Children that are gone leave with the
    /// comma, line or keyword that belonged to them.
    fn rebuild(&mut self, node: Node<'t>) -> Out<'t> {
        let mut pieces = Pieces::default();
        let mut position = node.start_byte();
        let mut changed = false;
        let mut gone_items = Vec::new();
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.children(&mut cursor).collect();
        for child in children {
            if !self.marked_within(child) {
                continue;
            }
            match self.fold(child) {
                Out::Same => {}
                Out::Gone if is_comma_list(node.kind()) => {
                    gone_items.push(child);
                    changed = true;
                }
                Out::Gone => {
                    changed = true;
                    match child.kind() {
                        // `if (a) {} else if (on) {}` with `on` off: the else goes.
                        "else_clause" | "jsx_attribute" => {
                            let before = child.prev_sibling().map_or(position, |p| p.end_byte());
                            pieces.keep(position..before.max(position));
                            position = child.end_byte();
                        }
                        _ if is_statement(child.kind()) => {
                            pieces.keep(position..child.start_byte());
                            pieces.add(child.start_byte(), "{}");
                            position = child.end_byte();
                        }
                        _ => {
                            pieces.keep(position..child.start_byte());
                            position = child.end_byte();
                        }
                    }
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
        if !gone_items.is_empty() {
            let mut cursor = node.walk();
            let items: Vec<Node> = node
                .named_children(&mut cursor)
                .filter(|c| c.kind() != "comment" && c.kind() != "variable_declaration_kind")
                .filter(|c| !(is_declaration(node.kind()) && c.kind() != "variable_declarator"))
                .collect();
            if is_declaration(node.kind()) && items.iter().all(|i| gone_items.contains(i)) {
                return Out::Gone;
            }
            let gone: Vec<bool> = items.iter().map(|i| gone_items.contains(i)).collect();
            for cut in layout::list_cuts(self.src, &items, &gone) {
                pieces.cut(cut);
            }
        }
        Out::Text { pieces, node }
    }

    /// Whether evaluating `node` can have an effect: dropping it would change more than
    /// its value. Reading a property or a flag counts as effect-free.
    fn pure(&self, node: Node) -> bool {
        match self.marks.get(&node.id()) {
            Some(Mark::Read(_) | Mark::Use(_)) => return true,
            // Code moved in from elsewhere: judged where it came from, not here.
            Some(Mark::Inline(_)) => return false,
            _ => {}
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
            | "string_fragment"
            | "escape_sequence"
            | "comment" => true,
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
            | "property_identifier"
            | "shorthand_property_identifier"
            | "computed_property_name"
            | "spread_element" => {
                let operator = node.child_by_field_name("operator").map(|o| o.kind());
                if matches!(operator, Some("delete")) {
                    return false;
                }
                let mut cursor = node.walk();
                let children: Vec<Node> = node.named_children(&mut cursor).collect();
                children
                    .into_iter()
                    .all(|c| self.pure(c) || c.kind() == "comment")
            }
            _ => false,
        }
    }
}

/// Lists whose items are separated by commas: a gone item takes its comma along.
fn is_comma_list(kind: &str) -> bool {
    matches!(
        kind,
        "array"
            | "object"
            | "arguments"
            | "object_pattern"
            | "array_pattern"
            | "named_imports"
            | "formal_parameters"
            | "lexical_declaration"
            | "variable_declaration"
            | "type_arguments"
    )
}

fn is_declaration(kind: &str) -> bool {
    kind == "lexical_declaration" || kind == "variable_declaration"
}

fn is_statement(kind: &str) -> bool {
    kind.ends_with("_statement") || kind == "statement_block" || is_declaration(kind)
}

/// Expressions that bind tighter than any operator they can be an operand of.
fn binds_tightly(kind: &str) -> bool {
    is_primary(kind) || kind == "unary_expression" || kind == "await_expression"
}

/// Expressions that never need parentheses around them.
fn is_primary(kind: &str) -> bool {
    matches!(
        kind,
        "identifier"
            | "member_expression"
            | "call_expression"
            | "subscript_expression"
            | "string"
            | "number"
            | "true"
            | "false"
            | "null"
            | "undefined"
            | "this"
            | "template_string"
            | "parenthesized_expression"
            | "jsx_self_closing_element"
            | "jsx_element"
            | "array"
            | "non_null_expression"
    )
}

fn collect_templates(cursor: &mut tree_sitter::TreeCursor, out: &mut Vec<Range<usize>>) {
    loop {
        let node = cursor.node();
        let multiline = node.start_position().row != node.end_position().row;
        if multiline && node.kind() == "template_string" {
            out.push(node.start_byte()..node.end_byte());
        } else if multiline && cursor.goto_first_child() {
            collect_templates(cursor, out);
            cursor.goto_parent();
        }
        if !cursor.goto_next_sibling() {
            return;
        }
    }
}

#[cfg(test)]
mod tests;
