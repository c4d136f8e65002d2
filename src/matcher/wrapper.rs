//! The team's own wrappers, `[[wrappers]]` in flaglint.toml, compiled into queries.
//!
//! A pattern is a snippet of JS/TS parsed with the TSX grammar, where `$KEY` marks the
//! flag key and `$_` anything. It becomes a tree-sitter query in the same capture language
//! as the SDK queries, so wrappers and SDKs share the matcher and the key resolver:
//!
//! - a call (`Utils.getFlagsmithHasFeature($KEY)`, `getFeatureFlagValue($_, $KEY)`): the key
//!   at its argument position, extra trailing arguments allowed;
//! - a member read (`config.featureToggles.$KEY`): the property name is the key;
//! - a property read on a call's result (`useFlagMap().$KEY`), which also covers
//!   `const { newNav } = useFlagMap()` and `const m = useFlagMap(); m.newNav`;
//! - a JSX prop (`<Feature name={$KEY} />`): string or expression, self-closing or not,
//!   other props allowed.

use std::collections::BTreeMap;

use tree_sitter::{Node, Parser};

use crate::config::{Config, ConfigError, WrapperConfig};
use crate::matcher::{SdkSpec, CASES};
use crate::parse::Lang;
use crate::resolve::Key;

/// What a wrapper adds to a matched key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WrapperKeys {
    /// No key in the code: the flag the wrapper always reads.
    pub fixed: Option<String>,
    /// The code's argument is not the key but maps to one.
    pub map: BTreeMap<String, String>,
    /// The service key is this prefix plus the code's key.
    pub prefix: Option<String>,
}

impl WrapperKeys {
    /// A code key as the service names it: through the `keys` map, then the prefix.
    pub fn service_key(&self, key: Key) -> Key {
        let Key::Known(code) = key else {
            return key;
        };
        let mapped = if self.map.is_empty() {
            code
        } else {
            match self.map.get(&code) {
                Some(service) => service.clone(),
                // Not in the map: no flag the wrapper knows of.
                None => return Key::Dynamic { prefix: None },
            }
        };
        Key::Known(format!("{}{mapped}", self.prefix.as_deref().unwrap_or("")))
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum WrapperError {
    #[error("the pattern is empty")]
    NoContent,
    #[error("the pattern holds {0} statements; write one expression or JSX element")]
    MultipleNode(usize),
    #[error("the pattern does not parse as JS/TS/JSX")]
    Syntax,
    #[error("the pattern has no $KEY; mark where the key goes, or give `key` (the flag it always reads)")]
    MissingKey,
    #[error("the pattern has $KEY and a fixed `key`; use one of them")]
    KeyTwice,
    #[error("unsupported pattern: {0}")]
    Unsupported(String),
    #[error("unknown case {0:?}: use camel, pascal, snake, kebab or screaming_snake")]
    Case(String),
}

/// Compiles every `[[wrappers]]` entry, reporting the first bad one with its line and column.
pub fn compile_all(config: &Config) -> Result<Vec<SdkSpec>, ConfigError> {
    config
        .wrappers
        .iter()
        .enumerate()
        .map(|(index, wrapper)| {
            compile(wrapper, index).map_err(|err| {
                let span = wrapper.pattern.span();
                config.error_at(span, format!("[[wrappers]] pattern: {err}"))
            })
        })
        .collect()
}

pub fn compile(wrapper: &WrapperConfig, index: usize) -> Result<SdkSpec, WrapperError> {
    let pattern = wrapper.pattern.get_ref().trim();
    if pattern.is_empty() {
        return Err(WrapperError::NoContent);
    }
    let case = match &wrapper.case {
        Some(case) if !CASES.contains(&case.get_ref().as_str()) => {
            return Err(WrapperError::Case(case.get_ref().clone()))
        }
        Some(case) => Some(case.get_ref().clone()),
        None => None,
    };
    let mut parser = Parser::new();
    parser
        .set_language(&Lang::Tsx.grammar())
        .map_err(|_| WrapperError::Syntax)?;
    let tree = parser.parse(pattern, None).ok_or(WrapperError::Syntax)?;
    let root = tree.root_node();
    if root.has_error() {
        return Err(WrapperError::Syntax);
    }
    let statements: Vec<Node> = {
        let mut cursor = root.walk();
        root.named_children(&mut cursor)
            .filter(|n| n.kind() != "comment")
            .collect()
    };
    let statement = match statements.as_slice() {
        [] => return Err(WrapperError::NoContent),
        [one] => *one,
        many => return Err(WrapperError::MultipleNode(many.len())),
    };
    if statement.kind() != "expression_statement" {
        return Err(WrapperError::Unsupported(format!(
            "a {} (write an expression or JSX element)",
            statement.kind().replace('_', " ")
        )));
    }
    let expression = statement.named_child(0).ok_or(WrapperError::NoContent)?;
    let expression = match expression.kind() {
        "parenthesized_expression" => expression.named_child(0).unwrap_or(expression),
        _ => expression,
    };

    let has_key = pattern.contains("$KEY");
    match (has_key, &wrapper.key) {
        (false, None) => return Err(WrapperError::MissingKey),
        (true, Some(_)) => return Err(WrapperError::KeyTwice),
        _ => {}
    }

    let mut builder = QueryBuilder::new(pattern.as_bytes(), case.as_deref());
    let query = builder.reference(expression)?;
    let triggers = builder.trigger().into_iter().collect();
    let name = wrapper.sdk.clone().unwrap_or_else(|| "custom".to_string());
    Ok(SdkSpec {
        name,
        file: format!("[[wrappers]] #{} ({pattern})", index + 1),
        packages: Vec::new(),
        triggers,
        globals: Vec::new(),
        case_off_when: Vec::new(),
        source: query,
        wrapper: Some(WrapperKeys {
            fixed: wrapper.key.clone(),
            map: wrapper.keys.clone(),
            prefix: wrapper.prefix.clone(),
        }),
    })
}

/// Writes the query text for one pattern.
struct QueryBuilder<'s> {
    source: &'s [u8],
    case: Option<&'s str>,
    names: Vec<String>,
    helpers: usize,
}

impl<'s> QueryBuilder<'s> {
    fn new(source: &'s [u8], case: Option<&'s str>) -> Self {
        QueryBuilder {
            source,
            case,
            names: Vec::new(),
            helpers: 0,
        }
    }

