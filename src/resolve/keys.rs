//! Keys: the string a key expression stands for, followed through the code.

use std::sync::Arc;

use tree_sitter::Node;

use super::answer::{Key, ParamKey};
use super::exports::{Defined, Definition};
use super::fields::{ChildBy, Field};
use super::project::{Module, Project};
use super::scope::{Binding, Imported, ParamPart};
use super::{
    constructor_of, first_statement, is_parameter_property, prepend, require_specifier,
    top_level_declaration, unwrap_expression, MAX_DEPTH,
};
use crate::parse::{property_name, string_value, text, unescape};

impl Project {
    /// The key an expression stands for.
    pub fn key(&self, module: &Module, node: Node) -> Key {
        self.eval(module, node, &[], 0)
    }

    /// The key a property path of an expression stands for: `command.key` for
    /// (`command`, `["key"]`).
    pub fn key_at(&self, module: &Module, node: Node, path: &[String]) -> Key {
        self.eval(module, node, path, 0)
    }

    pub(super) fn eval(&self, module: &Module, node: Node, path: &[String], depth: usize) -> Key {
        let f = module.fields();
        let dynamic = Key::Dynamic { prefix: None };
        if depth > MAX_DEPTH {
            return dynamic;
        }
        let src = module.bytes();
        let node = unwrap_expression(node);
        match node.kind() {
            "string" if path.is_empty() => string_value(node, src).map_or(dynamic, Key::Known),
            "template_string" if path.is_empty() => self.eval_template(module, node, depth),
            "binary_expression" if path.is_empty() => self.eval_concat(module, node, depth),
            "number" if path.is_empty() => Key::Known(text(node, src).to_string()),
            "array" if path.is_empty() => {
                let mut cursor = node.walk();
                let elements = node
                    .named_children(&mut cursor)
                    .filter(|e| e.kind() != "comment")
                    .map(|e| self.eval(module, e, &[], depth + 1).single())
                    .collect();
                Key::List(elements)
            }
            "identifier" | "shorthand_property_identifier" => {
                self.eval_name(module, node, text(node, src), path, depth)
            }
            "member_expression" => {
                let (Some(object), Some(property)) = (
                    node.child_by(f, Field::Object),
                    node.child_by(f, Field::Property),
                ) else {
                    return dynamic;
                };
                let path = prepend(text(property, src), path);
                self.eval(module, object, &path, depth + 1)
            }
            "subscript_expression" => {
                let (Some(object), Some(index)) = (
                    node.child_by(f, Field::Object),
                    node.child_by(f, Field::Index),
                ) else {
                    return dynamic;
                };
                match self.eval(module, index, &[], depth + 1) {
                    Key::Known(name) => self.eval(module, object, &prepend(&name, path), depth + 1),
                    _ => dynamic,
                }
            }
            "object" if !path.is_empty() => self.eval_object(module, node, path, depth),
            "new_expression" if !path.is_empty() => self.eval_new(module, node, path, depth),
            "call_expression" => match require_specifier(f, node, src) {
                Some(specifier) => self.eval_namespace(module, &specifier, path, depth),
                None => dynamic,
            },
            _ => dynamic,
        }
    }

    fn eval_name(
        &self,
        module: &Module,
        at: Node,
        name: &str,
        path: &[String],
        depth: usize,
    ) -> Key {
        let dynamic = Key::Dynamic { prefix: None };
        let Some(binding) = module.lookup(name, at) else {
            return dynamic;
        };
        match binding {
            Binding::Const { value: Some(value) } => {
                match self.eval(module, value, path, depth + 1) {
                    Key::Known(key) => Key::Known(key),
                    other => match path.split_first() {
                        // `const FEATURES = {}; FEATURES.DARK_MODE = "dark_mode";`
                        Some((member, rest)) if declared_at_top(value) => {
                            match assigned_member(module, name, member) {
                                Some(assigned) => self.eval(module, assigned, rest, depth + 1),
                                None => other,
                            }
                        }
                        _ => other,
                    },
                }
            }
            Binding::Destructured {
                init,
                property: Some(property),
                constant: true,
            } => self.eval(module, init, &prepend(&property, path), depth + 1),
            Binding::Enum { body } => self.eval_enum(module, body, path, depth),
            Binding::Param {
                function,
                index,
                part,
                default,
                ..
            } => {
                let (property, member) = match (&part, path) {
                    (ParamPart::Whole, []) => (None, Vec::new()),
                    (ParamPart::Whole, [property, member @ ..])
                    | (ParamPart::Property(property), member) => {
                        (Some(property.clone()), member.to_vec())
                    }
                    (ParamPart::Nested, _) => return dynamic,
                };
                let default = default.and_then(|d| match self.eval(module, d, &[], depth + 1) {
                    Key::Known(key) => Some(key),
                    _ => None,
                });
                Key::Param(ParamKey {
                    function: (function.start_byte(), function.end_byte()),
                    index,
                    property,
                    member,
                    default,
                    prefix: String::new(),
                    suffix: String::new(),
                })
            }
            Binding::Import { source, imported } => match imported {
                Imported::Named(name) => self.eval_import(module, &source, &name, path, depth),
                Imported::Default => self.eval_import(module, &source, "default", path, depth),
                Imported::Namespace => self.eval_namespace(module, &source, path, depth),
            },
            _ => dynamic,
        }
    }

