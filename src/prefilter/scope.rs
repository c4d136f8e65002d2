//! Which SDKs each file can reach, package by package.
//!
//! In a monorepo, one package that depends on `flagsmith` does not make every `getValue` of
//! every other package a Flagsmith read (a vendored react-dom bundle under some package's
//! test assets holds dozens). A file reaches an SDK only if its package (the folder of the
//! nearest package.json) can:
//! - the package.json depends on it, or a file of the package imports it (a dependency
//!   hoisted from elsewhere in the workspace still has to be imported to be used);
//! - an HTML page of the package installs it with a script tag;
//! - a package.json above it depends on it (hoisted to a workspace root);
//! - a workspace package it depends on reaches it: a client created in `@acme/flags` and
//!   imported from there is read in packages that never name the SDK.
//!
//! A file under no package.json reaches what the files under no package.json import, and a
//! package.json in or above the scanned folder counts for every file. Not followed: a
//! client imported from another package by a relative path or a tsconfig alias, without a
//! dependency on that package (reads through the app's own helpers are found either way).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Manifest;

/// What the walk saw that decides the scopes.
#[derive(Default)]
pub struct ScopeFacts {
    /// Each package.json, by its folder.
    pub manifests: Vec<(PathBuf, Manifest)>,
    /// Files that import an SDK package, with those SDKs.
    pub imports: Vec<(PathBuf, u64)>,
    /// HTML pages that install an SDK with a script tag, with those SDKs.
    pub script_tags: Vec<(PathBuf, u64)>,
}

impl ScopeFacts {
    pub fn absorb(&mut self, other: ScopeFacts) {
        self.manifests.extend(other.manifests);
        self.imports.extend(other.imports);
        self.script_tags.extend(other.script_tags);
    }
}

/// The SDKs each package can reach.
#[derive(Debug, Default)]
pub struct SdkScopes {
    by_package: HashMap<PathBuf, u64>,
    /// For files under no package.json.
    outside: u64,
    /// For every file: the SDKs of the package.json files in and above the scanned folders,
    /// and the SDKs that name no package (declared wrappers).
    everywhere: u64,
}