    /// The most distinctive literal name: every match spells it, so it is a sound trigger.
    fn trigger(&self) -> Option<String> {
        self.names.iter().max_by_key(|n| n.len()).cloned()
    }

    fn text(&self, node: Node) -> &'s str {
        node.utf8_text(self.source).unwrap_or("")
    }

    fn settings(&self) -> String {
        match self.case {
            Some(case) => format!(" (#set! case \"{case}\")"),
            None => String::new(),
        }
    }

    /// One or more top-level patterns, each ending in a `@reference.<kind>` capture.
    fn reference(&mut self, node: Node) -> Result<String, WrapperError> {
        let settings = self.settings();
        match node.kind() {
            "call_expression" => {
                let call = self.node(node)?;
                Ok(format!("({call} @reference.call{settings})\n"))
            }
            "member_expression" => {
                let object = node.child_by_field_name("object");
                let property = node.child_by_field_name("property");
                let keyed = property.is_some_and(|p| self.text(p) == "$KEY");
                let mut out = format!("({} @reference.member{settings})\n", self.node(node)?);
                // `useFlagMap().$KEY` also reads through destructuring and a variable.
                if let (true, Some(call)) =
                    (keyed, object.filter(|o| o.kind() == "call_expression"))
                {
                    let callee = call
                        .child_by_field_name("function")
                        .map(|f| self.text(f).to_string())
                        .unwrap_or_default();
                    let call_query = self.node(call)?;
                    out.push_str(&format!(
                        "((variable_declarator name: (object_pattern [(shorthand_property_identifier_pattern) @key (pair_pattern key: (property_identifier) @key)]) value: {call_query}) @reference.member{settings})\n"
                    ));
                    out.push_str(&format!(
                        "((member_expression object: (identifier) @receiver property: (property_identifier) @key) @reference.member (#from-call? @receiver \"{callee}\"){settings})\n"
                    ));
                }
                Ok(out)
            }
            "jsx_self_closing_element" | "jsx_element" => {
                let element = if node.kind() == "jsx_element" {
                    node.child_by_field_name("open_tag").unwrap_or(node)
                } else {
                    node
                };
                let name = element.child_by_field_name("name").ok_or_else(|| {
                    WrapperError::Unsupported("a JSX element without a name".into())
                })?;
                let name_query = self.node(name)?;
                let mut attributes = String::new();
                let mut cursor = element.walk();
                for attribute in element.named_children(&mut cursor) {
                    if attribute.kind() == "jsx_attribute" {
                        attributes.push(' ');
                        attributes.push_str(&self.jsx_attribute(attribute)?);
                    }
                }
                Ok(format!(
                    "([(jsx_self_closing_element name: {name_query}{attributes}) (jsx_opening_element name: {name_query}{attributes})] @reference.jsx{settings})\n"
                ))
            }
            other => Err(WrapperError::Unsupported(format!(
                "a {} (write a call, a member read or a JSX element)",
                other.replace('_', " ")
            ))),
        }
    }

