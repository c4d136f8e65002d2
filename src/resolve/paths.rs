//! Import specifiers to files: relative paths, index files, and tsconfig/jsconfig
//! `baseUrl` and `paths` aliases. Package imports (node_modules) are not followed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Deserialize;

const EXTENSIONS: [&str; 8] = ["ts", "tsx", "js", "jsx", "mts", "cts", "mjs", "cjs"];
const CONFIG_NAMES: [&str; 2] = ["tsconfig.json", "jsconfig.json"];
/// `extends` chains longer than this are taken as cycles.
const MAX_EXTENDS: usize = 8;

/// The `compilerOptions` that decide where a bare specifier points.
#[derive(Debug, Default, Clone)]
struct Aliases {
    base_url: Option<PathBuf>,
    /// (pattern, targets) with targets already made absolute.
    paths: Vec<(String, Vec<PathBuf>)>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawTsConfig {
    #[serde(default)]
    extends: Option<serde_json::Value>,
    #[serde(default)]
    compiler_options: RawCompilerOptions,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawCompilerOptions {
    base_url: Option<String>,
    paths: Option<HashMap<String, Vec<String>>>,
}

/// Specifier to file, per importing folder.
type Resolved = HashMap<PathBuf, HashMap<String, Option<PathBuf>>>;

/// Finds files for specifiers; answers and tsconfig lookups are cached per folder
/// (the files do not change during a run, and each answer costs several `stat`s).
#[derive(Default)]
pub struct ModulePaths {
    aliases_by_dir: Mutex<HashMap<PathBuf, Option<Arc<Aliases>>>>,
    /// Parsed configs by path: folders under one tsconfig share it.
    aliases_by_config: Mutex<HashMap<PathBuf, Arc<Aliases>>>,
    resolved: Mutex<Resolved>,
}

impl ModulePaths {
    /// The file `specifier` names when imported from `from_file`, if it is in the project.
    pub fn resolve(&self, from_file: &Path, specifier: &str) -> Option<PathBuf> {
        let dir = from_file.parent()?;
        if let Ok(resolved) = self.resolved.lock() {
            if let Some(hit) = resolved.get(dir).and_then(|d| d.get(specifier)) {
                return hit.clone();
            }
        }
        let found = self.resolve_in(dir, specifier);
        if let Ok(mut resolved) = self.resolved.lock() {
            resolved
                .entry(dir.to_owned())
                .or_default()
                .insert(specifier.to_owned(), found.clone());
        }
        found
    }

    fn resolve_in(&self, dir: &Path, specifier: &str) -> Option<PathBuf> {
        if specifier.starts_with("./")
            || specifier.starts_with("../")
            || specifier == "."
            || specifier == ".."
        {
            return resolve_file(&dir.join(specifier));
        }
        let aliases = self.aliases_for(dir)?;
        for (pattern, targets) in &aliases.paths {
            let Some(captured) = match_alias(pattern, specifier) else {
                continue;
            };
            for target in targets {
                let candidate = PathBuf::from(target.to_string_lossy().replace('*', captured));
                if let Some(found) = resolve_file(&candidate) {
                    return Some(found);
                }
            }
        }
        let base = aliases.base_url.as_ref()?;
        resolve_file(&base.join(specifier))
    }

    fn aliases_for(&self, dir: &Path) -> Option<Arc<Aliases>> {
        if let Ok(cache) = self.aliases_by_dir.lock() {
            if let Some(hit) = cache.get(dir) {
                return hit.clone();
            }
        }
        let found = dir.ancestors().find_map(|ancestor| {
            CONFIG_NAMES
                .iter()
                .map(|name| ancestor.join(name))
                .find(|path| path.is_file())
        });
        let aliases = found.map(|path| self.load_config(path));
        if let Ok(mut cache) = self.aliases_by_dir.lock() {
            cache.insert(dir.to_owned(), aliases.clone());
        }
        aliases
    }

    fn load_config(&self, path: PathBuf) -> Arc<Aliases> {
        if let Ok(cache) = self.aliases_by_config.lock() {
            if let Some(hit) = cache.get(&path) {
                return hit.clone();
            }
        }
        let aliases = Arc::new(load_aliases(&path, 0));
        if let Ok(mut cache) = self.aliases_by_config.lock() {
            cache.insert(path, aliases.clone());
        }
        aliases
    }
}

/// `@app/*` against `@app/flags` gives `flags`; an exact pattern gives "".
fn match_alias<'s>(pattern: &str, specifier: &'s str) -> Option<&'s str> {
    match pattern.split_once('*') {
        Some((prefix, suffix)) => specifier
            .strip_prefix(prefix)?
            .strip_suffix(suffix)
            .filter(|_| specifier.len() >= prefix.len() + suffix.len()),
        None => (pattern == specifier).then_some(""),
    }
}

