//! SDK origins: whether a value comes from an SDK package, and through which SDK call.

use std::sync::Arc;

use tree_sitter::Node;

use super::answer::{Key, Origin};
use super::exports::{Defined, Definition};
use super::fields::{ChildBy, Field, Fields};
use super::project::MemberOrigin;
use super::project::{Module, Project};
use super::scope::{Binding, Imported, ParamPart};
use super::{
    first_statement, is_package, is_parameter_property, require_specifier, returned_values,
    unwrap_expression, MAX_DEPTH,
};
use crate::parse::{string_value, text};

impl Project {
    /// Whether `node` (a receiver, callee or component) comes from one of `packages`.
    pub fn sdk_origin(&self, module: &Module, node: Node, packages: &[String]) -> Option<Origin> {
        self.origin(module, node, packages, 0)
    }

    /// The SDK origin of what `function` returns.
    pub fn function_result_origin(
        &self,
        module: &Module,
        function: Node,
        packages: &[String],
    ) -> Option<Origin> {
        self.returned_origin(module, function, packages, 0)
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
                if let Some(initial) = react_held_value(f, node, src) {
                    return self.origin(module, initial, packages, depth + 1);
                }
                if self.origin(module, callee, packages, depth + 1).is_none() {
                    // An app function that hands out an SDK value: the client
                    // (`await getFlagsmith()`), or the flag map (`useAllFlags()` returning
                    // `useFlags()`), as the SDK call made it.
                    return self.call_result_origin(module, callee, packages, depth + 1);
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
                // `window.posthog`: the global, unless `window` is something of the file's.
                let global_object = object.kind() == "identifier"
                    && matches!(text(object, src), "window" | "globalThis" | "self")
                    && module.lookup(text(object, src), object).is_none();
                if global_object {
                    let property = node.child_by(f, Field::Property)?;
                    return self
                        .is_global_client(text(property, src), packages)
                        .then(Origin::default);
                }
                if let Some(held) = self.ref_current(module, node, packages, depth) {
                    return Some(held);
                }
                self.origin(module, object, packages, depth + 1)
                    .map(|_| Origin::default())
            }
            "generic_type" | "nested_type_identifier" => {
                let name = node.named_child(0)?;
                self.origin(module, name, packages, depth + 1)
            }
            // `const useFlag = onPremise ? onPremFlag : useUnleashFlag`: an SDK value on
            // one side is what the other side stands in for.
            "ternary_expression" => [Field::Consequence, Field::Alternative]
                .into_iter()
                .filter_map(|field| node.child_by(f, field))
                .find_map(|branch| self.origin(module, branch, packages, depth + 1)),
            // `client?.allFlags() ?? {}`, `useFlags() || defaults`: the SDK side.
            "binary_expression"
                if node
                    .child_by(f, Field::Operator)
                    .is_some_and(|op| matches!(op.kind(), "??" | "||")) =>
            {
                [Field::Left, Field::Right]
                    .into_iter()
                    .filter_map(|field| node.child_by(f, field))
                    .find_map(|side| self.origin(module, side, packages, depth + 1))
            }
            "type_annotation" => {
                let inner = node.named_child(0)?;
                self.origin(module, inner, packages, depth + 1)
            }
            // `{ ...flags, ...localOverrides }`: a flag map merged with others is the SDK's
            // map still (an object of spreads only; one with its own properties is not).
            "object" => {
                let mut cursor = node.walk();
                let entries: Vec<Node> = node
                    .named_children(&mut cursor)
                    .filter(|e| e.kind() != "comment")
                    .collect();
                if entries.is_empty() || entries.iter().any(|e| e.kind() != "spread_element") {
                    return None;
                }
                entries
                    .iter()
                    .filter_map(|spread| spread.named_child(0))
                    .find_map(|spread| self.origin(module, spread, packages, depth + 1))
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
        let Some(binding) = module.lookup(name, at) else {
            // Not declared in the file: a global, which a script tag may make the client.
            return self.is_global_client(name, packages).then(Origin::default);
        };
        match binding {
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
                    Imported::Named(name) => self.export_origin(target, &name, packages, depth + 1),
                    Imported::Default => self.export_origin(target, "default", packages, depth + 1),
                    Imported::Namespace => None,
                }
            }
            Binding::Const { value: Some(value) } => {
                self.origin(module, value, packages, depth + 1)
            }
            // `let client; ... client = new PostHog(key)`: a variable declared without a
            // value, or with another, is what one of the file's assignments to it gives.
            Binding::Variable { value } => value
                .and_then(|value| self.origin(module, value, packages, depth + 1))
                .or_else(|| {
                    assignments_to(module, name, value.map(|v| v.id()))
                        .into_iter()
                        .find_map(|assigned| self.origin(module, assigned, packages, depth + 1))
                }),
            Binding::Destructured { init, property, .. } => self
                .origin(module, init, packages, depth + 1)
                .map(|_| Origin {
                    name: property,
                    ..Origin::default()
                }),
            Binding::Param {
                type_annotation: Some(annotation),
                ..
            } => self.origin(module, annotation, packages, depth + 1),
            Binding::Param {
                function,
                index: 0,
                part: ParamPart::Whole,
                ..
            } => {
                let promise = then_receiver(module, function)?;
                self.origin(module, promise, packages, depth + 1)
            }
            _ => None,
        }
    }

    /// The origin of what `module` exports as `name`.
    fn export_origin(
        &self,
        module: Arc<Module>,
        name: &str,
        packages: &[String],
        depth: usize,
    ) -> Option<Origin> {
        let stop = |specifier: &str| is_package(specifier, packages);
        let Defined {
            module,
            definition,
            depth,
        } = self.definition(module, name, &stop, depth)?;
        let root = module.tree.root_node();
        match definition {
            Definition::Value(start, end) => {
                let node = root.descendant_for_byte_range(start, end)?;
                self.origin(&module, node, packages, depth + 1)
            }
            Definition::Local(local) => {
                let at = first_statement(root)?;
                self.name_origin(&module, at, &local, packages, depth + 1)
            }
            Definition::Namespace(_) => None,
            // `export { x } from "flagsmith"`: the SDK's own export.
            Definition::Stopped => Some(Origin::default()),
        }
    }

    /// `client.current` on `const client = useRef<LDClient>()` (or `createRef`): what the
    /// ref holds, by its type argument or its initial value.
    fn ref_current(
        &self,
        module: &Module,
        member: Node,
        packages: &[String],
        depth: usize,
    ) -> Option<Origin> {
        let f = module.fields();
        let src = module.bytes();
        if member.kind() != "member_expression"
            || member
                .child_by(f, Field::Property)
                .is_none_or(|p| text(p, src) != "current")
        {
            return None;
        }
        let object = unwrap_expression(member.child_by(f, Field::Object)?);
        if object.kind() != "identifier" {
            return None;
        }
        let (Binding::Const { value: Some(value) } | Binding::Variable { value: Some(value) }) =
            module.lookup(text(object, src), object)?
        else {
            return None;
        };
        let call = unwrap_expression(value);
        let callee = call.child_by(f, Field::Function)?;
        if call.kind() != "call_expression"
            || !matches!(
                text(callee, src),
                "useRef" | "createRef" | "React.useRef" | "React.createRef"
            )
        {
            return None;
        }
        if let Some(held) = call
            .child_by(f, Field::TypeArguments)
            .and_then(|a| a.named_child(0))
        {
            return self.origin(module, held, packages, depth + 1);
        }
        let initial = call.child_by(f, Field::Arguments)?.named_child(0)?;
        self.origin(module, initial, packages, depth + 1)
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
        let (origin, reads) = super::reads::remembered(|| {
            self.class_member_origin(module, class_body, member, packages, depth)
        });
        module.members.insert(
            key,
            MemberOrigin {
                member: member.to_string(),
                project: self.id,
                packages: packages.to_vec(),
                origin: origin.clone(),
                reads,
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
                    let is_property = is_parameter_property(node);
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
                self.export_result_origin(target, &name, packages, depth + 1)
            }
            // `const { useFlags } = require("./flags")`
            Binding::Destructured {
                init,
                property: Some(name),
                ..
            } => {
                let specifier =
                    require_specifier(module.fields(), unwrap_expression(init), module.bytes())?;
                if is_package(&specifier, packages) {
                    return None;
                }
                let target = self.import(module, &specifier)?;
                self.export_result_origin(target, &name, packages, depth + 1)
            }
            _ => None,
        }
    }

    /// The origin of what the function `module` exports as `name` returns.
    fn export_result_origin(
        &self,
        module: Arc<Module>,
        name: &str,
        packages: &[String],
        depth: usize,
    ) -> Option<Origin> {
        let stop = |specifier: &str| is_package(specifier, packages);
        let Defined {
            module,
            definition,
            depth,
        } = self.definition(module, name, &stop, depth)?;
        let root = module.tree.root_node();
        match definition {
            Definition::Value(start, end) => {
                let node = root.descendant_for_byte_range(start, end)?;
                self.returned_origin(&module, node, packages, depth + 1)
            }
            Definition::Local(local) => match module.lookup(&local, first_statement(root)?)? {
                Binding::Function { node } => {
                    self.returned_origin(&module, node, packages, depth + 1)
                }
                Binding::Const { value: Some(value) } => {
                    self.returned_origin(&module, value, packages, depth + 1)
                }
                _ => None,
            },
            Definition::Namespace(_) | Definition::Stopped => None,
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
                | "method_definition"
        ) {
            return None;
        }
        if let Some(return_type) = function.child_by(f, Field::ReturnType) {
            let declared = unwrap_promise(f, return_type, module.bytes());
            if let Some(origin) = self.origin(module, declared, packages, depth + 1) {
                return Some(origin);
            }
        }
        returned_values(f, function)
            .into_iter()
            .find_map(|value| self.origin(module, value, packages, depth + 1))
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

/// `import("posthog-js").then((posthog) => ...)`: the promise whose value a `.then`
/// callback's first parameter receives, when `function` is that callback.
fn then_receiver<'t>(module: &Module, function: Node<'t>) -> Option<Node<'t>> {
    let f = module.fields();
    let arguments = function.parent().filter(|p| p.kind() == "arguments")?;
    if arguments.named_child(0).map(|first| first.id()) != Some(function.id()) {
        return None;
    }
    let call = arguments.parent()?;
    let callee = call.child_by(f, Field::Function)?;
    if callee.kind() != "member_expression"
        || callee
            .child_by(f, Field::Property)
            .is_none_or(|p| text(p, module.bytes()) != "then")
    {
        return None;
    }
    callee.child_by(f, Field::Object)
}

