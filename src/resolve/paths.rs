//! Import specifiers to files: relative paths, index files, tsconfig/jsconfig `baseUrl`
//! and `paths` aliases, and the packages of the workspace (npm, yarn and pnpm
//! workspaces, through their `exports`, `module`, `main` and `types`, and `node_modules`
//! links into the workspace). Other packages (third-party code in node_modules) are not
//! followed.

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
    #[serde(default)]
    references: Vec<RawReference>,
}

/// `"references": [{ "path": "./tsconfig.app.json" }]`: a solution-style config.
#[derive(Deserialize, Default)]
struct RawReference {
    #[serde(default)]
    path: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawCompilerOptions {
    base_url: Option<String>,
    paths: Option<HashMap<String, Vec<String>>>,
    out_dir: Option<String>,
    root_dir: Option<String>,
}

/// The parts of a package's own tsconfig.json that say where its built files come from.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawBuildConfig {
    #[serde(default)]
    compiler_options: RawCompilerOptions,
    #[serde(default)]
    include: Vec<String>,
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
    /// The workspace each folder belongs to, by its root (None: no workspace above it).
    workspace_of_dir: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Workspaces by root: each package's manifest is read once per run.
    workspaces: Mutex<HashMap<PathBuf, Arc<Workspace>>>,
}

/// A workspace's packages by name.
#[derive(Debug, Default)]
struct Workspace {
    packages: HashMap<String, Package>,
}

/// A package of the workspace: its folder and the manifest fields that map specifiers
/// to files.
#[derive(Debug)]
struct Package {
    dir: PathBuf,
    exports: Option<serde_json::Value>,
    entries: Vec<String>,
    /// `outDir` and the source folder it is built from, when the package's tsconfig.json
    /// says: `main: "lib/index.js"` and `@acme/protocol/lib/types` name files that exist
    /// only after a build, and the sources they come from are what resolution can read.
    built_from: Option<(PathBuf, PathBuf)>,
}

