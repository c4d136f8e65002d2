//! Lines of the scanned files, read once per file: for inline `flaglint-ignore` comments
//! and for the code frames and fingerprints the reporters show.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Source lines by file (relative to the scan root), read on first use.
pub struct SourceLines {
    root: PathBuf,
    files: HashMap<String, Option<Vec<String>>>,
}

impl SourceLines {
    pub fn new(root: &Path) -> SourceLines {
        SourceLines {
            root: root.to_owned(),
            files: HashMap::new(),
        }
    }

    /// Line `line` (1-based) of `file`, or None when the file cannot be read or is shorter.
    pub fn line(&mut self, file: &str, line: usize) -> Option<&str> {
        let root = &self.root;
        let lines = self.files.entry(file.to_string()).or_insert_with(|| {
            std::fs::read_to_string(root.join(file))
                .ok()
                .map(|text| text.lines().map(String::from).collect())
        });
        lines
            .as_ref()?
            .get(line.checked_sub(1)?)
            .map(String::as_str)
    }
}
