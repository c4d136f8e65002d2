//! The app's source files as `fix` reads them: every JS/TS file the scan walks, read
//! once, in parallel. Declarations of a flag and the imports of a module can be in any
//! file, not only in those holding reads.

use std::path::Path;
use std::sync::Mutex;

use ignore::WalkState;

use super::SourceFile;
use crate::scan::{display_path, ScanOptions};
use crate::walk::{read_at_most, walker};

/// Every source file under the scan's paths that its filter accepts, as UTF-8 text, sorted
/// by path. Files that cannot be read, are too large or are not UTF-8 are passed over: the
/// scan has reported them already.
pub fn read_all(options: &ScanOptions) -> anyhow::Result<Vec<SourceFile>> {
    let walk = walker(&options.paths, options.threads)?;
    let found = Mutex::new(Vec::new());
    walk.run(|| {
        let found = &found;
        Box::new(move |entry| {
            let Ok(entry) = entry else {
                return WalkState::Continue;
            };
            let relative = entry
                .path()
                .strip_prefix(&options.root)
                .unwrap_or(entry.path())
                .to_path_buf();
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if is_dir {
                if entry.depth() > 0 && options.filter.skips_dir(&relative) {
                    return WalkState::Skip;
                }
                return WalkState::Continue;
            }
            if !entry.file_type().is_some_and(|t| t.is_file())
                || options.filter.accepts_file(&relative).is_none()
            {
                return WalkState::Continue;
            }
            if let Some(file) = read(entry.path(), &relative, options.max_file_size) {
                if let Ok(mut found) = found.lock() {
                    found.push(file);
                }
            }
            WalkState::Continue
        })
    });
    let mut files = found.into_inner().unwrap_or_default();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn read(path: &Path, relative: &Path, limit: u64) -> Option<SourceFile> {
    let bytes = read_at_most(path, limit).ok()?.ok()?;
    let text = String::from_utf8(bytes).ok()?;
    Some(SourceFile {
        path: display_path(relative),
        absolute: path.canonicalize().unwrap_or_else(|_| path.to_path_buf()),
        text,
    })
}