/// The conditions of an `exports` map tried in order: a source file is wanted (types
/// first, as TypeScript resolves), and a target that does not exist is passed over.
const CONDITIONS: [&str; 8] = [
    "types",
    "import",
    "module",
    "default",
    "require",
    "node",
    "browser",
    "development",
];

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
        let Some(aliases) = self.aliases_for(dir) else {
            return self.resolve_package(dir, specifier);
        };
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
        if let Some(found) = aliases
            .base_url
            .as_ref()
            .and_then(|base| resolve_file(&base.join(specifier)))
        {
            return Some(found);
        }
        self.resolve_package(dir, specifier)
    }

    /// A bare specifier naming a package of the workspace, or one linked into
    /// `node_modules` from inside the project.
    fn resolve_package(&self, dir: &Path, specifier: &str) -> Option<PathBuf> {
        let (name, subpath) = split_package(specifier)?;
        if let Some(workspace) = self.workspace_for(dir) {
            if let Some(package) = workspace.packages.get(name) {
                return package.resolve(subpath);
            }
        }
        // A link in node_modules that leads back into the project (yarn/npm workspaces
        // without a manifest flaglint understood, `file:` dependencies).
        dir.ancestors().find_map(|ancestor| {
            let link = ancestor.join("node_modules").join(name);
            if !link.symlink_metadata().ok()?.file_type().is_symlink() {
                return None;
            }
            let target = link.canonicalize().ok()?;
            if target.components().any(|c| c.as_os_str() == "node_modules") {
                return None;
            }
            Package::read(&target)?.resolve(subpath)
        })
    }

    fn workspace_for(&self, dir: &Path) -> Option<Arc<Workspace>> {
        let root = {
            let cached = self
                .workspace_of_dir
                .lock()
                .ok()
                .and_then(|cache| cache.get(dir).cloned());
            match cached {
                Some(root) => root,
                None => {
                    let root = dir
                        .ancestors()
                        .find(|a| is_workspace_root(a))
                        .map(Path::to_path_buf);
                    if let Ok(mut cache) = self.workspace_of_dir.lock() {
                        cache.insert(dir.to_owned(), root.clone());
                    }
                    root
                }
            }
        }?;
        if let Some(hit) = self.workspaces.lock().ok()?.get(&root) {
            return Some(hit.clone());
        }
        let workspace = Arc::new(Workspace::read(&root));
        self.workspaces.lock().ok()?.insert(root, workspace.clone());
        Some(workspace)
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

/// `@acme/shared/constants` is the package `@acme/shared` and its subpath `constants`.
fn split_package(specifier: &str) -> Option<(&str, &str)> {
    let split_at = if specifier.starts_with('@') {
        let scope_end = specifier.find('/')?;
        specifier[scope_end + 1..]
            .find('/')
            .map(|i| scope_end + 1 + i)
    } else {
        specifier.find('/')
    };
    match split_at {
        Some(at) => Some((&specifier[..at], &specifier[at + 1..])),
        None => Some((specifier, "")),
    }
}

/// A folder whose package.json declares `workspaces`, or that holds pnpm-workspace.yaml.
fn is_workspace_root(dir: &Path) -> bool {
    if dir.join("pnpm-workspace.yaml").is_file() {
        return true;
    }
    std::fs::read_to_string(dir.join("package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .is_some_and(|manifest| manifest.get("workspaces").is_some())
}

impl Workspace {
    /// Reads the package globs of the root's manifest (`workspaces`, as an array or as
    /// `{ "packages": [...] }`) and of pnpm-workspace.yaml, and each package's manifest.
    fn read(root: &Path) -> Workspace {
        let mut globs: Vec<String> = Vec::new();
        if let Some(manifest) = std::fs::read_to_string(root.join("package.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        {
            let listed = match manifest.get("workspaces") {
                Some(serde_json::Value::Array(list)) => Some(list.clone()),
                Some(serde_json::Value::Object(object)) => {
                    object.get("packages").and_then(|p| p.as_array()).cloned()
                }
                _ => None,
            };
            globs.extend(
                listed
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|g| g.as_str().map(String::from)),
            );
        }
        if let Ok(yaml) = std::fs::read_to_string(root.join("pnpm-workspace.yaml")) {
            globs.extend(pnpm_packages(&yaml));
        }
        let mut packages = HashMap::new();
        for glob in globs.iter().filter(|g| !g.starts_with('!')) {
            for dir in expand_workspace_glob(root, glob) {
                let Some(package) = Package::read(&dir) else {
                    continue;
                };
                if let Some(name) = package_name(&dir) {
                    packages.entry(name).or_insert(package);
                }
            }
        }
        Workspace { packages }
    }
}

/// The `packages:` list of a pnpm-workspace.yaml (its only key flaglint needs; read line
/// by line, as pnpm writes it, rather than with a YAML parser).
fn pnpm_packages(yaml: &str) -> Vec<String> {
    let mut in_packages = false;
    let mut found = Vec::new();
    for line in yaml.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t', '-']) {
            in_packages = trimmed.starts_with("packages:");
            continue;
        }
        if let Some(item) = trimmed.strip_prefix('-').filter(|_| in_packages) {
            let item = item.split(" #").next().unwrap_or("").trim();
            found.push(item.trim_matches(['\'', '"']).to_string());
        }
    }
    found
}

/// The folders a workspace glob names: `packages/*`, `apps/**`, `tools/cli`.
fn expand_workspace_glob(root: &Path, glob: &str) -> Vec<PathBuf> {
    let glob = glob.trim_end_matches('/');
    match glob.split_once('*') {
        None => vec![root.join(glob)],
        Some((prefix, _)) => {
            let base = root.join(prefix.trim_end_matches('/'));
            let deep = glob.contains("**");
            let mut found = Vec::new();
            let mut stack = vec![(base, 0usize)];
            while let Some((dir, depth)) = stack.pop() {
                let Ok(entries) = std::fs::read_dir(&dir) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let path = entry.path();
                    let name = entry.file_name();
                    if !path.is_dir()
                        || name == "node_modules"
                        || name.to_string_lossy().starts_with('.')
                    {
                        continue;
                    }
                    if path.join("package.json").is_file() {
                        found.push(path.clone());
                    }
                    if deep && depth < 4 {
                        stack.push((path, depth + 1));
                    }
                }
            }
            found.sort();
            found
        }
    }
}

fn package_name(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("package.json")).ok()?;
    let manifest: serde_json::Value = serde_json::from_str(&text).ok()?;
    manifest.get("name")?.as_str().map(String::from)
}

