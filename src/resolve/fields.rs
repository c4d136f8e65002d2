//! Field access by id instead of by name.
//!
//! `Node::child_by_field_name` looks the name up in the grammar's field table (a linear
//! scan with `strncmp`) on every call. A module looks each field up once for its grammar
//! ([`FieldIds`]; JavaScript, TypeScript and TSX number their fields differently) and then
//! uses `Node::child_by_field_id`, which gives the same child: `child_by_field_name` is
//! `child_by_field_id` of the looked-up id, and an unknown name is id 0, which finds nothing
//! either way.

use tree_sitter::{Language, Node};

macro_rules! fields {
    ($($field:ident => $name:literal,)*) => {
        /// The fields resolution reads.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Field {
            $($field,)*
        }

        impl Field {
            pub const ALL: &'static [Field] = &[$(Field::$field,)*];

            /// The field's name in the grammars.
            pub fn name(self) -> &'static str {
                match self {
                    $(Field::$field => $name,)*
                }
            }
        }
    };
}

fields! {
    Alias => "alias",
    Alternative => "alternative",
    Arguments => "arguments",
    Body => "body",
    Consequence => "consequence",
    Constructor => "constructor",
    Declaration => "declaration",
    Function => "function",
    Index => "index",
    Initializer => "initializer",
    Key => "key",
    Left => "left",
    Name => "name",
    Object => "object",
    Operator => "operator",
    Parameter => "parameter",
    Parameters => "parameters",
    Pattern => "pattern",
    Property => "property",
    ReturnType => "return_type",
    Right => "right",
    Source => "source",
    Type => "type",
    TypeArguments => "type_arguments",
    Value => "value",
}

/// How to find a node's child by field.
pub trait Fields: Sync {
    fn child<'t>(&self, node: Node<'t>, field: Field) -> Option<Node<'t>>;
}

/// By name, as `Node::child_by_field_name` does: for nodes whose grammar is not at hand.
pub struct FieldNames;

impl Fields for FieldNames {
    fn child<'t>(&self, node: Node<'t>, field: Field) -> Option<Node<'t>> {
        node.child_by_field_name(field.name())
    }
}

/// By id, looked up once for one grammar. Only for nodes of trees of that grammar.
#[derive(Debug, Clone)]
pub struct FieldIds {
    ids: Vec<u16>,
}

impl FieldIds {
    pub fn of(language: &Language) -> FieldIds {
        let ids = Field::ALL
            .iter()
            .map(|field| {
                language
                    .field_id_for_name(field.name())
                    .map_or(0, |id| id.get())
            })
            .collect();
        FieldIds { ids }
    }
}

impl Fields for FieldIds {
    fn child<'t>(&self, node: Node<'t>, field: Field) -> Option<Node<'t>> {
        node.child_by_field_id(self.ids.get(field as usize).copied().unwrap_or(0))
    }
}

/// `node.child_by(fields, Field::Name)`: `child_by_field_name("name")` through `fields`.
pub trait ChildBy<'t> {
    fn child_by(self, fields: &dyn Fields, field: Field) -> Option<Node<'t>>;
}

impl<'t> ChildBy<'t> for Node<'t> {
    fn child_by(self, fields: &dyn Fields, field: Field) -> Option<Node<'t>> {
        fields.child(self, field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Lang, ALL};
    use tree_sitter::Parser;

    const SOURCE: &str = r#"
import def, { a as b, "c" as d } from "./x";
import * as ns from "y";
export { b as e } from "./z";
export default function f(p: string, q = 1, { r }: T): Promise<U> { return p; }
const { s: t = 2, ...u } = require("w");
let v = g.h[i] + j(k, ...l);
enum E { A = "a" }
class C { private readonly m: M; constructor(public n: N) { this.o = new P(); } }
for (const [w1] of xs) { try { y(w1 as Z); } catch ({ message }) {} }
for (let z = 0; z < 1; z++) {}
const arrow = async (x) => <Q>x;
"#;

    #[test]
    fn ids_find_what_names_find() {
        let mut checked = 0;
        for lang in ALL {
            let mut parser = Parser::new();
            parser.set_language(&lang.grammar()).unwrap();
            // TSX does not parse `<Q>x` casts; JavaScript has no types: parse errors
            // still give trees, which is all this compares.
            let tree = parser.parse(SOURCE, None).unwrap();
            let ids = FieldIds::of(&lang.grammar());
            let mut cursor = tree.walk();
            let mut stack = vec![tree.root_node()];
            while let Some(node) = stack.pop() {
                for &field in Field::ALL {
                    let by_id = ids.child(node, field).map(|n| n.id());
                    let by_name = FieldNames.child(node, field).map(|n| n.id());
                    assert_eq!(by_id, by_name, "{lang:?} {} {field:?}", node.kind());
                    checked += usize::from(by_id.is_some());
                }
                stack.extend(node.children(&mut cursor));
            }
            if lang == Lang::TypeScript {
                assert!(
                    ids.ids.iter().all(|&id| id != 0),
                    "every field exists in TS"
                );
            }
        }
        assert!(checked > 100, "{checked}");
    }
}
