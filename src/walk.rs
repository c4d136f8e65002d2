//! The walk: which files under the scan paths are JavaScript or TypeScript source.
//!
//! `ignore` does the work ripgrep's walk does: .gitignore, .ignore and git's excludes are
//! respected, hidden files skipped, links not followed (so no loops), all in parallel.
//! On top: `node_modules` is always excluded (a repo without a .gitignore still has one),
//! plus `--include` / `--exclude` globs and `[scan]` in flaglint.toml, matched against the
//! path relative to the scan root.

use std::io::Read;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkParallel};

use crate::parse::{is_declaration_file, Lang};

const DEFAULT_EXCLUDES: [&str; 1] = ["**/node_modules"];

#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error("invalid glob {glob:?}: {message}")]
    Glob { glob: String, message: String },
    #[error("{path}: no such file or directory")]
    Missing { path: PathBuf },
}

/// Which files to read.
pub struct FileFilter {
    include: Option<GlobSet>,
    exclude: GlobSet,
    declarations: bool,
}

impl FileFilter {
    pub fn new(
        include: &[String],
        exclude: &[String],
        declarations: bool,
    ) -> Result<FileFilter, WalkError> {
        let include = if include.is_empty() {
            None
        } else {
            Some(glob_set(include.iter().map(String::as_str))?)
        };
        let exclude = glob_set(
            DEFAULT_EXCLUDES
                .iter()
                .copied()
                .chain(exclude.iter().map(String::as_str)),
        )?;
        Ok(FileFilter {
            include,
            exclude,
            declarations,
        })
    }

    /// A directory under an excluded path is not entered at all.
    pub fn skips_dir(&self, relative: &Path) -> bool {
        self.exclude.is_match(relative)
    }

    /// The grammar for a file that is to be scanned, or None.
    pub fn accepts_file(&self, relative: &Path) -> Option<Lang> {
        if self.exclude.is_match(relative) {
            return None;
        }
        if let Some(include) = &self.include {
            if !include.is_match(relative) {
                return None;
            }
        }
        let name = relative.file_name()?.to_str()?;
        if is_declaration_file(name) {
            if !self.declarations {
                return None;
            }
            return Some(Lang::TypeScript);
        }
        Lang::from_path(relative)
    }
}

/// gitignore-like globs: `*` stays within a folder, a glob without `/` matches at any depth,
/// and a folder glob covers what is under it.
fn glob_set<'a>(globs: impl Iterator<Item = &'a str>) -> Result<GlobSet, WalkError> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        let trimmed = glob.trim_start_matches("./").trim_end_matches('/');
        let anchored = if trimmed.contains('/') {
            trimmed.trim_start_matches('/').to_string()
        } else {
            format!("**/{trimmed}")
        };
        for pattern in [anchored.clone(), format!("{anchored}/**")] {
            let compiled = GlobBuilder::new(&pattern)
                .literal_separator(true)
                .build()
                .map_err(|err| WalkError::Glob {
                    glob: glob.to_string(),
                    message: err.kind().to_string(),
                })?;
            builder.add(compiled);
        }
    }
    builder.build().map_err(|err| WalkError::Glob {
        glob: String::new(),
        message: err.to_string(),
    })
}

/// Where the scan reads files from: the working tree, or git's index for `check --staged`
/// (what is about to be committed, whatever the working copy holds now). Imported modules
/// are read from the same place as the files that import them.
#[derive(Clone, Default)]
pub enum Files {
    #[default]
    WorkTree,
    Index(std::sync::Arc<crate::git::Index>),
}

impl Files {
    /// The file's bytes, or `Err(size)` when they are larger than `limit`.
    pub fn read_at_most(&self, path: &Path, limit: u64) -> std::io::Result<Result<Vec<u8>, u64>> {
        match self {
            Files::WorkTree => read_at_most(path, limit),
            Files::Index(index) => index.read_at_most(path, limit),
        }
    }
}

/// The file's bytes, or `Err(size)` when it is larger than `limit`. The size comes from
/// the open file, so there is no separate lookup by path.
pub fn read_at_most(path: &Path, limit: u64) -> std::io::Result<Result<Vec<u8>, u64>> {
    let mut file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > limit {
        return Ok(Err(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0) + 1);
    file.read_to_end(&mut bytes)?;
    Ok(Ok(bytes))
}

/// The parallel walker over `paths`; every path must exist.
pub fn walker(paths: &[PathBuf], threads: usize) -> Result<WalkParallel, WalkError> {
    let (first, rest) = paths.split_first().ok_or_else(|| WalkError::Missing {
        path: PathBuf::from("."),
    })?;
    for path in paths {
        if std::fs::symlink_metadata(path).is_err() {
            return Err(WalkError::Missing { path: path.clone() });
        }
    }
    let mut builder = WalkBuilder::new(first);
    for path in rest {
        builder.add(path);
    }
    builder
        .threads(threads)
        .hidden(true)
        .follow_links(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(true)
        // A .gitignore applies even in a folder that is not (yet) a git repository.
        .require_git(false);
    Ok(builder.build_parallel())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(include: &[&str], exclude: &[&str]) -> FileFilter {
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        FileFilter::new(&owned(include), &owned(exclude), false).unwrap()
    }

    #[test]
    fn node_modules_is_excluded_by_default() {
        let f = filter(&[], &[]);
        assert!(f.skips_dir(Path::new("node_modules")));
        assert!(f.skips_dir(Path::new("packages/a/node_modules")));
        assert!(f.accepts_file(Path::new("src/a.ts")).is_some());
    }

    #[test]
    fn include_and_exclude_globs() {
        let f = filter(&["src/**"], &["*.stories.tsx", "src/legacy"]);
        assert!(f.accepts_file(Path::new("src/a.tsx")).is_some());
        assert!(f.accepts_file(Path::new("lib/a.tsx")).is_none());
        assert!(f
            .accepts_file(Path::new("src/deep/a.stories.tsx"))
            .is_none());
        assert!(f.skips_dir(Path::new("src/legacy")));
        assert!(f.accepts_file(Path::new("src/legacy/x.ts")).is_none());
    }

    #[test]
    fn declaration_files_are_skipped_unless_asked() {
        assert!(filter(&[], &[])
            .accepts_file(Path::new("a/types.d.ts"))
            .is_none());
        let with = FileFilter::new(&[], &[], true).unwrap();
        assert!(with.accepts_file(Path::new("a/types.d.ts")).is_some());
    }

    #[test]
    fn bad_glob_is_an_error() {
        assert!(FileFilter::new(&["src/[".into()], &[], false).is_err());
    }
}
