//! Resolution: what string a flag key expression stands for, and whether a receiver
//! comes from an SDK.
//!
//! - [`project`]: the parsed modules of a scan (a shared, lazily filled cache) and the
//!   path resolution between them;
//! - [`keys`]: keys through string and template literals, `+`, consts in scope
//!   (shadowing respected), enum members, object-map members (`FLAGS.NEW_CHECKOUT`,
//!   `as const` or not), destructuring, named / aliased / namespace / default imports,
//!   CommonJS `require`; what cannot be followed becomes a dynamic key with its literal
//!   prefix;
//! - [`origins`]: the matcher's `#sdk?` question: does this receiver come from an SDK
//!   package (its import, the instance its constructor or hook returns, the object a
//!   fetch method returns, a typed parameter or class member)?
//! - [`exports`]: one walk from an imported name to the module and declaration that
//!   define it, through re-exports and `export *`, which keys and origins both follow;
//! - [`scope`] and its [`index`]: which declaration a name refers to.

mod answer;
mod exports;
mod fields;
mod index;
mod keys;
mod origins;
pub mod paths;
mod project;
pub mod reads;
pub mod scope;
mod targets;
#[cfg(test)]
mod tests;

use tree_sitter::Node;

use crate::parse::{string_value, text};
use fields::{ChildBy, Field, Fields};

pub use answer::{Key, Origin, ParamKey};
pub use project::{Module, Project};
pub use scope::{Binding, Imported, ParamPart};
pub use targets::Target;

/// Following keys deeper than this is taken as a cycle (`a = b; b = a` across files).
const MAX_DEPTH: usize = 24;

/// A node inside the program, for looking names up at module scope.
fn first_statement(root: Node) -> Option<Node> {
    root.named_child(0)
}

fn prepend(head: &str, rest: &[String]) -> Vec<String> {
    let mut path = Vec::with_capacity(rest.len() + 1);
    path.push(head.to_string());
    path.extend_from_slice(rest);
    path
}

/// Strips what does not change a value: parentheses, `await`, TS casts and assertions.
fn unwrap_expression(mut node: Node) -> Node {
    loop {
        let inner = match node.kind() {
            "parenthesized_expression" | "await_expression" | "non_null_expression" => {
                node.named_child(0)
            }
            "as_expression" | "satisfies_expression" => node.named_child(0),
            "type_assertion" => node.named_child(1),
            _ => None,
        };
        match inner {
            Some(inner) => node = inner,
            None => return node,
        }
    }
}

/// `require("x")` and `import("x")` (whose promise gives the module: a caller's `await`
/// or `.then` is looked through) give "x".
fn require_specifier(f: &dyn Fields, call: Node, src: &[u8]) -> Option<String> {
    if call.kind() != "call_expression" {
        return None;
    }
    let callee = call.child_by(f, Field::Function)?;
    let loads_module = match callee.kind() {
        "identifier" => text(callee, src) == "require",
        "import" => true,
        _ => false,
    };
    if !loads_module {
        return None;
    }
    let arguments = call.child_by(f, Field::Arguments)?;
    string_value(arguments.named_child(0)?, src)
}

/// `flagsmith/react` belongs to the package `flagsmith`.
pub fn is_package(specifier: &str, packages: &[String]) -> bool {
    packages.iter().any(|package| {
        specifier == package
            || specifier
                .strip_prefix(package.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// The expressions a function returns: an arrow's expression body, else the values of its
/// `return` statements (not those of functions nested in it), in order.
fn returned_values<'t>(f: &dyn Fields, function: Node<'t>) -> Vec<Node<'t>> {
    let Some(body) = function.child_by(f, Field::Body) else {
        return Vec::new();
    };
    if body.kind() != "statement_block" {
        return vec![body];
    }
    let mut values = Vec::new();
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        if node.kind() == "return_statement" {
            values.extend(node.named_child(0));
            continue;
        }
        if node.id() != body.id()
            && matches!(
                node.kind(),
                "function_declaration" | "function_expression" | "arrow_function" | "function"
            )
        {
            continue;
        }
        let mut cursor = node.walk();
        let children: Vec<Node> = node.named_children(&mut cursor).collect();
        // Pushed in reverse, so that returns come out in source order.
        stack.extend(children.into_iter().rev());
    }
    values
}

/// `constructor(private flags: FlagService)`, `constructor(readonly id: string)`: a parameter
/// that is also a field of the instance.
fn is_parameter_property(parameter: Node) -> bool {
    (0..parameter.child_count())
        .filter_map(|i| parameter.child(i))
        .any(|c| {
            matches!(
                c.kind(),
                "accessibility_modifier" | "override_modifier" | "readonly"
            )
        })
}

/// The `constructor` method of a class body.
fn constructor_of<'t>(f: &dyn Fields, class_body: Node<'t>, src: &[u8]) -> Option<Node<'t>> {
    let mut cursor = class_body.walk();
    let found = class_body.named_children(&mut cursor).find(|m| {
        m.kind() == "method_definition"
            && m.child_by(f, Field::Name)
                .is_some_and(|n| text(n, src) == "constructor")
    });
    found
}

/// The declaration a module's top-level statement makes under `name` (exported or not):
/// a class, an interface, a function.
fn top_level_declaration<'t>(module: &'t Module, name: &str) -> Option<Node<'t>> {
    let f = module.fields();
    let src = module.bytes();
    let root = module.tree.root_node();
    let mut cursor = root.walk();
    let found = root.named_children(&mut cursor).find_map(|statement| {
        let declaration = match statement.kind() {
            "export_statement" => statement.child_by(f, Field::Declaration)?,
            _ => statement,
        };
        declaration
            .child_by(f, Field::Name)
            .is_some_and(|n| text(n, src) == name)
            .then_some(declaration)
    });
    found
}
