//! Name lookup: which declaration a name in the code refers to, innermost scope first.
//!
//! This is what keeps a parameter called `FLAG` from being taken for the module's
//! `const FLAG = "x"`: lookup stops at the first scope that declares the name.

use tree_sitter::Node;

use super::fields::{ChildBy, Field, FieldNames, Fields};
use crate::parse::{named_child_of_kind, property_name, string_value, text};

/// What a name is bound to. Nodes borrow the tree the lookup ran in.
#[derive(Debug, Clone)]
pub enum Binding<'t> {
    /// `const NAME = value`
    Const {
        value: Option<Node<'t>>,
    },
    /// `let` / `var`: may be reassigned, so its value is not trusted for keys,
    /// but an SDK client kept in one still counts.
    Variable {
        value: Option<Node<'t>>,
    },
    /// `const { property: NAME } = init` (`property` is None for a rest element).
    Destructured {
        init: Node<'t>,
        property: Option<String>,
        constant: bool,
    },
    /// A function parameter: where it stands in which function, its TypeScript
    /// annotation and its default value when it has them.
    Param {
        type_annotation: Option<Node<'t>>,
        function: Node<'t>,
        index: usize,
        part: ParamPart,
        default: Option<Node<'t>>,
    },
    Import {
        source: String,
        imported: Imported,
    },
    /// `enum NAME { ... }`: the enum body.
    Enum {
        body: Node<'t>,
    },
    /// `function NAME() {}`: what it returns may be an SDK value.
    Function {
        node: Node<'t>,
    },
    /// `class NAME {}`: its methods may be flag helpers.
    Class {
        node: Node<'t>,
    },
    /// `interface NAME {}`: a value typed with it is one of the classes implementing it.
    Interface {
        node: Node<'t>,
    },
    /// A loop variable or catch parameter: nothing to resolve.
    Opaque,
}

/// Which part of a parameter a name binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamPart {
    /// `(key) =>`: the whole argument.
    Whole,
    /// `({ flag }) =>`, `({ name: flag }) =>`: one property of an object argument (a JSX
    /// component's prop).
    Property(String),
    /// Deeper in an object or array pattern, or a rest element.
    Nested,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    Named(String),
    Default,
    Namespace,
}

/// The binding `name` has at `at`, or None when nothing in the file declares it (a global).
pub fn lookup<'t>(name: &str, at: Node<'t>, source: &[u8]) -> Option<Binding<'t>> {
    let f = &FieldNames;
    let mut scope = at.parent();
    while let Some(node) = scope {
        if let Some(binding) = declared_in(f, node, name, source) {
            return Some(binding);
        }
        scope = node.parent();
    }
    None
}

/// Whether `scope` itself (its statements, parameters or loop head) declares `name`: a
/// name used below it refers to that declaration, not to one further out.
pub fn declares(scope: Node, name: &str, source: &[u8]) -> bool {
    declared_in(&FieldNames, scope, name, source).is_some()
}

/// What `scope` itself declares `name` as: its statements, parameters or loop head.
pub(crate) fn declared_in<'t>(
    f: &dyn Fields,
    scope: Node<'t>,
    name: &str,
    source: &[u8],
) -> Option<Binding<'t>> {
    match scope.kind() {
        "program" | "statement_block" | "class_static_block" | "switch_case" | "switch_default" => {
            let mut cursor = scope.walk();
            let found = scope
                .named_children(&mut cursor)
                .find_map(|statement| declared_by_statement(f, statement, name, source));
            found
        }
        "function_declaration"
        | "function_expression"
        | "function"
        | "generator_function_declaration"
        | "generator_function"
        | "arrow_function"
        | "method_definition" => {
            if let Some(parameter) = scope.child_by(f, Field::Parameter) {
                return (text(parameter, source) == name).then_some(Binding::Param {
                    type_annotation: None,
                    function: scope,
                    index: 0,
                    part: ParamPart::Whole,
                    default: None,
                });
            }
            let parameters = scope.child_by(f, Field::Parameters)?;
            let mut cursor = parameters.walk();
            let found = parameters
                .named_children(&mut cursor)
                .filter(|p| !matches!(p.kind(), "comment" | "decorator"))
                .enumerate()
                .find_map(|(index, parameter)| {
                    declared_by_parameter(f, scope, index, parameter, name, source)
                });
            found
        }
        "for_in_statement" => {
            let left = scope.child_by(f, Field::Left)?;
            pattern_binds_in(f, left, name, source).then_some(Binding::Opaque)
        }
        "for_statement" => {
            let initializer = scope.child_by(f, Field::Initializer)?;
            declared_by_statement(f, initializer, name, source).map(|_| Binding::Opaque)
        }
        "catch_clause" => {
            let parameter = scope.child_by(f, Field::Parameter)?;
            pattern_binds_in(f, parameter, name, source).then_some(Binding::Opaque)
        }
        _ => None,
    }
}