/// `useState(() => new GrowthBook())`, `useMemo(() => createClient(), [])`: the value React
/// keeps for a component is what the initializer gives (`const [gb] = useState(...)`).
/// `useContext(Context)` gives what the context holds: `createContext<LDClient>(...)`'s type
/// argument, else its default value.
fn react_held_value<'t>(f: &dyn Fields, call: Node<'t>, src: &[u8]) -> Option<Node<'t>> {
    let callee = call.child_by(f, Field::Function)?;
    let name = text(callee, src);
    let name = name.strip_prefix("React.").unwrap_or(name);
    if !matches!(
        name,
        "useState" | "useMemo" | "useContext" | "createContext"
    ) {
        return None;
    }
    if name == "createContext" {
        if let Some(held) = call
            .child_by(f, Field::TypeArguments)
            .and_then(|a| a.named_child(0))
        {
            return Some(held);
        }
    }
    let initial = unwrap_expression(call.child_by(f, Field::Arguments)?.named_child(0)?);
    if matches!(name, "useContext" | "createContext") {
        return Some(initial);
    }
    match initial.kind() {
        "arrow_function" | "function_expression" | "function" => {
            returned_values(f, initial).first().copied()
        }
        _ if name.ends_with("useMemo") => None,
        _ => Some(initial),
    }
}