    fn jsx_attribute(&mut self, attribute: Node) -> Result<String, WrapperError> {
        let mut cursor = attribute.walk();
        let children: Vec<Node> = attribute.named_children(&mut cursor).collect();
        let (name, value) = match children.as_slice() {
            [name] => (*name, None),
            [name, value] => (*name, Some(*value)),
            _ => return Err(WrapperError::Unsupported("a JSX attribute".into())),
        };
        let name_query = self.literal(name)?;
        let value_query = match value {
            None => String::new(),
            Some(value) => {
                let inner = match value.kind() {
                    "jsx_expression" => value.named_child(0),
                    _ => Some(value),
                };
                match inner.map(|n| (n, self.text(n))) {
                    Some((_, "$KEY")) => " [(string) @key (jsx_expression (_) @key)]".to_string(),
                    Some((_, "$_")) => String::new(),
                    Some((n, _)) => format!(" {}", self.node(n)?),
                    None => String::new(),
                }
            }
        };
        Ok(format!("(jsx_attribute {name_query}{value_query})"))
    }

    /// A node as a query pattern: its kind, its named children by field, literals by text.
    fn node(&mut self, node: Node) -> Result<String, WrapperError> {
        let text = self.text(node);
        if text == "$KEY" {
            return Ok(match node.kind() {
                "property_identifier" => "(property_identifier) @key".to_string(),
                _ => "(_) @key".to_string(),
            });
        }
        if text == "$_" {
            return Ok("(_)".to_string());
        }
        match node.kind() {
            "identifier" | "property_identifier" | "this" | "type_identifier" => self.literal(node),
            "string" => {
                let value = crate::parse::string_value(node, self.source).unwrap_or_default();
                self.helpers += 1;
                Ok(format!(
                    "((string) @_s{n} (#eq? @_s{n} {value:?}))",
                    n = self.helpers
                ))
            }
            "arguments" => {
                let mut cursor = node.walk();
                let arguments: Vec<Node> = node
                    .named_children(&mut cursor)
                    .filter(|n| n.kind() != "comment")
                    .collect();
                let mut out = String::from("(arguments");
                for argument in arguments {
                    out.push_str(" . ");
                    out.push_str(&self.node(argument)?);
                }
                out.push(')');
                Ok(out)
            }
            _ => {
                let mut out = format!("({}", node.kind());
                let mut cursor = node.walk();
                for (index, child) in node.children(&mut cursor).enumerate() {
                    if !child.is_named() || child.kind() == "comment" {
                        continue;
                    }
                    let field = node.field_name_for_child(index as u32);
                    out.push(' ');
                    if let Some(field) = field {
                        out.push_str(field);
                        out.push_str(": ");
                    }
                    out.push_str(&self.node(child)?);
                }
                out.push(')');
                Ok(out)
            }
        }
    }

