//! Targets: which of the app's own functions a callee or a JSX component name refers to.
//!
//! A flag helper's call sites are calls whose callee is that helper: `isOn(k)` with `isOn`
//! imported from the helper's module (through barrels and aliases), `Utils.isOn(k)` on the
//! object that holds it, `this.flags.isOn(k)` on a field typed with the class that declares
//! it, `const { isOn } = useFlags()` from a hook that returns it. Values are followed
//! through bindings, imports and exports, object literals and `Object.assign`, classes and
//! their instances, and what a function returns; what the code does not say (a global, an
//! untyped parameter, `this.props`, a React context) is [`Target::Unknown`], which is not
//! the same as a function that is certainly something else ([`Target::Other`]).

use std::path::PathBuf;
use std::sync::Arc;

use tree_sitter::Node;

use super::exports::{Defined, Definition};
use super::fields::{ChildBy, Field};
use super::project::{Module, Project};
use super::scope::{Binding, Imported, ParamPart};
use super::{
    constructor_of, first_statement, is_parameter_property, require_specifier, returned_values,
    top_level_declaration, unwrap_expression, MAX_DEPTH,
};
use crate::parse::{property_name, text};

/// What a callee or component name refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A function of the app (declaration, arrow, function expression or method): the
    /// file and the function's byte range, which identify it.
    Function {
        path: PathBuf,
        range: (usize, usize),
    },
    /// One of these, decided at run time: `dev ? useWithOverrides : useExperiment`.
    Either(Vec<Target>),
    /// A method of an interface: whichever class implementing it the value is.
    Implemented { interface: String, method: String },
    /// The code does not say: a global, an untyped parameter, `this.props`, a context.
    Unknown,
    /// Something that is not one of the app's functions: a package's export, a value.
    Other,
}

impl Target {
    /// Whether this is (or may be, at run time) the function at `range` of `path`.
    pub fn may_be(&self, path: &std::path::Path, range: (usize, usize)) -> bool {
        match self {
            Target::Function {
                path: target,
                range: at,
            } => target == path && *at == range,
            Target::Either(targets) => targets.iter().any(|t| t.may_be(path, range)),
            Target::Implemented { .. } | Target::Unknown | Target::Other => false,
        }
    }

    /// Whether this may be the method `method` of a class implementing `interfaces`.
    pub fn may_implement(&self, interfaces: &[String], method: &str) -> bool {
        match self {
            Target::Implemented {
                interface,
                method: called,
            } => called == method && interfaces.contains(interface),
            Target::Either(targets) => targets.iter().any(|t| t.may_implement(interfaces, method)),
            _ => false,
        }
    }

    /// Whether the code leaves open what this is.
    pub fn is_unknown(&self) -> bool {
        match self {
            Target::Unknown | Target::Implemented { .. } => true,
            Target::Either(targets) => targets.iter().all(Target::is_unknown),
            _ => false,
        }
    }
}

/// A value as far as definitions go. Nodes are kept as byte ranges and kinds of their
/// module, since a node cannot outlive the borrow of the module that holds it.
#[derive(Clone)]
enum Val {
    /// One of these, decided at run time (a conditional).
    Either(Vec<Val>),
    /// An instance of some class implementing this interface.
    Implementing(String),
    /// A method of such an instance.
    InterfaceMethod(String, String),
    /// A definition: a function, an object literal, a class, an `Object.assign(...)`.
    Def(Arc<Module>, Span),
    /// An instance of the class at this span.
    Instance(Arc<Module>, Span),
    /// A module's namespace (`import * as m`, `require("./m")`).
    Namespace(Arc<Module>),
    /// Something from an npm package: not the app's, but what it returns is unknown.
    Package,
    Unknown,
    Other,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
    kind: &'static str,
}

impl Span {
    fn of(node: Node) -> Span {
        Span {
            start: node.start_byte(),
            end: node.end_byte(),
            kind: node.kind(),
        }
    }

    /// The node again, in the module it came from.
    fn node<'m>(&self, module: &'m Module) -> Option<Node<'m>> {
        let mut node = module
            .tree
            .root_node()
            .descendant_for_byte_range(self.start, self.end)?;
        // A wrapper spanning the same bytes (an expression statement) is not it.
        while node.kind() != self.kind {
            node = node
                .parent()
                .filter(|p| p.start_byte() == self.start && p.end_byte() == self.end)?;
        }
        Some(node)
    }
}