    fn eval_enum(&self, module: &Module, body: Node, path: &[String], depth: usize) -> Key {
        let f = module.fields();
        let dynamic = Key::Dynamic { prefix: None };
        let Some((member, rest)) = path.split_first() else {
            return dynamic;
        };
        let src = module.bytes();
        let mut cursor = body.walk();
        for entry in body.named_children(&mut cursor) {
            match entry.kind() {
                "enum_assignment" => {
                    let Some(name) = entry.child_by(f, Field::Name) else {
                        continue;
                    };
                    if property_name(name, src) == *member {
                        return match entry.child_by(f, Field::Value) {
                            Some(value) if rest.is_empty() => {
                                self.eval(module, value, &[], depth + 1)
                            }
                            _ => dynamic,
                        };
                    }
                }
                // A member without initializer is a number: no flag service keys by those.
                "property_identifier" | "string" if property_name(entry, src) == *member => {
                    return dynamic;
                }
                _ => {}
            }
        }
        dynamic
    }

    fn eval_object(&self, module: &Module, object: Node, path: &[String], depth: usize) -> Key {
        let f = module.fields();
        let dynamic = Key::Dynamic { prefix: None };
        let Some((member, rest)) = path.split_first() else {
            return dynamic;
        };
        let src = module.bytes();
        let mut spreads = Vec::new();
        let mut cursor = object.walk();
        // A later property overrides an earlier one, so the last match wins.
        let mut found = None;
        for entry in object.named_children(&mut cursor) {
            match entry.kind() {
                "pair" => {
                    let Some(key) = entry.child_by(f, Field::Key) else {
                        continue;
                    };
                    let name = match key.kind() {
                        "computed_property_name" => match key.named_child(0) {
                            Some(inner) => match self.eval(module, inner, &[], depth + 1) {
                                Key::Known(name) => name,
                                _ => continue,
                            },
                            None => continue,
                        },
                        _ => property_name(key, src),
                    };
                    if name == *member {
                        found = entry.child_by(f, Field::Value).map(|v| (v, rest.to_vec()));
                    }
                }
                "shorthand_property_identifier" if text(entry, src) == member => {
                    found = Some((entry, rest.to_vec()));
                }
                "spread_element" => spreads.extend(entry.named_child(0)),
                _ => {}
            }
        }
        match found {
            Some((value, rest)) => self.eval(module, value, &rest, depth + 1),
            None => spreads
                .into_iter()
                .rev()
                .map(|spread| self.eval(module, spread, path, depth + 1))
                .find(|key| matches!(key, Key::Known(_)))
                .unwrap_or(dynamic),
        }
    }

    fn eval_template(&self, module: &Module, template: Node, depth: usize) -> Key {
        let src = module.bytes();
        // The text so far, and the parameter it follows once one is met.
        let mut known = String::new();
        let mut param: Option<ParamKey> = None;
        let mut cursor = template.walk();
        for part in template.named_children(&mut cursor) {
            let text = match part.kind() {
                "string_fragment" => text(part, src).to_string(),
                "escape_sequence" => unescape(text(part, src)),
                "template_substitution" => {
                    let value = part
                        .named_child(0)
                        .map(|expr| self.eval(module, expr, &[], depth + 1).single());
                    match (value, &param) {
                        (Some(Key::Known(value)), _) => value,
                        (Some(Key::Param(inner)), None) => {
                            param = Some(ParamKey {
                                prefix: format!("{known}{}", inner.prefix),
                                suffix: inner.suffix.clone(),
                                ..inner
                            });
                            known.clear();
                            continue;
                        }
                        (Some(Key::Dynamic { prefix }), None) => {
                            known.push_str(prefix.as_deref().unwrap_or(""));
                            return Key::Dynamic {
                                prefix: Some(known).filter(|p| !p.is_empty()),
                            };
                        }
                        // Nothing known after the parameter: what starts the key is.
                        (Some(_), Some(param)) => {
                            return Key::Dynamic {
                                prefix: Some(param.prefix.clone()).filter(|p| !p.is_empty()),
                            }
                        }
                        (Some(Key::List(_)) | None, _) => continue,
                    }
                }
                _ => continue,
            };
            known.push_str(&text);
        }
        match param {
            Some(mut param) => {
                param.suffix.push_str(&known);
                Key::Param(param)
            }
            None => Key::Known(known),
        }
    }

