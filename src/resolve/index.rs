//! A per-module index that makes name lookup cheap without changing its answers.
//!
//! [`scope::lookup`] walks a node's ancestors with `Node::parent()` (which re-descends from
//! the root in tree-sitter 0.25, so a walk costs O(depth² × breadth)) and scans every
//! statement of every enclosing block, on every lookup. Here:
//!
//! - the ancestors are found in one descent from the root with a tree cursor;
//! - each scope's *may-declare* list is computed once, the first time a lookup passes
//!   through it, and kept: every named leaf in the parts of the scope that
//!   [`scope::declared_in`] reads (declarator patterns, declaration names, import clauses,
//!   parameters, loop heads, catch parameters), and for a block the statement it is in;
//! - the functions `lookup` uses (`declared_by_statement` on the listed statements of a
//!   block, in order; `declared_in` for the other scopes) run only on the ancestors that
//!   list the name, innermost first.
//!
//! The list is a superset of what the scope declares, so an ancestor (or statement) it
//! rules out would have answered None, and the first answer is the one `lookup` gives:
//! shadowing (a parameter named like a module const) is decided exactly as before.
//!
//! Only byte ranges and node ids are kept (a `Module` cannot hold nodes of its own tree);
//! nodes are found again through the descent, which the lookup needs anyway.

use std::collections::HashMap;
use std::sync::Mutex;

use tree_sitter::{Node, TreeCursor};

use super::fields::{ChildBy, Field, FieldIds};
use super::scope::{self, Binding};
use crate::parse::named_child_of_kind;

/// A name a scope may declare: its byte range (empty when its text is not UTF-8, as
/// `scope::text` reads it then) and, in a block, the statement that may declare it.
#[derive(Debug, Clone, Copy)]
struct Declared {
    start: usize,
    end: usize,
    statement: Option<Statement>,
}

/// A block's child, by index (`Node::child`) and id (to check it is the same node).
#[derive(Debug, Clone, Copy)]
struct Statement {
    index: usize,
    id: usize,
}

/// What a scope may declare (a superset, see the module docs), sorted by name and, for
/// one name, in statement order.
type MayDeclare = Vec<Declared>;

/// Per-scope may-declare lists of one module, filled in as lookups need them.
#[derive(Default)]
pub struct ScopeIndex {
    /// By scope node id (unique within a tree, stable while it lives).
    scopes: Mutex<HashMap<usize, MayDeclare>>,
}

impl ScopeIndex {
    /// The binding `name` has at `at`: the same answer as [`scope::lookup`]. `fields` are
    /// those of the tree's grammar.
    pub fn lookup<'t>(
        &self,
        fields: &FieldIds,
        root: Node<'t>,
        name: &str,
        at: Node<'t>,
        source: &[u8],
    ) -> Option<Binding<'t>> {
        let Some(chain) = ancestors(root, at) else {
            return scope::lookup(name, at, source);
        };
        let Ok(mut scopes) = self.scopes.lock() else {
            return scope::lookup(name, at, source);
        };
        let name_bytes = name.as_bytes();
        for &node in chain.iter().rev() {
            let Some(kind) = scope_kind(node.kind()) else {
                continue;
            };
            let declared = scopes
                .entry(node.id())
                .or_insert_with(|| may_declare(fields, node, kind, source));
            let first = declared.partition_point(|d| bytes_of(source, d) < name_bytes);
            let count = declared[first..]
                .iter()
                .take_while(|d| bytes_of(source, d) == name_bytes)
                .count();
            let listed = &declared[first..first + count];
            let binding = if listed.is_empty() {
                continue;
            } else if listed.iter().all(|d| d.statement.is_some()) {
                declared_by_statements(fields, node, listed, name, source)
            } else {
                // Parameters, loop heads, catch parameters: few, read as `lookup` does.
                scope::declared_in(fields, node, name, source)
            };
            if binding.is_some() {
                return binding;
            }
        }
        None
    }
}

/// `scope::declared_in` for a block, reading only the statements that may declare `name`
/// (in order, so the first declaration wins as there).
fn declared_by_statements<'t>(
    fields: &FieldIds,
    block: Node<'t>,
    listed: &[Declared],
    name: &str,
    source: &[u8],
) -> Option<Binding<'t>> {
    for statement in listed.iter().filter_map(|d| d.statement) {
        match block.child(statement.index) {
            Some(child) if child.id() == statement.id => {
                if let Some(binding) = scope::declared_by_statement(fields, child, name, source) {
                    return Some(binding);
                }
            }
            // Not the node indexed: read the block as `lookup` does.
            _ => return scope::declared_in(fields, block, name, source),
        }
    }
    None
}

