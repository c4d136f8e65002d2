//! Key resolution: what string a flag key expression stands for.
//!
//! Keys are followed through string and template literals, `+`, consts in scope (shadowing
//! respected), enum members, object-map members (`FLAGS.NEW_CHECKOUT`, `as const` or not),
//! destructuring, named / aliased / namespace / default imports, CommonJS `require`, and
//! re-exports across files. Imported files are parsed lazily, once, and kept in a shared
//! cache. What cannot be followed becomes a dynamic key with its literal prefix.
//!
//! The same machinery answers the matcher's `#sdk?` question: does this receiver come from
//! an SDK package (its import, the instance its constructor or hook returns, the object a
//! fetch method returns)?

mod fields;
mod index;
pub mod paths;
pub mod scope;
#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use tree_sitter::{Node, Parser, Tree};

use crate::lang::Lang;
use fields::{ChildBy, Field, FieldIds, Fields};
use index::ScopeIndex;
use paths::ModulePaths;
use scope::{property_name, string_value, text, Binding, Imported};

/// Following keys deeper than this is taken as a cycle (`a = b; b = a` across files).
const MAX_DEPTH: usize = 24;

/// One parsed source file.
pub struct Module {
    pub path: PathBuf,
    pub source: String,
    pub tree: Tree,
    /// Field ids of the module's grammar, looked up on first use.
    fields: OnceLock<FieldIds>,
    /// Which names each scope may declare, filled in by lookups.
    scopes: ScopeIndex,
    /// `this.member` origins per class of this module.
    members: MemberOrigins,
}

impl Module {
    pub fn new(path: PathBuf, source: String, tree: Tree) -> Module {
        Module {
            path,
            source,
            tree,
            fields: OnceLock::new(),
            scopes: ScopeIndex::default(),
            members: MemberOrigins::default(),
        }
    }

    fn bytes(&self) -> &[u8] {
        self.source.as_bytes()
    }

    fn fields(&self) -> &FieldIds {
        self.fields
            .get_or_init(|| FieldIds::of(&self.tree.language()))
    }

    /// The binding `name` has at `at` (a node of this module's tree): the answer of
    /// [`scope::lookup`], found through a per-module index instead of scanning every
    /// enclosing scope.
    pub fn lookup<'m>(&'m self, name: &str, at: Node<'m>) -> Option<Binding<'m>> {
        self.scopes
            .lookup(self.fields(), self.tree.root_node(), name, at, self.bytes())
    }

    /// `at`'s ancestors, innermost first.
    fn ancestors<'m>(&'m self, at: Node<'m>) -> Vec<Node<'m>> {
        match index::ancestors(self.tree.root_node(), at) {
            Some(mut chain) => {
                chain.reverse();
                chain
            }
            None => std::iter::successors(at.parent(), |n| n.parent()).collect(),
        }
    }
}

/// `Project::this_member_origin` answers: by class body and depth, then member, project
/// and packages. An answer depends on nothing else (the files are read once and do not
/// change during a run), and reading the whole class body again for every
/// `this.client.x()` in it is what it saves.
#[derive(Default)]
struct MemberOrigins {
    answers: Mutex<HashMap<(usize, usize), Vec<MemberOrigin>>>,
}

struct MemberOrigin {
    member: String,
    project: u64,
    packages: Vec<String>,
    origin: Option<Origin>,
}

impl MemberOrigins {
    fn get(
        &self,
        key: (usize, usize),
        member: &str,
        project: u64,
        packages: &[String],
    ) -> Option<Option<Origin>> {
        let answers = self.answers.lock().ok()?;
        answers
            .get(&key)?
            .iter()
            .find(|a| a.member == member && a.project == project && a.packages == packages)
            .map(|a| a.origin.clone())
    }

    fn insert(&self, key: (usize, usize), answer: MemberOrigin) {
        if let Ok(mut answers) = self.answers.lock() {
            answers.entry(key).or_default().push(answer);
        }
    }
}