    fn eval_concat(&self, module: &Module, binary: Node, depth: usize) -> Key {
        let f = module.fields();
        let dynamic = Key::Dynamic { prefix: None };
        let is_plus = binary
            .child_by(f, Field::Operator)
            .is_some_and(|op| op.kind() == "+");
        let (Some(left), Some(right)) = (
            binary.child_by(f, Field::Left),
            binary.child_by(f, Field::Right),
        ) else {
            return dynamic;
        };
        if !is_plus {
            return dynamic;
        }
        let left = self.eval(module, left, &[], depth + 1).single();
        let right = || self.eval(module, right, &[], depth + 1).single();
        match left {
            Key::Known(left) => match right() {
                Key::Known(right) => Key::Known(left + &right),
                Key::Dynamic { prefix } => Key::Dynamic {
                    prefix: Some(left + prefix.as_deref().unwrap_or("")).filter(|p| !p.is_empty()),
                },
                Key::Param(mut param) => {
                    param.prefix = left + &param.prefix;
                    Key::Param(param)
                }
                Key::List(_) => dynamic,
            },
            Key::Param(mut param) => match right() {
                Key::Known(right) => {
                    param.suffix.push_str(&right);
                    Key::Param(param)
                }
                _ => Key::Dynamic {
                    prefix: Some(param.prefix).filter(|p| !p.is_empty()),
                },
            },
            unknown => unknown,
        }
    }

    /// A field of a new instance: `new Feature("show_code_snippets", false).id`, with the
    /// class (of this module or imported) setting `id` from a constructor parameter.
    fn eval_new(&self, module: &Module, new: Node, path: &[String], depth: usize) -> Key {
        let dynamic = Key::Dynamic { prefix: None };
        let Some((member, rest)) = path.split_first() else {
            return dynamic;
        };
        let f = module.fields();
        let src = module.bytes();
        let Some(constructor) = new
            .child_by(f, Field::Constructor)
            .filter(|c| c.kind() == "identifier")
        else {
            return dynamic;
        };
        let slot = match module.lookup(text(constructor, src), constructor) {
            Some(Binding::Class { node }) => constructor_slot(module, node, member),
            Some(Binding::Import { source, imported }) => {
                let name = match imported {
                    Imported::Named(name) => name,
                    Imported::Default => "default".to_string(),
                    Imported::Namespace => return dynamic,
                };
                self.import(module, &source)
                    .and_then(|target| self.definition(target, &name, &|_| false, depth + 1))
                    .and_then(|defined| {
                        let class = defined_class(&defined.module, &defined.definition)?;
                        constructor_slot(&defined.module, class, member)
                    })
            }
            _ => None,
        };
        let argument = slot.and_then(|index| {
            let arguments = new.child_by(f, Field::Arguments)?;
            let mut cursor = arguments.walk();
            let found = arguments
                .named_children(&mut cursor)
                .filter(|a| a.kind() != "comment")
                .nth(index);
            found
        });
        match argument {
            Some(argument) => self.eval(module, argument, rest, depth + 1),
            None => dynamic,
        }
    }

    fn eval_namespace(
        &self,
        module: &Module,
        specifier: &str,
        path: &[String],
        depth: usize,
    ) -> Key {
        match path.split_first() {
            Some((name, rest)) => self.eval_import(module, specifier, name, rest, depth),
            None => Key::Dynamic { prefix: None },
        }
    }

    fn eval_import(
        &self,
        module: &Module,
        specifier: &str,
        name: &str,
        path: &[String],
        depth: usize,
    ) -> Key {
        match self.import(module, specifier) {
            Some(target) => self.eval_export(target, name, path, depth + 1),
            None => Key::Dynamic { prefix: None },
        }
    }

    fn eval_export(&self, module: Arc<Module>, name: &str, path: &[String], depth: usize) -> Key {
        let dynamic = Key::Dynamic { prefix: None };
        let Some(Defined {
            module,
            definition,
            depth,
        }) = self.definition(module, name, &|_| false, depth)
        else {
            return dynamic;
        };
        let root = module.tree.root_node();
        match definition {
            Definition::Value(start, end) => match root.descendant_for_byte_range(start, end) {
                Some(node) => self.eval(&module, node, path, depth + 1),
                None => dynamic,
            },
            Definition::Local(local) => match first_statement(root) {
                Some(at) => self.eval_name(&module, at, &local, path, depth + 1),
                None => dynamic,
            },
            Definition::Namespace(specifier) => {
                self.eval_namespace(&module, &specifier, path, depth + 1)
            }
            Definition::Stopped => dynamic,
        }
    }
}