fn bytes_of<'s>(source: &'s [u8], declared: &Declared) -> &'s [u8] {
    source.get(declared.start..declared.end).unwrap_or_default()
}

/// `at`'s ancestors, root first, found in one descent (`Node::parent()` re-descends from
/// the root on every call). None when the descent does not reach `at` (`at` not in this
/// tree, or an empty node the byte search cannot tell from its neighbours).
pub fn ancestors<'t>(root: Node<'t>, at: Node<'t>) -> Option<Vec<Node<'t>>> {
    let (start, end) = (at.start_byte(), at.end_byte());
    let mut cursor = root.walk();
    let mut chain = Vec::with_capacity(24);
    loop {
        let node = cursor.node();
        if node.id() == at.id() {
            return Some(chain);
        }
        chain.push(node);
        cursor.goto_first_child_for_byte(start)?;
        // The first child ending after `start`; siblings never overlap, so the one holding
        // `at` is this one, or (past empty nodes) a later one.
        loop {
            let child = cursor.node();
            if child.id() == at.id() || (child.start_byte() <= start && end <= child.end_byte()) {
                break;
            }
            if child.start_byte() > start || !cursor.goto_next_sibling() {
                return None;
            }
        }
    }
}

/// What kind of scope a node kind is, as `scope::declared_in` sees it.
#[derive(Clone, Copy)]
enum ScopeKind {
    Block,
    Function,
    ForIn,
    For,
    Catch,
}

fn scope_kind(kind: &str) -> Option<ScopeKind> {
    Some(match kind {
        "program" | "statement_block" | "class_static_block" | "switch_case" | "switch_default" => {
            ScopeKind::Block
        }
        "function_declaration"
        | "function_expression"
        | "function"
        | "generator_function_declaration"
        | "generator_function"
        | "arrow_function"
        | "method_definition" => ScopeKind::Function,
        "for_in_statement" => ScopeKind::ForIn,
        "for_statement" => ScopeKind::For,
        "catch_clause" => ScopeKind::Catch,
        _ => return None,
    })
}

/// What `scope` may declare (see the module docs).
fn may_declare(fields: &FieldIds, scope: Node, kind: ScopeKind, source: &[u8]) -> MayDeclare {
    let mut collector = Collector {
        fields,
        source,
        statement: None,
        declared: Vec::new(),
        leaves: scope.walk(),
    };
    collector.scope(scope, kind);
    let mut declared = collector.declared;
    // Stable: one name's statements stay in order.
    declared.sort_by(|a, b| bytes_of(source, a).cmp(bytes_of(source, b)));
    declared.dedup_by(|later, earlier| {
        bytes_of(source, later) == bytes_of(source, earlier)
            && later.statement.map(|s| s.index) == earlier.statement.map(|s| s.index)
    });
    declared
}

struct Collector<'f, 's, 't> {
    fields: &'f FieldIds,
    source: &'s [u8],
    /// The block statement being read, if the scope is a block.
    statement: Option<Statement>,
    declared: MayDeclare,
    /// Reused for walking patterns.
    leaves: TreeCursor<'t>,
}

impl<'t> Collector<'_, '_, 't> {
    fn scope(&mut self, scope: Node<'t>, kind: ScopeKind) {
        match kind {
            ScopeKind::Block => {
                let mut cursor = scope.walk();
                if !cursor.goto_first_child() {
                    return;
                }
                let mut index = 0;
                loop {
                    let child = cursor.node();
                    if child.is_named() {
                        self.statement = Some(Statement {
                            index,
                            id: child.id(),
                        });
                        self.statement(child);
                    }
                    index += 1;
                    if !cursor.goto_next_sibling() {
                        break;
                    }
                }
                self.statement = None;
            }
            ScopeKind::Function => {
                if let Some(parameter) = scope.child_by(self.fields, Field::Parameter) {
                    self.whole(parameter);
                    self.named_leaves(parameter);
                } else if let Some(parameters) = scope.child_by(self.fields, Field::Parameters) {
                    self.named_leaves(parameters);
                }
            }
            ScopeKind::ForIn => {
                if let Some(left) = scope.child_by(self.fields, Field::Left) {
                    self.named_leaves(left);
                }
            }
            ScopeKind::For => {
                if let Some(initializer) = scope.child_by(self.fields, Field::Initializer) {
                    self.named_leaves(initializer);
                }
            }
            ScopeKind::Catch => {
                if let Some(parameter) = scope.child_by(self.fields, Field::Parameter) {
                    self.named_leaves(parameter);
                }
            }
        }
    }

