//! Project-level resolution: what the caches keep must not change the answers.

use std::path::Path;

use tree_sitter::{Node, Parser};

use super::paths::ModulePaths;
use super::*;
use crate::parse::Lang;

fn parse_module(path: &Path, source: &str) -> Module {
    let lang = Lang::from_path(path).unwrap();
    let mut parser = Parser::new();
    parser.set_language(&lang.grammar()).unwrap();
    let tree = parser.parse(source, None).unwrap();
    Module::new(path.to_owned(), source.to_string(), tree)
}

/// The `nth` leaf with this text.
fn leaf<'t>(module: &'t Module, text: &str, nth: usize) -> Node<'t> {
    let mut found = Vec::new();
    let mut stack = vec![module.tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.child_count() == 0 && crate::parse::text(node, module.bytes()) == text {
            found.push(node);
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    found.sort_by_key(|n| n.start_byte());
    found
        .get(nth)
        .copied()
        .unwrap_or_else(|| panic!("no {text} #{nth}"))
}

const CLASS: &str = r#"
import Flagsmith from "flagsmith";
import { other } from "other-sdk";
class Service {
  private client = new Flagsmith({});
  private plain = other();
  a() { return this.client.hasFeature("a"); }
  b() { return this.client.getValue("b"); }
  c() { return this.plain.hasFeature("c"); }
}
class Shadow {
  private client = { hasFeature: () => true };
  d() { return this.client.hasFeature("d"); }
}
"#;

#[test]
fn this_member_origins_are_remembered_per_class_member_and_packages() {
    let module = parse_module(Path::new("/nowhere/service.ts"), CLASS);
    let project = Project::new(1 << 20);
    let flagsmith = vec!["flagsmith".to_string()];
    let other = vec!["other-sdk".to_string()];
    // `this.client` in `a()`, `b()` and `d()`, `this.plain` in `c()`.
    let receiver = |member: &str, nth: usize| leaf(&module, member, nth).parent().unwrap();
    let a = receiver("client", 1);
    let b = receiver("client", 2);
    let c = receiver("plain", 1);
    let d = receiver("client", 4);
    for _ in 0..2 {
        assert!(project.sdk_origin(&module, a, &flagsmith).is_some());
        assert!(project.sdk_origin(&module, b, &flagsmith).is_some());
        assert!(project.sdk_origin(&module, a, &other).is_none());
        assert!(project.sdk_origin(&module, c, &flagsmith).is_none());
        assert!(project.sdk_origin(&module, c, &other).is_some());
        // Another class with a member of the same name.
        assert!(project.sdk_origin(&module, d, &flagsmith).is_none());
    }
    // A second project asks again rather than reading the first one's answers.
    let second = Project::new(1 << 20);
    assert!(second.sdk_origin(&module, b, &flagsmith).is_some());
    assert!(second.sdk_origin(&module, d, &flagsmith).is_none());
}

#[test]
fn resolved_paths_are_kept_per_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (file, text) in [
        ("a/flags.ts", "export const K = 'a';"),
        ("b/flags.ts", "export const K = 'b';"),
        ("a/use.ts", ""),
        ("b/use.ts", ""),
    ] {
        std::fs::create_dir_all(root.join(file).parent().unwrap()).unwrap();
        std::fs::write(root.join(file), text).unwrap();
    }
    let paths = ModulePaths::default();
    for _ in 0..2 {
        assert_eq!(
            paths.resolve(&root.join("a/use.ts"), "./flags"),
            Some(root.join("a/flags.ts"))
        );
        assert_eq!(
            paths.resolve(&root.join("b/use.ts"), "./flags"),
            Some(root.join("b/flags.ts"))
        );
        assert_eq!(paths.resolve(&root.join("a/use.ts"), "./missing"), None);
    }
}

#[test]
fn keys_resolve_through_imports_with_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("keys.ts"),
        "export const FLAG = 'imported';\nexport const FLAGS = { A: `a_${FLAG}` };\n",
    )
    .unwrap();
    let source = r#"
import { FLAG, FLAGS } from "./keys";
const LOCAL = "local";
function f(FLAG: string) { use(FLAG, LOCAL); }
use(FLAG, FLAGS.A, LOCAL);
"#;
    let module = parse_module(&root.join("main.ts"), source);
    let project = Project::new(1 << 20);
    let key = |text: &str, nth: usize| project.key(&module, leaf(&module, text, nth));
    let known = |k: &str| Key::Known(k.to_string());
    // The parameter shadows the import: the key is the function's first argument.
    assert!(
        matches!(
            key("FLAG", 2),
            Key::Param(ParamKey {
                index: 0,
                property: None,
                ..
            })
        ),
        "{:?}",
        key("FLAG", 2)
    );
    assert_eq!(key("LOCAL", 1), known("local"));
    assert_eq!(key("FLAG", 3), known("imported"));
    let member = leaf(&module, "A", 0).parent().unwrap();
    assert_eq!(project.key(&module, member), known("a_imported"));
    assert_eq!(project.modules_loaded(), 1);
}

#[test]
fn a_barrel_parses_only_the_modules_that_could_export_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |name: &str, text: &str| std::fs::write(root.join(name), text).unwrap();
    write(
        "index.ts",
        "export * from './types';\nexport * from './utils';\nexport * from './more';\nexport * from './flags';\n",
    );
    write("types.ts", "export interface User { name: string }\n");
    write(
        "utils.ts",
        "export const add = (a: number, b: number) => a + b;\n",
    );
    // Passes on another module wholesale: it must be looked into.
    write("more.ts", "export * from './deeper';\n");
    write("deeper.ts", "export const nothing = 1;\n");
    write(
        "flags.ts",
        "import flagsmith from 'flagsmith';\nexport const client = flagsmith;\n",
    );
    let source =
        "import { client } from './index';\nclient.hasFeature('a');\nclient.hasFeature('b');\n";
    let module = parse_module(&root.join("main.ts"), source);
    let project = Project::new(1 << 20);
    let packages = vec!["flagsmith".to_string()];
    for nth in [1, 2] {
        let receiver = leaf(&module, "client", nth);
        assert!(project.sdk_origin(&module, receiver, &packages).is_some());
    }
    // index, more (it re-exports) and flags; not types, utils or deeper, which neither
    // spell `client` nor pass another module on. Asked twice, parsed once.
    assert_eq!(project.modules_loaded(), 3);
}
