//! The app's own flag helpers, inferred from the code.
//!
//! A function is a flag helper when one of its parameters reaches the key of an SDK read
//! (or of another helper's call): unchanged, inside a template or a concatenation, as a
//! whole argument, a property of an object argument or a JSX prop. The resolver proves
//! that flow ([`Key::Param`]); a function that merely takes a string is not a helper.
//!
//! The read inside a helper is not a reference of its own: the helper's call sites hold
//! the keys. So a [`Seed`] (a read whose key is a parameter) becomes a [`Helper`] once the
//! function around it is named as its callers name it, and [`find_helper_calls`] turns the
//! helper's call sites into references, resolving each key at the call site. A call site
//! whose key is itself a parameter of the function around it seeds the next helper: helpers
//! of helpers are found round by round until none is new.
//!
//! A call counts when its callee resolves to the helper's definition (through imports,
//! re-exports, object namespaces, classes and typed fields, what a hook returns). When the
//! code cannot say what the callee is (a global, `this.props`, a React context), the call
//! counts only if its name is the helper's and says it is about flags (see [`flaggy`]).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use tree_sitter::Node;

use super::find::{expression_text, first_line_chars, key_of, position, shape_of};
use crate::parse::{property_name, text};
use crate::reference::{Dynamic, RefKind, Reference};
use crate::resolve::{Key, Module, ParamKey, Project, Target};

pub use super::find::Seed;

/// A flag helper of the app.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Helper {
    /// The name its call sites use: the function's, the method's or the component's.
    pub name: String,
    /// How people name it, for `via`: `Utils.getFlagsmithHasFeature`.
    pub display: String,
    /// Where it is defined: the file, the function's byte range (its identity) and line.
    pub path: PathBuf,
    pub range: (usize, usize),
    pub line: usize,
    /// Which argument holds the key, and how it becomes the service key.
    pub param: HelperParam,
    pub sdk: usize,
    pub case: Option<String>,
    /// How its call sites read the flag.
    pub kind: RefKind,
    /// The helpers between it and the SDK, outermost first (itself not included).
    pub via: Vec<String>,
    /// The reads inside it, as the dynamic references they are when nothing calls it.
    #[serde(with = "crate::reference::every_field")]
    pub reads: Vec<Reference>,
    /// How many call sites the scan found.
    pub calls: usize,
    /// For a class method: the interfaces its class implements, so that a call on a value
    /// typed with one of them may be a call of it.
    pub implements: Vec<String>,
    /// The function is what `name` returns, so calls read `name(...)(KEY)`, or `check(KEY)`
    /// after `const check = name()`.
    #[serde(default)]
    pub returned: bool,
}

impl Helper {
    /// What tells helpers apart: the file and the function's range.
    pub fn id(&self) -> HelperId {
        (self.path.clone(), self.range)
    }
}

/// A helper's file and byte range.
pub type HelperId = (PathBuf, (usize, usize));

/// [`ParamKey`] without the function's range, which [`Helper`] holds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct HelperParam {
    pub index: usize,
    pub property: Option<String>,
    #[serde(default)]
    pub member: Vec<String>,
    pub default: Option<String>,
    pub prefix: String,
    pub suffix: String,
}

impl HelperParam {
    fn of(param: &ParamKey) -> HelperParam {
        HelperParam {
            index: param.index,
            property: param.property.clone(),
            member: param.member.clone(),
            default: param.default.clone(),
            prefix: param.prefix.clone(),
            suffix: param.suffix.clone(),
        }
    }

    /// The key a call site's own argument key stands for.
    fn apply(&self, key: Key) -> Key {
        ParamKey {
            function: (0, 0),
            index: self.index,
            property: self.property.clone(),
            member: self.member.clone(),
            default: None,
            prefix: self.prefix.clone(),
            suffix: self.suffix.clone(),
        }
        .apply(key)
    }
}