    /// The names a statement of a block may declare (`scope::declared_by_statement`).
    fn statement(&mut self, statement: Node<'t>) {
        match statement.kind() {
            "lexical_declaration" | "variable_declaration" => {
                let mut cursor = statement.walk();
                for declarator in statement.named_children(&mut cursor) {
                    if declarator.kind() != "variable_declarator" {
                        continue;
                    }
                    if let Some(target) = declarator.child_by(self.fields, Field::Name) {
                        self.whole(target);
                        self.named_leaves(target);
                    }
                }
            }
            "function_declaration"
            | "generator_function_declaration"
            | "class_declaration"
            | "abstract_class_declaration"
            | "interface_declaration"
            | "enum_declaration" => {
                if let Some(name) = statement.child_by(self.fields, Field::Name) {
                    self.whole(name);
                }
            }
            // `scope::declared_by_import` reads the first import clause.
            "import_statement" => {
                if let Some(clause) = named_child_of_kind(statement, "import_clause") {
                    self.named_leaves(clause);
                }
            }
            "export_statement" => {
                if let Some(declaration) = statement.child_by(self.fields, Field::Declaration) {
                    self.statement(declaration);
                }
            }
            _ => {}
        }
    }

    /// The node's own text, for declarations compared as a whole (`text(name) == name`).
    fn whole(&mut self, node: Node) {
        self.add(node);
    }

    /// Every named leaf under `node` (patterns: `{ a, b: [c, ...d] = e }`).
    fn named_leaves(&mut self, node: Node<'t>) {
        self.leaves.reset(node);
        loop {
            if self.leaves.goto_first_child() {
                continue;
            }
            let leaf = self.leaves.node();
            if leaf.is_named() {
                self.add(leaf);
            }
            loop {
                if self.leaves.depth() == 0 {
                    return;
                }
                if self.leaves.goto_next_sibling() {
                    break;
                }
                self.leaves.goto_parent();
            }
        }
    }

    fn add(&mut self, node: Node) {
        let (start, end) = (node.start_byte(), node.end_byte());
        // As `scope::text`: a range that is not UTF-8 reads as "".
        let (start, end) = match self.source.get(start..end).map(std::str::from_utf8) {
            Some(Ok(_)) => (start, end),
            _ => (0, 0),
        };
        self.declared.push(Declared {
            start,
            end,
            statement: self.statement,
        });
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use tree_sitter::{Node, Parser, Tree};

    use super::*;
    use crate::parse::Lang;
    use crate::resolve::Module;

    fn parse(lang: Lang, source: &str) -> Tree {
        let mut parser = Parser::new();
        parser.set_language(&lang.grammar()).unwrap();
        parser.parse(source, None).unwrap()
    }

    fn module(lang: Lang, source: &str) -> Module {
        Module::new("a.ts".into(), source.to_string(), parse(lang, source))
    }

    /// Every node of the tree, in document order.
    fn nodes(tree: &Tree) -> Vec<Node<'_>> {
        let mut all = Vec::new();
        let mut cursor = tree.walk();
        loop {
            all.push(cursor.node());
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return all;
                }
            }
        }
    }

    /// The node `needle` stands for: the `nth` identifier-like leaf with that text.
    fn nth<'t>(module: &'t Module, needle: &str, nth: usize) -> Node<'t> {
        nodes(&module.tree)
            .into_iter()
            .filter(|n| {
                n.child_count() == 0 && crate::parse::text(*n, module.source.as_bytes()) == needle
            })
            .nth(nth)
            .unwrap_or_else(|| panic!("no {needle} #{nth}"))
    }

    fn describe(binding: Option<Binding>) -> String {
        match binding {
            None => "global".into(),
            Some(Binding::Const { value }) => format!("const {:?}", value.map(|v| v.kind())),
            Some(Binding::Variable { .. }) => "variable".into(),
            Some(Binding::Destructured { property, .. }) => format!("destructured {property:?}"),
            Some(Binding::Param {
                type_annotation,
                index,
                part,
                ..
            }) => {
                format!("param {} {index} {part:?}", type_annotation.is_some())
            }
            Some(Binding::Import { source, imported }) => format!("import {source} {imported:?}"),
            Some(Binding::Enum { .. }) => "enum".into(),
            Some(Binding::Function { .. }) => "function".into(),
            Some(Binding::Class { .. }) => "class".into(),
            Some(Binding::Interface { .. }) => "interface".into(),
            Some(Binding::Opaque) => "opaque".into(),
        }
    }

    /// The index answers exactly as `scope::lookup` for every node and every name of the file.
    fn assert_same_as_lookup(lang: Lang, source: &str, what: &str) -> usize {
        let module = module(lang, source);
        let src = module.source.as_bytes();
        let all = nodes(&module.tree);
        let mut names: Vec<&str> = all
            .iter()
            .filter(|n| n.is_named() && n.child_count() == 0)
            .map(|n| crate::parse::text(*n, src))
            .collect();
        names.sort_unstable();
        names.dedup();
        let mut compared = 0;
        for (i, &at) in all.iter().enumerate() {
            let own = (at.child_count() == 0).then(|| crate::parse::text(at, src));
            // Every name at some nodes, each node's own text at all of them.
            let every = i % 5 == 0;
            for &name in names.iter().filter(|&&n| every || Some(n) == own) {
                let expected = scope::lookup(name, at, src);
                let indexed = module.lookup(name, at);
                assert_eq!(
                    format!("{indexed:?}"),
                    format!("{expected:?}"),
                    "{what}: `{name}` at {} {:?}",
                    at.kind(),
                    at.start_position()
                );
                compared += 1;
            }
        }
        compared
    }

    const TRICKY: &str = r#"
