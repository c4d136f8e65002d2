//! Exports: how a module exports a name, and the one walk that follows an imported name
//! through re-exports to the module that defines it.

use std::sync::Arc;

use tree_sitter::Node;

use super::fields::{ChildBy, Field, Fields};
use super::project::{Module, Project};
use super::scope;
use super::MAX_DEPTH;
use crate::parse::{property_name, string_value, text};

/// Where an exported name is defined, once re-exports are followed.
pub(super) enum Definition {
    /// An exported expression (`export default <expr>`, `module.exports.x = <expr>`): its
    /// byte range in the defining module (nodes cannot outlive the walk that found them).
    Value(usize, usize),
    /// A name declared at the defining module's top level (`export const X`,
    /// `export { local as X }`).
    Local(String),
    /// `export * as X from "specifier"`: another module's namespace.
    Namespace(String),
    /// `export { X } from "specifier"`, not followed because the caller said to stop
    /// there (an SDK package).
    Stopped,
}

/// A [`Definition`], the module it is in, and the depth the walk reached.
pub(super) struct Defined {
    pub module: Arc<Module>,
    pub definition: Definition,
    pub depth: usize,
}

impl Project {
    /// Follows `name` from `module`'s exports to where it is defined: through
    /// `export { a as b } from` and `export * from` (the first module that exports it).
    /// `stop(specifier)`: a re-export source not to follow. None when a module on the way
    /// cannot be read or the chain is too deep.
    pub(super) fn definition(
        &self,
        module: Arc<Module>,
        name: &str,
        stop: &dyn Fn(&str) -> bool,
        depth: usize,
    ) -> Option<Defined> {
        if depth > MAX_DEPTH {
            return None;
        }
        let definition = match find_export(&module, name) {
            Some(Export::Value((start, end))) => Definition::Value(start, end),
            Some(Export::Local(local)) => Definition::Local(local),
            Some(Export::From {
                specifier,
                name: None,
            }) => Definition::Namespace(specifier),
            Some(Export::From {
                specifier,
                name: Some(original),
            }) => {
                if stop(&specifier) {
                    Definition::Stopped
                } else {
                    let target = self.import(&module, &specifier)?;
                    return self.definition(target, &original, stop, depth + 1);
                }
            }
            None => {
                let target = self.star_source(&module, name)?;
                return self.definition(target, name, stop, depth + 1);
            }
        };
        Some(Defined {
            module,
            definition,
            depth,
        })
    }

    /// The module one of `module`'s `export * from` gets `name` from.
    fn star_source(&self, module: &Module, name: &str) -> Option<Arc<Module>> {
        let question = (module.path.clone(), name.to_string());
        let known = self
            .star_sources
            .answers
            .lock()
            .ok()
            .and_then(|answers| answers.get(&question).cloned());
        if let Some((known, reads)) = known {
            super::reads::note_all(&reads);
            return known;
        }
        let (found, reads) = super::reads::remembered(|| {
            star_exports(module).into_iter().find_map(|specifier| {
                let target = self.star_target(module, &specifier, name)?;
                has_export(self, &target, name, 0).then_some(target)
            })
        });
        if let Ok(mut answers) = self.star_sources.answers.lock() {
            answers.insert(question, (found.clone(), reads));
        }
        found
    }
}

enum Export {
    /// The exported expression's byte range (re-found in the module's tree).
    Value((usize, usize)),
    /// `export { local as name }`: a name declared in the module.
    Local(String),
    /// `export { name } from "x"` (`name` None: `export * as ns from "x"`).
    From {
        specifier: String,
        name: Option<String>,
    },
}

/// How `module` exports `name`, without following other modules.
fn find_export(module: &Module, name: &str) -> Option<Export> {
    let f = module.fields();
    let src = module.bytes();
    let root = module.tree.root_node();
    let mut cursor = root.walk();
    for statement in root.named_children(&mut cursor) {
        match statement.kind() {
            "export_statement" => {
                if let Some(export) = export_statement_binds(f, statement, name, src) {
                    return Some(export);
                }
            }
            "expression_statement" => {
                if let Some(export) = commonjs_export(f, statement, name, src) {
                    return Some(export);
                }
            }
            _ => {}
        }
    }
    None
}