/// A key as far as it could be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Known(String),
    /// Not statically known; `prefix` is the literal text it is known to start with.
    Dynamic {
        prefix: Option<String>,
    },
    /// An array of keys: `useFlags(FEATURE_FLAGS)` with `const FEATURE_FLAGS = ["a", "b"]`.
    List(Vec<Key>),
}

impl Key {
    /// A list where one key is expected is not a key.
    fn single(self) -> Key {
        match self {
            Key::List(_) => Key::Dynamic { prefix: None },
            key => key,
        }
    }
}

/// Where an SDK-derived value came from: the last SDK function or constructor called
/// to make it, and the literal strings of that call's array arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The SDK name a binding holds: `useFlags` for `import { useFlags as useFs }`,
    /// `hasFeature` for `const { hasFeature } = useFlagsmith()`.
    pub name: Option<String>,
    pub called: Option<String>,
    /// For each argument: the strings of an array literal of strings, or None.
    pub listed: Vec<Option<Vec<String>>>,
}

type ModuleSlot = Arc<OnceLock<Option<Arc<Module>>>>;

/// Shared by all worker threads: the modules imported so far and the tsconfig aliases.
pub struct Project {
    modules: Mutex<HashMap<PathBuf, ModuleSlot>>,
    paths: ModulePaths,
    max_file_size: u64,
    loaded: AtomicUsize,
    /// Tells projects apart in the answers a module remembers.
    id: u64,
    /// Files looked at through `export * from` but not parsed, so that each is read once:
    /// a barrel file re-exports dozens of modules, and only one of them holds the name.
    star_texts: Mutex<HashMap<PathBuf, Arc<[u8]>>>,
    /// `export_origin` answers through `export *`, by module, name, packages and depth:
    /// every call of an imported helper asks the same question of the same barrel.
    star_origins: Mutex<HashMap<StarQuestion, Option<Origin>>>,
}

type StarQuestion = (PathBuf, String, Vec<String>, usize);

impl Default for Project {
    fn default() -> Project {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Project {
            modules: Mutex::default(),
            paths: ModulePaths::default(),
            max_file_size: 0,
            loaded: AtomicUsize::new(0),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            star_texts: Mutex::default(),
            star_origins: Mutex::default(),
        }
    }
}

thread_local! {
    /// Imported modules are parsed on whichever worker first needs them.
    static MODULE_PARSER: RefCell<Parser> = RefCell::new(Parser::new());
}

impl Project {
    pub fn new(max_file_size: u64) -> Project {
        Project {
            max_file_size,
            ..Project::default()
        }
    }

    /// How many imported modules were parsed for resolution.
    pub fn modules_loaded(&self) -> usize {
        self.loaded.load(Ordering::Relaxed)
    }

    fn load(&self, path: &Path) -> Option<Arc<Module>> {
        self.load_with(path, || self.read(path))
    }

    /// The module at `path`, parsed from what `read` gives the first time it is asked for.
    fn load_with(
        &self,
        path: &Path,
        read: impl FnOnce() -> Option<Vec<u8>>,
    ) -> Option<Arc<Module>> {
        let slot = {
            let mut modules = self.modules.lock().ok()?;
            modules.entry(path.to_owned()).or_default().clone()
        };
        slot.get_or_init(|| self.parse_module(path, read()?))
            .clone()
    }

    /// A file's bytes, unless it is over the size limit or unreadable.
    fn read(&self, path: &Path) -> Option<Vec<u8>> {
        crate::walk::read_at_most(path, self.max_file_size)
            .ok()?
            .ok()
    }

    fn parse_module(&self, path: &Path, bytes: Vec<u8>) -> Option<Arc<Module>> {
        let lang = Lang::from_path(path)?;
        let source = String::from_utf8(bytes).ok()?;
        let tree = MODULE_PARSER.with(|parser| {
            let mut parser = parser.borrow_mut();
            parser.set_language(&lang.grammar()).ok()?;
            parser.parse(&source, None)
        })?;
        self.loaded.fetch_add(1, Ordering::Relaxed);
        Some(Arc::new(Module::new(path.to_owned(), source, tree)))
    }