/// What one statement of a block declares `name` as.
pub(crate) fn declared_by_statement<'t>(
    f: &dyn Fields,
    statement: Node<'t>,
    name: &str,
    source: &[u8],
) -> Option<Binding<'t>> {
    match statement.kind() {
        "lexical_declaration" | "variable_declaration" => {
            let constant = statement
                .child(0)
                .is_some_and(|keyword| keyword.kind() == "const");
            let mut cursor = statement.walk();
            let found = statement
                .named_children(&mut cursor)
                .filter(|child| child.kind() == "variable_declarator")
                .find_map(|declarator| {
                    declared_by_declarator(f, declarator, name, constant, source)
                });
            found
        }
        "function_declaration" | "generator_function_declaration" => statement
            .child_by(f, Field::Name)
            .filter(|id| text(*id, source) == name)
            .map(|_| Binding::Function { node: statement }),
        "class_declaration" | "abstract_class_declaration" => statement
            .child_by(f, Field::Name)
            .filter(|id| text(*id, source) == name)
            .map(|_| Binding::Class { node: statement }),
        "interface_declaration" => statement
            .child_by(f, Field::Name)
            .filter(|id| text(*id, source) == name)
            .map(|_| Binding::Interface { node: statement }),
        "enum_declaration" => {
            let id = statement.child_by(f, Field::Name)?;
            if text(id, source) != name {
                return None;
            }
            statement
                .child_by(f, Field::Body)
                .map(|body| Binding::Enum { body })
        }
        "import_statement" => declared_by_import(f, statement, name, source),
        "export_statement" => statement
            .child_by(f, Field::Declaration)
            .and_then(|declaration| declared_by_statement(f, declaration, name, source)),
        _ => None,
    }
}

/// `useState(...)` or `React.useState(...)`.
fn is_state_hook_call(f: &dyn Fields, value: Option<Node>, source: &[u8]) -> bool {
    value
        .filter(|v| v.kind() == "call_expression")
        .and_then(|call| call.child_by(f, Field::Function))
        .is_some_and(|callee| matches!(text(callee, source), "useState" | "React.useState"))
}

fn declared_by_declarator<'t>(
    f: &dyn Fields,
    declarator: Node<'t>,
    name: &str,
    constant: bool,
    source: &[u8],
) -> Option<Binding<'t>> {
    let target = declarator.child_by(f, Field::Name)?;
    let value = declarator.child_by(f, Field::Value);
    match target.kind() {
        "identifier" => (text(target, source) == name).then_some(if constant {
            Binding::Const { value }
        } else {
            Binding::Variable { value }
        }),
        "object_pattern" => {
            let property = destructured_property(f, target, name, source)?;
            match value {
                Some(init) => Some(Binding::Destructured {
                    init,
                    property,
                    constant,
                }),
                None => Some(Binding::Opaque),
            }
        }
        // `const [gb] = useState(() => new GrowthBook())`: the state React keeps, which
        // is what the call stands for (the setter, second, is something else).
        "array_pattern" if is_state_hook_call(f, value, source) => {
            let first = target.named_child(0)?;
            if first.kind() == "identifier" && text(first, source) == name {
                value.map(|init| Binding::Destructured {
                    init,
                    property: None,
                    constant,
                })
            } else {
                pattern_binds_in(f, target, name, source).then_some(Binding::Opaque)
            }
        }
        _ => pattern_binds_in(f, target, name, source).then_some(Binding::Opaque),
    }
}

/// For `{ a, b: c, d = 1, ...rest }`, the property that binds `name`:
/// `Some(Some("b"))` for `c`, `Some(None)` for `rest`, `None` when it is not bound here.
fn destructured_property(
    f: &dyn Fields,
    pattern: Node,
    name: &str,
    source: &[u8],
) -> Option<Option<String>> {
    destructured_property_and_default(f, pattern, name, source).map(|(property, _)| property)
}

/// [`destructured_property`], with the property's default value (`{ d = 1 }`).
fn destructured_property_and_default<'t>(
    f: &dyn Fields,
    pattern: Node<'t>,
    name: &str,
    source: &[u8],
) -> Option<(Option<String>, Option<Node<'t>>)> {
    let mut cursor = pattern.walk();
    for child in pattern.named_children(&mut cursor) {
        match child.kind() {
            "shorthand_property_identifier_pattern" if text(child, source) == name => {
                return Some((Some(name.to_string()), None));
            }
            "object_assignment_pattern" => {
                let left = child.child_by(f, Field::Left)?;
                if left.kind() == "shorthand_property_identifier_pattern"
                    && text(left, source) == name
                {
                    return Some((Some(name.to_string()), child.child_by(f, Field::Right)));
                }
            }
            "pair_pattern" => {
                let (Some(key), Some(value)) = (
                    child.child_by(f, Field::Key),
                    child.child_by(f, Field::Value),
                ) else {
                    continue;
                };
                let (value, default) = match value.kind() {
                    "assignment_pattern" => (
                        value.child_by(f, Field::Left).unwrap_or(value),
                        value.child_by(f, Field::Right),
                    ),
                    _ => (value, None),
                };
                if value.kind() == "identifier" && text(value, source) == name {
                    return Some((Some(property_name(key, source)), default));
                }
                if pattern_binds_in(f, value, name, source) {
                    // Nested destructuring: bound, but not to one property of the init.
                    return Some((None, None));
                }
            }
            "rest_pattern" if pattern_binds_in(f, child, name, source) => {
                return Some((None, None))
            }
            _ => {}
        }
    }
    None
}

