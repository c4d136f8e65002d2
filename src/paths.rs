//! Paths as the user writes them: relative to the working directory when inside it, as
//! ripgrep and eslint print them, so that a path in any output or message opens from the
//! shell it was printed in.

use std::path::{Component, Path, PathBuf};

/// `path` relative to the current folder when inside it, else as it is. A path that does
/// not exist (yet: a snapshot to be written) is compared as written.
pub fn relative_to_cwd(path: &Path) -> PathBuf {
    let Ok(cwd) = std::env::current_dir() else {
        return path.to_path_buf();
    };
    let canonical_cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.clone());
    let absolute = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    [
        (&absolute, &canonical_cwd),
        (&path.to_path_buf(), &cwd),
        (&path.to_path_buf(), &canonical_cwd),
    ]
    .iter()
    .find_map(|(p, dir)| p.strip_prefix(dir).ok())
    .map_or_else(|| path.to_path_buf(), Path::to_path_buf)
}

/// A scanned file's path as every output prints it: the scan root joined with `file` (which
/// is relative to it), relative to the working directory, `/`-separated. A root given as a
/// relative path stays as given (`../web/src/a.ts`); an absolute root inside the working
/// directory is shortened, one outside it stays absolute.
pub fn from_cwd(root: &Path, file: &str) -> String {
    let joined = if root.as_os_str().is_empty() || root == Path::new(".") {
        PathBuf::from(file)
    } else {
        root.join(file)
    };
    let relative = if joined.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| joined.strip_prefix(cwd).ok().map(Path::to_path_buf))
            .unwrap_or(joined)
    } else {
        joined
    };
    slashes(&relative)
}

/// `/`-separated on every platform.
pub fn slashes(path: &Path) -> String {
    let text = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// `a/./b/../c` as `a/c`, without asking the file system.
pub fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