fn export_statement_binds(
    f: &dyn Fields,
    statement: Node,
    name: &str,
    src: &[u8],
) -> Option<Export> {
    let specifier = statement
        .child_by(f, Field::Source)
        .and_then(|s| string_value(s, src));
    if let Some(declaration) = statement.child_by(f, Field::Declaration) {
        return declaration_exports(f, declaration, name, src);
    }
    let is_default = (0..statement.child_count())
        .filter_map(|i| statement.child(i))
        .any(|c| c.kind() == "default");
    if is_default {
        if name != "default" {
            return None;
        }
        let value = statement.child_by(f, Field::Value)?;
        return Some(Export::Value((value.start_byte(), value.end_byte())));
    }
    let mut cursor = statement.walk();
    for child in statement.named_children(&mut cursor) {
        match child.kind() {
            "export_clause" => {
                let mut inner = child.walk();
                for spec in child.named_children(&mut inner) {
                    let Some(local) = spec.child_by(f, Field::Name) else {
                        continue;
                    };
                    let exported = spec.child_by(f, Field::Alias).unwrap_or(local);
                    if property_name(exported, src) != name {
                        continue;
                    }
                    let local = property_name(local, src);
                    return Some(match &specifier {
                        Some(specifier) => Export::From {
                            specifier: specifier.clone(),
                            name: Some(local),
                        },
                        None => Export::Local(local),
                    });
                }
            }
            "namespace_export" => {
                let alias = child.named_child(0)?;
                if property_name(alias, src) == name {
                    return Some(Export::From {
                        specifier: specifier.clone()?,
                        name: None,
                    });
                }
            }
            _ => {}
        }
    }
    None
}

fn declaration_exports(
    f: &dyn Fields,
    declaration: Node,
    name: &str,
    src: &[u8],
) -> Option<Export> {
    match declaration.kind() {
        "lexical_declaration"
        | "variable_declaration"
        | "enum_declaration"
        | "function_declaration"
        | "generator_function_declaration"
        | "class_declaration"
        | "abstract_class_declaration"
        | "interface_declaration" => {
            let binds = match declaration.kind() {
                "lexical_declaration" | "variable_declaration" => {
                    scope::pattern_binds_in(f, declaration, name, src)
                }
                _ => declaration
                    .child_by(f, Field::Name)
                    .is_some_and(|n| text(n, src) == name),
            };
            binds.then(|| Export::Local(name.to_string()))
        }
        _ => None,
    }
}

/// `module.exports = { A: "x" }`, `module.exports.A = "x"`, `exports.A = "x"`.
fn commonjs_export(f: &dyn Fields, statement: Node, name: &str, src: &[u8]) -> Option<Export> {
    let assignment = statement.named_child(0)?;
    if assignment.kind() != "assignment_expression" {
        return None;
    }
    let left = assignment.child_by(f, Field::Left)?;
    let right = assignment.child_by(f, Field::Right)?;
    let target = text(left, src);
    if target == "module.exports" {
        if name == "default" {
            return Some(Export::Value((right.start_byte(), right.end_byte())));
        }
        if right.kind() == "object" {
            let mut cursor = right.walk();
            for entry in right.named_children(&mut cursor) {
                let found = match entry.kind() {
                    "pair" => entry
                        .child_by(f, Field::Key)
                        .filter(|k| property_name(*k, src) == name)
                        .and_then(|_| entry.child_by(f, Field::Value)),
                    "shorthand_property_identifier" if text(entry, src) == name => Some(entry),
                    _ => None,
                };
                if let Some(value) = found {
                    return Some(Export::Value((value.start_byte(), value.end_byte())));
                }
            }
        }
        return None;
    }
    let member = target
        .strip_prefix("module.exports.")
        .or_else(|| target.strip_prefix("exports."))?;
    (member == name).then(|| Export::Value((right.start_byte(), right.end_byte())))
}

fn star_exports(module: &Module) -> Vec<String> {
    let f = module.fields();
    let src = module.bytes();
    let root = module.tree.root_node();
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .filter(|s| s.kind() == "export_statement")
        .filter(|s| {
            let mut c = s.walk();
            let plain_star = s
                .named_children(&mut c)
                .all(|child| !matches!(child.kind(), "export_clause" | "namespace_export"))
                && s.child_by(f, Field::Declaration).is_none();
            plain_star
        })
        .filter_map(|s| {
            s.child_by(f, Field::Source)
                .and_then(|n| string_value(n, src))
        })
        .collect()
}

fn has_export(project: &Project, module: &Module, name: &str, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    find_export(module, name).is_some()
        || star_exports(module).into_iter().any(|specifier| {
            project
                .star_target(module, &specifier, name)
                .is_some_and(|target| has_export(project, &target, name, depth + 1))
        })
}