/// Whether a name says it is about flags: the only evidence left when the code does not
/// say what a callee is. `isFeatureEnabled`, `getFlag`, `useToggle`, `BetaFlag` are;
/// `isEnabled`, `get`, `check` are not.
pub fn flaggy(name: &str) -> bool {
    const WORDS: [&str; 7] = [
        "flag",
        "feature",
        "toggle",
        "experiment",
        "variant",
        "gate",
        "rollout",
    ];
    let lower = name.to_ascii_lowercase();
    WORDS.iter().any(|w| lower.contains(w))
}

/// `featureFlags.isEnabled`, `this.flagService.get`: the receiver's own name (its last
/// property) says it is about flags.
fn receiver_is_flaggy(callee: Node, source: &[u8]) -> bool {
    if callee.kind() != "member_expression" {
        return false;
    }
    let Some(object) = callee.child_by_field_name("object") else {
        return false;
    };
    let last = match object.kind() {
        "member_expression" => object.child_by_field_name("property"),
        "identifier" => Some(object),
        _ => None,
    };
    last.is_some_and(|name| flaggy(text(name, source)))
}

/// Names the functions the seeds are in. A seed whose function has no name callers could
/// use (a callback, an IIFE) is no helper: its dynamic reference stands.
pub fn name_seeds(module: &Module, seeds: Vec<Seed>) -> (Vec<Helper>, Vec<Reference>) {
    let mut helpers: Vec<Helper> = Vec::new();
    let mut references = Vec::new();
    for seed in seeds {
        let function = module
            .tree
            .root_node()
            .descendant_for_byte_range(seed.param.function.0, seed.param.function.1)
            .and_then(|node| function_at(node, seed.param.function));
        let named = function.and_then(|function| match function_name(module, function) {
            Some((name, display)) => Some((name, display, false)),
            // `const useFlagCheck = () => (key) => read(key)`: named by what returns it.
            None => returned_by(function)
                .and_then(|outer| function_name(module, outer))
                .map(|(name, display)| (name, format!("{display}()"), true)),
        });
        let Some((name, display, returned)) = named else {
            references.push(seed.fallback);
            continue;
        };
        let kind = if returned {
            RefKind::Call
        } else if name.starts_with("use")
            && name[3..].chars().next().is_some_and(char::is_uppercase)
        {
            RefKind::Hook
        } else if seed.param.property.is_some()
            && name.chars().next().is_some_and(char::is_uppercase)
        {
            RefKind::Jsx
        } else {
            RefKind::Call
        };
        let helper = Helper {
            name,
            display,
            path: module.path.clone(),
            range: seed.param.function,
            line: seed.fallback.line,
            param: HelperParam::of(&seed.param),
            sdk: seed.sdk,
            case: seed.case,
            kind,
            via: seed.via,
            reads: vec![seed.fallback],
            calls: 0,
            implements: Vec::new(),
            returned,
        };
        let line = module
            .tree
            .root_node()
            .descendant_for_byte_range(helper.range.0, helper.range.0)
            .map_or(helper.line, |n| n.start_position().row + 1);
        let implements = module
            .tree
            .root_node()
            .descendant_for_byte_range(helper.range.0, helper.range.1)
            .and_then(|node| function_at(node, helper.range))
            .map(|function| implemented_interfaces(module, function))
            .unwrap_or_default();
        let helper = Helper {
            line,
            implements,
            ..helper
        };
        match helpers
            .iter_mut()
            .find(|h| h.range == helper.range && h.param == helper.param)
        {
            Some(known) => known.reads.extend(helper.reads),
            None => helpers.push(helper),
        }
    }
    (helpers, references)
}

