//! Conditional components: the app's own `<ConditionallyRender condition={…} show={…}
//! elseShow={…}/>`, which render one prop or another by a condition prop.
//!
//! A component is one when `[[conditionals]]` in flaglint.toml declares it, or when its
//! body says so: its props are destructured, and it returns the `show` prop (directly,
//! cast, or through a call) only under `if (condition)` or `condition ? … : …`, and the
//! `elseShow` prop (if any) only outside it. Unleash's ConditionallyRender has that body.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tree_sitter::Node;

use crate::config::ConditionalConfig;
use crate::parse::{parse, text, Lang};
use crate::resolve::paths::ModulePaths;

/// Which props of a component hold its condition and what it renders either way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionalSpec {
    pub condition: String,
    pub show: String,
    pub otherwise: Option<String>,
}

impl ConditionalSpec {
    fn from_config(config: &ConditionalConfig) -> ConditionalSpec {
        ConditionalSpec {
            condition: config.condition.clone(),
            show: config.show.clone(),
            otherwise: config.otherwise.clone(),
        }
    }
}

/// Conditional components by name: declared ones, and inferred ones found through the
/// importing file's imports, each definition read once.
pub struct ConditionalComponents {
    declared: HashMap<String, ConditionalSpec>,
    paths: ModulePaths,
    max_file_size: u64,
    /// By defining file and component name.
    inferred: Mutex<HashMap<(PathBuf, String), Option<ConditionalSpec>>>,
}

impl ConditionalComponents {
    pub fn new(declared: &[ConditionalConfig], max_file_size: u64) -> ConditionalComponents {
        ConditionalComponents {
            declared: declared
                .iter()
                .map(|c| (c.component.clone(), ConditionalSpec::from_config(c)))
                .collect(),
            paths: ModulePaths::default(),
            max_file_size,
            inferred: Mutex::new(HashMap::new()),
        }
    }

    /// The spec of the component `name` as used in `file` (whose text is `source`).
    pub fn lookup(&self, file: &Path, source: &str, name: &str) -> Option<ConditionalSpec> {
        if let Some(spec) = self.declared.get(name) {
            return Some(spec.clone());
        }
        // Components are capitalised; `div` renders nothing conditional.
        if !name.starts_with(|c: char| c.is_ascii_uppercase()) || name.contains('.') {
            return None;
        }
        let (defining, imported) = match import_of(source, name) {
            Some((specifier, imported)) => (self.paths.resolve(file, &specifier)?, imported),
            None => (file.to_path_buf(), name.to_string()),
        };
        let key = (defining.clone(), imported.clone());
        if let Ok(cache) = self.inferred.lock() {
            if let Some(hit) = cache.get(&key) {
                return hit.clone();
            }
        }
        let spec = self.infer(&defining, &imported);
        if let Ok(mut cache) = self.inferred.lock() {
            cache.insert(key, spec.clone());
        }
        spec
    }

    fn infer(&self, file: &Path, name: &str) -> Option<ConditionalSpec> {
        let lang = Lang::from_path(file)?;
        let size = std::fs::metadata(file).ok()?.len();
        if size > self.max_file_size {
            return None;
        }
        let source = std::fs::read_to_string(file).ok()?;
        let tree = parse(lang, &source)?;
        let function = definition(tree.root_node(), source.as_bytes(), name)?;
        infer_from_body(function, source.as_bytes())
    }
}

