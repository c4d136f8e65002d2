//! Paths as the user writes them: relative to the working directory when inside it, as
//! ripgrep and eslint print them, so that a path in any output or message opens from the
//! shell it was printed in.

use std::path::{Path, PathBuf};

/// `path` relative to the current folder when inside it, else as it is.
pub fn relative_to_cwd(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|c| c.canonicalize().ok());
    let absolute = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    match cwd.as_deref().and_then(|c| absolute.strip_prefix(c).ok()) {
        Some(relative) => relative.to_path_buf(),
        None => path.to_path_buf(),
    }
}