impl Package {
    fn read(dir: &Path) -> Option<Package> {
        let text = std::fs::read_to_string(dir.join("package.json")).ok()?;
        let manifest: serde_json::Value = serde_json::from_str(&text).ok()?;
        let entries = ["types", "typings", "module", "main", "source"]
            .iter()
            .filter_map(|field| manifest.get(*field)?.as_str().map(String::from))
            .collect();
        Some(Package {
            dir: dir.to_owned(),
            exports: manifest.get("exports").cloned(),
            entries,
            built_from: built_from(dir),
        })
    }

    /// The source for a target of the manifest or a subpath: the file itself, or, under
    /// the build folder, the file it is built from (`lib/x.js`, `lib/x.d.ts` -> `src/x.ts`).
    fn source_for(&self, relative: &str) -> Option<PathBuf> {
        let path = normalize(&self.dir.join(relative));
        source_file(&path).or_else(|| {
            let (out_dir, root_dir) = self.built_from.as_ref()?;
            let rest = path.strip_prefix(out_dir).ok()?;
            let rest = rest.to_str()?;
            let rest = rest.strip_suffix(".d.ts").unwrap_or(rest);
            source_file(&root_dir.join(rest))
        })
    }

    /// The source file for `subpath` ("" for the package itself).
    fn resolve(&self, subpath: &str) -> Option<PathBuf> {
        if let Some(exports) = &self.exports {
            let key = if subpath.is_empty() {
                ".".to_string()
            } else {
                format!("./{subpath}")
            };
            if let Some(found) = exports_target(exports, &key)
                .into_iter()
                .find_map(|target| self.source_for(&target))
            {
                return Some(found);
            }
        }
        if subpath.is_empty() {
            return self
                .entries
                .iter()
                .find_map(|entry| self.source_for(entry))
                .or_else(|| resolve_file(&self.dir.join("index")))
                .or_else(|| resolve_file(&self.dir.join("src/index")));
        }
        self.source_for(subpath)
    }
}

/// `outDir` and the folder its files are built from, from the package's tsconfig.json:
/// `rootDir`, else the one folder `include` names, else `src` when it exists.
fn built_from(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let text = std::fs::read_to_string(dir.join("tsconfig.json")).ok()?;
    let config: RawBuildConfig = json5::from_str(&text).ok()?;
    let out_dir = config.compiler_options.out_dir?;
    let root_dir = match config.compiler_options.root_dir {
        Some(root) => root,
        None => {
            let folders: Vec<&str> = config
                .include
                .iter()
                .map(|glob| {
                    glob.split(['*', '{'])
                        .next()
                        .unwrap_or("")
                        .trim_end_matches('/')
                })
                .filter(|folder| !folder.is_empty())
                .collect();
            match folders.as_slice() {
                [one] => one.to_string(),
                _ if dir.join("src").is_dir() => "src".to_string(),
                _ => return None,
            }
        }
    };
    Some((
        normalize(&dir.join(out_dir)),
        normalize(&dir.join(root_dir)),
    ))
}

/// A file flaglint can read, not a declaration file (which holds no values).
fn source_file(path: &Path) -> Option<PathBuf> {
    resolve_file(path).filter(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| !crate::parse::is_declaration_file(n))
    })
}

/// The targets `exports` gives for a subpath key (`.`, `./constants`), in condition order:
/// a string, an array of fallbacks, a conditions object, or a subpath map with `*`.
fn exports_target(exports: &serde_json::Value, key: &str) -> Vec<String> {
    use serde_json::Value;
    let subpath_map = match exports {
        Value::Object(map) if map.keys().any(|k| k.starts_with('.')) => Some(map),
        _ => None,
    };
    let Some(map) = subpath_map else {
        // The whole value is the package's main export.
        return if key == "." {
            condition_targets(exports)
        } else {
            Vec::new()
        };
    };
    if let Some(value) = map.get(key) {
        return condition_targets(value);
    }
    // `"./*": "./src/*.ts"`: the longest matching prefix wins.
    let mut patterns: Vec<(&String, &Value)> =
        map.iter().filter(|(k, _)| k.contains('*')).collect();
    patterns.sort_by_key(|(k, _)| std::cmp::Reverse(k.find('*').unwrap_or(0)));
    for (pattern, value) in patterns {
        if let Some(captured) = match_alias(pattern, key) {
            return condition_targets(value)
                .into_iter()
                .map(|t| t.replace('*', captured))
                .collect();
        }
    }
    Vec::new()
}