/// The function that returns `function` as its value: `return (key) => ...` in its body,
/// or an arrow's expression body.
fn returned_by(function: Node) -> Option<Node> {
    let mut node = function;
    loop {
        let parent = node.parent()?;
        match parent.kind() {
            "parenthesized_expression" | "as_expression" | "satisfies_expression" => node = parent,
            "return_statement" => return enclosing_function(parent),
            "arrow_function" if field(parent, "body").is_some_and(|b| b.id() == node.id()) => {
                return Some(parent);
            }
            _ => return None,
        }
    }
}

/// The nearest function a node is in.
fn enclosing_function(node: Node) -> Option<Node> {
    let mut node = node.parent()?;
    while !is_function(node) {
        node = node.parent()?;
    }
    Some(node)
}

/// The function node with exactly this range (not a wrapper spanning the same bytes).
fn function_at(mut node: Node, range: (usize, usize)) -> Option<Node> {
    loop {
        if node.start_byte() == range.0 && node.end_byte() == range.1 && is_function(node) {
            return Some(node);
        }
        node = node
            .parent()
            .filter(|p| p.start_byte() == range.0 && p.end_byte() == range.1)?;
    }
}

fn is_function(node: Node) -> bool {
    matches!(
        node.kind(),
        "function_declaration"
            | "generator_function_declaration"
            | "function_expression"
            | "function"
            | "generator_function"
            | "arrow_function"
            | "method_definition"
    )
}

/// The name callers use for `function`, and the name people know it by (with its object
/// or class): a declaration's name, the const or property it is assigned to, a method's
/// name, through `useCallback(...)`, `memo(...)` and the like.
fn function_name(module: &Module, function: Node) -> Option<(String, String)> {
    let src = module.source.as_bytes();
    if matches!(
        function.kind(),
        "function_declaration" | "generator_function_declaration"
    ) {
        let name = text(field(function, "name")?, src).to_string();
        return Some((name.clone(), name));
    }
    if function.kind() == "method_definition" {
        let name = property_name(field(function, "name")?, src);
        let display = match owner_name(module, function.parent()?) {
            Some(owner) => format!("{owner}.{name}"),
            None => name.clone(),
        };
        return Some((name, display));
    }
    // An expression: name it after what holds it.
    let mut node = function;
    loop {
        let parent = node.parent()?;
        match parent.kind() {
            "variable_declarator" => {
                let name = field(parent, "name")?;
                if name.kind() != "identifier" {
                    return None;
                }
                let name = text(name, src).to_string();
                return Some((name.clone(), name));
            }
            "pair" => {
                let name = property_name(field(parent, "key")?, src);
                let display = match owner_name(module, parent.parent()?) {
                    Some(owner) => format!("{owner}.{name}"),
                    None => name.clone(),
                };
                return Some((name, display));
            }
            "public_field_definition" | "field_definition" => {
                let name = property_name(
                    field(parent, "name").or_else(|| field(parent, "property"))?,
                    src,
                );
                let display = match owner_name(module, parent.parent()?) {
                    Some(owner) => format!("{owner}.{name}"),
                    None => name.clone(),
                };
                return Some((name, display));
            }
            "assignment_expression" => {
                // `module.exports.isOn = (key) => ...`, `exports.isOn = ...`
                let left = field(parent, "left")?;
                let name = match left.kind() {
                    "member_expression" => text(field(left, "property")?, src).to_string(),
                    "identifier" => text(left, src).to_string(),
                    _ => return None,
                };
                return Some((name.clone(), name));
            }
            "export_statement" => {
                // `export default (key) => ...`: callers name the import; the file's stem
                // is what they usually call it.
                let stem = module.path.file_stem()?.to_str()?;
                let stem = stem.strip_suffix(".d").unwrap_or(stem).to_string();
                return Some((stem.clone(), stem));
            }
            "arguments" => {
                // `useCallback((key) => ..., [])`, `memo((props) => ...)`: the call is
                // what gets named.
                let call = parent.parent()?;
                let callee = field(call, "function")?;
                let callee = text(callee, src);
                let passes_through = ["useCallback", "memo", "forwardRef", "observer"]
                    .iter()
                    .any(|w| callee == *w || callee.ends_with(&format!(".{w}")));
                if !passes_through {
                    return None;
                }
                node = call;
            }
            "parenthesized_expression" | "as_expression" | "satisfies_expression" => {
                node = parent;
            }
            _ => return None,
        }
    }
}