    fn import(&self, from: &Module, specifier: &str) -> Option<Arc<Module>> {
        let path = self.paths.resolve(&from.path, specifier)?;
        self.load(&path)
    }

    /// The module `export * from "<specifier>"` names, when it could export `name`: it is
    /// parsed only if its text spells the name or passes on other modules' exports.
    fn star_target(&self, from: &Module, specifier: &str, name: &str) -> Option<Arc<Module>> {
        let path = self.paths.resolve(&from.path, specifier)?;
        let parsed = self
            .modules
            .lock()
            .ok()?
            .get(&path)
            .is_some_and(|slot| slot.get().is_some());
        if parsed {
            return self.load(&path);
        }
        let cached = self.star_texts.lock().ok()?.get(&path).cloned();
        let text = match cached {
            Some(text) => text,
            None => {
                let text: Arc<[u8]> = self.read(&path)?.into();
                self.star_texts
                    .lock()
                    .ok()?
                    .insert(path.clone(), text.clone());
                text
            }
        };
        if could_export(&text, name) {
            self.load_with(&path, || Some(text.to_vec()))
        } else {
            None
        }
    }

    /// The key an expression stands for.
    pub fn key(&self, module: &Module, node: Node) -> Key {
        self.eval(module, node, &[], 0)
    }

    fn eval(&self, module: &Module, node: Node, path: &[String], depth: usize) -> Key {
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
            Binding::Const { value: Some(value) } => self.eval(module, value, path, depth + 1),
            Binding::Destructured {
                init,
                property: Some(property),
                constant: true,
            } => self.eval(module, init, &prepend(&property, path), depth + 1),
            Binding::Enum { body } => self.eval_enum(module, body, path, depth),
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
        let mut known = String::new();
        let mut cursor = template.walk();
        for part in template.named_children(&mut cursor) {
            match part.kind() {
                "string_fragment" => known.push_str(text(part, src)),
                "escape_sequence" => known.push_str(&scope::unescape(text(part, src))),
                "template_substitution" => {
                    let value = part
                        .named_child(0)
                        .map(|expr| self.eval(module, expr, &[], depth + 1).single());
                    match value {
                        Some(Key::Known(value)) => known.push_str(&value),
                        Some(Key::Dynamic { prefix }) => {
                            known.push_str(prefix.as_deref().unwrap_or(""));
                            return Key::Dynamic {
                                prefix: Some(known).filter(|p| !p.is_empty()),
                            };
                        }
                        Some(Key::List(_)) | None => {}
                    }
                }
                _ => {}
            }
        }
        Key::Known(known)
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
        match self.eval(module, left, &[], depth + 1).single() {
            Key::Known(left) => match self.eval(module, right, &[], depth + 1).single() {
                Key::Known(right) => Key::Known(left + &right),
                Key::Dynamic { prefix } => Key::Dynamic {
                    prefix: Some(left + prefix.as_deref().unwrap_or("")).filter(|p| !p.is_empty()),
                },
                Key::List(_) => dynamic,
            },
            unknown => unknown,
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
            Some(target) => self.eval_export(&target, name, path, depth + 1),
            None => Key::Dynamic { prefix: None },
        }
    }

    fn eval_export(&self, module: &Module, name: &str, path: &[String], depth: usize) -> Key {
        let dynamic = Key::Dynamic { prefix: None };
        if depth > MAX_DEPTH {
            return dynamic;
        }
        match find_export(module, name) {
            Some(Export::Value(node)) => {
                let node = module
                    .tree
                    .root_node()
                    .descendant_for_byte_range(node.0, node.1);
                match node {
                    Some(node) => self.eval(module, node, path, depth + 1),
                    None => dynamic,
                }
            }
            Some(Export::Local(local)) => {
                let root = module.tree.root_node();
                match first_statement(root) {
                    Some(at) => self.eval_name(module, at, &local, path, depth + 1),
                    None => dynamic,
                }
            }
            Some(Export::From { specifier, name }) => match name {
                Some(name) => self.eval_import(module, &specifier, &name, path, depth + 1),
                None => self.eval_namespace(module, &specifier, path, depth + 1),
            },
            None => {
                for specifier in star_exports(module) {
                    if let Some(target) = self.star_target(module, &specifier, name) {
                        if has_export(self, &target, name, depth + 1) {
                            return self.eval_export(&target, name, path, depth + 1);
                        }
                    }
                }
                dynamic
            }
        }
    }