const FUNCTION_KINDS: [&str; 7] = [
    "function_declaration",
    "generator_function_declaration",
    "function_expression",
    "function",
    "generator_function",
    "arrow_function",
    "method_definition",
];

const CLASS_KINDS: [&str; 3] = ["class_declaration", "abstract_class_declaration", "class"];

/// Calls that hand back the function they are given (`useCallback(fn, deps)`, `memo(C)`).
const PASS_THROUGH: [&str; 6] = [
    "useCallback",
    "memo",
    "forwardRef",
    "observer",
    "React.useCallback",
    "React.memo",
];

impl Project {
    /// What `callee` (a call's function, a JSX element's name) refers to.
    pub fn callee_target(&self, module: &Arc<Module>, callee: Node) -> Target {
        target_of(self.val(module, callee, 0))
    }

    fn val(&self, module: &Arc<Module>, node: Node, depth: usize) -> Val {
        if depth > MAX_DEPTH {
            return Val::Unknown;
        }
        let f = module.fields();
        let src = module.bytes();
        let node = unwrap_expression(node);
        let kind = node.kind();
        match kind {
            "identifier" | "shorthand_property_identifier" | "type_identifier" => {
                self.name_val(module, node, text(node, src), depth)
            }
            "object" => Val::Def(module.clone(), Span::of(node)),
            _ if FUNCTION_KINDS.contains(&kind) || CLASS_KINDS.contains(&kind) => {
                Val::Def(module.clone(), Span::of(node))
            }
            "call_expression" => self.call_val(module, node, depth),
            "new_expression" => {
                let Some(constructor) = node.child_by(f, Field::Constructor) else {
                    return Val::Unknown;
                };
                match self.val(module, constructor, depth + 1) {
                    Val::Def(target, span) if CLASS_KINDS.contains(&span.kind) => {
                        Val::Instance(target, span)
                    }
                    Val::Other => Val::Other,
                    _ => Val::Unknown,
                }
            }
            "member_expression" | "subscript_expression" => {
                let (Some(object), Some(property)) = (
                    node.child_by(f, Field::Object),
                    node.child_by(f, Field::Property)
                        .or_else(|| node.child_by(f, Field::Index)),
                ) else {
                    return Val::Unknown;
                };
                let name = match property.kind() {
                    "property_identifier" | "private_property_identifier" => {
                        text(property, src).to_string()
                    }
                    "string" => property_name(property, src),
                    _ => return Val::Unknown,
                };
                if object.kind() == "this" {
                    return self.this_member_val(module, node, &name, depth);
                }
                let object = self.val(module, object, depth + 1);
                self.member_val(object, &name, depth)
            }
            "ternary_expression" => {
                let branches: Vec<Val> = ["consequence", "alternative"]
                    .iter()
                    .filter_map(|field| node.child_by_field_name(field))
                    .map(|branch| self.val(module, branch, depth + 1))
                    .collect();
                Val::Either(branches)
            }
            "binary_expression" => Val::Unknown,
            _ => Val::Other,
        }
    }

    fn name_val(&self, module: &Arc<Module>, at: Node, name: &str, depth: usize) -> Val {
        let Some(binding) = module.lookup(name, at) else {
            // A global (`window.Utils = Utils`, a `declare global`): the code does not say.
            return Val::Unknown;
        };
        match binding {
            Binding::Function { node } | Binding::Class { node } => {
                Val::Def(module.clone(), Span::of(node))
            }
            Binding::Interface { node } => match node.child_by_field_name("name") {
                Some(name) => Val::Implementing(text(name, module.bytes()).to_string()),
                None => Val::Unknown,
            },
            Binding::Const { value: Some(value) } | Binding::Variable { value: Some(value) } => {
                self.val(module, value, depth + 1)
            }
            Binding::Destructured {
                init,
                property: Some(property),
                ..
            } => {
                let object = self.val(module, init, depth + 1);
                self.member_val(object, &property, depth)
            }
            Binding::Param {
                type_annotation: Some(annotation),
                part: ParamPart::Whole,
                ..
            } => self.instance_of(module, annotation, depth),
            Binding::Param { .. } => Val::Unknown,
            Binding::Import { source, imported } => {
                let Some(target) = self.import(module, &source) else {
                    return if source.starts_with('.') {
                        Val::Unknown
                    } else {
                        Val::Package
                    };
                };
                match imported {
                    Imported::Named(name) => self.export_val(target, &name, depth),
                    Imported::Default => self.export_val(target, "default", depth),
                    Imported::Namespace => Val::Namespace(target),
                }
            }
            _ => Val::Other,
        }
    }

