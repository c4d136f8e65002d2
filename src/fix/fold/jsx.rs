//! JSX: `{on && <X/>}` and `{on ? <A/> : <B/>}` fold, a prop that folds to a constant is
//! written as one (or goes, when it is `undefined`), flag components become their
//! children or nothing, conditional components become the branch they would render, and
//! a fragment left with one child unwraps.

use tree_sitter::Node;

use super::expressions::{first_named, named};
use super::{Folder, Out};
use crate::fix::edit::Pieces;
use crate::fix::layout;
use crate::fix::value::{quoted, JsValue};

impl<'t> Folder<'t, '_, '_> {
    /// `{...}` as a child of an element or as a prop's value.
    pub(super) fn jsx_expression(&mut self, node: Node<'t>) -> Out<'t> {
        let Some(inner) = first_named(node) else {
            return Out::Same;
        };
        let in_children = node.parent().is_some_and(|p| is_children_container(p));
        let in_attribute = node.parent().is_some_and(|p| p.kind() == "jsx_attribute");
        let out = self.fold(inner);
        if in_children {
            return match out {
                // `{'Pay now'}` among children is the text `Pay now`.
                Out::Value(JsValue::String(text)) if plain_jsx_text(&text) => Out::Text {
                    pieces: Pieces::added(node.start_byte(), text),
                    node,
                },
                Out::Text { node: top, .. }
                    if top != inner
                        && top.kind() == "string"
                        && crate::parse::string_value(top, self.src.as_bytes())
                            .is_some_and(|t| plain_jsx_text(&t)) =>
                {
                    let text =
                        crate::parse::string_value(top, self.src.as_bytes()).unwrap_or_default();
                    Out::Text {
                        pieces: Pieces::added(node.start_byte(), text),
                        node,
                    }
                }
                // React renders nothing for booleans, null and undefined.
                Out::Value(JsValue::String(_) | JsValue::Number(_)) => self.rebuild(node),
                Out::Value(_) | Out::Gone => Out::Gone,
                Out::Text { node: top, .. } if renders_nothing(top) => Out::Gone,
                // Braces that stood around the element before (`{<A/>}`) stay.
                Out::Text { node: top, .. } if top == inner => self.rebuild(node),
                Out::Text { node: top, .. } => {
                    let top = self.unparenthesized(top);
                    if is_jsx(top.kind()) {
                        self.spliced(top)
                    } else {
                        self.rebuild(node)
                    }
                }
                _ => self.rebuild(node),
            };
        }
        if in_attribute {
            match out {
                Out::Value(JsValue::Undefined) => return Out::Gone,
                Out::Text { node: top, .. } if top.kind() == "undefined" => return Out::Gone,
                Out::Value(JsValue::String(value)) if !value.contains(['\n', '\\', '"']) => {
                    return Out::Text {
                        pieces: Pieces::added(node.start_byte(), quoted(&value, self.jsx_quote)),
                        node,
                    };
                }
                // `mt={on ? "6" : "0"}` is `mt="6"`.
                Out::Text { node: top, .. }
                    if top.kind() == "string" && !self.text(top).contains(['\n', '\\']) =>
                {
                    return Out::Text {
                        pieces: self.render(top),
                        node,
                    };
                }
                Out::Text { node: top, .. } if top.kind() == "parenthesized_expression" => {
                    let inner_top = self.unparenthesized(top);
                    let pieces = self.render(inner_top);
                    if !pieces.render(self.src).contains('\n') {
                        let mut out = Pieces::kept(node.start_byte()..inner.start_byte());
                        out.append(pieces);
                        out.keep(inner.end_byte()..node.end_byte());
                        return Out::Text { pieces: out, node };
                    }
                }
                _ => {}
            }
        }
        self.rebuild(node)
    }

    /// A prop whose value is gone goes with its name.
    pub(super) fn jsx_attribute(&mut self, node: Node<'t>) -> Out<'t> {
        let value = named(node).into_iter().nth(1);
        match value.map(|v| self.fold(v)) {
            Some(Out::Gone) => Out::Gone,
            _ => self.rebuild(node),
        }
    }

    /// An element: a conditional component decides, else its children are placed.
    pub(super) fn jsx_element(&mut self, node: Node<'t>) -> Out<'t> {
        if let Some(out) = self.conditional_component(node) {
            return out;
        }
        if node.kind() == "jsx_self_closing_element" {
            return self.rebuild(node);
        }
        self.children(node)
    }

    /// An element's children, each placed: gone ones cut with their line, spliced ones
    /// re-indented to where they now stand.
    fn children(&mut self, node: Node<'t>) -> Out<'t> {
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
        let mut pieces = Pieces::default();
        let mut position = node.start_byte();
        let mut changed = false;
        let mut left: Vec<Option<Node<'t>>> = Vec::new();
        for child in children {
            let content = !(matches!(child.kind(), "jsx_opening_element" | "jsx_closing_element")
                || child.kind() == "jsx_text" && self.text(child).trim().is_empty());
            if !self.marked_within(child) {
                if content {
                    left.push(Some(child));
                }
                continue;
            }
            match self.fold(child) {
                Out::Same => left.push(Some(child)),
                Out::Gone => {
                    let span = layout::whole_lines(self.src, child.start_byte()..child.end_byte());
                    let span = if span.start < child.start_byte() {
                        span
                    } else {
                        child.start_byte()..child.end_byte()
                    };
                    pieces.keep(position..span.start.max(position));
                    position = position.max(span.end);
                    changed = true;
                }
                Out::Splice {
                    pieces: spliced,
                    column,
                } => {
                    let shift = column as isize - self.column(child.start_byte()) as isize;
                    pieces.keep(position..child.start_byte());
                    pieces.append(self.reindent(&spliced, shift));
                    position = child.end_byte();
                    changed = true;
                    left.push(None);
                }
                out => {
                    pieces.keep(position..child.start_byte());
                    let child_pieces = self.pieces_of(child, out);
                    pieces.append(child_pieces);
                    position = child.end_byte();
                    changed = true;
                    left.push(Some(child));
                }
            }
        }
        if !changed {
            return Out::Same;
        }
        pieces.keep(position..node.end_byte());
        // A fragment left with one child element is that element.
        if is_fragment(node) {
            if let [Some(only)] = left.as_slice() {
                if is_jsx(only.kind()) {
                    let only = *only;
                    let mut rendered = pieces.clone();
                    rendered.cut(node.start_byte()..only.start_byte());
                    rendered.cut(only.end_byte()..node.end_byte());
                    let shift = self.column(only.start_byte()) as isize
                        - self.column(node.start_byte()) as isize;
                    return Out::Text {
                        pieces: self.reindent(&rendered, shift),
                        node: only,
                    };
                }
            }
        }
        Out::Text { pieces, node }
    }

    /// A flag component (`<IfFeatureEnabled feature="x">`): its children when on; when
    /// off, its `fallback` prop, or nothing.
    pub(super) fn flag_component(&mut self, node: Node<'t>, on: bool) -> Out<'t> {
        if !on {
            let fallback = opening(node).and_then(|o| self.attribute_value(o, "fallback"));
            return match fallback {
                Some(value) => self.chosen(node, value),
                None => self.nothing(node),
            };
        }
        self.children_in_place(node)
    }

    /// What an element becomes when it renders its children as they are.
    fn children_in_place(&mut self, node: Node<'t>) -> Out<'t> {
        if node.kind() == "jsx_self_closing_element" {
            return self.nothing(node);
        }
        let content = self.content_children(node);
        let (Some(first), Some(last)) = (content.first().copied(), content.last().copied()) else {
            return self.nothing(node);
        };
        if in_children(node) {
            return self.splice_range(node, first, last);
        }
        if content.len() == 1 && is_jsx(first.kind()) {
            return self.moved_to(node, first);
        }
        // Several children where one expression must stand: a fragment holds them.
        let mut rendered = self.children_or_kept(node);
        let (Some(open), Some(close)) = (
            node.child_by_field_name("open_tag"),
            node.child_by_field_name("close_tag"),
        ) else {
            return self.rebuild(node);
        };
        rendered.cut(open.start_byte()..open.end_byte());
        rendered.cut(close.start_byte()..close.end_byte());
        let mut pieces = Pieces::added(open.start_byte(), "<>");
        pieces.append(rendered);
        pieces.add(close.start_byte(), "</>");
        Out::Text { pieces, node }
    }

    /// A component whose props say what it renders: `<ConditionallyRender condition={on}
    /// show={<A/>} elseShow={<B/>}/>`, with the condition known, is the chosen branch.
    fn conditional_component(&mut self, node: Node<'t>) -> Option<Out<'t>> {
        let open = opening(node)?;
        if !self.marked_within(open) {
            return None;
        }
        let name = self.text(open.child_by_field_name("name")?);
        let spec = (self.conditionals)(name)?;
        let condition = self.attribute_value(open, &spec.condition)?;
        let Out::Value(known) = self.fold(condition) else {
            return None;
        };
        let chosen = if known.truthy() {
            Some(spec.show.as_str())
        } else {
            spec.otherwise.as_deref()
        };
        if chosen == Some("children") {
            return Some(self.children_in_place(node));
        }
        match chosen.and_then(|prop| self.attribute_value(open, prop)) {
            Some(value) => Some(self.chosen(node, value)),
            None => Some(self.nothing(node)),
        }
    }

    /// What an element becomes when it renders `value` (a prop's expression).
    fn chosen(&mut self, element: Node<'t>, value: Node<'t>) -> Out<'t> {
        // A render function: `show={() => <A/>}`.
        let value = match value.kind() {
            "arrow_function"
                if value
                    .child_by_field_name("parameters")
                    .is_some_and(|p| named(p).is_empty())
                    && value
                        .child_by_field_name("body")
                        .is_some_and(|b| b.kind() != "statement_block") =>
            {
                value.child_by_field_name("body").unwrap_or(value)
            }
            _ => value,
        };
        let top = match self.as_node(value) {
            Out::Value(known) => {
                return match known {
                    JsValue::String(_) | JsValue::Number(_) if in_children(element) => Out::Text {
                        pieces: Pieces::added(
                            element.start_byte(),
                            format!("{{{}}}", known.to_js(self.quote)),
                        ),
                        node: element,
                    },
                    JsValue::String(_) | JsValue::Number(_) => Out::Value(known),
                    _ => self.nothing(element),
                }
            }
            Out::Text { node, .. } => self.unparenthesized(node),
            _ => value,
        };
        if is_jsx(top.kind()) {
            if in_children(element) {
                return self.spliced(top);
            }
            return self.moved_to(element, top);
        }
        let pieces = self.render(top);
        if in_children(element) {
            let mut braced = Pieces::added(element.start_byte(), "{");
            braced.append(pieces);
            braced.add(element.end_byte(), "}");
            return Out::Text {
                pieces: braced,
                node: element,
            };
        }
        Out::Text { pieces, node: top }
    }

    /// Nothing rendered: gone among children, `null` where an expression must stand.
    fn nothing(&self, element: Node<'t>) -> Out<'t> {
        if in_children(element) {
            Out::Gone
        } else {
            Out::Value(JsValue::Null)
        }
    }

    /// JSX that is to take the place of a `{...}` child: an element as it is, a fragment
    /// as its children.
    fn spliced(&mut self, top: Node<'t>) -> Out<'t> {
        if is_fragment(top) {
            let content = self.content_children(top);
            if let (Some(first), Some(last)) = (content.first().copied(), content.last().copied()) {
                return self.splice_range(top, first, last);
            }
            return Out::Gone;
        }
        Out::Splice {
            pieces: self.render(top),
            column: self.column(top.start_byte()),
        }
    }

    /// The children of `element` from `first` to `last`, to splice into a parent.
    fn splice_range(&mut self, element: Node<'t>, first: Node<'t>, last: Node<'t>) -> Out<'t> {
        let mut pieces = self.children_or_kept(element);
        pieces.cut(element.start_byte()..first.start_byte());
        pieces.cut(last.end_byte()..element.end_byte());
        Out::Splice {
            pieces,
            column: self.column(first.start_byte()),
        }
    }

    /// `inner` (a part of `element`) standing where `element` stood, re-indented.
    fn moved_to(&mut self, element: Node<'t>, inner: Node<'t>) -> Out<'t> {
        let rendered = self.render(inner);
        let shift =
            self.column(inner.start_byte()) as isize - self.column(element.start_byte()) as isize;
        Out::Text {
            pieces: self.reindent(&rendered, shift),
            node: inner,
        }
    }

    fn children_or_kept(&mut self, element: Node<'t>) -> Pieces {
        match self.children(element) {
            Out::Text { pieces, node } if node == element => pieces,
            _ => Pieces::kept(element.start_byte()..element.end_byte()),
        }
    }

    /// Children that render something (not whitespace between tags).
    fn content_children(&self, element: Node<'t>) -> Vec<Node<'t>> {
        let mut cursor = element.walk();
        element
            .named_children(&mut cursor)
            .filter(|c| !matches!(c.kind(), "jsx_opening_element" | "jsx_closing_element"))
            .filter(|c| !(c.kind() == "jsx_text" && self.text(*c).trim().is_empty()))
            .collect()
    }

    /// A prop's value expression: `name={expr}` gives `expr`, `name="s"` the string.
    fn attribute_value(&self, opening: Node<'t>, name: &str) -> Option<Node<'t>> {
        let mut cursor = opening.walk();
        let attributes: Vec<Node<'t>> = opening
            .named_children(&mut cursor)
            .filter(|a| a.kind() == "jsx_attribute")
            .collect();
        attributes.into_iter().find_map(|attribute| {
            let parts = named(attribute);
            let (key, value) = (parts.first()?, parts.get(1)?);
            if self.text(*key) != name {
                return None;
            }
            match value.kind() {
                "jsx_expression" => first_named(*value),
                _ => Some(*value),
            }
        })
    }
}

fn opening(element: Node) -> Option<Node> {
    match element.kind() {
        "jsx_self_closing_element" => Some(element),
        "jsx_element" => element.child_by_field_name("open_tag"),
        _ => None,
    }
}

fn is_children_container(node: Node) -> bool {
    node.kind() == "jsx_element"
}

fn in_children(node: Node) -> bool {
    node.parent().is_some_and(is_children_container)
}

fn is_jsx(kind: &str) -> bool {
    kind == "jsx_element" || kind == "jsx_self_closing_element"
}

/// `<>...</>`: an element whose opening tag has no name.
fn is_fragment(node: Node) -> bool {
    node.kind() == "jsx_element"
        && node
            .child_by_field_name("open_tag")
            .is_some_and(|o| o.child_by_field_name("name").is_none())
}

/// `null`, `undefined`, `true`, `false`: a JSX child that renders nothing.
fn renders_nothing(node: Node) -> bool {
    matches!(node.kind(), "null" | "undefined" | "true" | "false")
}

/// Text that reads the same as a JSX text child: no braces, tags, entities or edge spaces.
fn plain_jsx_text(text: &str) -> bool {
    !text.is_empty()
        && text.trim() == text
        && !text.contains(['{', '}', '<', '>', '&', '\n', '"', '\''])
}