    /// Whether `node` (a receiver, callee or component) comes from one of `packages`.
    pub fn sdk_origin(&self, module: &Module, node: Node, packages: &[String]) -> Option<Origin> {
        self.origin(module, node, packages, 0)
    }

    fn origin(
        &self,
        module: &Module,
        node: Node,
        packages: &[String],
        depth: usize,
    ) -> Option<Origin> {
        let f = module.fields();
        if depth > MAX_DEPTH {
            return None;
        }
        let src = module.bytes();
        let node = unwrap_expression(node);
        match node.kind() {
            "identifier" | "type_identifier" | "shorthand_property_identifier" => {
                self.name_origin(module, node, text(node, src), packages, depth)
            }
            "call_expression" | "new_expression" => {
                let callee = node
                    .child_by(f, Field::Function)
                    .or_else(|| node.child_by(f, Field::Constructor))?;
                if let Some(specifier) = require_specifier(f, node, src) {
                    return is_package(&specifier, packages).then(Origin::default);
                }
                if self.origin(module, callee, packages, depth + 1).is_none() {
                    // An app function that hands out the SDK client: `await getFlagsmith()`.
                    return self
                        .call_result_origin(module, callee, packages, depth + 1)
                        .map(|_| Origin::default());
                }
                Some(Origin {
                    name: None,
                    called: self.called_name(module, callee),
                    listed: self.listed_arguments(module, node, depth),
                })
            }
            "member_expression" | "subscript_expression" => {
                let object = node.child_by(f, Field::Object)?;
                if object.kind() == "this" {
                    let property = node.child_by(f, Field::Property)?;
                    return self.this_member_origin(
                        module,
                        node,
                        text(property, src),
                        packages,
                        depth,
                    );
                }
                self.origin(module, object, packages, depth + 1)
                    .map(|_| Origin::default())
            }
            "generic_type" | "nested_type_identifier" => {
                let name = node.named_child(0)?;
                self.origin(module, name, packages, depth + 1)
            }
            "type_annotation" => {
                let inner = node.named_child(0)?;
                self.origin(module, inner, packages, depth + 1)
            }
            _ => None,
        }
    }

    fn name_origin(
        &self,
        module: &Module,
        at: Node,
        name: &str,
        packages: &[String],
        depth: usize,
    ) -> Option<Origin> {
        match module.lookup(name, at)? {
            Binding::Import { source, imported } => {
                if is_package(&source, packages) {
                    return Some(Origin {
                        name: match imported {
                            Imported::Named(name) => Some(name),
                            _ => None,
                        },
                        ..Origin::default()
                    });
                }
                let target = self.import(module, &source)?;
                match imported {
                    Imported::Named(name) => {
                        self.export_origin(&target, &name, packages, depth + 1)
                    }
                    Imported::Default => {
                        self.export_origin(&target, "default", packages, depth + 1)
                    }
                    Imported::Namespace => None,
                }
            }
            Binding::Const { value: Some(value) } | Binding::Variable { value: Some(value) } => {
                self.origin(module, value, packages, depth + 1)
            }
            Binding::Destructured { init, property, .. } => self
                .origin(module, init, packages, depth + 1)
                .map(|_| Origin {
                    name: property,
                    ..Origin::default()
                }),
            Binding::Param {
                type_annotation: Some(annotation),
            } => self.origin(module, annotation, packages, depth + 1),
            _ => None,
        }
    }