/// Where `name` is imported from in `source`, and its name there (`default` for a default
/// import), by a light reading of the import lines.
fn import_of(source: &str, name: &str) -> Option<(String, String)> {
    let tree = parse(Lang::Tsx, source)?;
    let root = tree.root_node();
    let src = source.as_bytes();
    let mut cursor = root.walk();
    for statement in root.named_children(&mut cursor) {
        if statement.kind() != "import_statement" {
            continue;
        }
        let Some(specifier) = statement
            .child_by_field_name("source")
            .and_then(|s| crate::parse::string_value(s, src))
        else {
            continue;
        };
        let Some(clause) = crate::parse::named_child_of_kind(statement, "import_clause") else {
            continue;
        };
        let mut inner = clause.walk();
        for part in clause.named_children(&mut inner) {
            match part.kind() {
                "identifier" if text(part, src) == name => {
                    return Some((specifier, "default".into()))
                }
                "named_imports" => {
                    let mut specs = part.walk();
                    for spec in part.named_children(&mut specs) {
                        let original = spec.child_by_field_name("name");
                        let local = spec.child_by_field_name("alias").or(original);
                        if local.is_some_and(|l| text(l, src) == name) {
                            let original = original.map_or(name, |o| text(o, src));
                            return Some((specifier, original.to_string()));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    None
}

/// The function a module defines (or exports) as `name`.
fn definition<'t>(root: Node<'t>, src: &[u8], name: &str) -> Option<Node<'t>> {
    let mut cursor = root.walk();
    let statements: Vec<Node<'t>> = root.named_children(&mut cursor).collect();
    for statement in statements {
        let declaration = match statement.kind() {
            "export_statement" => {
                if name == "default" {
                    if let Some(value) = statement.child_by_field_name("value") {
                        return Some(value);
                    }
                }
                match statement.child_by_field_name("declaration") {
                    Some(d) => d,
                    None => continue,
                }
            }
            _ => statement,
        };
        match declaration.kind() {
            "function_declaration"
                if declaration
                    .child_by_field_name("name")
                    .is_some_and(|n| text(n, src) == name) =>
            {
                return Some(declaration)
            }
            "lexical_declaration" | "variable_declaration" => {
                let mut inner = declaration.walk();
                for declarator in declaration.named_children(&mut inner) {
                    let named_so = declarator
                        .child_by_field_name("name")
                        .is_some_and(|n| text(n, src) == name);
                    let value = declarator.child_by_field_name("value");
                    if named_so {
                        if let Some(value) = value.filter(|v| {
                            matches!(
                                v.kind(),
                                "arrow_function" | "function_expression" | "function"
                            )
                        }) {
                            return Some(value);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// The spec a component's body implies, if it is a conditional one.
pub fn infer_from_body(function: Node, src: &[u8]) -> Option<ConditionalSpec> {
    let parameters = function.child_by_field_name("parameters")?;
    let first = parameters.named_child(0)?;
    let pattern = match first.kind() {
        "required_parameter" | "optional_parameter" => first.child_by_field_name("pattern")?,
        _ => first,
    };
    if pattern.kind() != "object_pattern" {
        return None;
    }
    let mut props = Vec::new();
    let mut cursor = pattern.walk();
    for property in pattern.named_children(&mut cursor) {
        match property.kind() {
            "shorthand_property_identifier_pattern" => props.push(text(property, src).to_string()),
            "object_assignment_pattern" => {
                if let Some(left) = property.child_by_field_name("left") {
                    props.push(text(left, src).to_string());
                }
            }
            _ => {}
        }
    }
    let body = function.child_by_field_name("body")?;
    let mut returns = Vec::new();
    if body.kind() == "statement_block" {
        collect_returns(body, &mut returns);
    } else {
        returns.push(body);
    }
    for condition in &props {
        for show in &props {
            if show == condition {
                continue;
            }
            let otherwise = props
                .iter()
                .find(|p| *p != condition && *p != show && mentions_any(body, src, p));
            if decides(
                &returns,
                src,
                condition,
                show,
                otherwise.map(String::as_str),
            ) {
                return Some(ConditionalSpec {
                    condition: condition.clone(),
                    show: show.clone(),
                    otherwise: otherwise.cloned(),
                });
            }
        }
    }
    None
}

/// Every returned expression (the arguments of return statements) in `body`, not
/// looking into nested functions.
fn collect_returns<'t>(node: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "return_statement" => {
                if let Some(argument) = child.named_child(0) {
                    out.push(argument);
                }
            }
            "arrow_function" | "function_expression" | "function_declaration" | "function" => {}
            _ => collect_returns(child, out),
        }
    }
}

/// Whether the returns render `show` only when `condition` holds and `otherwise` only
/// when it does not.
fn decides(
    returns: &[Node],
    src: &[u8],
    condition: &str,
    show: &str,
    otherwise: Option<&str>,
) -> bool {
    let mut shows = false;
    for returned in returns {
        let returned = strip(*returned);
        if returned.kind() == "null" {
            continue;
        }
        if returned.kind() == "ternary_expression" {
            let (Some(test), Some(yes), Some(no)) = (
                returned.child_by_field_name("condition"),
                returned.child_by_field_name("consequence"),
                returned.child_by_field_name("alternative"),
            ) else {
                return false;
            };
            let no = strip(no);
            let no_ok = no.kind() == "null"
                || otherwise.is_some_and(|o| only_mentions(no, src, o, &[condition, show]));
            if is_name(strip(test), src, condition)
                && only_mentions(strip(yes), src, show, &[condition])
                && no_ok
            {
                shows = true;
                continue;
            }
            return false;
        }
        if only_mentions(returned, src, show, &[condition]) {
            // `show` is returned: only inside `if (condition) {...}`.
            if !under_condition(returned, src, condition) {
                return false;
            }
            shows = true;
        } else if let Some(otherwise) = otherwise {
            if !only_mentions(returned, src, otherwise, &[show])
                || under_condition(returned, src, condition)
            {
                return false;
            }
        } else {
            return false;
        }
    }
    shows
}

fn strip(mut node: Node) -> Node {
    while matches!(node.kind(), "parenthesized_expression" | "as_expression") {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

fn is_name(node: Node, src: &[u8], name: &str) -> bool {
    node.kind() == "identifier" && text(node, src) == name
}

/// `node` mentions `name` and none of `others`.
fn only_mentions(node: Node, src: &[u8], name: &str, others: &[&str]) -> bool {
    mentions_any(node, src, name) && others.iter().all(|o| !mentions_any(node, src, o))
}

fn mentions_any(node: Node, src: &[u8], name: &str) -> bool {
    if node.kind() == "identifier" && text(node, src) == name {
        return true;
    }
    let mut cursor = node.walk();
    let children: Vec<Node> = node.named_children(&mut cursor).collect();
    children.into_iter().any(|c| mentions_any(c, src, name))
}

/// Inside the consequence of an `if (condition)`.
fn under_condition(node: Node, src: &[u8], condition: &str) -> bool {
    let mut child = node;
    let mut current = node.parent();
    while let Some(parent) = current {
        if parent.kind() == "if_statement"
            && parent.child_by_field_name("consequence") == Some(child)
            && parent
                .child_by_field_name("condition")
                .is_some_and(|c| is_name(strip(c), src, condition))
        {
            return true;
        }
        child = parent;
        current = parent.parent();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_of(source: &str) -> Option<ConditionalSpec> {
        let tree = parse(Lang::Tsx, source).unwrap();
        let function = definition(tree.root_node(), source.as_bytes(), "Cond")?;
        infer_from_body(function, source.as_bytes())
    }

    fn spec(condition: &str, show: &str, otherwise: Option<&str>) -> Option<ConditionalSpec> {
        Some(ConditionalSpec {
            condition: condition.into(),
            show: show.into(),
            otherwise: otherwise.map(String::from),
        })
    }

    #[test]
    fn a_ternary_body_is_a_conditional() {
        assert_eq!(
            spec_of("export const Cond = ({ when, then, otherwise }) => when ? then : otherwise;"),
            spec("when", "then", Some("otherwise"))
        );
        assert_eq!(
            spec_of(
                "export function Cond({ on, children }) { return on ? <>{children}</> : null; }"
            ),
            spec("on", "children", None)
        );
    }

    /// The shape of Unleash's ConditionallyRender (frontend/src/component/common/
    /// ConditionallyRender/ConditionallyRender.tsx), written anew.
    #[test]
    fn an_if_structured_body_is_a_conditional() {
        let source = r#"
export const Cond = ({ condition, show, elseShow }: Props): JSX.Element | null => {
    const call = (f: () => JSX.Element) => f();
    if (condition) {
        if (typeof show === 'function') {
            return call(show);
        }
        return show as JSX.Element;
    }
    if (!condition && elseShow) {
        return elseShow as JSX.Element;
    }
    return null;
};
"#;
        assert_eq!(spec_of(source), spec("condition", "show", Some("elseShow")));
    }

    #[test]
    fn other_components_are_not() {
        assert_eq!(
            spec_of("export const Cond = ({ a, b }) => <div>{a}{b}</div>;"),
            None
        );
        assert_eq!(
            spec_of("export const Cond = ({ on, a }) => { track(a); return on ? a : null; };"),
            spec("on", "a", None),
            "the returns decide, whatever else the body does"
        );
        assert_eq!(
            spec_of("export const Cond = (props) => props.on ? props.a : null;"),
            None
        );
    }

    #[test]
    fn finds_the_import() {
        let source = "import { Cond as C } from './c';\nimport D from '../d';\n";
        assert_eq!(import_of(source, "C"), Some(("./c".into(), "Cond".into())));
        assert_eq!(
            import_of(source, "D"),
            Some(("../d".into(), "default".into()))
        );
        assert_eq!(import_of(source, "E"), None);
    }
}