    fn export_val(&self, module: Arc<Module>, name: &str, depth: usize) -> Val {
        let Some(Defined {
            module,
            definition,
            depth,
        }) = self.definition(module, name, &|_| false, depth + 1)
        else {
            return Val::Unknown;
        };
        let root = module.tree.root_node();
        match definition {
            Definition::Value(start, end) => match root.descendant_for_byte_range(start, end) {
                Some(node) => self.val(&module, node, depth + 1),
                None => Val::Unknown,
            },
            Definition::Local(local) => match first_statement(root) {
                Some(at) => self.name_val(&module, at, &local, depth + 1),
                None => Val::Unknown,
            },
            Definition::Namespace(specifier) => match self.import(&module, &specifier) {
                Some(target) => Val::Namespace(target),
                None => Val::Unknown,
            },
            Definition::Stopped => Val::Package,
        }
    }

    fn call_val(&self, module: &Arc<Module>, call: Node, depth: usize) -> Val {
        let f = module.fields();
        let src = module.bytes();
        let Some(callee) = call.child_by(f, Field::Function) else {
            return Val::Unknown;
        };
        let arguments: Vec<Node> = call
            .child_by(f, Field::Arguments)
            .map(|a| {
                let mut cursor = a.walk();
                a.named_children(&mut cursor)
                    .filter(|n| n.kind() != "comment")
                    .collect()
            })
            .unwrap_or_default();
        let callee_text = text(callee, src);
        if PASS_THROUGH.contains(&callee_text) {
            return match arguments.first() {
                Some(first) => self.val(module, *first, depth + 1),
                None => Val::Unknown,
            };
        }
        if callee_text == "Object.assign" {
            return Val::Def(module.clone(), Span::of(call));
        }
        if let Some(specifier) = require_specifier(f, call, src) {
            return match self.import(module, &specifier) {
                Some(target) => Val::Namespace(target),
                None => Val::Package,
            };
        }
        // What an app function returns; a package function's result is not known.
        let result = match self.val(module, callee, depth + 1) {
            Val::Def(target, span) if FUNCTION_KINDS.contains(&span.kind) => {
                match span.node(&target) {
                    Some(function) => self.returned_val(&target, function, depth),
                    None => Val::Unknown,
                }
            }
            Val::Other => Val::Other,
            _ => Val::Unknown,
        };
        // `withFeatureFlags(BetaFlag)`, `connect(...)(Banner)`: a higher-order component
        // renders the component it wraps with the props it is given, so as an element
        // it is that component (React names components with a capital letter).
        let wraps_component = arguments
            .first()
            .filter(|a| a.kind() == "identifier")
            .is_some_and(|a| text(*a, src).starts_with(|c: char| c.is_ascii_uppercase()));
        match result {
            Val::Def(_, span) if FUNCTION_KINDS.contains(&span.kind) => result,
            _ if wraps_component => self.val(module, arguments[0], depth + 1),
            _ => result,
        }
    }

    /// What a call of `function` gives back. A declared class or interface return type says
    /// it for every path (`function getClient(): Client { ... return client; }`, with `client`
    /// a module variable set elsewhere); otherwise the first `return` does.
    fn returned_val(&self, module: &Arc<Module>, function: Node, depth: usize) -> Val {
        if let Some(declared) = function.child_by(module.fields(), Field::ReturnType) {
            let instance = self.instance_of(module, declared, depth);
            if matches!(instance, Val::Instance(..) | Val::Implementing(_)) {
                return instance;
            }
        }
        match returned_values(module.fields(), function).first() {
            Some(value) => self.val(module, *value, depth + 1),
            None => Val::Unknown,
        }
    }

    /// `object.name`.
    fn member_val(&self, object: Val, name: &str, depth: usize) -> Val {
        if depth > MAX_DEPTH {
            return Val::Unknown;
        }
        match object {
            Val::Def(module, span) => {
                let Some(node) = span.node(&module) else {
                    return Val::Unknown;
                };
                match span.kind {
                    "object" => self.object_member(&module, node, name, depth),
                    "call_expression" => self.assigned_member(&module, node, name, depth),
                    kind if CLASS_KINDS.contains(&kind) => {
                        self.class_member(&module, node, name, true, depth)
                    }
                    _ => Val::Other,
                }
            }
            Val::Instance(module, span) => match span.node(&module) {
                Some(class) => self.class_member(&module, class, name, false, depth),
                None => Val::Unknown,
            },
            Val::Namespace(module) => self.export_val(module, name, depth),
            Val::Implementing(interface) => Val::InterfaceMethod(interface, name.to_string()),
            Val::InterfaceMethod(..) => Val::Unknown,
            Val::Either(values) => Val::Either(
                values
                    .into_iter()
                    .map(|value| self.member_val(value, name, depth + 1))
                    .collect(),
            ),
            Val::Package | Val::Unknown => Val::Unknown,
            Val::Other => Val::Other,
        }
    }