fn condition_targets(value: &serde_json::Value) -> Vec<String> {
    use serde_json::Value;
    match value {
        Value::String(target) => vec![target.clone()],
        Value::Array(list) => list.iter().flat_map(condition_targets).collect(),
        Value::Object(conditions) => {
            let mut targets: Vec<String> = CONDITIONS
                .iter()
                .filter_map(|c| conditions.get(*c))
                .flat_map(condition_targets)
                .collect();
            // Conditions flaglint does not know come last.
            targets.extend(
                conditions
                    .iter()
                    .filter(|(c, _)| !CONDITIONS.contains(&c.as_str()))
                    .flat_map(|(_, v)| condition_targets(v)),
            );
            targets
        }
        _ => Vec::new(),
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
    // A solution-style tsconfig.json (Vite's template) leaves the options of its files to
    // the configs it references (`tsconfig.app.json`): their `paths` count too, after its own.
    if depth < MAX_EXTENDS {
        for reference in &raw.references {
            let mut referenced = dir.join(&reference.path);
            if referenced.is_dir() {
                referenced.push("tsconfig.json");
            }
            let found = load_aliases(&referenced, depth + 1);
            if aliases.base_url.is_none() {
                aliases.base_url = found.base_url;
            }
            for (pattern, targets) in found.paths {
                if !aliases.paths.iter().any(|(known, _)| *known == pattern) {
                    aliases.paths.push((pattern, targets));
                }
            }
        }
        aliases.paths.sort_by_key(|(pattern, _)| {
            std::cmp::Reverse(pattern.find('*').unwrap_or(pattern.len()))
        });
    }
    aliases
}

/// `a/b/../c` is `a/c`: a specifier like `"../.."` must still name a folder with an index file,
/// and a module reached through an alias (`"paths": { "@common/*": ["../common/*"] }`) must
/// have the same name as when reached by a relative path, or it is parsed once per name.
pub fn normalize(path: &Path) -> PathBuf {
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
    if super::reads::is_file(base) {
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
            if super::reads::is_file(&candidate) {
                return Some(candidate);
            }
        }
    }
    let name = base.file_name()?.to_str()?;
    for ext in EXTENSIONS {
        let candidate = base.with_file_name(format!("{name}.{ext}"));
        if super::reads::is_file(&candidate) {
            return Some(candidate);
        }
    }
    for ext in EXTENSIONS {
        let candidate = base.join(format!("index.{ext}"));
        if super::reads::is_file(&candidate) {
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
    fn paths_of_a_referenced_config_count() {
        // Vite's layout: tsconfig.json extends a base with its own aliases and references
        // tsconfig.app.json, which extends it back and holds the app's `@/*`.
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("app/src/enums")).unwrap();
        std::fs::write(root.join("app/src/enums/Flags.ts"), "export {}").unwrap();
        std::fs::write(
            root.join("tsconfig.base.json"),
            r#"{ "compilerOptions": { "paths": { "@libs/*": ["libs/*"] } } }"#,
        )
        .unwrap();
        std::fs::write(
            root.join("app/tsconfig.json"),
            r#"{ "files": [], "references": [{ "path": "./tsconfig.app.json" }], "extends": "../tsconfig.base.json" }"#,
        )
        .unwrap();
        std::fs::write(
            root.join("app/tsconfig.app.json"),
            r#"{ "extends": "./tsconfig.json", "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["src/*"] } } }"#,
        )
        .unwrap();
        let found = ModulePaths::default().resolve(&root.join("app/src/page.tsx"), "@/enums/Flags");
        assert_eq!(found, Some(root.join("app/src/enums/Flags.ts")));
    }

    #[test]
    fn alias_patterns() {
        assert_eq!(match_alias("@/*", "@/flags"), Some("flags"));
        assert_eq!(match_alias("@app/*", "@/flags"), None);
        assert_eq!(match_alias("flags", "flags"), Some(""));
        assert_eq!(match_alias("*.js", "a.js"), Some("a"));
    }
}