/// Whether a const's value is declared at the top of its module (not in a function or
/// block), where the module's top-level statements are the only ones sure to have run.
fn declared_at_top(value: Node) -> bool {
    let declaration = value
        .parent()
        .filter(|p| p.kind() == "variable_declarator")
        .and_then(|declarator| declarator.parent())
        .filter(|d| matches!(d.kind(), "lexical_declaration" | "variable_declaration"));
    let Some(mut node) = declaration else {
        return false;
    };
    if let Some(export) = node.parent().filter(|p| p.kind() == "export_statement") {
        node = export;
    }
    node.parent().is_some_and(|p| p.kind() == "program")
}

/// The value the module's top-level statements last assign to `object.member`:
/// `FEATURES.DARK_MODE = "dark_mode"`.
fn assigned_member<'t>(module: &'t Module, object: &str, member: &str) -> Option<Node<'t>> {
    let f = module.fields();
    let src = module.bytes();
    let root = module.tree.root_node();
    let mut cursor = root.walk();
    let mut found = None;
    for statement in root.named_children(&mut cursor) {
        let Some(assignment) = statement.named_child(0).filter(|a| {
            statement.kind() == "expression_statement" && a.kind() == "assignment_expression"
        }) else {
            continue;
        };
        let Some(left) = assignment
            .child_by(f, Field::Left)
            .filter(|l| l.kind() == "member_expression")
        else {
            continue;
        };
        let assigns = left
            .child_by(f, Field::Object)
            .is_some_and(|o| o.kind() == "identifier" && text(o, src) == object)
            && left
                .child_by(f, Field::Property)
                .is_some_and(|p| text(p, src) == member);
        if assigns {
            found = assignment.child_by(f, Field::Right);
        }
    }
    found
}

/// The class a definition is: an exported class declaration, or a local one by name.
fn defined_class<'m>(module: &'m Module, definition: &Definition) -> Option<Node<'m>> {
    let is_class = |node: &Node| {
        matches!(
            node.kind(),
            "class_declaration" | "abstract_class_declaration" | "class"
        )
    };
    match definition {
        Definition::Value(start, end) => {
            let mut node = module
                .tree
                .root_node()
                .descendant_for_byte_range(*start, *end)?;
            while !is_class(&node) {
                node = node
                    .parent()
                    .filter(|p| p.start_byte() == *start && p.end_byte() == *end)?;
            }
            Some(node)
        }
        Definition::Local(local) => top_level_declaration(module, local).filter(is_class),
        Definition::Namespace(_) | Definition::Stopped => None,
    }
}

/// Which constructor argument a class keeps as `member`: a parameter property
/// (`constructor(readonly id: string)`) or `this.id = id` in the constructor's body.
fn constructor_slot(module: &Module, class: Node, member: &str) -> Option<usize> {
    let src = module.bytes();
    let body = class.child_by_field_name("body")?;
    let constructor = constructor_of(module.fields(), body, src)?;
    let parameters = constructor.child_by_field_name("parameters")?;
    let mut cursor = parameters.walk();
    let mut names = Vec::new();
    for (index, parameter) in parameters
        .named_children(&mut cursor)
        .filter(|p| !matches!(p.kind(), "comment" | "decorator"))
        .enumerate()
    {
        let name = match parameter.kind() {
            "identifier" => Some(parameter),
            _ => parameter
                .child_by_field_name("pattern")
                .filter(|p| p.kind() == "identifier"),
        };
        let Some(name) = name else {
            continue;
        };
        if is_parameter_property(parameter) && text(name, src) == member {
            return Some(index);
        }
        names.push((text(name, src), index));
    }
    // `this.id = id;` among the constructor's statements.
    let block = constructor.child_by_field_name("body")?;
    let mut cursor = block.walk();
    let assigned = block.named_children(&mut cursor).find_map(|statement| {
        let assignment = statement
            .named_child(0)
            .filter(|a| a.kind() == "assignment_expression")?;
        let left = assignment
            .child_by_field_name("left")
            .filter(|l| l.kind() == "member_expression")?;
        let sets_member = left
            .child_by_field_name("object")
            .is_some_and(|o| o.kind() == "this")
            && left
                .child_by_field_name("property")
                .is_some_and(|p| text(p, src) == member);
        let right = assignment
            .child_by_field_name("right")
            .filter(|r| r.kind() == "identifier")?;
        if !sets_member {
            return None;
        }
        names
            .iter()
            .find(|(name, _)| *name == text(right, src))
            .map(|(_, index)| *index)
    });
    assigned
}