import def, { a as b, "c-d" as cd, default as dflt } from "./x";
import * as ns from "y";
const FLAG = "module";
let mutable = "x";
export const EXPORTED = { A: "a" };
export function exported(FLAG) { return FLAG; }
function outer(p, { q, r: rr = 1, ...rest }, [s, , t] = [], ...more) {
  const FLAG = "outer";
  {
    const FLAG = "block";
    use(FLAG, p, q, rr, rest, s, t, more);
  }
  const arrow = FLAG => FLAG;
  const arrow2 = (FLAG, other) => FLAG + other;
  for (const FLAG in obj) { use(FLAG); }
  for (let i = 0, FLAG = 2; i < FLAG; i++) { use(FLAG, i); }
  for (const [k, v] of entries) { use(k, v); }
  try { use(FLAG); } catch ({ message: FLAG }) { use(FLAG); } finally { use(FLAG); }
  switch (p) { case 1: const FLAG = "case"; use(FLAG); break; default: use(FLAG); }
  return function inner() { var FLAG; return FLAG; };
}
class Klass { static { const FLAG = "static"; use(FLAG); } method(FLAG) { return FLAG; } }
enum Colour { Red = "red" }
const { hasFeature, getValue: gv } = useFlagsmith();
const FLAG = "second";
use(FLAG, def, b, cd, dflt, ns, mutable, EXPORTED, Colour, hasFeature, gv, Klass, ünïcode);
const ünïcode = "ü";
function broken( { use(FLAG
"#;

    #[test]
    fn index_answers_as_lookup_on_tricky_code() {
        let mut compared = 0;
        for lang in [Lang::TypeScript, Lang::Tsx, Lang::JavaScript] {
            compared += assert_same_as_lookup(lang, TRICKY, &format!("{lang:?}"));
        }
        assert!(compared > 10_000, "{compared}");
    }

    #[test]
    fn index_answers_as_lookup_on_the_sdk_fixtures() {
        fn files(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    files(&path, out);
                } else if Lang::from_path(&path).is_some() {
                    out.push(path);
                }
            }
        }
        let mut found = Vec::new();
        files(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sdk"),
            &mut found,
        );
        assert!(found.len() > 20, "{}", found.len());
        for path in found {
            let source = std::fs::read_to_string(&path).unwrap();
            let lang = Lang::from_path(&path).unwrap();
            assert_same_as_lookup(lang, &source, &path.display().to_string());
        }
    }

    #[test]
    fn innermost_binding_wins() {
        let module = module(Lang::TypeScript, TRICKY);
        let at = |n: usize| nth(&module, "FLAG", n);
        let find = |n: usize| describe(module.lookup("FLAG", at(n)));
        // `use(FLAG, p, ...)` in the inner block: the block's const.
        assert_eq!(
            crate::parse::text(at(5).parent().unwrap(), module.source.as_bytes()),
            "(FLAG, p, q, rr, rest, s, t, more)"
        );
        assert_eq!(find(5), r#"const Some("string")"#);
        // The parameter of `exported(FLAG)` shadows the module const.
        assert_eq!(find(2), "param false 0 Whole");
        // `FLAG => FLAG`: the arrow's parameter; `(FLAG, other) => FLAG + other` too.
        assert_eq!(find(7), "param false 0 Whole");
        assert_eq!(find(9), "param false 0 Whole");
        // `for (const FLAG in obj) { use(FLAG); }`: the loop variable.
        assert_eq!(find(11), "opaque");
        // `for (let i = 0, FLAG = 2; i < FLAG; ...) { use(FLAG, i); }`: the loop's.
        assert_eq!(find(13), "opaque");
        assert_eq!(find(14), "opaque");
        // `try { use(FLAG); }`: the function's const.
        assert_eq!(find(15), r#"const Some("string")"#);
        // `catch ({ message: FLAG }) { use(FLAG); }`: the catch parameter; `finally` is
        // back to the function's const.
        assert_eq!(find(17), "opaque");
        assert_eq!(find(18), r#"const Some("string")"#);
        // A `case` declares for itself; `default` is another scope.
        let value = |n: usize| match module.lookup("FLAG", at(n)) {
            Some(Binding::Const { value: Some(v) }) => {
                crate::parse::text(v, module.source.as_bytes()).to_string()
            }
            other => describe(other),
        };
        assert_eq!(value(20), r#""case""#);
        assert_eq!(value(21), r#""outer""#);
        assert_eq!(value(5), r#""block""#);
        // `var FLAG; return FLAG;` in `inner`: declared without a value.
        assert_eq!(find(23), "variable");
        // A class static block declares for itself; a method's parameter shadows.
        assert_eq!(value(25), r#""static""#);
        assert_eq!(find(27), "param false 0 Whole");
    }

    #[test]
    fn first_declaration_in_a_scope_wins_and_imports_resolve() {
        let module = module(Lang::TypeScript, TRICKY);
        let uses = nth(&module, "ünïcode", 0);
        let text = |node: Node| crate::parse::text(node, module.source.as_bytes()).to_string();
        assert!(text(uses.parent().unwrap().parent().unwrap()).starts_with("use(FLAG, def"));
        let find = |name: &str| describe(module.lookup(name, uses));
        assert_eq!(find("def"), "import ./x Default");
        assert_eq!(find("b"), r#"import ./x Named("a")"#);
        assert_eq!(find("cd"), r#"import ./x Named("c-d")"#);
        assert_eq!(find("dflt"), "import ./x Default");
        assert_eq!(find("ns"), "import y Namespace");
        assert_eq!(find("mutable"), "variable");
        assert_eq!(find("Colour"), "enum");
        assert_eq!(find("Klass"), "class");
        assert_eq!(find("hasFeature"), r#"destructured Some("hasFeature")"#);
        assert_eq!(find("gv"), r#"destructured Some("getValue")"#);
        assert_eq!(find("exported"), "function");
        assert_eq!(find("nowhere"), "global");
        // Declared later in the file still binds (lookup is not order-sensitive).
        assert_eq!(find("ünïcode"), r#"const Some("string")"#);
        // Two module-level `const FLAG`: the first one.
        match module.lookup("FLAG", uses) {
            Some(Binding::Const { value: Some(value) }) => assert_eq!(text(value), r#""module""#),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ancestors_match_parent_walk() {
        for lang in [Lang::TypeScript, Lang::JavaScript] {
            let tree = parse(lang, TRICKY);
            let root = tree.root_node();
            for node in nodes(&tree) {
                let expected: Vec<usize> = std::iter::successors(node.parent(), |n| n.parent())
                    .map(|n| n.id())
                    .collect();
                match ancestors(root, node) {
                    Some(chain) => {
                        let got: Vec<usize> = chain.iter().rev().map(|n| n.id()).collect();
                        assert_eq!(got, expected, "{} {:?}", node.kind(), node.start_position());
                    }
                    // Only empty nodes may be out of reach; lookup then walks parents.
                    None => assert_eq!(node.start_byte(), node.end_byte(), "{}", node.kind()),
                }
            }
        }
    }
}