fn declared_by_parameter<'t>(
    f: &dyn Fields,
    function: Node<'t>,
    index: usize,
    parameter: Node<'t>,
    name: &str,
    source: &[u8],
) -> Option<Binding<'t>> {
    // TypeScript wraps each parameter, with its type, accessibility modifier and default.
    let (pattern, type_annotation, default) = match parameter.kind() {
        "required_parameter" | "optional_parameter" => (
            parameter.child_by(f, Field::Pattern)?,
            parameter.child_by(f, Field::Type),
            parameter.child_by(f, Field::Value),
        ),
        "assignment_pattern" => (
            parameter.child_by(f, Field::Left)?,
            None,
            parameter.child_by(f, Field::Right),
        ),
        _ => (parameter, None, None),
    };
    let binding = |part, default| Binding::Param {
        type_annotation: type_annotation.filter(|_| part == ParamPart::Whole),
        function,
        index,
        part,
        default,
    };
    match pattern.kind() {
        "identifier" => (text(pattern, source) == name).then(|| binding(ParamPart::Whole, default)),
        "object_pattern" => {
            let (property, default) = destructured_property_and_default(f, pattern, name, source)?;
            Some(match property {
                Some(property) => binding(ParamPart::Property(property), default),
                None => binding(ParamPart::Nested, None),
            })
        }
        _ => pattern_binds_in(f, pattern, name, source).then(|| binding(ParamPart::Nested, None)),
    }
}

fn declared_by_import<'t>(
    f: &dyn Fields,
    import: Node<'t>,
    name: &str,
    source: &[u8],
) -> Option<Binding<'t>> {
    let from = import.child_by(f, Field::Source)?;
    let clause = named_child_of_kind(import, "import_clause")?;
    let imported = imported_as(f, clause, name, source)?;
    Some(Binding::Import {
        source: string_value(from, source)?,
        imported,
    })
}

fn imported_as(f: &dyn Fields, clause: Node, name: &str, source: &[u8]) -> Option<Imported> {
    let mut cursor = clause.walk();
    for child in clause.named_children(&mut cursor) {
        match child.kind() {
            "identifier" if text(child, source) == name => return Some(Imported::Default),
            "namespace_import" => {
                let mut inner = child.walk();
                if child
                    .named_children(&mut inner)
                    .any(|id| id.kind() == "identifier" && text(id, source) == name)
                {
                    return Some(Imported::Namespace);
                }
            }
            "named_imports" => {
                let mut inner = child.walk();
                for specifier in child.named_children(&mut inner) {
                    if specifier.kind() != "import_specifier" {
                        continue;
                    }
                    let Some(original) = specifier.child_by(f, Field::Name) else {
                        continue;
                    };
                    let local = specifier.child_by(f, Field::Alias).unwrap_or(original);
                    if text(local, source) == name {
                        let original = property_name(original, source);
                        return Some(if original == "default" {
                            Imported::Default
                        } else {
                            Imported::Named(original)
                        });
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether a binding pattern (identifier, object or array pattern, rest, default) binds `name`.
pub fn pattern_binds(pattern: Node, name: &str, source: &[u8]) -> bool {
    pattern_binds_in(&FieldNames, pattern, name, source)
}

/// [`pattern_binds`], reading fields through `f`.
pub(crate) fn pattern_binds_in(f: &dyn Fields, pattern: Node, name: &str, source: &[u8]) -> bool {
    match pattern.kind() {
        "identifier" | "shorthand_property_identifier_pattern" => text(pattern, source) == name,
        "assignment_pattern" | "object_assignment_pattern" => pattern
            .child_by(f, Field::Left)
            .is_some_and(|left| pattern_binds_in(f, left, name, source)),
        "pair_pattern" => pattern
            .child_by(f, Field::Value)
            .is_some_and(|value| pattern_binds_in(f, value, name, source)),
        "object_pattern"
        | "array_pattern"
        | "rest_pattern"
        | "lexical_declaration"
        | "variable_declaration"
        | "variable_declarator" => {
            let mut cursor = pattern.walk();
            let found = pattern
                .named_children(&mut cursor)
                .any(|child| pattern_binds_in(f, child, name, source));
            found
        }
        _ => false,
    }
}
