//! Which tree-sitter grammar reads which file.

use std::path::Path;

use tree_sitter::Language;

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

#[cfg(test)]
mod tests {
    use super::*;

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