/// `class LaunchDarklyService implements IFeatureFlagsService`: the interfaces of the class
/// a method is in.
fn implemented_interfaces(module: &Module, method: Node) -> Vec<String> {
    let source = module.source.as_bytes();
    let Some(class) = method
        .parent()
        .filter(|p| p.kind() == "class_body")
        .and_then(|body| body.parent())
    else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let mut stack = vec![class];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "class_body" => continue,
            "implements_clause" => {
                let mut cursor = node.walk();
                for ty in node.named_children(&mut cursor) {
                    let name = match ty.kind() {
                        "generic_type" => ty.child_by_field_name("name"),
                        _ => Some(ty),
                    };
                    names.extend(name.map(|n| text(n, source).to_string()));
                }
                continue;
            }
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    names
}

fn field<'t>(node: Node<'t>, name: &str) -> Option<Node<'t>> {
    node.child_by_field_name(name)
}

/// The name of the object literal or class a member belongs to: `Utils` for
/// `const Utils = { ... }` and `Object.assign({}, Base, { ... })`, the class's name.
fn owner_name(module: &Module, container: Node) -> Option<String> {
    let src = module.source.as_bytes();
    match container.kind() {
        "class_body" => {
            let class = container.parent()?;
            class
                .child_by_field_name("name")
                .map(|n| text(n, src).to_string())
        }
        "object" => {
            let mut node = container;
            loop {
                let parent = node.parent()?;
                match parent.kind() {
                    "variable_declarator" => {
                        return parent
                            .child_by_field_name("name")
                            .filter(|n| n.kind() == "identifier")
                            .map(|n| text(n, src).to_string());
                    }
                    "arguments"
                    | "call_expression"
                    | "parenthesized_expression"
                    | "as_expression"
                    | "satisfies_expression" => node = parent,
                    _ => return None,
                }
            }
        }
        _ => None,
    }
}

/// A function of the app that returns what an SDK function returns (`useAllFlags()`
/// returning `useFlags()`): reads of what it returns are that SDK's reads, so its name
/// stands for the SDK function's.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MapHelper {
    pub name: String,
    pub display: String,
    /// The SDK (index into the matcher's SDKs) and the function it stands for.
    pub sdk: usize,
    pub stands_for: String,
    pub path: PathBuf,
    pub line: usize,
}