    fn export_origin(
        &self,
        module: &Module,
        name: &str,
        packages: &[String],
        depth: usize,
    ) -> Option<Origin> {
        if depth > MAX_DEPTH {
            return None;
        }
        match find_export(module, name) {
            Some(Export::Value((start, end))) => {
                let node = module
                    .tree
                    .root_node()
                    .descendant_for_byte_range(start, end)?;
                self.origin(module, node, packages, depth + 1)
            }
            Some(Export::Local(local)) => {
                let at = first_statement(module.tree.root_node())?;
                self.name_origin(module, at, &local, packages, depth + 1)
            }
            Some(Export::From {
                specifier,
                name: Some(name),
            }) => {
                if is_package(&specifier, packages) {
                    return Some(Origin::default());
                }
                let target = self.import(module, &specifier)?;
                self.export_origin(&target, &name, packages, depth + 1)
            }
            Some(Export::From { name: None, .. }) => None,
            None => {
                let question = (
                    module.path.clone(),
                    name.to_string(),
                    packages.to_vec(),
                    depth,
                );
                let known = self
                    .star_origins
                    .lock()
                    .ok()
                    .and_then(|answers| answers.get(&question).cloned());
                if let Some(known) = known {
                    return known;
                }
                let origin = star_exports(module).into_iter().find_map(|specifier| {
                    let target = self.star_target(module, &specifier, name)?;
                    self.export_origin(&target, name, packages, depth + 1)
                });
                if let Ok(mut answers) = self.star_origins.lock() {
                    answers.insert(question, origin.clone());
                }
                origin
            }
        }
    }

    /// `this.flagsmith`: a class field, a constructor parameter property, or `this.x = ...`.
    fn this_member_origin(
        &self,
        module: &Module,
        at: Node,
        member: &str,
        packages: &[String],
        depth: usize,
    ) -> Option<Origin> {
        let class_body = module
            .ancestors(at)
            .into_iter()
            .find(|n| n.kind() == "class_body")?;
        let key = (class_body.id(), depth);
        if let Some(known) = module.members.get(key, member, self.id, packages) {
            return known;
        }
        let origin = self.class_member_origin(module, class_body, member, packages, depth);
        module.members.insert(
            key,
            MemberOrigin {
                member: member.to_string(),
                project: self.id,
                packages: packages.to_vec(),
                origin: origin.clone(),
            },
        );
        origin
    }

