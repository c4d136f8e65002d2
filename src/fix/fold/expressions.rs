//! Expressions: `!`, `&&`, `||`, `??`, comparisons, ternaries, parentheses, and what
//! passes a value through unchanged (`await`, `as`, `!`).

use tree_sitter::Node;

use super::{is_primary, Folder, Out};
use crate::fix::edit::Pieces;
use crate::fix::value::JsValue;

impl<'t> Folder<'t, '_, '_> {
    /// `(x)`: a value stays a value; parentheses around what is now a simple one-line
    /// expression go.
    pub(super) fn parenthesized(&mut self, node: Node<'t>) -> Out<'t> {
        let Some(inner) = first_named(node) else {
            return Out::Same;
        };
        // `if (...)`, `while (...)`: these parentheses belong to the statement.
        let syntactic = node.parent().is_some_and(|p| {
            matches!(
                p.kind(),
                "if_statement"
                    | "while_statement"
                    | "do_statement"
                    | "switch_statement"
                    | "with_statement"
            )
        });
        match self.fold(inner) {
            Out::Value(value) => Out::Value(value),
            Out::Text { pieces, node: top } if !pieces.render(self.src).contains('\n') => {
                if !syntactic && is_primary(top.kind()) {
                    return Out::Text { pieces, node: top };
                }
                // `(\n  a &&\n  b\n)` folded to one line is `(b)`, as a formatter writes it.
                let mut tight = Pieces::added(node.start_byte(), "(");
                tight.append(pieces);
                tight.add(node.end_byte().saturating_sub(1), ")");
                Out::Text {
                    pieces: tight,
                    node,
                }
            }
            _ => self.rebuild(node),
        }
    }

    pub(super) fn unary(&mut self, node: Node<'t>) -> Out<'t> {
        let operator = node.child_by_field_name("operator").map(|o| o.kind());
        let argument = node.child_by_field_name("argument");
        if let (Some("!"), Some(argument)) = (operator, argument) {
            if let Out::Value(value) = self.fold(argument) {
                return Out::Value(JsValue::Bool(!value.truthy()));
            }
        }
        self.rebuild(node)
    }

    pub(super) fn binary(&mut self, node: Node<'t>) -> Out<'t> {
        let (Some(operator), Some(left), Some(right)) = (
            node.child_by_field_name("operator").map(|o| o.kind()),
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return self.rebuild(node);
        };
        match operator {
            "&&" | "||" | "??" => self.logical(node, operator, left, right),
            "===" | "!==" | "==" | "!=" => {
                let (Out::Value(a), Out::Value(b)) = (self.fold(left), self.fold(right)) else {
                    return self.rebuild(node);
                };
                let equal = match operator {
                    "===" | "!==" => a.strict_equals(&b),
                    _ => a.loose_equals(&b),
                };
                match equal {
                    Some(equal) => Out::Value(JsValue::Bool(equal == operator.starts_with('='))),
                    None => self.rebuild(node),
                }
            }
            _ => self.rebuild(node),
        }
    }

    /// `a && b`, `a || b`, `a ?? b` with one side known. A known left side decides the
    /// result; a known right side drops out when it cannot change the truth of the
    /// result (`a && true` is `a`), and takes over only when the left side is free of
    /// effects (`track() && false` stays).
    fn logical(
        &mut self,
        node: Node<'t>,
        operator: &str,
        left: Node<'t>,
        right: Node<'t>,
    ) -> Out<'t> {
        if let Out::Value(known) = self.fold(left) {
            let left_decides = match operator {
                "&&" => !known.truthy(),
                "||" => known.truthy(),
                _ => !known.nullish(),
            };
            return if left_decides {
                Out::Value(known)
            } else {
                self.operand(node, right)
            };
        }
        if let Out::Value(known) = self.fold(right) {
            match (operator, known.truthy()) {
                ("&&", true) | ("||", false) => return self.operand(node, left),
                ("&&", false) | ("||", true) if self.pure(left) => return Out::Value(known),
                _ => {}
            }
        }
        self.rebuild(node)
    }

    pub(super) fn ternary(&mut self, node: Node<'t>) -> Out<'t> {
        let condition = node.child_by_field_name("condition");
        if let Some(Out::Value(known)) = condition.map(|c| self.fold(c)) {
            let branch = if known.truthy() {
                "consequence"
            } else {
                "alternative"
            };
            if let Some(branch) = node.child_by_field_name(branch) {
                return self.operand(node, branch);
            }
        }
        self.rebuild(node)
    }

    /// `operand`, all that is left of `whole`. Its parentheses go where `whole` stood in a
    /// place that takes any expression (an argument, an initializer, a JSX container), or
    /// where `whole` was a ternary: anything a ternary can stand for binds as tightly.
    pub(super) fn operand(&mut self, whole: Node<'t>, operand: Node<'t>) -> Out<'t> {
        if operand.kind() == "parenthesized_expression" {
            if let Some(inner) = first_named(operand) {
                let loose_inner = matches!(
                    inner.kind(),
                    "sequence_expression"
                        | "assignment_expression"
                        | "arrow_function"
                        | "object"
                        | "yield_expression"
                );
                let one_line = !self.text(operand).contains('\n');
                if !loose_inner
                    && one_line
                    && (whole.kind() == "ternary_expression" || loose_context(whole))
                {
                    return self.as_node(inner);
                }
            }
        }
        self.as_node(operand)
    }

    /// `...(on ? [a] : [])` once folded: spreading an empty literal adds nothing, and a
    /// literal spread into its own kind is its items (`[...[a], b]` is `[a, b]`).
    pub(super) fn spread(&mut self, node: Node<'t>) -> Out<'t> {
        let Some(inner) = first_named(node) else {
            return Out::Same;
        };
        let container = node.parent().map_or("", |p| p.kind());
        let top = match self.fold(inner) {
            Out::Value(value) if container == "object" && !value.truthy() => return Out::Gone,
            Out::Text { node: top, .. } => self.unparenthesized(top),
            _ => return self.rebuild(node),
        };
        let same_kind = (top.kind() == "array" && container == "array")
            || (top.kind() == "object" && container == "object");
        let empty_ok = same_kind || (top.kind() == "array" && container == "arguments");
        let items = named(top);
        if items.is_empty() && empty_ok {
            return Out::Gone;
        }
        if !same_kind || self.text(top).contains('\n') {
            return self.rebuild(node);
        }
        let (Some(first), Some(last)) = (items.first(), items.last()) else {
            return self.rebuild(node);
        };
        let mut pieces = self.render(top);
        pieces.cut(top.start_byte()..first.start_byte());
        pieces.cut(last.end_byte()..top.end_byte());
        Out::Text { pieces, node }
    }

    /// What stands inside any parentheses around `node`, once folded.
    pub(super) fn unparenthesized(&mut self, mut node: Node<'t>) -> Node<'t> {
        while node.kind() == "parenthesized_expression" {
            let Some(inner) = first_named(node) else {
                break;
            };
            node = match self.fold(inner) {
                Out::Text { node: top, .. } => top,
                Out::Same => inner,
                _ => break,
            };
        }
        node
    }

    /// `await x`, `x as T`, `x!`: a known value passes through.
    pub(super) fn transparent(&mut self, node: Node<'t>) -> Out<'t> {
        let inner = match node.kind() {
            "type_assertion" => node.named_child(1),
            _ => first_named(node),
        };
        if let Some(inner) = inner {
            if let Out::Value(value) = self.fold(inner) {
                return Out::Value(value);
            }
        }
        self.rebuild(node)
    }

    /// What a function always returns, when folding makes it a known value:
    /// `() => on`, `function () { return on; }`.
    pub(super) fn returns_value(&mut self, function: Node<'t>) -> Option<JsValue> {
        let body = function.child_by_field_name("body")?;
        let returned = if body.kind() == "statement_block" {
            let statements: Vec<Node> = named(body);
            match statements.as_slice() {
                [only] if only.kind() == "return_statement" => first_named(*only)?,
                _ => return None,
            }
        } else {
            body
        };
        match self.fold(returned) {
            Out::Value(value) => Some(value),
            _ => None,
        }
    }
}

pub(super) fn first_named(node: Node) -> Option<Node> {
    let mut cursor = node.walk();
    let found = node
        .named_children(&mut cursor)
        .find(|c| c.kind() != "comment");
    found
}

pub(super) fn named(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

/// Where any expression but a comma sequence can stand without parentheses.
pub(super) fn takes_any_expression(node: Node) -> bool {
    loose_context(node)
}

fn loose_context(node: Node) -> bool {
    let Some(parent) = node.parent() else {
        return false;
    };
    match parent.kind() {
        "arguments"
        | "array"
        | "parenthesized_expression"
        | "expression_statement"
        | "return_statement"
        | "jsx_expression"
        | "template_substitution"
        | "spread_element" => true,
        "variable_declarator" | "pair" | "assignment_pattern" => {
            parent.child_by_field_name("value") == Some(node)
        }
        "assignment_expression" => parent.child_by_field_name("right") == Some(node),
        "arrow_function" => parent.child_by_field_name("body") == Some(node),
        _ => false,
    }
}
