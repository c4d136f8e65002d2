//! Calls: `Boolean(x)` of a known value, `.filter()` whose callback now always keeps,
//! `classNames({ x: on })`, and hook dependency arrays that lose a name bound to a value.

use tree_sitter::Node;

use super::expressions::named;
use super::{Folder, Mark, Out};
use crate::fix::edit::Pieces;
use crate::fix::layout;
use crate::fix::value::{quoted, JsValue};

/// React hooks whose last argument lists the values they depend on.
const DEPENDENCY_HOOKS: &[&str] = &[
    "useEffect",
    "useLayoutEffect",
    "useInsertionEffect",
    "useMemo",
    "useCallback",
    "useImperativeHandle",
];

/// Class-name builders taking `{ className: condition }` objects.
const CLASS_NAMES: &[&str] = &["classNames", "classnames", "clsx", "cx", "cn"];

impl<'t, 's> Folder<'t, 's, '_> {
    pub(super) fn call(&mut self, node: Node<'t>) -> Out<'t> {
        let callee = node.child_by_field_name("function");
        let arguments = node
            .child_by_field_name("arguments")
            .map(named)
            .unwrap_or_default();
        let name = callee.map(|c| self.callee_name(c)).unwrap_or("");
        if name == "Boolean" && arguments.len() == 1 {
            if let Out::Value(value) = self.fold(arguments[0]) {
                return Out::Value(JsValue::Bool(value.truthy()));
            }
        }
        // `items.filter(() => true)` keeps every item: it is `items`.
        if name == "filter" && arguments.len() == 1 {
            let receiver = callee.and_then(|c| c.child_by_field_name("object"));
            let keeps = matches!(
                arguments[0].kind(),
                "arrow_function" | "function_expression" | "function"
            ) && self.returns_value(arguments[0]).is_some_and(|v| v.truthy());
            if let (true, Some(receiver)) = (keeps, receiver) {
                return self.as_node(receiver);
            }
        }
        self.rebuild(node)
    }

    fn callee_name(&self, callee: Node) -> &'s str {
        match callee.kind() {
            "member_expression" => callee
                .child_by_field_name("property")
                .map_or("", |p| self.text(p)),
            _ => self.text(callee),
        }
    }

    fn call_of_argument(&self, node: Node<'t>) -> Option<(Node<'t>, &'s str)> {
        let arguments = node.parent().filter(|p| p.kind() == "arguments")?;
        let call = arguments
            .parent()
            .filter(|c| c.kind() == "call_expression")?;
        let name = self.callee_name(call.child_by_field_name("function")?);
        Some((arguments, name))
    }

    pub(super) fn is_dependency_array(&self, node: Node<'t>) -> bool {
        self.call_of_argument(node)
            .is_some_and(|(arguments, name)| {
                DEPENDENCY_HOOKS.contains(&name) && named(arguments).last() == Some(&node)
            })
    }

    /// `[a, on]` as a hook's dependencies: a name that became a value is no dependency.
    pub(super) fn dependency_array(&mut self, node: Node<'t>) -> Out<'t> {
        let elements = named(node);
        let gone: Vec<bool> = elements
            .iter()
            .map(|e| {
                matches!(self.marks.get(&e.id()), Some(Mark::Use(_)))
                    || matches!(self.fold(*e), Out::Value(_) | Out::Gone)
            })
            .collect();
        if !gone.iter().any(|g| *g) {
            return self.rebuild(node);
        }
        let mut pieces = match self.rebuild(node) {
            Out::Text { pieces, .. } => pieces,
            _ => Pieces::kept(node.start_byte()..node.end_byte()),
        };
        for cut in layout::list_cuts(self.src, &elements, &gone) {
            pieces.cut(cut);
        }
        Out::Text { pieces, node }
    }

    pub(super) fn is_class_names_argument(&self, node: Node<'t>) -> bool {
        self.call_of_argument(node)
            .is_some_and(|(_, name)| CLASS_NAMES.contains(&name))
    }

    /// `classNames({ active: on, big })`: an entry that is off goes; when every entry left
    /// is on, the object is those class names.
    pub(super) fn class_names_object(&mut self, node: Node<'t>) -> Out<'t> {
        let entries = named(node);
        let mut known = Vec::new();
        for entry in &entries {
            let value = match entry.kind() {
                "pair" => entry.child_by_field_name("value").map(|v| self.fold(v)),
                "shorthand_property_identifier" => Some(self.fold(*entry)),
                _ => None,
            };
            known.push(match value {
                Some(Out::Value(v)) => Some(v.truthy()),
                Some(Out::Text { .. }) if entry.kind() == "shorthand_property_identifier" => {
                    match self.marks.get(&entry.id()) {
                        Some(Mark::Use(v)) => Some(v.truthy()),
                        _ => None,
                    }
                }
                _ => None,
            });
        }
        if known.iter().all(Option::is_none) {
            return self.rebuild(node);
        }
        if known.iter().all(|k| *k == Some(true)) {
            let names: Vec<String> = entries
                .iter()
                .map(|e| {
                    let key = e.child_by_field_name("key").unwrap_or(*e);
                    let name = crate::parse::property_name(key, self.src.as_bytes());
                    quoted(&name, self.quote)
                })
                .collect();
            return Out::Text {
                pieces: Pieces::added(node.start_byte(), names.join(", ")),
                node,
            };
        }
        let gone: Vec<bool> = known.iter().map(|k| *k == Some(false)).collect();
        let mut pieces = match self.rebuild(node) {
            Out::Text { pieces, .. } => pieces,
            _ => Pieces::kept(node.start_byte()..node.end_byte()),
        };
        for cut in layout::list_cuts(self.src, &entries, &gone) {
            pieces.cut(cut);
        }
        Out::Text { pieces, node }
    }
}