    /// A property of an object literal; the last one wins, spreads are looked into.
    fn object_member(&self, module: &Arc<Module>, object: Node, name: &str, depth: usize) -> Val {
        let f = module.fields();
        let src = module.bytes();
        let mut found = None;
        let mut spreads = Vec::new();
        let mut cursor = object.walk();
        for entry in object.named_children(&mut cursor) {
            match entry.kind() {
                "pair" => {
                    let named = entry
                        .child_by(f, Field::Key)
                        .is_some_and(|k| property_name(k, src) == name);
                    if named {
                        found = entry.child_by(f, Field::Value).map(|v| (v, false));
                    }
                }
                "method_definition" => {
                    let named = entry
                        .child_by(f, Field::Name)
                        .is_some_and(|k| property_name(k, src) == name);
                    if named {
                        found = Some((entry, true));
                    }
                }
                "shorthand_property_identifier" if text(entry, src) == name => {
                    found = Some((entry, false));
                }
                "spread_element" => spreads.extend(entry.named_child(0)),
                _ => {}
            }
        }
        match found {
            Some((method, true)) => Val::Def(module.clone(), Span::of(method)),
            Some((value, false)) => self.val(module, value, depth + 1),
            None => {
                let mut answer = Val::Other;
                for spread in spreads.into_iter().rev() {
                    let object = self.val(module, spread, depth + 1);
                    match self.member_val(object, name, depth + 1) {
                        Val::Other => {}
                        Val::Unknown => answer = Val::Unknown,
                        other => return other,
                    }
                }
                answer
            }
        }
    }

    /// A property of `Object.assign(target, ...sources)`: the last source that has it.
    fn assigned_member(&self, module: &Arc<Module>, call: Node, name: &str, depth: usize) -> Val {
        let f = module.fields();
        let Some(arguments) = call.child_by(f, Field::Arguments) else {
            return Val::Unknown;
        };
        let mut cursor = arguments.walk();
        let sources: Vec<Node> = arguments
            .named_children(&mut cursor)
            .filter(|n| n.kind() != "comment")
            .collect();
        let mut answer = Val::Other;
        for source in sources.into_iter().rev() {
            let object = self.val(module, source, depth + 1);
            match self.member_val(object, name, depth + 1) {
                Val::Other => {}
                Val::Unknown => answer = Val::Unknown,
                other => return other,
            }
        }
        answer
    }

    /// A member of a class: a static one, or one of its instances.
    fn class_member(
        &self,
        module: &Arc<Module>,
        class: Node,
        name: &str,
        statics: bool,
        depth: usize,
    ) -> Val {
        let f = module.fields();
        let src = module.bytes();
        let Some(body) = class.child_by(f, Field::Body) else {
            return Val::Unknown;
        };
        let mut cursor = body.walk();
        for member in body.named_children(&mut cursor) {
            let is_static = (0..member.child_count())
                .filter_map(|i| member.child(i))
                .any(|c| c.kind() == "static");
            if is_static != statics {
                continue;
            }
            let named = member
                .child_by(f, Field::Name)
                .or_else(|| member.child_by(f, Field::Property))
                .is_some_and(|n| property_name(n, src) == name);
            if !named {
                continue;
            }
            return match member.kind() {
                "method_definition" => Val::Def(module.clone(), Span::of(member)),
                "public_field_definition" | "field_definition" => {
                    match (
                        member.child_by(f, Field::Value),
                        member.child_by(f, Field::Type),
                    ) {
                        (Some(value), _) => self.val(module, value, depth + 1),
                        (None, Some(annotation)) => self.instance_of(module, annotation, depth),
                        (None, None) => Val::Unknown,
                    }
                }
                _ => Val::Unknown,
            };
        }
        if !statics {
            if let Some(parameter) = constructor_property(module, body, name) {
                return match parameter.child_by(f, Field::Type) {
                    Some(annotation) => self.instance_of(module, annotation, depth),
                    None => Val::Unknown,
                };
            }
        }
        // Inherited, or added at run time: the code here does not say.
        Val::Unknown
    }