    /// What `this.<member>` holds in a class: its field, parameter property or assignment.
    fn class_member_origin(
        &self,
        module: &Module,
        class_body: Node,
        member: &str,
        packages: &[String],
        depth: usize,
    ) -> Option<Origin> {
        let f = module.fields();
        let src = module.bytes();
        let mut origins = Vec::new();
        let mut stack = vec![class_body];
        while let Some(node) = stack.pop() {
            match node.kind() {
                "public_field_definition" | "field_definition" => {
                    let name = node
                        .child_by(f, Field::Name)
                        .or_else(|| node.child_by(f, Field::Property));
                    if name.is_some_and(|n| text(n, src) == member) {
                        if let Some(value) = node.child_by(f, Field::Value) {
                            origins.push(value);
                        }
                        if let Some(annotation) = node.child_by(f, Field::Type) {
                            origins.push(annotation);
                        }
                    }
                }
                "required_parameter" | "optional_parameter" => {
                    let is_property = scope::named_child_of_kind(node, "accessibility_modifier")
                        .is_some()
                        || scope::named_child_of_kind(node, "override_modifier").is_some()
                        || node.child(0).is_some_and(|c| c.kind() == "readonly");
                    let named = node
                        .child_by(f, Field::Pattern)
                        .is_some_and(|p| text(p, src) == member);
                    if is_property && named {
                        if let Some(annotation) = node.child_by(f, Field::Type) {
                            origins.push(annotation);
                        }
                    }
                }
                "assignment_expression" => {
                    let left = node.child_by(f, Field::Left);
                    let assigns_member = left.is_some_and(|left| {
                        left.kind() == "member_expression"
                            && left
                                .child_by(f, Field::Object)
                                .is_some_and(|o| o.kind() == "this")
                            && left
                                .child_by(f, Field::Property)
                                .is_some_and(|p| text(p, src) == member)
                    });
                    if assigns_member {
                        origins.extend(node.child_by(f, Field::Right));
                    }
                }
                _ => {}
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        origins
            .into_iter()
            .find_map(|value| self.origin(module, value, packages, depth + 1))
    }

    /// For each argument of a call: the keys of an array literal whose every element
    /// resolves (`useFlags(["a", FLAGS.B])`), else None.
    fn listed_arguments(
        &self,
        module: &Module,
        call: Node,
        depth: usize,
    ) -> Vec<Option<Vec<String>>> {
        let f = module.fields();
        let Some(arguments) = call.child_by(f, Field::Arguments) else {
            return Vec::new();
        };
        let mut cursor = arguments.walk();
        let listed = arguments
            .named_children(&mut cursor)
            .filter(|a| a.kind() != "comment")
            .map(
                |argument| match self.eval(module, argument, &[], depth + 1) {
                    Key::List(keys) => keys
                        .into_iter()
                        .map(|key| match key {
                            Key::Known(key) => Some(key),
                            _ => None,
                        })
                        .collect(),
                    _ => None,
                },
            )
            .collect();
        listed
    }

    /// The origin of what an app function returns, when `callee` names one.
    fn call_result_origin(
        &self,
        module: &Module,
        callee: Node,
        packages: &[String],
        depth: usize,
    ) -> Option<Origin> {
        let callee = unwrap_expression(callee);
        if callee.kind() != "identifier" || depth > MAX_DEPTH {
            return None;
        }
        match module.lookup(text(callee, module.bytes()), callee)? {
            Binding::Function { node } => self.returned_origin(module, node, packages, depth + 1),
            Binding::Const { value: Some(value) } => {
                self.returned_origin(module, value, packages, depth + 1)
            }
            Binding::Import { source, imported } if !is_package(&source, packages) => {
                let target = self.import(module, &source)?;
                let name = match imported {
                    Imported::Named(name) => name,
                    Imported::Default => "default".to_string(),
                    Imported::Namespace => return None,
                };
                self.export_result_origin(&target, &name, packages, depth + 1)
            }
            _ => None,
        }
    }

    fn export_result_origin(
        &self,
        module: &Module,
        name: &str,
        packages: &[String],
        depth: usize,
    ) -> Option<Origin> {
        if depth > MAX_DEPTH {
            return None;
        }
        match find_export(module, name) {
            Some(Export::Local(local)) => {
                let at = first_statement(module.tree.root_node())?;
                let id = module.lookup(&local, at)?;
                match id {
                    Binding::Function { node } => {
                        self.returned_origin(module, node, packages, depth + 1)
                    }
                    Binding::Const { value: Some(value) } => {
                        self.returned_origin(module, value, packages, depth + 1)
                    }
                    _ => None,
                }
            }
            Some(Export::Value((start, end))) => {
                let node = module
                    .tree
                    .root_node()
                    .descendant_for_byte_range(start, end)?;
                self.returned_origin(module, node, packages, depth + 1)
            }
            Some(Export::From {
                specifier,
                name: Some(name),
            }) => {
                let target = self.import(module, &specifier)?;
                self.export_result_origin(&target, &name, packages, depth + 1)
            }
            Some(Export::From { name: None, .. }) => None,
            None => star_exports(module).into_iter().find_map(|specifier| {
                let target = self.import(module, &specifier)?;
                self.export_result_origin(&target, name, packages, depth + 1)
            }),
        }
    }

    /// A function's declared return type (`Promise<T>` unwrapped), else its `return`s.
    fn returned_origin(
        &self,
        module: &Module,
        function: Node,
        packages: &[String],
        depth: usize,
    ) -> Option<Origin> {
        let f = module.fields();
        let function = unwrap_expression(function);
        if !matches!(
            function.kind(),
            "function_declaration"
                | "function_expression"
                | "function"
                | "arrow_function"
                | "generator_function_declaration"
        ) {
            return None;
        }
        if let Some(return_type) = function.child_by(f, Field::ReturnType) {
            let declared = unwrap_promise(f, return_type, module.bytes());
            if let Some(origin) = self.origin(module, declared, packages, depth + 1) {
                return Some(origin);
            }
        }
        let body = function.child_by(f, Field::Body)?;
        if body.kind() != "statement_block" {
            return self.origin(module, body, packages, depth + 1);
        }
        let mut stack = vec![body];
        while let Some(node) = stack.pop() {
            if node.kind() == "return_statement" {
                if let Some(value) = node.named_child(0) {
                    if let Some(origin) = self.origin(module, value, packages, depth + 1) {
                        return Some(origin);
                    }
                }
                continue;
            }
            // A nested function's returns are its own.
            if node.id() != body.id()
                && matches!(
                    node.kind(),
                    "function_declaration" | "function_expression" | "arrow_function" | "function"
                )
            {
                continue;
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        None
    }

    /// Whether the module imports (or requires and destructures) one of `names` from `packages`.
    pub fn imports_any(&self, module: &Module, packages: &[String], names: &[String]) -> bool {
        let f = module.fields();
        let src = module.bytes();
        let root = module.tree.root_node();
        let mut cursor = root.walk();
        let found = root.named_children(&mut cursor).any(|statement| {
            if statement.kind() != "import_statement" {
                return false;
            }
            let from = statement
                .child_by(f, Field::Source)
                .and_then(|s| string_value(s, src));
            if !from.is_some_and(|f| is_package(&f, packages)) {
                return false;
            }
            names.iter().any(|name| {
                let needle = name.as_bytes();
                src[statement.byte_range()]
                    .windows(needle.len())
                    .any(|w| w == needle)
            })
        });
        found
    }

    /// The SDK name of what a callee calls: the imported name through an alias, or the method.
    fn called_name(&self, module: &Module, callee: Node) -> Option<String> {
        let f = module.fields();
        let src = module.bytes();
        let callee = unwrap_expression(callee);
        match callee.kind() {
            "identifier" => match module.lookup(text(callee, src), callee) {
                Some(Binding::Import {
                    imported: Imported::Named(name),
                    ..
                }) => Some(name),
                _ => Some(text(callee, src).to_string()),
            },
            "member_expression" => callee
                .child_by(f, Field::Property)
                .map(|p| text(p, src).to_string()),
            _ => None,
        }
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
        | "class_declaration" => {
            let binds = match declaration.kind() {
                "enum_declaration" | "function_declaration" | "class_declaration" => declaration
                    .child_by(f, Field::Name)
                    .is_some_and(|n| text(n, src) == name),
                _ => scope::pattern_binds_in(f, declaration, name, src),
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

/// Whether a module's text could export `name`: it spells it, re-exports another
/// module wholesale (`export * from`), or hands one on through `require`.
fn could_export(text: &[u8], name: &str) -> bool {
    let passes_on_a_module = memchr::memmem::find_iter(text, b"export").any(|at| {
        text[at + b"export".len()..]
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'*')
    });
    passes_on_a_module
        || memchr::memmem::find(text, name.as_bytes()).is_some()
        || memchr::memmem::find(text, b"require(").is_some()
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

/// `Promise<IFlagsmith>` is `IFlagsmith` for an awaited call.
fn unwrap_promise<'t>(f: &dyn Fields, annotation: Node<'t>, src: &[u8]) -> Node<'t> {
    let inner = match annotation.kind() {
        "type_annotation" => annotation.named_child(0).unwrap_or(annotation),
        _ => annotation,
    };
    if inner.kind() == "generic_type"
        && inner
            .child_by(f, Field::Name)
            .is_some_and(|n| text(n, src) == "Promise")
    {
        if let Some(argument) = inner
            .child_by(f, Field::TypeArguments)
            .and_then(|a| a.named_child(0))
        {
            return argument;
        }
    }
    inner
}

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

/// `require("x")` gives "x".
fn require_specifier(f: &dyn Fields, call: Node, src: &[u8]) -> Option<String> {
    if call.kind() != "call_expression" {
        return None;
    }
    let callee = call.child_by(f, Field::Function)?;
    if callee.kind() != "identifier" || text(callee, src) != "require" {
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