    /// A name matched by its text.
    fn literal(&mut self, node: Node) -> Result<String, WrapperError> {
        let text = self.text(node);
        if node.kind() == "this" {
            return Ok("(this)".to_string());
        }
        self.names.push(text.to_string());
        self.helpers += 1;
        Ok(format!(
            "(({kind}) @_n{n} (#eq? @_n{n} {text:?}))",
            kind = node.kind(),
            n = self.helpers
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::Matcher;
    use crate::resolve::{Module, Project};
    use tree_sitter::QueryCursor;

    fn wrapper(toml_text: &str) -> WrapperConfig {
        #[derive(serde::Deserialize)]
        struct One {
            wrappers: Vec<WrapperConfig>,
        }
        let one: One = toml::from_str(toml_text).unwrap();
        one.wrappers.into_iter().next().unwrap()
    }

    /// The references a wrapper finds in `source` (a .tsx file).
    fn references(toml_text: &str, source: &str) -> Vec<crate::reference::Reference> {
        let spec = compile(&wrapper(toml_text), 0).unwrap_or_else(|e| panic!("{e}"));
        let matcher = Matcher::new(vec![spec]).unwrap();
        // The scan compiles a wrapper for the grammar of each file it reads.
        for lang in crate::parse::ALL {
            if let Err(err) = matcher.compile(matcher.all(), lang, None) {
                panic!("{lang:?}: {err}");
            }
        }
        let mut parser = Parser::new();
        parser.set_language(&Lang::Tsx.grammar()).unwrap();
        let tree = parser.parse(source, None).unwrap();
        let module = Module::new("a.tsx".into(), source.to_string(), tree);
        let project = Project::new(1 << 20);
        let mut cursor = QueryCursor::new();
        let query = matcher.compile(matcher.all(), Lang::Tsx, None).unwrap();
        crate::matcher::find_references(
            &matcher,
            &query,
            matcher.all(),
            &project,
            &mut cursor,
            &module,
            "a.tsx",
            &Default::default(),
        )
        .references
    }

    /// The keys a wrapper finds in `source` (a .tsx file).
    fn keys(toml_text: &str, source: &str) -> Vec<String> {
        references(toml_text, source)
            .into_iter()
            .map(|r| {
                r.key.unwrap_or_else(|| {
                    format!(
                        "dynamic {}",
                        r.dynamic.map(|d| d.expression).unwrap_or_default()
                    )
                })
            })
            .collect()
    }

    fn assert_key(pattern: &str, source: &str, expected: &[&str]) {
        let toml_text = format!("[[wrappers]]\npattern = {pattern:?}\n");
        assert_eq!(keys(&toml_text, source), expected, "pattern {pattern}");
    }

    #[test]
    fn call_with_the_key_first() {
        assert_key(
            "Utils.getFlagsmithHasFeature($KEY)",
            "Utils.getFlagsmithHasFeature('dark')",
            &["dark"],
        );
        assert_key(
            "Utils.getFlagsmithHasFeature($KEY)",
            "Utils.getFlagsmithHasFeature(\n 'dark', { fallback: true })",
            &["dark"],
        );
        assert_key(
            "Utils.getFlagsmithHasFeature($KEY)",
            "Other.getFlagsmithHasFeature('dark')",
            &[],
        );
    }

    #[test]
    fn any_receiver() {
        assert_key(
            "$_.isFeatureEnabled($KEY)",
            "this.props.isFeatureEnabled('a'); ctx.isFeatureEnabled('b')",
            &["a", "b"],
        );
    }

    #[test]
    fn key_at_argument_one() {
        assert_key(
            "getFeatureFlagValue($_, $KEY)",
            "getFeatureFlagValue(state, 'Key')",
            &["Key"],
        );
        assert_key(
            "getFeatureFlagValue($_, $KEY)",
            "getFeatureFlagValue('Key')",
            &[],
        );
    }

    #[test]
    fn key_through_constants_and_enums() {
        assert_key(
            "isFeatureEnabled($KEY)",
            "enum Feature { X = 'x_flag' }\nconst K = 'k';\nisFeatureEnabled(Feature.X); isFeatureEnabled(K); isFeatureEnabled(name)",
            &["x_flag", "k", "dynamic name"],
        );
    }

    /// `case = "camel"`: `newNav` in the code reads the service's `new-nav`.
    #[test]
    fn member_read_with_case() {
        let found = references(
            "[[wrappers]]\npattern = \"config.featureToggles.$KEY\"\ncase = \"camel\"\n",
            "if (config.featureToggles.newNav) {}\nconfig.other.x",
        );
        let keys: Vec<_> = found.iter().map(|r| r.key.as_deref()).collect();
        assert_eq!(keys, vec![Some("newNav")]);
        assert_eq!(found[0].case.as_deref(), Some("camel"));
        // The rules match it to the service key it spells, which they could not without the case.
        let flags = crate::rules::tests::flag_set(vec![crate::rules::tests::flag("new-nav", &[])]);
        let settings = crate::rules::tests::settings();
        let context = crate::rules::Context::new(&found, &flags, &settings);
        let matched: Vec<_> = context
            .keyed()
            .map(|(_, f)| f.map(|f| f.key.as_str()))
            .collect();
        assert_eq!(matched, vec![Some("new-nav")]);
    }

    #[test]
    fn property_read_on_a_call_result_every_way() {
        assert_key(
            "useFlagMap().$KEY",
            "useFlagMap().a;\nconst { b, c: renamed } = useFlagMap();\nconst m = useFlagMap(); m.d;\nconst n = other(); n.e;",
            &["a", "b", "c", "d"],
        );
    }

    #[test]
    fn jsx_prop_string_or_expression() {
        assert_key(
            "<Feature name={$KEY} />",
            "const a = <Feature name=\"x\" fallback={null} />;\nconst b = <Feature other={1} name={FLAGS}>hi</Feature>;\nconst c = <Other name=\"y\" />;",
            &["x", "dynamic FLAGS"],
        );
    }

    #[test]
    fn fixed_key_and_key_maps_and_prefix() {
        let spec = compile(
            &wrapper("[[wrappers]]\npattern = \"useNewNavigation()\"\nkey = \"new-navigation\"\n"),
            0,
        )
        .unwrap();
        assert_eq!(
            spec.wrapper.unwrap().fixed.as_deref(),
            Some("new-navigation")
        );
        assert_eq!(
            keys(
                "[[wrappers]]\npattern = \"useNewNavigation()\"\nkey = \"new-navigation\"\n",
                "useNewNavigation()"
            ),
            vec!["new-navigation"]
        );
        assert_eq!(
            keys(
                "[[wrappers]]\npattern = \"useMilestone($KEY)\"\nkeys = { m1 = \"search-v2\" }\n",
                "useMilestone('m1'); useMilestone('m9')"
            ),
            vec!["search-v2", "dynamic 'm9'"]
        );
        assert_eq!(
            keys(
                "[[wrappers]]\npattern = \"isOn($KEY)\"\nprefix = \"exp_\"\n",
                "isOn('checkout')"
            ),
            vec!["exp_checkout"]
        );
    }

    #[test]
    fn bad_patterns_are_errors() {
        let err = |p: &str| {
            compile(&wrapper(&format!("[[wrappers]]\npattern = {p:?}\n")), 0).unwrap_err()
        };
        assert_eq!(err(""), WrapperError::NoContent);
        assert_eq!(err("a($KEY); b($KEY)"), WrapperError::MultipleNode(2));
        assert_eq!(err("isOn($KEY"), WrapperError::Syntax);
        assert_eq!(err("isOn('x')"), WrapperError::MissingKey);
    }

    #[test]
    fn bad_pattern_in_config_names_line_and_column() {
        let config = Config::parse(
            "[scan]\n\n[[wrappers]]\npattern = \"isOn($KEY\"\n",
            std::path::Path::new("flaglint.toml"),
        )
        .unwrap();
        let err = compile_all(&config).unwrap_err().to_string();
        assert!(
            err.starts_with("flaglint.toml:4:11: [[wrappers]] pattern: the pattern does not parse"),
            "{err}"
        );
    }
}