    /// `this.name` inside a class: its member, as an instance sees it.
    fn this_member_val(&self, module: &Arc<Module>, at: Node, name: &str, depth: usize) -> Val {
        let class = module
            .ancestors(at)
            .into_iter()
            .find(|n| CLASS_KINDS.contains(&n.kind()));
        match class {
            Some(class) => self.class_member(module, class, name, false, depth + 1),
            None => Val::Unknown,
        }
    }

    /// An instance of the class a type annotation names.
    fn instance_of(&self, module: &Arc<Module>, annotation: Node, depth: usize) -> Val {
        let f = module.fields();
        let mut node = annotation;
        loop {
            node = match node.kind() {
                "type_annotation" => match node.named_child(0) {
                    Some(inner) => inner,
                    None => return Val::Unknown,
                },
                "generic_type" => match node.child_by(f, Field::Name) {
                    Some(name) => name,
                    None => return Val::Unknown,
                },
                // `Client | undefined`: the one type that is not nothing.
                "union_type" => {
                    let mut cursor = node.walk();
                    let mut types = node.named_children(&mut cursor).filter(|member| {
                        !matches!(member.kind(), "literal_type" | "predefined_type")
                    });
                    match (types.next(), types.next()) {
                        (Some(only), None) => only,
                        _ => return Val::Unknown,
                    }
                }
                _ => break,
            };
        }
        if node.kind() == "type_identifier" {
            if let Some(declared) = self.type_named(module, node, depth) {
                return declared;
            }
        }
        match self.val(module, node, depth + 1) {
            Val::Def(target, span) if CLASS_KINDS.contains(&span.kind) => {
                Val::Instance(target, span)
            }
            // Typed with an interface: the value is one of the classes implementing it.
            implementing @ Val::Implementing(_) => implementing,
            // A type alias or something from a package: its implementation is not known.
            _ => Val::Unknown,
        }
    }
}

impl Project {
    /// The class or interface a type name stands for. A name can be a value and a type at
    /// once (`export const Client = Symbol("Client"); export interface Client {}`, the
    /// inversify idiom); in a type position it is the type, which a value lookup misses.
    fn type_named(&self, module: &Arc<Module>, name_node: Node, depth: usize) -> Option<Val> {
        let name = text(name_node, module.bytes());
        match module.lookup(name, name_node) {
            Some(Binding::Import {
                source,
                imported: Imported::Named(imported),
            }) => {
                let target = self.import(module, &source)?;
                let defined = self.definition(target, &imported, &|_| false, depth + 1)?;
                let local = match defined.definition {
                    Definition::Local(local) => local,
                    _ => imported,
                };
                type_declaration(&defined.module, &local)
            }
            _ => type_declaration(module, name),
        }
    }
}

/// A class or interface declared at the top of `module` under `name`, exported or not.
fn type_declaration(module: &Arc<Module>, name: &str) -> Option<Val> {
    let declaration = top_level_declaration(module, name)?;
    match declaration.kind() {
        "interface_declaration" => Some(Val::Implementing(name.to_string())),
        kind if CLASS_KINDS.contains(&kind) => {
            Some(Val::Instance(module.clone(), Span::of(declaration)))
        }
        _ => None,
    }
}

fn target_of(value: Val) -> Target {
    match value {
        Val::Def(target, span) if FUNCTION_KINDS.contains(&span.kind) => Target::Function {
            path: target.path.clone(),
            range: (span.start, span.end),
        },
        Val::Either(values) => Target::Either(values.into_iter().map(target_of).collect()),
        Val::InterfaceMethod(interface, method) => Target::Implemented { interface, method },
        Val::Unknown => Target::Unknown,
        _ => Target::Other,
    }
}

/// `constructor(private flags: FlagService)`: a parameter property named `name`.
fn constructor_property<'m>(module: &'m Module, body: Node<'m>, name: &str) -> Option<Node<'m>> {
    let f = module.fields();
    let src = module.bytes();
    let parameters = constructor_of(f, body, src)?.child_by(f, Field::Parameters)?;
    let mut cursor = parameters.walk();
    let found = parameters.named_children(&mut cursor).find(|p| {
        is_parameter_property(*p)
            && p.child_by(f, Field::Pattern)
                .is_some_and(|pattern| text(pattern, src) == name)
    });
    found
}