/// Reads a tsconfig (comments and trailing commas allowed) and what it extends.
/// An unreadable or broken one gives no aliases: imports through it stay unresolved
/// and their keys are reported as dynamic, which is honest.
fn load_aliases(path: &Path, depth: usize) -> Aliases {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Aliases::default();
    };
    let Ok(raw) = json5::from_str::<RawTsConfig>(&text) else {
        return Aliases::default();
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut aliases = match raw.extends.as_ref().and_then(|v| v.as_str()) {
        Some(parent) if depth < MAX_EXTENDS && parent.starts_with('.') => {
            let mut parent_path = dir.join(parent);
            if parent_path.extension().is_none() {
                parent_path.set_extension("json");
            }
            load_aliases(&parent_path, depth + 1)
        }
        _ => Aliases::default(),
    };
    let options = raw.compiler_options;
    if let Some(base) = &options.base_url {
        aliases.base_url = Some(dir.join(base));
    }
    if let Some(paths) = options.paths {
        // Targets are relative to baseUrl when set, else to this config's folder.
        let anchor = aliases.base_url.clone().unwrap_or_else(|| dir.to_owned());
        let mut paths: Vec<_> = paths
            .into_iter()
            .map(|(pattern, targets)| {
                let targets = targets.iter().map(|t| anchor.join(t)).collect();
                (pattern, targets)
            })
            .collect();
        // The longest prefix wins, as in TypeScript.
        paths.sort_by_key(|(pattern, _)| {
            std::cmp::Reverse(pattern.find('*').unwrap_or(pattern.len()))
        });
        aliases.paths = paths;
    }
    aliases
}

/// `a/b/../c` is `a/c`: a specifier like `"../.."` must still name a folder with an index file,
/// and a module reached through an alias (`"paths": { "@common/*": ["../common/*"] }`) must
/// have the same name as when reached by a relative path, or it is parsed once per name.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `./flags` may be `flags.ts`, `flags/index.tsx`, or (ESM TypeScript) `flags.js` meaning `flags.ts`.
/// The path found is normalized, so that a file has one name however it was reached.
pub fn resolve_file(base: &Path) -> Option<PathBuf> {
    let base = &normalize(base);
    if base.is_file() {
        return Some(base.to_owned());
    }
    if let Some(ext) = base.extension().and_then(|e| e.to_str()) {
        let ts_twin = match ext {
            "js" => Some(["ts", "tsx"].as_slice()),
            "jsx" => Some(["tsx"].as_slice()),
            "mjs" => Some(["mts"].as_slice()),
            "cjs" => Some(["cts"].as_slice()),
            _ => None,
        };
        for twin in ts_twin.unwrap_or_default() {
            let candidate = base.with_extension(twin);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    let name = base.file_name()?.to_str()?;
    for ext in EXTENSIONS {
        let candidate = base.with_file_name(format!("{name}.{ext}"));
        if candidate.is_file() {
            return Some(candidate);
        }
    }
    for ext in EXTENSIONS {
        let candidate = base.join(format!("index.{ext}"));
        if candidate.is_file() {
            return Some(candidate);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_specifiers_reach_index_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src/a/b")).unwrap();
        std::fs::write(dir.path().join("src/index.ts"), "export {}").unwrap();
        let from = dir.path().join("src/a/b/c.ts");
        let found = ModulePaths::default().resolve(&from, "../..").unwrap();
        assert_eq!(found, dir.path().join("src/index.ts"));
    }

    #[test]
    fn a_module_has_one_name_however_it_is_reached() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("web/src")).unwrap();
        std::fs::create_dir_all(root.join("common/src")).unwrap();
        std::fs::write(root.join("common/src/flags.ts"), "export {}").unwrap();
        std::fs::write(
            root.join("web/tsconfig.json"),
            r#"{ "compilerOptions": { "baseUrl": ".", "paths": { "@common/*": ["../common/src/*"] } } }"#,
        )
        .unwrap();
        let paths = ModulePaths::default();
        let from = root.join("web/src/page.ts");
        let expected = Some(root.join("common/src/flags.ts"));
        assert_eq!(paths.resolve(&from, "@common/flags"), expected);
        assert_eq!(paths.resolve(&from, "../../common/src/flags"), expected);
        assert_eq!(paths.resolve(&from, "../../common/./src/flags"), expected);
    }

    #[test]
    fn alias_patterns() {
        assert_eq!(match_alias("@/*", "@/flags"), Some("flags"));
        assert_eq!(match_alias("@app/*", "@/flags"), None);
        assert_eq!(match_alias("flags", "flags"), Some(""));
        assert_eq!(match_alias("*.js", "a.js"), Some("a"));
    }
}