/// The functions of a parsed file that return an SDK's result object (a flag map, a
/// flags snapshot), for the SDKs in `sdks`.
pub fn find_map_helpers(
    project: &Project,
    module: &Module,
    matcher: &super::Matcher,
    sdks: u64,
) -> Vec<MapHelper> {
    let source = module.source.as_bytes();
    let mut found = Vec::new();
    for (index, spec) in matcher.sdks.iter().enumerate() {
        if !crate::prefilter::in_set(sdks, index) {
            continue;
        }
        let results: Vec<String> = spec
            .result_names()
            .into_iter()
            .filter(|name| memchr::memmem::find(source, name.as_bytes()).is_some())
            .collect();
        if results.is_empty() {
            continue;
        }
        // What the file calls them: `import { useFlags as ldUseFlags }` too.
        let mut spelled = results.clone();
        spelled.extend(import_aliases(module, &results));
        let mut stack = vec![module.tree.root_node()];
        while let Some(node) = stack.pop() {
            let mut walk = node.walk();
            stack.extend(node.named_children(&mut walk));
            if !is_function(node) {
                continue;
            }
            let body = text(node, source);
            // `useFlags()`, and `useFlags<typeof defaults>()` with a type argument.
            if !spelled
                .iter()
                .any(|r| body.contains(&format!("{r}(")) || body.contains(&format!("{r}<")))
            {
                continue;
            }
            let Some(called) = project
                .function_result_origin(module, node, &spec.packages)
                .and_then(|origin| origin.called)
                .filter(|called| results.contains(called))
            else {
                continue;
            };
            let Some((name, display)) = function_name(module, node) else {
                continue;
            };
            found.push(MapHelper {
                name,
                display,
                sdk: index,
                stands_for: called,
                path: module.path.clone(),
                line: node.start_position().row + 1,
            });
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The local names a module's imports give to `names` (`import { useFlags as ldUseFlags }`).
fn import_aliases(module: &Module, names: &[String]) -> Vec<String> {
    import_renames(module)
        .into_iter()
        .filter(|(imported, _)| names.contains(imported))
        .map(|(_, local)| local)
        .collect()
}

/// The helpers found so far, by the name their call sites use.
#[derive(Debug, Default, Clone)]
pub struct HelperTable {
    by_name: BTreeMap<String, Vec<Helper>>,
}

impl HelperTable {
    /// Adds the helpers not known yet; returns those.
    pub fn add(&mut self, helpers: Vec<Helper>) -> Vec<Helper> {
        let mut added = Vec::new();
        for helper in helpers {
            let known = self.by_name.entry(helper.name.clone()).or_default();
            if known.iter().any(|h| {
                h.path == helper.path && h.range == helper.range && h.param == helper.param
            }) {
                continue;
            }
            known.push(helper.clone());
            added.push(helper);
        }
        added
    }

    /// The reads inside helpers whose call sites were never looked for (the rounds ran
    /// out): they stand as the dynamic references they are. A helper that was looked for
    /// and that nothing calls reads no flag: its reads are not references.
    pub fn unsearched_reads(&self, unsearched: &[Helper]) -> Vec<Reference> {
        unsearched
            .iter()
            .flat_map(|h| h.reads.iter().cloned())
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    pub fn all(&self) -> impl Iterator<Item = &Helper> {
        self.by_name.values().flatten()
    }

    fn named(&self, name: &str) -> &[Helper] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }
}

/// What a helper round found in one file.
#[derive(Default)]
pub struct HelperCalls {
    pub references: Vec<Reference>,
    pub seeds: Vec<Seed>,
    /// The helpers it calls.
    pub called: Vec<HelperId>,
    /// Other names it gives helpers (`export const useFlag = dev ? useLocal : useRemote`).
    pub helpers: Vec<Helper>,
}

/// The call sites of `helpers` in one parsed file: calls (`isOn(k)`, `Utils.isOn(k)`,
/// `this.flags.isOn(k)`) and JSX elements (`<Feature name="k">`) of a helper.
pub fn find_helper_calls(
    project: &Project,
    module: &Arc<Module>,
    file: &str,
    helpers: &HelperTable,
    (sdk_names, sdk_packages): (&[String], &[String]),
) -> HelperCalls {
    let source = module.source.as_bytes();
    let mut found = HelperCalls::default();
    let mut targets: HashMap<(usize, usize), Target> = HashMap::new();
    let renamed = renamed_imports(module, helpers);
    let mut stack = vec![module.tree.root_node()];
    while let Some(node) = stack.pop() {
        let mut walk = node.walk();
        stack.extend(node.named_children(&mut walk));
        if node.kind() == "variable_declarator" {
            found
                .helpers
                .extend(alias(project, module, node, helpers, &renamed));
            continue;
        }
        let (callee, name) = match node.kind() {
            "call_expression" => {
                let Some(callee) = node.child_by_field_name("function") else {
                    continue;
                };
                // `useFlagCheck()(KEY)`: the name is the inner call's.
                let named = match callee.kind() {
                    "call_expression" => callee.child_by_field_name("function"),
                    _ => Some(callee),
                };
                let name = match named.map(|n| (n.kind(), n)) {
                    Some(("identifier", name)) => name,
                    Some(("member_expression", member)) => {
                        match member.child_by_field_name("property") {
                            Some(property) => property,
                            None => continue,
                        }
                    }
                    _ => continue,
                };
                (callee, text(name, source))
            }
            "jsx_opening_element" | "jsx_self_closing_element" => {
                let Some(name) = node.child_by_field_name("name") else {
                    continue;
                };
                let last = match name.kind() {
                    "member_expression" => name.child_by_field_name("property").unwrap_or(name),
                    _ => name,
                };
                (name, text(last, source))
            }
            _ => continue,
        };
        let name = renamed.get(name).map_or(name, String::as_str);
        let candidates = helpers.named(name);
        if candidates.is_empty() {
            continue;
        }
        let target = targets
            .entry((callee.start_byte(), callee.end_byte()))
            .or_insert_with(|| project.callee_target(module, callee))
            .clone();
        // Where the code leaves the callee open, its name or its receiver's must say it is
        // about flags: `isFeatureEnabled(k)`, `featureFlags.isEnabled(k)`.
        let named_for_flags =
            |helper: &Helper| flaggy(&helper.name) || receiver_is_flaggy(callee, source);
        // `growthbook.getFeatureValue(k)` inside a helper named `getFeatureValue`: a method
        // of an SDK value is the SDK's read, which the queries found, not the helper.
        let on_sdk_value = || {
            callee.kind() == "member_expression"
                && callee
                    .child_by_field_name("object")
                    .and_then(|object| project.sdk_origin(module, object, sdk_packages))
                    .is_some()
        };
        let calls_result = callee.kind() == "call_expression";
        let is_jsx = node.kind() != "call_expression";
        let mut proven = Vec::new();
        let mut by_name = Vec::new();
        for helper in candidates {
            if helper.returned != calls_result
                || (is_jsx != (helper.kind == RefKind::Jsx) && helper.param.property.is_none())
            {
                continue;
            }
            if target.may_be(&helper.path, helper.range)
                || target.may_implement(&helper.implements, &helper.name)
            {
                proven.push(helper);
            } else if target.is_unknown() && named_for_flags(helper) && !on_sdk_value() {
                by_name.push(helper);
            }
        }
        // A call the code ties to a helper is that helper's. On the name alone, it is one
        // call of one helper (the app's own before a test's mock of the same name), not
        // one reference per namesake.
        if proven.is_empty() {
            by_name.sort_by_key(|helper| (in_test_file(&helper.path), helper.path.clone()));
            proven.extend(by_name.first());
        }
        for helper in proven {
            found.called.push(helper.id());
            call_site(
                project, module, file, node, is_jsx, helper, sdk_names, &mut found,
            );
        }
    }
    found
}

/// Whether a path is a test's, a mock's or a story's.
fn in_test_file(path: &std::path::Path) -> bool {
    let path = path.to_string_lossy();
    [".spec.", ".test.", "__tests__", "__mocks__", ".stories."]
        .iter()
        .any(|marker| path.contains(marker))
}

/// `const useExperiment = dev ? useWithOverrides : useExperimentHook`, `export const isOn =
/// isFeatureOn`: a const that is (or may be) a helper is that helper under another name.
fn alias(
    project: &Project,
    module: &Arc<Module>,
    declarator: Node,
    helpers: &HelperTable,
    renamed: &HashMap<String, String>,
) -> Vec<Helper> {
    let source = module.source.as_bytes();
    let (Some(name), Some(value)) = (field(declarator, "name"), field(declarator, "value")) else {
        return Vec::new();
    };
    // `const check = useFlagCheck()`: the function a helper's call returns.
    let calls_result = value.kind() == "call_expression";
    if name.kind() != "identifier"
        || !(calls_result
            || matches!(
                value.kind(),
                "identifier"
                    | "ternary_expression"
                    | "member_expression"
                    | "parenthesized_expression"
            ))
    {
        return Vec::new();
    }
    let alias = text(name, source);
    let mentioned: Vec<&Helper> = helpers
        .all()
        .filter(|h| {
            h.name != alias
                && h.returned == calls_result
                && (text(value, source).contains(h.name.as_str())
                    || renamed.iter().any(|(local, original)| {
                        *original == h.name && text(value, source).contains(local.as_str())
                    }))
        })
        .collect();
    if mentioned.is_empty() {
        return Vec::new();
    }
    let target = project.callee_target(module, value);
    mentioned
        .into_iter()
        .filter(|h| target.may_be(&h.path, h.range))
        .map(|h| Helper {
            name: alias.to_string(),
            display: if h.returned {
                h.display.clone()
            } else {
                alias.to_string()
            },
            returned: false,
            ..h.clone()
        })
        .collect()
}

/// The object literal an argument is, or the one a const of the file holds:
/// `{ key: X }`, or `command` with `const command = { key: X }`.
fn object_literal<'t>(module: &'t Module, node: Node<'t>) -> Option<Node<'t>> {
    match node.kind() {
        "object" => Some(node),
        "identifier" => match module.lookup(text(node, module.source.as_bytes()), node)? {
            crate::resolve::Binding::Const { value: Some(value) } if value.kind() == "object" => {
                Some(value)
            }
            _ => None,
        },
        _ => None,
    }
}

/// `import { isOn as flagOn }`: the file's own names for helpers, to the helpers' names.
fn renamed_imports(module: &Module, helpers: &HelperTable) -> HashMap<String, String> {
    import_renames(module)
        .into_iter()
        .filter(|(imported, _)| !helpers.named(imported).is_empty())
        .map(|(imported, local)| (local, imported))
        .collect()
}

/// Every `import { name as local }` of a module, as (name, local).
fn import_renames(module: &Module) -> Vec<(String, String)> {
    let source = module.source.as_bytes();
    let root = module.tree.root_node();
    let mut renames = Vec::new();
    let mut cursor = root.walk();
    for statement in root.named_children(&mut cursor) {
        if statement.kind() != "import_statement" {
            continue;
        }
        let mut stack = vec![statement];
        while let Some(node) = stack.pop() {
            let mut walk = node.walk();
            stack.extend(node.named_children(&mut walk));
            if node.kind() != "import_specifier" {
                continue;
            }
            if let (Some(name), Some(alias)) = (field(node, "name"), field(node, "alias")) {
                renames.push((property_name(name, source), text(alias, source).to_string()));
            }
        }
    }
    renames
}

/// The reference (or the next seed) one call site of `helper` makes.
#[allow(clippy::too_many_arguments)]
fn call_site(
    project: &Project,
    module: &Module,
    file: &str,
    site: Node,
    is_jsx: bool,
    helper: &Helper,
    sdk_names: &[String],
    found: &mut HelperCalls,
) {
    let source = module.source.as_bytes();
    let (key_node, key) = match argument(project, module, site, is_jsx, &helper.param) {
        Some(found) => found,
        // Left out: the parameter's default, if it has one.
        None => match &helper.param.default {
            Some(default) => (site, Key::Known(default.clone())),
            None => return,
        },
    };
    let key = helper.param.apply(key);
    let via: Vec<String> = std::iter::once(helper.display.clone())
        .chain(helper.via.iter().cloned())
        .collect();
    let (line, column) = position(key_node, source);
    let reference = |key: Option<String>, dynamic: Option<Dynamic>| Reference {
        file: file.to_string(),
        line,
        column,
        key,
        dynamic,
        sdk: sdk_names.get(helper.sdk).cloned().unwrap_or_default(),
        kind: helper.kind,
        case: helper.case.clone(),
        span: first_line_chars(key_node, source),
        shape: shape_of(site, source),
        via: via.clone(),
    };
    match key {
        Key::Known(key) => found.references.push(reference(Some(key), None)),
        // The helper calling itself with its own parameter (recursion, or its own SDK read
        // taken for a call of it by name): its call sites already carry the key.
        Key::Param(param) if param.function == helper.range && module.path == helper.path => {}
        Key::Param(param) => found.seeds.push(Seed {
            param,
            sdk: helper.sdk,
            case: helper.case.clone(),
            via: via.clone(),
            fallback: reference(
                None,
                Some(Dynamic {
                    expression: expression_text(key_node, source),
                    prefix: None,
                }),
            ),
        }),
        other => found.references.push(reference(
            None,
            Some(Dynamic {
                expression: expression_text(key_node, source),
                prefix: other.known_prefix(),
            }),
        )),
    }
}

/// The node holding a call site's key: the argument at the parameter's index (or its
/// property, in an object literal), or the JSX attribute named by the parameter's property.
/// The key is that node's, read further by the parameter's member path (`feature.id`).
fn argument<'t>(
    project: &Project,
    module: &'t Module,
    site: Node<'t>,
    is_jsx: bool,
    param: &HelperParam,
) -> Option<(Node<'t>, Key)> {
    let source = module.source.as_bytes();
    let key_at = |node: Node, path: &[String]| match path {
        [] => key_of(project, module, node),
        path => project.key_at(module, node, path),
    };
    if is_jsx {
        let property = param.property.as_deref()?;
        let mut cursor = site.walk();
        let attribute = site.named_children(&mut cursor).find(|a| {
            a.kind() == "jsx_attribute"
                && a.named_child(0)
                    .is_some_and(|n| text(n, source) == property)
        })?;
        let value = attribute.named_child(1)?;
        let value = match value.kind() {
            "jsx_expression" => value.named_child(0)?,
            _ => value,
        };
        return Some((value, key_at(value, &param.member)));
    }
    let arguments = site.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let argument = arguments
        .named_children(&mut cursor)
        .filter(|a| a.kind() != "comment")
        .nth(param.index)?;
    let Some(property) = &param.property else {
        return Some((argument, key_at(argument, &param.member)));
    };
    let path: Vec<String> = std::iter::once(property.clone())
        .chain(param.member.iter().cloned())
        .collect();
    // `Command.create({ key })`, `new Options({ key })`: a factory keeps the properties of
    // the object it is given.
    let given = match argument.kind() {
        "call_expression" | "new_expression" => argument
            .child_by_field_name("arguments")
            .and_then(|a| a.named_child(0))
            .unwrap_or(argument),
        _ => argument,
    };
    let Some(object) = object_literal(module, given) else {
        // `useFeature(features.search)`, `isOn(props.flag)`: the path is read from
        // whatever the argument is; what cannot be followed is a dynamic key, never dropped.
        return Some((argument, project.key_at(module, argument, &path)));
    };
    let mut cursor = object.walk();
    let entries: Vec<Node> = object.named_children(&mut cursor).collect();
    let named = entries.iter().rev().find(|entry| match entry.kind() {
        "pair" => entry
            .child_by_field_name("key")
            .is_some_and(|k| property_name(k, source) == *property),
        "shorthand_property_identifier" => text(**entry, source) == property,
        _ => false,
    });
    if let Some(entry) = named {
        let value = match entry.kind() {
            "pair" => entry.child_by_field_name("value")?,
            _ => *entry,
        };
        return Some((value, key_at(value, &param.member)));
    }
    // `{ ...command, defaultValue }`: the property comes from the spread object.
    let spread = entries
        .iter()
        .rev()
        .filter(|e| e.kind() == "spread_element")
        .find_map(|e| e.named_child(0))?;
    let key = project.key_at(module, spread, &path);
    Some((spread, key))
}