/// The values a module assigns to its top-level variable `name` (`client = new
/// PostHog(key)`), when that variable (told by its declared value, `value`) is the one
/// meant, and only where the name stands for it (not for a shadowing one).
fn assignments_to<'t>(module: &'t Module, name: &str, value: Option<usize>) -> Vec<Node<'t>> {
    let f = module.fields();
    let src = module.bytes();
    let root = module.tree.root_node();
    let is_it = |at: Node| {
        matches!(
            module.lookup(name, at),
            Some(Binding::Variable { value: v }) if v.map(|v| v.id()) == value
        )
    };
    // Most variables are never assigned a client: look for `name =` in the text first.
    let assigned_in_text = memchr::memmem::find_iter(src, name.as_bytes()).any(|at| {
        let before = at.checked_sub(1).map(|i| src[i]);
        let rest = src[at + name.len()..].trim_ascii_start();
        !before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
            && rest.first() == Some(&b'=')
            && rest.get(1) != Some(&b'=')
    });
    if !assigned_in_text || !first_statement(root).is_some_and(is_it) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
        if node.kind() != "assignment_expression" {
            continue;
        }
        let Some(left) = node.child_by(f, Field::Left) else {
            continue;
        };
        if left.kind() == "identifier" && text(left, src) == name && is_it(left) {
            found.extend(node.child_by(f, Field::Right));
        }
    }
    found
}
