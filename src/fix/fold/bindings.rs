//! Names bound to a value: `const on = useFlag("x")`, `const { x } = useFlags()`, and
//! names whose initializer folds to a value (`const show = !on`). Their uses become the
//! value and their declaration goes. A name shadowed below its declaration (a parameter,
//! an inner declaration) is another name; a `let` assigned again later, or an exported
//! name, is left as a variable.

use tree_sitter::Node;

use super::{Folder, Mark, Out};
use crate::fix::reads::ReadAction;
use crate::fix::value::JsValue;
use crate::resolve::scope;

/// Containers whose declarations are visible to everything inside them.
const SCOPES: &[&str] = &[
    "program",
    "statement_block",
    "switch_case",
    "switch_default",
    "class_static_block",
];

impl<'t> Folder<'t, '_, '_> {
    /// Binds names until no more initializers fold to a value.
    pub(super) fn bind_names(&mut self) {
        let destructured = self.destructured_reads();
        for (property, value) in destructured {
            if let Some((name, declarator)) = self.destructured_name(property) {
                self.bind(name, declarator, value, None);
            }
        }
        let mut tried = std::collections::HashSet::new();
        loop {
            let candidates = self.declarators_holding_marks();
            let mut bound_any = false;
            for declarator in candidates {
                if !tried.insert(declarator.id()) {
                    continue;
                }
                let (Some(name), Some(value)) = (
                    declarator.child_by_field_name("name"),
                    declarator.child_by_field_name("value"),
                ) else {
                    continue;
                };
                if name.kind() != "identifier" {
                    continue;
                }
                let Out::Value(known) = self.fold(value) else {
                    continue;
                };
                if self.bind(name, declarator, known, Some(declarator)) {
                    bound_any = true;
                }
            }
            if !bound_any {
                break;
            }
        }
    }

    fn destructured_reads(&self) -> Vec<(Node<'t>, JsValue)> {
        let mut found = Vec::new();
        let mut stack = vec![self.root];
        while let Some(node) = stack.pop() {
            if !self.marked_within(node) {
                continue;
            }
            if let Some(Mark::Read(ReadAction::Destructured(value))) = self.marks.get(&node.id()) {
                found.push((node, value.clone()));
                continue;
            }
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
        found
    }

    /// For a destructured property (`x`, `'x': y`, `x = false`): the name it binds and
    /// its declarator.
    fn destructured_name(&self, property: Node<'t>) -> Option<(Node<'t>, Node<'t>)> {
        let name = match property.kind() {
            "shorthand_property_identifier_pattern" => property,
            "pair_pattern" => property
                .child_by_field_name("value")
                .filter(|v| v.kind() == "identifier")?,
            "object_assignment_pattern" => property.child_by_field_name("left")?,
            _ => return None,
        };
        let declarator = property
            .parent()
            .filter(|p| p.kind() == "object_pattern")?
            .parent()
            .filter(|d| d.kind() == "variable_declarator")?;
        Some((name, declarator))
    }

    fn declarators_holding_marks(&self) -> Vec<Node<'t>> {
        let mut found = Vec::new();
        let mut stack = vec![self.root];
        while let Some(node) = stack.pop() {
            if !self.marked_within(node) {
                continue;
            }
            if node.kind() == "variable_declarator"
                && node
                    .child_by_field_name("value")
                    .is_some_and(|v| self.marked_within(v))
            {
                found.push(node);
            }
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
        found.sort_by_key(|n| n.start_byte());
        found
    }

    /// Binds the identifier `name` of `declarator` to `value`: its uses are marked and
    /// `gone` (the declarator, or nothing for a destructured property, which is marked
    /// already) is marked to go. False when the name cannot be bound.
    fn bind(
        &mut self,
        name: Node<'t>,
        declarator: Node<'t>,
        value: JsValue,
        gone: Option<Node<'t>>,
    ) -> bool {
        let Some(declaration) = declarator.parent() else {
            return false;
        };
        if declaration
            .parent()
            .is_some_and(|p| p.kind() == "export_statement")
        {
            return false;
        }
        let Some(scope) = ancestor_scope(declaration) else {
            return false;
        };
        let constant = declaration.kind() == "lexical_declaration"
            && declaration.child(0).is_some_and(|k| k.kind() == "const");
        let text = self.text(name).to_string();
        let uses = self.uses(scope, &text, name);
        if !constant && uses.iter().any(|u| is_assigned(*u)) {
            return false;
        }
        for used in uses {
            self.mark(used, Mark::Use(value.clone()));
        }
        if let Some(gone) = gone {
            self.mark(gone, Mark::Gone);
        }
        true
    }

    /// [`Self::uses`], for other stages.
    pub(super) fn uses_in(&self, scope: Node<'t>, name: &str, declared: Node<'t>) -> Vec<Node<'t>> {
        self.uses(scope, name, declared)
    }

    /// The identifiers in `scope` that refer to the declaration of `name` at `declared`.
    fn uses(&self, scope: Node<'t>, name: &str, declared: Node<'t>) -> Vec<Node<'t>> {
        let src = self.src.as_bytes();
        let mut uses = Vec::new();
        let mut stack = vec![scope];
        while let Some(node) = stack.pop() {
            let kind = node.kind();
            if (kind == "identifier" || kind == "shorthand_property_identifier")
                && node != declared
                && self.text(node) == name
                && !is_name_position(node)
                && !shadowed(node, scope, name, src)
            {
                uses.push(node);
                continue;
            }
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
        uses
    }
}

/// The nearest container whose declarations `declaration` belongs to.
fn ancestor_scope(declaration: Node) -> Option<Node> {
    let mut node = declaration.parent();
    while let Some(n) = node {
        if SCOPES.contains(&n.kind()) {
            return Some(n);
        }
        node = n.parent();
    }
    None
}

/// Whether a declaration between `node` and `scope` declares `name` again.
fn shadowed(node: Node, scope: Node, name: &str, src: &[u8]) -> bool {
    let mut current = node.parent();
    while let Some(n) = current {
        if n == scope {
            return false;
        }
        if scope::declares(n, name, src) {
            return true;
        }
        current = n.parent();
    }
    false
}

/// An identifier that names something rather than refers to it: a declared name, a
/// parameter, a JSX tag.
fn is_name_position(node: Node) -> bool {
    let Some(parent) = node.parent() else {
        return false;
    };
    match parent.kind() {
        "variable_declarator"
        | "function_declaration"
        | "class_declaration"
        | "function_expression"
        | "import_specifier"
        | "import_clause"
        | "namespace_import"
        | "required_parameter"
        | "optional_parameter"
        | "formal_parameters"
        | "jsx_opening_element"
        | "jsx_closing_element"
        | "jsx_self_closing_element"
        | "labeled_statement"
        | "break_statement"
        | "continue_statement" => parent.child_by_field_name("value") != Some(node),
        "assignment_pattern" | "object_assignment_pattern" => {
            parent.child_by_field_name("left") == Some(node)
        }
        "pair_pattern" | "array_pattern" | "rest_pattern" => true,
        "arrow_function" => parent.child_by_field_name("parameter") == Some(node),
        _ => false,
    }
}

fn is_assigned(node: Node) -> bool {
    node.parent().is_some_and(|p| {
        matches!(
            p.kind(),
            "assignment_expression" | "augmented_assignment_expression"
        ) && p.child_by_field_name("left") == Some(node)
            || p.kind() == "update_expression"
    })
}
