//! Parsing: which tree-sitter grammar reads which file, one parser per thread, and how
//! to read the text of the nodes it gives (names, string literals, property keys).

use std::cell::RefCell;
use std::path::Path;

use tree_sitter::{Language, Node, Parser, Tree};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// .js .jsx .mjs .cjs: the JavaScript grammar parses JSX too.
    JavaScript,
    /// .ts .mts .cts: no JSX, so `<T>x` casts parse.
    TypeScript,
    Tsx,
}

pub const ALL: [Lang; 3] = [Lang::JavaScript, Lang::TypeScript, Lang::Tsx];

impl Lang {
    /// The grammar for a source path, or `None` when flaglint does not read it.
    /// Declaration files (`.d.ts`, `.d.mts`, `.d.cts`) hold no runtime reads.
    pub fn from_path(path: &Path) -> Option<Lang> {
        let name = path.file_name()?.to_str()?;
        if is_declaration_file(name) {
            return None;
        }
        Lang::from_extension(path.extension()?.to_str()?)
    }

    pub fn from_extension(ext: &str) -> Option<Lang> {
        Some(match ext {
            "js" | "jsx" | "mjs" | "cjs" => Lang::JavaScript,
            "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            _ => return None,
        })
    }

    pub fn grammar(self) -> Language {
        match self {
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

pub fn is_declaration_file(name: &str) -> bool {
    [".d.ts", ".d.mts", ".d.cts"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

thread_local! {
    /// Parsers keep buffers between parses, so each worker thread keeps one.
    static PARSER: RefCell<Parser> = RefCell::new(Parser::new());
}

/// `source` parsed with `lang`'s grammar, on this thread's parser. None only if
/// tree-sitter gives up (it returns a tree with error nodes for invalid code).
pub fn parse(lang: Lang, source: &str) -> Option<Tree> {
    PARSER.with(|parser| {
        let mut parser = parser.borrow_mut();
        parser.set_language(&lang.grammar()).ok()?;
        parser.parse(source, None)
    })
}

/// When every parse error in `tree` is a bare `&` in JSX text (`<a>Sand & Gravel</a>`), the
/// line of the first. That is valid JSX (React renders the `&`), but the JavaScript and
/// TSX grammars only take `&` there as the start of an entity like `&amp;`
/// (tree-sitter/tree-sitter-javascript#366, tree-sitter/tree-sitter-typescript#366): the
/// file is not broken, and saying so would send its authors looking for a mistake that
/// is not there. The error covers the `&` and the rest of that text only.
pub fn bare_jsx_ampersands_only(tree: &Tree, source: &[u8]) -> Option<usize> {
    let mut first = None;
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.is_missing() {
            return None;
        }
        if node.is_error() {
            let in_jsx_text = node.parent().is_some_and(|p| p.kind() == "jsx_element");
            if !in_jsx_text || source.get(node.start_byte()) != Some(&b'&') {
                return None;
            }
            let line = node.start_position().row + 1;
            first = Some(first.map_or(line, |f: usize| f.min(line)));
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor).filter(|c| c.has_error()));
    }
    first
}

/// A node's text; empty when it is not UTF-8 (it always is: sources are read as UTF-8).
pub fn text<'s>(node: Node, source: &'s [u8]) -> &'s str {
    node.utf8_text(source).unwrap_or("")
}

/// A property key as written: `a`, `"a-b"`, `'a'`.
pub fn property_name(key: Node, source: &[u8]) -> String {
    match key.kind() {
        "string" => string_value(key, source).unwrap_or_default(),
        _ => text(key, source).to_string(),
    }
}

/// The value of a string literal, escapes decoded.
pub fn string_value(node: Node, source: &[u8]) -> Option<String> {
    if node.kind() != "string" {
        return None;
    }
    let mut value = String::new();
    let mut cursor = node.walk();
    for part in node.named_children(&mut cursor) {
        match part.kind() {
            "string_fragment" => value.push_str(text(part, source)),
            "escape_sequence" => value.push_str(&unescape(text(part, source))),
            _ => {}
        }
    }
    Some(value)
}

pub fn unescape(escape: &str) -> String {
    let rest = escape.strip_prefix('\\').unwrap_or(escape);
    match rest {
        "n" => "\n".into(),
        "t" => "\t".into(),
        "r" => "\r".into(),
        "0" => "\0".into(),
        _ if rest.starts_with('u') || rest.starts_with('x') => {
            let hex = rest[1..].trim_matches(|c| c == '{' || c == '}');
            u32::from_str_radix(hex, 16)
                .ok()
                .and_then(char::from_u32)
                .map(String::from)
                .unwrap_or_else(|| escape.to_string())
        }
        // A line continuation adds nothing; any other escaped character stands for itself.
        _ if rest.starts_with('\n') || rest.starts_with("\r\n") => String::new(),
        _ => rest.to_string(),
    }
}

pub fn named_child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    let found = node.named_children(&mut cursor).find(|c| c.kind() == kind);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_ampersands_in_jsx_text_are_told_from_syntax_errors() {
        let check = |lang, text: &str| {
            let tree = parse(lang, text).unwrap();
            assert!(tree.root_node().has_error(), "{text}");
            bare_jsx_ampersands_only(&tree, text.as_bytes())
        };
        for lang in [Lang::JavaScript, Lang::Tsx] {
            assert_eq!(
                check(lang, "const a = 1;\nconst b = <p>Sand & Gravel</p>;\n"),
                Some(2)
            );
            assert_eq!(
                check(
                    lang,
                    "const e = <p>\n  Save &\n  Continue <b>x</b> & more\n</p>;\n"
                ),
                Some(2)
            );
            // A real mistake, alone or beside a bare `&`.
            assert_eq!(check(lang, "const = ;\n"), None);
            assert_eq!(check(lang, "const b = <p>a & b</p>;\nconst = ;\n"), None);
            assert_eq!(check(lang, "const c = <p>{a &}</p>;\n"), None);
        }
    }

    #[test]
    fn picks_grammar_by_extension() {
        assert_eq!(Lang::from_path(Path::new("a/b.tsx")), Some(Lang::Tsx));
        assert_eq!(
            Lang::from_path(Path::new("a/b.cjs")),
            Some(Lang::JavaScript)
        );
        assert_eq!(
            Lang::from_path(Path::new("a/b.mts")),
            Some(Lang::TypeScript)
        );
        assert_eq!(Lang::from_path(Path::new("a/types.d.ts")), None);
        assert_eq!(Lang::from_path(Path::new("a/b.py")), None);
    }
}