impl SdkScopes {
    pub fn new(facts: ScopeFacts, everywhere: u64) -> SdkScopes {
        let ScopeFacts {
            mut manifests,
            imports,
            script_tags,
        } = facts;
        manifests.sort_by(|a, b| a.0.cmp(&b.0));
        let index: HashMap<&Path, usize> = manifests
            .iter()
            .enumerate()
            .map(|(i, (dir, _))| (dir.as_path(), i))
            .collect();
        let package_of = |file: &Path| {
            file.ancestors()
                .skip(1)
                .find_map(|dir| index.get(dir).copied())
        };
        let mut own: Vec<u64> = manifests.iter().map(|(_, m)| m.sdks).collect();
        let mut outside = 0;
        for (file, sdks) in imports.iter().chain(&script_tags) {
            match package_of(file) {
                Some(package) => own[package] |= sdks,
                None => outside |= sdks,
            }
        }
        let by_name: HashMap<&str, usize> = manifests
            .iter()
            .enumerate()
            .filter_map(|(i, (_, m))| Some((m.name.as_deref()?, i)))
            .collect();
        // What each package takes in: the package.json above it, and the workspace
        // packages it depends on.
        let sources: Vec<Vec<usize>> = manifests
            .iter()
            .map(|(dir, manifest)| {
                let parent = dir.parent().and_then(package_of_dir(&index));
                let dependencies = manifest
                    .dependencies
                    .iter()
                    .filter_map(|name| by_name.get(name.as_str()).copied());
                parent.into_iter().chain(dependencies).collect()
            })
            .collect();
        let mut scope = own;
        // To a fixed point: each pass carries scopes at least one edge further, and a
        // pass that changes nothing ends it (cycles of workspace dependencies included).
        loop {
            let mut changed = false;
            for (package, from) in sources.iter().enumerate() {
                let reached = from.iter().fold(scope[package], |set, &s| set | scope[s]);
                if reached != scope[package] {
                    scope[package] = reached;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        SdkScopes {
            by_package: manifests
                .into_iter()
                .map(|(dir, _)| dir)
                .zip(scope)
                .collect(),
            outside,
            everywhere,
        }
    }

    /// The SDKs `file` can reach.
    pub fn of(&self, file: &Path) -> u64 {
        let package = file
            .ancestors()
            .skip(1)
            .find_map(|dir| self.by_package.get(dir).copied());
        package.unwrap_or(self.outside) | self.everywhere
    }

    /// The SDKs some file can reach.
    pub fn union(&self) -> u64 {
        self.by_package
            .values()
            .fold(self.outside | self.everywhere, |set, s| set | s)
    }
}

/// The package whose folder is `dir` or the nearest one above it.
fn package_of_dir<'a>(index: &'a HashMap<&Path, usize>) -> impl Fn(&Path) -> Option<usize> + 'a {
    move |dir: &Path| dir.ancestors().find_map(|d| index.get(d).copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAGSMITH: u64 = 0b01;
    const UNLEASH: u64 = 0b10;

    fn manifest(name: &str, sdks: u64, dependencies: &[&str]) -> Manifest {
        Manifest {
            name: Some(name.to_string()),
            sdks,
            dependencies: dependencies.iter().map(|d| d.to_string()).collect(),
        }
    }

    fn scopes(facts: ScopeFacts) -> SdkScopes {
        SdkScopes::new(facts, 0)
    }

    #[test]
    fn a_package_reaches_only_what_it_depends_on() {
        let scopes = scopes(ScopeFacts {
            manifests: vec![
                ("apps/web".into(), manifest("web", FLAGSMITH, &[])),
                ("vendor/bundles".into(), manifest("bundles", 0, &[])),
                ("apps/api".into(), manifest("api", UNLEASH, &[])),
            ],
            ..ScopeFacts::default()
        });
        assert_eq!(scopes.of(Path::new("apps/web/src/a.ts")), FLAGSMITH);
        assert_eq!(scopes.of(Path::new("apps/api/src/deep/b.ts")), UNLEASH);
        assert_eq!(scopes.of(Path::new("vendor/bundles/react-dom.js")), 0);
        assert_eq!(scopes.union(), FLAGSMITH | UNLEASH);
    }

    #[test]
    fn imports_hoisting_parents_and_workspace_packages_widen_a_scope() {
        let scopes = scopes(ScopeFacts {
            manifests: vec![
                ("".into(), manifest("root", UNLEASH, &[])),
                ("packages/flags".into(), manifest("@acme/flags", 0, &[])),
                (
                    "apps/web".into(),
                    manifest("web", 0, &["@acme/flags", "react"]),
                ),
                ("apps/docs".into(), manifest("docs", 0, &[])),
            ],
            // A hoisted dependency, imported without being declared.
            imports: vec![("packages/flags/src/client.ts".into(), FLAGSMITH)],
            script_tags: vec![],
        });
        assert_eq!(
            scopes.of(Path::new("apps/web/src/page.tsx")),
            FLAGSMITH | UNLEASH
        );
        assert_eq!(scopes.of(Path::new("apps/docs/a.ts")), UNLEASH);
    }

    #[test]
    fn cycles_end_and_files_outside_packages_share_one_scope() {
        let scopes = scopes(ScopeFacts {
            manifests: vec![
                ("a".into(), manifest("a", FLAGSMITH, &["b"])),
                ("b".into(), manifest("b", 0, &["a"])),
            ],
            imports: vec![("scripts/seed.ts".into(), UNLEASH)],
            script_tags: vec![("b/public/index.html".into(), UNLEASH)],
        });
        assert_eq!(scopes.of(Path::new("b/x.ts")), FLAGSMITH | UNLEASH);
        assert_eq!(scopes.of(Path::new("a/x.ts")), FLAGSMITH | UNLEASH);
        assert_eq!(scopes.of(Path::new("tools/y.ts")), UNLEASH);
    }

    #[test]
    fn everywhere_counts_for_every_file() {
        let scopes = SdkScopes::new(
            ScopeFacts {
                manifests: vec![("a".into(), manifest("a", 0, &[]))],
                ..ScopeFacts::default()
            },
            FLAGSMITH,
        );
        assert_eq!(scopes.of(Path::new("a/x.ts")), FLAGSMITH);
        assert_eq!(scopes.of(Path::new("x.ts")), FLAGSMITH);
    }
}
